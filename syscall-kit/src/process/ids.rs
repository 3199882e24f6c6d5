//! Sessions, process groups and user ids: `setsid(2)`, `setpgid(2)`, `getpgid(2)`,
//! `getuid(2)`, `getgid(2)`, `geteuid(2)`, `getegid(2)`.
//!
//! The id calls are the 32-bit ones everywhere (`getuid32` … on i686 and arm, see
//! `crate::arch`), so that an id past 65535 reads as itself.

use super::Pid;
use crate::Result;
use crate::arch::ids;
use crate::raw::{self, nr};

/// `setsid(2)`: makes the caller the leader of a new session and of a new process group, with
/// no controlling terminal, and returns the session id (the caller's pid). A process group
/// leader cannot: [`Errno::EPERM`](crate::Errno::EPERM).
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/setsid.2.html
pub fn setsid() -> Result<Pid> {
    // SAFETY: `setsid` touches no memory.
    unsafe { raw::syscall0(nr::SETSID) }.map(|sid| sid as Pid)
}

/// `setpgid(2)`: moves the process `pid` (0: the caller) into the process group `pgid` (0: the
/// group whose id is `pid`, a new one if needed). `setpgid(0, 0)` makes the caller the leader of
/// a group of its own.
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/setpgid.2.html
pub fn setpgid(pid: Pid, pgid: Pid) -> Result<()> {
    // SAFETY: `setpgid` touches no memory.
    unsafe { raw::syscall2(nr::SETPGID, pid as usize, pgid as usize) }.map(drop)
}

/// `getpgid(2)`: the process group of `pid` (0: the caller; `getpgrp(2)` is `getpgid(0)`,
/// and aarch64 and riscv64 have no `getpgrp`).
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/setpgid.2.html
pub fn getpgid(pid: Pid) -> Result<Pid> {
    // SAFETY: `getpgid` touches no memory.
    unsafe { raw::syscall1(nr::GETPGID, pid as usize) }.map(|g| g as Pid)
}

/// `getuid(2)`: the real user id of the caller.
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/getuid.2.html
pub fn getuid() -> u32 {
    // SAFETY: `getuid` touches no memory and cannot fail.
    unsafe { raw::syscall0_infallible(ids::GETUID) as u32 }
}

/// `getgid(2)`: the real group id of the caller.
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/getgid.2.html
pub fn getgid() -> u32 {
    // SAFETY: `getgid` touches no memory and cannot fail.
    unsafe { raw::syscall0_infallible(ids::GETGID) as u32 }
}

/// `geteuid(2)`: the effective user id of the caller, the one the kernel checks permissions
/// with (and the one an unprivileged process may map in a new user namespace:
/// [`crate::ns::write_uid_map`]).
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/getuid.2.html
pub fn geteuid() -> u32 {
    // SAFETY: `geteuid` touches no memory and cannot fail.
    unsafe { raw::syscall0_infallible(ids::GETEUID) as u32 }
}

/// `getegid(2)`: the effective group id of the caller.
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/getgid.2.html
pub fn getegid() -> u32 {
    // SAFETY: `getegid` touches no memory and cannot fail.
    unsafe { raw::syscall0_infallible(ids::GETEGID) as u32 }
}
