//! Removing a name: `unlinkat(2)` (a file, a link, or with [`AtFlags::REMOVEDIR`] an empty
//! directory).

use super::AtFlags;
use crate::fd::AsFd;
use crate::raw::{self, nr};
use crate::{PathArg, Result};

/// `unlinkat(2)`: removes the name `path` (relative to the directory `dirfd`, or
/// [`CWD`](super::CWD)): a file, a symbolic link (never what it points to), or with
/// [`AtFlags::REMOVEDIR`] an empty directory.
///
/// A directory without `REMOVEDIR` fails with [`Errno::EISDIR`](crate::Errno::EISDIR); a file
/// with it, with [`Errno::ENOTDIR`](crate::Errno::ENOTDIR); a directory that is not empty with
/// [`Errno::ENOTEMPTY`](crate::Errno::ENOTEMPTY). Implemented as `unlinkat` on every
/// architecture (aarch64 and riscv64 have no `unlink` nor `rmdir`).
///
/// # References
///  - [Linux]
///  - [Linux rmdir]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/unlink.2.html
/// [Linux rmdir]: https://man7.org/linux/man-pages/man2/rmdir.2.html
pub fn unlinkat(dirfd: impl AsFd, path: impl PathArg, flags: AtFlags) -> Result<()> {
    let dirfd = dirfd.as_fd().as_raw_fd();
    path.with_c_str(|path| {
        // SAFETY: `path` is a NUL-terminated string that outlives the call.
        unsafe {
            raw::syscall3(
                nr::UNLINKAT,
                dirfd as usize,
                path.as_ptr() as usize,
                flags.bits() as usize,
            )
        }
        .map(drop)
    })
}
