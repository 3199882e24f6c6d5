//! `pivot_root(2)`: changing the root mount.

use crate::raw::{self, nr};
use crate::{PathArg, Result};

/// `pivot_root(2)`: makes the mount at `new_root` the root mount of the caller's mount
/// namespace, and moves the old root mount to `put_old`, which must be at or below `new_root`.
/// The root and current directory of every process of the namespace that stood in the old
/// root move to the new one.
///
/// `pivot_root(".", ".")` after a change of directory into `new_root` needs no directory for
/// the old root: it is then stacked on the new one, and `umount2(".", DETACH)` takes it away
/// (what runc does, after LXC). `new_root` must be a mount point (bind-mount a directory onto
/// itself to make one), neither it nor the current root may be a shared mount, and `put_old`
/// must be under `new_root`: else [`Errno::EINVAL`](crate::Errno::EINVAL); the same mount as
/// the current root is [`Errno::EBUSY`](crate::Errno::EBUSY); no privilege
/// [`Errno::EPERM`](crate::Errno::EPERM).
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/pivot_root.2.html
pub fn pivot_root(new_root: impl PathArg, put_old: impl PathArg) -> Result<()> {
    new_root.with_c_str(|new_root| {
        put_old.with_c_str(|put_old| {
            // SAFETY: both are NUL-terminated strings that outlive the call.
            unsafe {
                raw::syscall2(
                    nr::PIVOT_ROOT,
                    new_root.as_ptr() as usize,
                    put_old.as_ptr() as usize,
                )
            }
            .map(drop)
        })
    })
}
