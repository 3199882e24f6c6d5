//! A descriptor for a process: `pidfd_open(2)`.

use super::Pid;
use crate::Result;
use crate::fd::{OwnedFd, RawFd};
use crate::raw::{self, nr};

/// `pidfd_open(2)` (Linux 5.3): a descriptor that refers to the process `pid`, whatever id the
/// kernel later gives to another. [`crate::io::poll`] reports it readable
/// ([`PollFlags::IN`](crate::io::PollFlags::IN)) once the process has ended, so that a wait
/// for a child can be one more descriptor of a `poll` with a timeout. It is close-on-exec.
///
/// A `pid` that names no process fails with [`Errno::ESRCH`](crate::Errno::ESRCH); one below 1
/// with [`Errno::EINVAL`](crate::Errno::EINVAL); a kernel before 5.3 with
/// [`Errno::ENOSYS`](crate::Errno::ENOSYS).
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/pidfd_open.2.html
pub fn pidfd_open(pid: Pid) -> Result<OwnedFd> {
    // SAFETY: `pidfd_open` reads and writes no memory of ours.
    let fd = unsafe { raw::syscall2(nr::PIDFD_OPEN, pid as usize, 0) }?;
    // SAFETY: the kernel just opened `fd` for us; nobody else owns it.
    Ok(unsafe { OwnedFd::from_raw_fd(fd as RawFd) })
}
