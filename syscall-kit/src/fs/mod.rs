//! Files, one story a file:
//!
//! | topic | items |
//! |---|---|
//! | opening, and what every `*at` call shares (`mod.rs`) | [`open`], [`openat`] with [`OFlags`] and [`Mode`]; [`CWD`] (`AT_FDCWD`) and [`AtFlags`] (`AT_*`); [`fchmod`], [`ftruncate`]; the mask of new files' modes, [`umask`] |
//! | what the kernel knows of a file (`stat.rs`) | [`statx`] relative to a directory descriptor (`SYMLINK_NOFOLLOW`, `EMPTY_PATH`), and [`fstat`], [`stat`], [`lstat`] made with it: a [`Stat`] with its [`FileType`] |
//! | directories and the current directory (`dir.rs`) | [`mkdirat`], [`mkdir`], [`getdents64`] walked with [`DirEntries`]; [`getcwd`], [`chdir`], [`fchdir`] |
//! | symbolic links (`link.rs`) | [`readlinkat`], [`readlink`]; [`symlinkat`] |
//! | devices, FIFOs, sockets (`node.rs`) | [`mknodat`] |
//! | a file in memory, with no name (`memfd.rs`) | [`memfd_create`] with [`MemfdFlags`] |
//! | resolution that stays beneath a directory (`openat2.rs`) | [`openat2`] with [`OpenHow`] and [`ResolveFlags`] |
//! | renaming (`rename.rs`) | [`renameat2`] with [`RenameFlags`] |
//! | removing (`unlink.rs`) | [`unlinkat`] (`AtFlags::REMOVEDIR` for a directory) |
//!
//! Everything is re-exported here: `syscall_kit::fs::statx` and so on. The current directory
//! is here, beside the paths it starts, rather than with the processes.

mod dir;
mod link;
mod memfd;
mod node;
mod openat2;
mod rename;
mod stat;
mod unlink;

pub use dir::{DirEntries, DirEntry, chdir, fchdir, getcwd, getdents64, mkdir, mkdirat};
pub use link::{readlink, readlinkat, symlinkat};
pub use memfd::{MemfdFlags, memfd_create};
pub use node::mknodat;
pub use openat2::{OpenHow, ResolveFlags, openat2};
pub use rename::{RenameFlags, renameat2};
pub use stat::{FileType, Stat, fstat, lstat, stat, statx};
pub use unlink::unlinkat;

use crate::arch;
use crate::fd::{AsFd, BorrowedFd, OwnedFd, RawFd};
use crate::raw::{self, nr};
use crate::{PathArg, Result};

/// `AT_FDCWD`: the current directory, for the `dirfd` of the `*at` calls.
pub const CWD: BorrowedFd<'static> = {
    const AT_FDCWD: RawFd = -100;
    // SAFETY: AT_FDCWD is not a descriptor but a number the kernel reads as "the current
    // directory"; it is never closed.
    unsafe { BorrowedFd::borrow_raw(AT_FDCWD) }
};

bitflags::bitflags! {
    /// Flags of the `*at` calls (`AT_*`): [`statx`] and [`unlinkat`] each take the ones their
    /// man pages list, and fail with [`Errno::EINVAL`](crate::Errno::EINVAL) on the others.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
    pub struct AtFlags: u32 {
        /// `AT_SYMLINK_NOFOLLOW`: a symbolic link as the last component of the path is itself
        /// the file, not what it points to ([`statx`]).
        const SYMLINK_NOFOLLOW = 0x100;
        /// `AT_REMOVEDIR`: remove an empty directory, as `rmdir(2)` does ([`unlinkat`]).
        const REMOVEDIR = 0x200;
        /// `AT_NO_AUTOMOUNT`: an automount point as the last component is not mounted
        /// ([`statx`]).
        const NO_AUTOMOUNT = 0x800;
        /// `AT_EMPTY_PATH`: with an empty path, the file is `dirfd` itself, of any type and
        /// opened with any flags, `O_PATH` included ([`statx`]).
        const EMPTY_PATH = 0x1000;
    }
}

bitflags::bitflags! {
    /// Flags of [`open`] and [`openat`] (`O_*`, see `open(2)`).
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
    pub struct OFlags: u32 {
        /// `O_RDONLY` (zero: the absence of `WRONLY` and `RDWR`).
        const RDONLY = 0;
        /// `O_WRONLY`.
        const WRONLY = 0o1;
        /// `O_RDWR`.
        const RDWR = 0o2;
        /// `O_CREAT`: create the file if missing (give a [`Mode`]).
        const CREAT = 0o100;
        /// `O_EXCL`: with `CREAT`, fail with `EEXIST` if the file exists.
        const EXCL = 0o200;
        /// `O_NOCTTY`.
        const NOCTTY = 0o400;
        /// `O_TRUNC`: truncate a regular file opened for writing.
        const TRUNC = 0o1000;
        /// `O_APPEND`.
        const APPEND = 0o2000;
        /// `O_NONBLOCK`.
        const NONBLOCK = 0o4000;
        /// `O_DSYNC`.
        const DSYNC = 0o10000;
        /// `O_DIRECT` (pipes: packet mode).
        const DIRECT = arch::O_DIRECT;
        /// `O_DIRECTORY`: fail with `ENOTDIR` unless the path is a directory.
        const DIRECTORY = arch::O_DIRECTORY;
        /// `O_NOFOLLOW`: fail with `ELOOP` if the last component is a symbolic link.
        const NOFOLLOW = arch::O_NOFOLLOW;
        /// `O_CLOEXEC`: close on `execve(2)`.
        const CLOEXEC = 0o2000000;
        /// `O_PATH`.
        const PATH = 0o10000000;
    }
}

