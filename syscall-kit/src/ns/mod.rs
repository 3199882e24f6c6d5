//! Namespaces: a process's own view of mounts, process ids, users, the network, System V IPC
//! and the host name (see `namespaces(7)`), a file per topic:
//!
//! | topic | system calls |
//! |---|---|
//! | this file | [`CloneFlags`] (`CLONE_NEW*`), [`unshare`] (`unshare(2)`): the caller moves into new namespaces |
//! | user and group ids of a new user namespace (`id_map.rs`) | [`deny_setgroups`], [`write_uid_map`], [`write_gid_map`] and [`map_ids`] over them: `/proc/self/setgroups`, `uid_map`, `gid_map` (`user_namespaces(7)`) |
//! | the host name (`uts.rs`) | [`sethostname`] (`sethostname(2)`) |
//!
//! A new process born in new namespaces is [`crate::process::fork_with`] (`clone(2)` with the
//! same flags). Mounts, which a new mount namespace makes private to it, are
//! [`crate::mount`].

use crate::Result;
use crate::raw::{self, nr};

mod id_map;
mod uts;

pub use id_map::{IdMap, deny_setgroups, map_ids, write_gid_map, write_uid_map};
pub use uts::{HOST_NAME_MAX, sethostname};

bitflags::bitflags! {
    /// The namespaces to make new (`CLONE_NEW*` of `clone(2)` and `unshare(2)`; see
    /// `namespaces(7)`).
    ///
    /// Only the namespace flags are here: `unshare(2)`'s others (`CLONE_FILES`, `CLONE_FS`,
    /// `CLONE_SYSVSEM`) stop sharing with the caller's threads, which the kit does not make,
    /// and `CLONE_NEWTIME` is left out because `clone(2)` cannot take it (its bit is part of
    /// the exit signal there).
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
    pub struct CloneFlags: u32 {
        /// `CLONE_NEWNS`: a mount namespace, a copy of the caller's mounts; mounts made in it
        /// are its own (once its mounts are made private: [`crate::mount::MountFlags::PRIVATE`]).
        const NEWNS = 0x0002_0000;
        /// `CLONE_NEWCGROUP`: a cgroup namespace, whose root is the caller's cgroup.
        const NEWCGROUP = 0x0200_0000;
        /// `CLONE_NEWUTS`: a UTS namespace, its own host and domain names ([`sethostname`]).
        const NEWUTS = 0x0400_0000;
        /// `CLONE_NEWIPC`: an IPC namespace, its own System V IPC objects and POSIX message
        /// queues.
        const NEWIPC = 0x0800_0000;
        /// `CLONE_NEWUSER`: a user namespace, in which the caller has every capability (over
        /// what the namespace owns) and no user id until one is mapped ([`map_ids`]). The only
        /// namespace an unprivileged process may make (where the system allows it); made
        /// first, so that it owns the others asked for with it. [`unshare`] refuses it in a
        /// process with several threads ([`Errno::EINVAL`](crate::Errno::EINVAL)).
        const NEWUSER = 0x1000_0000;
        /// `CLONE_NEWPID`: a PID namespace. [`unshare`] puts the caller's next child in it, as
        /// its process 1 (the caller stays where it is); [`crate::process::fork_with`] puts
        /// the child in it. When its process 1 ends, the kernel kills every other process of
        /// the namespace.
        const NEWPID = 0x2000_0000;
        /// `CLONE_NEWNET`: a network namespace, with only a loopback interface, down.
        const NEWNET = 0x4000_0000;
    }
}

/// `unshare(2)`: moves the calling process into new namespaces, one for each flag of
/// `namespaces` (see [`CloneFlags`] for what each gives and when).
///
/// Every namespace but a user namespace needs `CAP_SYS_ADMIN`: without it the call fails with
/// [`Errno::EPERM`](crate::Errno::EPERM), unless [`CloneFlags::NEWUSER`] is asked for too (the
/// new user namespace is made first and owns the others). A user namespace may be refused to
/// unprivileged processes by the system (`EPERM`; `ENOSPC` past
/// `/proc/sys/user/max_user_namespaces`), and to a process with several threads
/// ([`Errno::EINVAL`](crate::Errno::EINVAL)); unknown bits are `EINVAL`.
///
/// # References
///  - [Linux]
///  - [Linux namespaces]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/unshare.2.html
/// [Linux namespaces]: https://man7.org/linux/man-pages/man7/namespaces.7.html
pub fn unshare(namespaces: CloneFlags) -> Result<()> {
    // SAFETY: `unshare` reads and writes no memory of ours.
    unsafe { raw::syscall1(nr::UNSHARE, namespaces.bits() as usize) }.map(drop)
}
