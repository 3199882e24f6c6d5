//! `umount2(2)`: detaching a mount.

use crate::raw::{self, nr};
use crate::{PathArg, Result};

bitflags::bitflags! {
    /// The flags of [`umount2`] (`MNT_*`, `UMOUNT_NOFOLLOW`).
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
    pub struct UnmountFlags: u32 {
        /// `MNT_FORCE`: abort pending requests (network file systems); may lose data.
        const FORCE = 1;
        /// `MNT_DETACH`: a lazy unmount. The mount leaves the tree at once, so that no new
        /// path reaches it, and is released when nothing uses it any more (the way to unmount
        /// the old root after [`super::pivot_root`], which the caller still stands in).
        const DETACH = 2;
        /// `MNT_EXPIRE`: mark the mount expired; a second call unmounts it if it was not used
        /// meanwhile (`EAGAIN` the first time).
        const EXPIRE = 4;
        /// `UMOUNT_NOFOLLOW`: a symbolic link as `target` is not followed.
        const NOFOLLOW = 8;
    }
}

/// `umount2(2)`: detaches the mount at `target` from the caller's mount namespace.
///
/// Errors: a `target` that is not a mount point, or unknown flags
/// ([`Errno::EINVAL`](crate::Errno::EINVAL)); a mount in use, without
/// [`UnmountFlags::DETACH`] ([`Errno::EBUSY`](crate::Errno::EBUSY)); a missing `target`
/// ([`Errno::ENOENT`](crate::Errno::ENOENT)); no privilege, or a mount locked into a mount
/// namespace made by an unprivileged user ([`Errno::EPERM`](crate::Errno::EPERM)).
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/umount.2.html
pub fn umount2(target: impl PathArg, flags: UnmountFlags) -> Result<()> {
    target.with_c_str(|target| {
        // SAFETY: `target` is a NUL-terminated string that outlives the call.
        unsafe { raw::syscall2(nr::UMOUNT2, target.as_ptr() as usize, flags.bits() as usize) }
            .map(drop)
    })
}
