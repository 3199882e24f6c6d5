//! The host name of the caller's UTS namespace: `sethostname(2)`.

use crate::Result;
use crate::raw::{self, nr};

/// The longest host name, in bytes (`HOST_NAME_MAX`, `__NEW_UTS_LEN`).
pub const HOST_NAME_MAX: usize = 64;

/// `sethostname(2)`: sets the host name of the caller's UTS namespace (what `uname(2)`'s
/// `nodename` and `/proc/sys/kernel/hostname` then read) to `name`, which is not
/// NUL-terminated.
///
/// A name longer than [`HOST_NAME_MAX`] bytes fails with
/// [`Errno::EINVAL`](crate::Errno::EINVAL); a caller without
/// `CAP_SYS_ADMIN` in the user namespace that owns its UTS namespace with
/// [`Errno::EPERM`](crate::Errno::EPERM) (make
/// a new one first: [`super::CloneFlags::NEWUTS`]).
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/sethostname.2.html
pub fn sethostname(name: &[u8]) -> Result<()> {
    // SAFETY: the kernel reads `name.len()` bytes at `name`, which we borrow.
    unsafe { raw::syscall2(nr::SETHOSTNAME, name.as_ptr() as usize, name.len()) }.map(drop)
}
