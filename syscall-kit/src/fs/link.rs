//! Symbolic links: `readlinkat(2)`/`readlink(2)`, and `symlinkat(2)`, which makes one.

use super::CWD;
use crate::fd::AsFd;
use crate::raw::{self, nr};
use crate::{PathArg, Result};

/// `readlinkat(2)`: copies the target of the symbolic link `path` (relative to the directory
/// `dirfd`, or [`CWD`]) into `buf` and returns its length. No NUL is appended.
///
/// A target longer than `buf` is cut to `buf.len()` bytes, as the kernel does: a result equal to
/// `buf.len()` may be cut (retry with a larger buffer; [`PATH_MAX`](crate::PATH_MAX) always
/// suffices for a link the kernel can follow). A `path` that is not a symbolic link fails with
/// [`Errno::EINVAL`](crate::Errno::EINVAL).
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/readlink.2.html
pub fn readlinkat(dirfd: impl AsFd, path: impl PathArg, buf: &mut [u8]) -> Result<usize> {
    let dirfd = dirfd.as_fd().as_raw_fd();
    path.with_c_str(|path| {
        // SAFETY: `path` is NUL-terminated and outlives the call; the kernel writes at most
        // `buf.len()` bytes into `buf`, which we borrow mutably.
        unsafe {
            raw::syscall4(
                nr::READLINKAT,
                dirfd as usize,
                path.as_ptr() as usize,
                buf.as_mut_ptr() as usize,
                buf.len(),
            )
        }
    })
}

/// `readlink(2)`: [`readlinkat`] relative to the current directory (implemented as
/// `readlinkat(AT_FDCWD, …)`: aarch64 and riscv64 have no `readlink`).
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/readlink.2.html
pub fn readlink(path: impl PathArg, buf: &mut [u8]) -> Result<usize> {
    readlinkat(CWD, path, buf)
}

/// `symlinkat(2)`: creates the symbolic link `linkpath` (relative to the directory `dirfd`, or
/// [`CWD`]) whose target is `target`, taken as it is: it need not exist, and a relative one is
/// resolved from the link's directory when the link is followed.
///
/// A `linkpath` that exists (a link included) fails with [`Errno::EEXIST`](crate::Errno::EEXIST);
/// one whose directory is missing with [`Errno::ENOENT`](crate::Errno::ENOENT); an empty
/// `target` with `ENOENT` too.
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/symlink.2.html
pub fn symlinkat(target: impl PathArg, dirfd: impl AsFd, linkpath: impl PathArg) -> Result<()> {
    let dirfd = dirfd.as_fd().as_raw_fd();
    target.with_c_str(|target| {
        linkpath.with_c_str(|linkpath| {
            // SAFETY: both are NUL-terminated strings that outlive the call.
            unsafe {
                raw::syscall3(
                    nr::SYMLINKAT,
                    target.as_ptr() as usize,
                    dirfd as usize,
                    linkpath.as_ptr() as usize,
                )
            }
            .map(drop)
        })
    })
}
