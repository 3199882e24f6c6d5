//! Sending signals: [`kill`] (`kill(2)`), [`tgkill`] (`tgkill(2)`) and [`gettid`]
//! (`gettid(2)`).

use super::set::Signal;
use crate::Result;
use crate::process::Pid;
use crate::raw::{self, nr};

/// `gettid(2)`: the id of the calling thread (the process id, in a single-threaded process).
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/gettid.2.html
#[inline]
pub fn gettid() -> Pid {
    // SAFETY: `gettid` touches no memory and cannot fail.
    unsafe { raw::syscall0_infallible(nr::GETTID) as Pid }
}

/// `tgkill(2)`: sends `sig` to the thread `tid` of the process `tgid` (0: only check that it
/// could). Unlike `tkill`, it cannot hit a thread of another process that reused the id.
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/tgkill.2.html
#[inline]
pub fn tgkill(tgid: Pid, tid: Pid, sig: Signal) -> Result<()> {
    // SAFETY: `tgkill` reads no memory of ours.
    unsafe { raw::syscall3(nr::TGKILL, tgid as usize, tid as usize, sig as usize) }.map(drop)
}

/// `kill(2)`: sends signal `sig` to the process `pid` (0: to every process of the caller's
/// process group; -1: to every process it may signal; `-PGID`: to the process group `PGID`).
/// Signal 0 sends nothing and only checks that it could.
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/kill.2.html
#[inline]
pub fn kill(pid: Pid, sig: Signal) -> Result<()> {
    // SAFETY: `kill` reads no memory of ours.
    unsafe { raw::syscall2(nr::KILL, pid as usize, sig as usize) }.map(drop)
}