bitflags::bitflags! {
    /// The permission bits of a new file (`mode_t`, see `chmod(2)`), before the umask.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
    pub struct Mode: u32 {
        /// `S_ISUID`.
        const SUID = 0o4000;
        /// `S_ISGID`.
        const SGID = 0o2000;
        /// `S_ISVTX` (sticky).
        const SVTX = 0o1000;
        /// `S_IRUSR`.
        const RUSR = 0o400;
        /// `S_IWUSR`.
        const WUSR = 0o200;
        /// `S_IXUSR`.
        const XUSR = 0o100;
        /// `S_IRGRP`.
        const RGRP = 0o40;
        /// `S_IWGRP`.
        const WGRP = 0o20;
        /// `S_IXGRP`.
        const XGRP = 0o10;
        /// `S_IROTH`.
        const ROTH = 0o4;
        /// `S_IWOTH`.
        const WOTH = 0o2;
        /// `S_IXOTH`.
        const XOTH = 0o1;
    }
}

/// `open(2)`: opens `path` relative to the current directory.
///
/// Implemented as `openat(AT_FDCWD, …)`, the call every architecture has (aarch64 and riscv64
/// have no `open`). The new descriptor is owned by the result. `mode` is used only with
/// [`OFlags::CREAT`].
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/open.2.html
pub fn open(path: impl PathArg, flags: OFlags, mode: Mode) -> Result<OwnedFd> {
    openat(CWD, path, flags, mode)
}

/// `openat(2)`: opens `path` relative to the directory `dirfd` (or [`CWD`]).
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/open.2.html
pub fn openat(dirfd: impl AsFd, path: impl PathArg, flags: OFlags, mode: Mode) -> Result<OwnedFd> {
    let dirfd = dirfd.as_fd().as_raw_fd();
    path.with_c_str(|path| {
        // SAFETY: `path` is a NUL-terminated string that outlives the call.
        let fd = unsafe {
            raw::syscall4(
                nr::OPENAT,
                dirfd as usize,
                path.as_ptr() as usize,
                // 64-bit offsets on a 32-bit architecture too (0 on the 64-bit ones).
                (flags.bits() | arch::O_LARGEFILE) as usize,
                mode.bits() as usize,
            )
        }?;
        // SAFETY: the kernel just opened `fd` for us; nobody else owns it.
        Ok(unsafe { OwnedFd::from_raw_fd(fd as RawFd) })
    })
}

/// `fchmod(2)`: sets the permission bits of the open file `fd` to exactly `mode` (the umask
/// does not apply, unlike the `mode` of [`open`]).
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/chmod.2.html
pub fn fchmod(fd: impl AsFd, mode: Mode) -> Result<()> {
    let fd = fd.as_fd().as_raw_fd();
    // SAFETY: `fchmod` reads no memory of ours.
    unsafe { raw::syscall2(nr::FCHMOD, fd as usize, mode.bits() as usize) }.map(drop)
}

/// `ftruncate(2)`: sets the size of the regular file open for writing as `fd` to `len` bytes:
/// cut, or extended with a hole (bytes that read as zeros and take no space on a file system
/// that keeps holes). The file offset does not move.
///
/// A descriptor not open for writing fails with [`Errno::EINVAL`](crate::Errno::EINVAL) or
/// [`Errno::EBADF`](crate::Errno::EBADF); one that is not a regular file with `EINVAL`; a
/// length past the process's file-size limit with [`Errno::EFBIG`](crate::Errno::EFBIG) (and
/// `SIGXFSZ`, which ends the process unless it is ignored or caught).
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/ftruncate.2.html
pub fn ftruncate(fd: impl AsFd, len: u64) -> Result<()> {
    let fd = fd.as_fd().as_raw_fd();
    // SAFETY: `ftruncate` reads and writes no memory of ours.
    unsafe { arch::ftruncate(fd as usize, len) }.map(drop)
}

/// `umask(2)`: sets the caller's file mode creation mask to `mask` and returns the one before.
/// The bits of the mask are taken away from the `mode` of every file and directory the process
/// creates afterwards ([`open`] with [`OFlags::CREAT`], [`mkdirat`], [`mknodat`]; not
/// [`fchmod`]). It cannot fail; bits other than `0o777` are ignored.
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/umask.2.html
pub fn umask(mask: Mode) -> Mode {
    // SAFETY: `umask` touches no memory and cannot fail.
    let old = unsafe { raw::syscall1(nr::UMASK, mask.bits() as usize) };
    Mode::from_bits_truncate(old.unwrap_or(0) as u32)
}
