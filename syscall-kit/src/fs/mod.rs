//! Files: `open(2)`/`openat(2)` with typed flags and mode, `fstat(2)`, `stat(2)`, `lstat(2)`,
//! `fchmod(2)`; in the submodules, re-exported here: directories ([`mkdirat`], [`getdents64`],
//! [`getcwd`]), symbolic links ([`readlinkat`], [`symlinkat`]), resolution that stays beneath a directory
//! ([`openat2`]), renaming ([`renameat2`]) and removing ([`unlinkat`]).

mod dir;
mod link;
mod openat2;
mod rename;
mod unlink;

pub use dir::{DirEntries, DirEntry, getcwd, getdents64, mkdir, mkdirat};
pub use link::{readlink, readlinkat, symlinkat};
pub use openat2::{OpenHow, ResolveFlags, openat2};
pub use rename::{RenameFlags, renameat2};
pub use unlink::{UnlinkFlags, unlinkat};

use core::ffi::CStr;

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

/// The type of a file (the `S_IFMT` bits of its mode).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileType {
    /// `S_IFREG`.
    Regular,
    /// `S_IFDIR`.
    Directory,
    /// `S_IFLNK`.
    Symlink,
    /// `S_IFCHR`.
    CharDevice,
    /// `S_IFBLK`.
    BlockDevice,
    /// `S_IFIFO`: a pipe.
    Fifo,
    /// `S_IFSOCK`.
    Socket,
    /// Bits the kernel has not documented.
    Unknown,
}

impl FileType {
    fn from_mode(mode: u32) -> FileType {
        match mode & 0o170000 {
            0o100000 => FileType::Regular,
            0o040000 => FileType::Directory,
            0o120000 => FileType::Symlink,
            0o020000 => FileType::CharDevice,
            0o060000 => FileType::BlockDevice,
            0o010000 => FileType::Fifo,
            0o140000 => FileType::Socket,
            _ => FileType::Unknown,
        }
    }
}

/// What [`fstat`], [`stat`] and [`lstat`] report about a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Stat {
    /// Size in bytes (for a symbolic link: the length of its target).
    pub size: u64,
    /// The file's type.
    pub file_type: FileType,
    /// Permission bits (`mode & 0o7777`).
    pub permissions: u32,
    /// Inode number.
    pub ino: u64,
    /// Device holding the file, as `(major, minor)`.
    pub dev: (u32, u32),
    /// Number of hard links.
    pub nlink: u32,
    /// Owner.
    pub uid: u32,
    /// Group.
    pub gid: u32,
    /// Preferred I/O block size.
    pub blksize: u32,
    /// Modification time, seconds since the epoch.
    pub mtime: i64,
}

/// `struct statx` of `statx(2)`: the same layout on every architecture, unlike `struct stat`.
#[repr(C)]
struct Statx {
    mask: u32,
    blksize: u32,
    attributes: u64,
    nlink: u32,
    uid: u32,
    gid: u32,
    mode: u16,
    _spare0: u16,
    ino: u64,
    size: u64,
    blocks: u64,
    attributes_mask: u64,
    // atime, btime, ctime, mtime: { i64 tv_sec; u32 tv_nsec; i32 reserved; } each.
    times: [[i64; 2]; 4],
    rdev_major: u32,
    rdev_minor: u32,
    dev_major: u32,
    dev_minor: u32,
    _spare: [u64; 14],
}

const _: () = assert!(core::mem::size_of::<Statx>() == 256);

const AT_SYMLINK_NOFOLLOW: usize = 0x100;
const AT_EMPTY_PATH: usize = 0x1000;
const STATX_BASIC_STATS: usize = 0x7ff;

fn statx(dirfd: RawFd, path: &CStr, flags: usize) -> Result<Stat> {
    let mut sx = core::mem::MaybeUninit::<Statx>::zeroed();
    // SAFETY: `path` is NUL-terminated; the kernel writes at most one `struct statx` (256
    // bytes, checked above) into `sx`.
    unsafe {
        raw::syscall5(
            nr::STATX,
            dirfd as usize,
            path.as_ptr() as usize,
            flags,
            STATX_BASIC_STATS,
            sx.as_mut_ptr() as usize,
        )
    }?;
    // SAFETY: zero bytes are a valid `Statx` (all integers), and the kernel filled it in.
    let sx = unsafe { sx.assume_init() };
    let mode = u32::from(sx.mode);
    Ok(Stat {
        size: sx.size,
        file_type: FileType::from_mode(mode),
        permissions: mode & 0o7777,
        ino: sx.ino,
        dev: (sx.dev_major, sx.dev_minor),
        nlink: sx.nlink,
        uid: sx.uid,
        gid: sx.gid,
        blksize: sx.blksize,
        mtime: sx.times[3][0],
    })
}

/// `fstat(2)`: what the kernel knows of the open file `fd`.
///
/// Implemented with `statx(2)` and `AT_EMPTY_PATH`, whose result has the same layout on every
/// architecture (`struct stat` has not).
///
/// # References
///  - [Linux]
///  - [Linux statx]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/stat.2.html
/// [Linux statx]: https://man7.org/linux/man-pages/man2/statx.2.html
pub fn fstat(fd: impl AsFd) -> Result<Stat> {
    statx(fd.as_fd().as_raw_fd(), c"", AT_EMPTY_PATH)
}

/// `stat(2)`: what the kernel knows of the file at `path`, following symbolic links.
///
/// # References
///  - [Linux]
///  - [Linux statx]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/stat.2.html
/// [Linux statx]: https://man7.org/linux/man-pages/man2/statx.2.html
pub fn stat(path: impl PathArg) -> Result<Stat> {
    path.with_c_str(|path| statx(CWD.as_raw_fd(), path, 0))
}

/// `lstat(2)`: like [`stat`], but a symbolic link is reported as itself.
///
/// # References
///  - [Linux]
///  - [Linux statx]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/stat.2.html
/// [Linux statx]: https://man7.org/linux/man-pages/man2/statx.2.html
pub fn lstat(path: impl PathArg) -> Result<Stat> {
    path.with_c_str(|path| statx(CWD.as_raw_fd(), path, AT_SYMLINK_NOFOLLOW))
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
