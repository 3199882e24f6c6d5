//! Renaming: `renameat2(2)` with [`RenameFlags`]: replace atomically, never replace, or swap.

use crate::fd::AsFd;
use crate::raw::{self, nr};
use crate::{PathArg, Result};

bitflags::bitflags! {
    /// Flags of [`renameat2`] (`RENAME_*`).
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
    pub struct RenameFlags: u32 {
        /// `RENAME_NOREPLACE`: fail with [`Errno::EEXIST`](crate::Errno::EEXIST) rather than
        /// replace an existing `newpath` (checked and done atomically, unlike a test before
        /// the call).
        const NOREPLACE = 1;
        /// `RENAME_EXCHANGE`: swap `oldpath` and `newpath`, which must both exist. Not with
        /// `NOREPLACE` ([`Errno::EINVAL`](crate::Errno::EINVAL)).
        const EXCHANGE = 2;
        /// `RENAME_WHITEOUT`: leave an overlay/union "whiteout" at `oldpath` (needs
        /// `CAP_MKNOD`).
        const WHITEOUT = 4;
    }
}

/// `renameat2(2)`: renames `oldpath` (relative to the directory `olddirfd`, or
/// [`CWD`](super::CWD)) to `newpath` (relative to `newdirfd`), as `flags` say; with empty
/// flags, a `newpath` that exists is replaced atomically, as `rename(2)` does.
///
/// Neither path's last component is followed if it is a symbolic link: the link itself is
/// renamed or replaced. Both must be on the same mount ([`Errno::EXDEV`](crate::Errno::EXDEV)
/// otherwise). A file system that cannot do what `flags` ask fails with
/// [`Errno::EINVAL`](crate::Errno::EINVAL). Implemented as `renameat2` on every architecture
/// (aarch64 and riscv64 have no `rename` nor `renameat`).
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/rename.2.html
pub fn renameat2(
    olddirfd: impl AsFd,
    oldpath: impl PathArg,
    newdirfd: impl AsFd,
    newpath: impl PathArg,
    flags: RenameFlags,
) -> Result<()> {
    let olddirfd = olddirfd.as_fd().as_raw_fd();
    let newdirfd = newdirfd.as_fd().as_raw_fd();
    oldpath.with_c_str(|oldpath| {
        newpath.with_c_str(|newpath| {
            // SAFETY: both paths are NUL-terminated strings that outlive the call.
            unsafe {
                raw::syscall5(
                    nr::RENAMEAT2,
                    olddirfd as usize,
                    oldpath.as_ptr() as usize,
                    newdirfd as usize,
                    newpath.as_ptr() as usize,
                    flags.bits() as usize,
                )
            }
            .map(drop)
        })
    })
}
