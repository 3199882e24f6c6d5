//! Mounts: file systems attached to the tree of the caller's mount namespace, a file per call:
//!
//! | topic | system calls |
//! |---|---|
//! | this file: attaching, binding, remounting, moving, changing propagation | [`mount`] with [`MountFlags`] (`mount(2)`) |
//! | detaching (`umount.rs`) | [`umount2`] with [`UnmountFlags`] (`umount2(2)`) |
//! | changing the root (`pivot_root.rs`) | [`pivot_root`] (`pivot_root(2)`) |
//!
//! Every call needs `CAP_SYS_ADMIN` in the user namespace that owns the caller's mount
//! namespace (else [`Errno::EPERM`](crate::Errno::EPERM)): root, or a process that made a user
//! namespace and a mount namespace of its own ([`crate::ns::unshare`]). In a new mount
//! namespace, make the mounts private first (`mount("", "/", "", PRIVATE | REC, None)`), so
//! that what is mounted there is not propagated back to the namespace it came from.

use core::ffi::CStr;

use crate::raw::{self, nr};
use crate::{PathArg, Result};

mod pivot_root;
mod umount;

pub use pivot_root::pivot_root;
pub use umount::{UnmountFlags, umount2};

bitflags::bitflags! {
    /// The `mountflags` of [`mount`] (`MS_*`, include/uapi/linux/mount.h). Which of them the
    /// call reads depends on its form: see [`mount`].
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
    pub struct MountFlags: u32 {
        /// `MS_RDONLY`: read-only.
        const RDONLY = 1;
        /// `MS_NOSUID`: set-user-ID and set-group-ID bits and file capabilities are ignored.
        const NOSUID = 2;
        /// `MS_NODEV`: device files cannot be opened.
        const NODEV = 4;
        /// `MS_NOEXEC`: programs cannot be run from it.
        const NOEXEC = 8;
        /// `MS_SYNCHRONOUS`: writes are synchronous.
        const SYNCHRONOUS = 16;
        /// `MS_REMOUNT`: change the flags (and `data`) of the mount at `target`.
        const REMOUNT = 32;
        /// `MS_DIRSYNC`: directory changes are synchronous.
        const DIRSYNC = 128;
        /// `MS_NOSYMFOLLOW` (Linux 5.10): symbolic links are not followed in paths through it.
        const NOSYMFOLLOW = 256;
        /// `MS_NOATIME`: access times are not updated.
        const NOATIME = 1024;
        /// `MS_NODIRATIME`: access times of directories are not updated.
        const NODIRATIME = 2048;
        /// `MS_BIND`: `source`, a file or directory, is made visible at `target` too.
        const BIND = 4096;
        /// `MS_MOVE`: the mount at `source` moves to `target`.
        const MOVE = 8192;
        /// `MS_REC`: with `BIND`, the mounts below `source` too; with a propagation flag, every
        /// mount below `target` too.
        const REC = 16384;
        /// `MS_SILENT`: fewer kernel log messages.
        const SILENT = 32768;
        /// `MS_UNBINDABLE`: the mount cannot be bound elsewhere.
        const UNBINDABLE = 1 << 17;
        /// `MS_PRIVATE`: mount and unmount events are neither received from nor sent to
        /// other mounts.
        const PRIVATE = 1 << 18;
        /// `MS_SLAVE`: events are received from the peer group, not sent to it.
        const SLAVE = 1 << 19;
        /// `MS_SHARED`: events are shared with the peer group.
        const SHARED = 1 << 20;
        /// `MS_RELATIME`: access times are updated only when older than the modification time.
        const RELATIME = 1 << 21;
        /// `MS_STRICTATIME`: access times are always updated.
        const STRICTATIME = 1 << 24;
        /// `MS_LAZYTIME`: times are kept in memory and written later.
        const LAZYTIME = 1 << 25;
    }
}

/// `mount(2)`: attaches a file system at `target`, or changes a mount, in the caller's mount
/// namespace. Its forms, by `flags`:
///
/// - a new mount (none of the flags below): the file system of type `fstype` (`c"tmpfs"`,
///   `c"proc"`, `c"overlay"` …) with `source` (a device, or a name shown in `/proc/mounts`),
///   its options `data` (`c"mode=755,size=65536k"`, as `mount -o` takes them), and the flags
///   `RDONLY`, `NOSUID`, `NODEV`, `NOEXEC`, the time flags;
/// - [`MountFlags::BIND`] (with `REC` for the mounts below): `source` also at `target`;
///   `fstype` and `data` are ignored, and the other flags too (a read-only bind mount is a
///   bind, then a remount with `REMOUNT | BIND | RDONLY`);
/// - [`MountFlags::REMOUNT`]: new flags (and `data`) for the mount at `target`; with `BIND`, the
///   flags of that mount point only, not of its file system;
/// - [`MountFlags::MOVE`]: the mount at `source` moves to `target`;
/// - `PRIVATE`, `SLAVE`, `SHARED` or `UNBINDABLE` (with `REC` for the mounts below): the
///   propagation of the mount at `target`; `source`, `fstype` and `data` are ignored.
///
/// An empty `source` or `fstype` is passed as a null pointer, as the man page writes for the
/// forms that ignore them; `data` is `None` for no options. `target` and `source` follow
/// symbolic links. Errors: no privilege ([`Errno::EPERM`](crate::Errno::EPERM)), an unknown
/// `fstype` ([`Errno::ENODEV`](crate::Errno::ENODEV)), a missing `target` or `source`
/// ([`Errno::ENOENT`](crate::Errno::ENOENT)), a remount or propagation change of what is not a
/// mount point, or options the file system refuses ([`Errno::EINVAL`](crate::Errno::EINVAL)).
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/mount.2.html
pub fn mount(
    source: impl PathArg,
    target: impl PathArg,
    fstype: impl PathArg,
    flags: MountFlags,
    data: Option<&CStr>,
) -> Result<()> {
    let data = data.map_or(0, |d| d.as_ptr() as usize);
    source.with_c_str(|source| {
        target.with_c_str(|target| {
            fstype.with_c_str(|fstype| {
                // SAFETY: each pointer is null or a NUL-terminated string that outlives the
                // call; the kernel only reads them (`data` is read up to a page, as a string
                // for every file system the kit's callers mount).
                unsafe {
                    raw::syscall5(
                        nr::MOUNT,
                        or_null(source),
                        target.as_ptr() as usize,
                        or_null(fstype),
                        flags.bits() as usize,
                        data,
                    )
                }
                .map(drop)
            })
        })
    })
}

/// The address of `s`, or 0 (a null pointer) for an empty string.
fn or_null(s: &CStr) -> usize {
    if s.is_empty() { 0 } else { s.as_ptr() as usize }
}
