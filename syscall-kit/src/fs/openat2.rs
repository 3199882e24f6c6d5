//! `openat2(2)`: [`openat`](super::openat) with a say over how the path is resolved
//! ([`ResolveFlags`]): stay beneath a directory, follow no symbolic links, cross no mount.

use super::{Mode, OFlags};
use crate::fd::{AsFd, OwnedFd, RawFd};
use crate::raw::{self, nr};
use crate::{PathArg, Result};

bitflags::bitflags! {
    /// How [`openat2`] resolves every component of the path (`RESOLVE_*`, the `resolve` field
    /// of `struct open_how`). A path the flags forbid fails; nothing is opened.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
    pub struct ResolveFlags: u64 {
        /// `RESOLVE_NO_XDEV`: cross no mount point (bind mounts included), or fail with
        /// [`Errno::EXDEV`](crate::Errno::EXDEV).
        const NO_XDEV = 0x01;
        /// `RESOLVE_NO_MAGICLINKS`: follow no "magic link" (the `/proc/PID/fd/N`,
        /// `/proc/PID/exe` kind, which jump to an open file rather than to a path), or fail
        /// with [`Errno::ELOOP`](crate::Errno::ELOOP).
        const NO_MAGICLINKS = 0x02;
        /// `RESOLVE_NO_SYMLINKS`: follow no symbolic link in any component, or fail with
        /// [`Errno::ELOOP`](crate::Errno::ELOOP). (Implies `NO_MAGICLINKS`. With
        /// `O_PATH | O_NOFOLLOW`, a symbolic link as the last component is opened itself.)
        const NO_SYMLINKS = 0x04;
        /// `RESOLVE_BENEATH`: the file must be beneath `dirfd`: an absolute path, or a `..` or
        /// a symbolic link that would leave it, fails with [`Errno::EXDEV`](crate::Errno::EXDEV).
        const BENEATH = 0x08;
        /// `RESOLVE_IN_ROOT`: resolve as if `dirfd` were the root directory: `/` and `..` at
        /// the top (in the path or in a symbolic link) stay at `dirfd`, as in a `chroot(2)`.
        const IN_ROOT = 0x10;
        /// `RESOLVE_CACHED` (Linux 5.12): resolve from the kernel's caches only, or fail with
        /// [`Errno::EAGAIN`](crate::Errno::EAGAIN) where that would need I/O.
        const CACHED = 0x20;
    }
}

/// What [`openat2`] opens and how (`struct open_how`).
///
/// Unlike [`openat`](super::openat), `openat2` refuses what it does not understand, with
/// [`Errno::EINVAL`](crate::Errno::EINVAL): a `mode` without [`OFlags::CREAT`], flag bits it
/// does not know.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct OpenHow {
    /// The `O_*` flags, as for `openat`.
    pub flags: OFlags,
    /// The permission bits of a file that [`OFlags::CREAT`] creates (less the umask); must be
    /// empty otherwise.
    pub mode: Mode,
    /// How the path is resolved.
    pub resolve: ResolveFlags,
}

/// `struct open_how` as the kernel reads it: three `u64`s on every architecture (its first
/// version, `OPEN_HOW_SIZE_VER0`, 24 bytes).
#[repr(C)]
struct RawOpenHow {
    flags: u64,
    mode: u64,
    resolve: u64,
}

const _: () = assert!(core::mem::size_of::<RawOpenHow>() == 24);

/// `openat2(2)`: opens `path` relative to the directory `dirfd` (or [`CWD`](super::CWD)) as
/// `how` says, resolving it under `how.resolve`.
///
/// `RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS` opens a file inside a directory that someone else
/// may have filled with symbolic links, without ever leaving it. The kernel checks the
/// whole path in one call, so no rename or new link between two calls can make it leave.
///
/// `openat2` is in Linux 5.6 and later: an older kernel (or a seccomp filter that does not know
/// it) fails with [`Errno::ENOSYS`](crate::Errno::ENOSYS), which a program should report as
/// such ("needs Linux 5.6 or later") rather than fall back to a resolution that can be turned
/// against it. The call has the same number, 437, on every architecture.
///
/// # References
///  - [Linux]
///  - [Linux open_how]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/openat2.2.html
/// [Linux open_how]: https://man7.org/linux/man-pages/man2/open_how.2type.html
pub fn openat2(dirfd: impl AsFd, path: impl PathArg, how: &OpenHow) -> Result<OwnedFd> {
    let dirfd = dirfd.as_fd().as_raw_fd();
    let raw_how = RawOpenHow {
        // 64-bit offsets on a 32-bit architecture too: `openat2` does not add O_LARGEFILE by
        // itself, as `openat` does (0 on the 64-bit architectures).
        flags: u64::from(how.flags.bits() | crate::arch::O_LARGEFILE),
        mode: u64::from(how.mode.bits()),
        resolve: how.resolve.bits(),
    };
    path.with_c_str(|path| {
        // SAFETY: `path` is a NUL-terminated string and `raw_how` a `struct open_how` of the
        // size passed; both outlive the call, and the kernel only reads them.
        let fd = unsafe {
            raw::syscall4(
                nr::OPENAT2,
                dirfd as usize,
                path.as_ptr() as usize,
                &raw const raw_how as usize,
                core::mem::size_of::<RawOpenHow>(),
            )
        }?;
        // SAFETY: the kernel just opened `fd` for us; nobody else owns it.
        Ok(unsafe { OwnedFd::from_raw_fd(fd as RawFd) })
    })
}
