//! What the kernel knows of a file: `statx(2)` relative to a directory descriptor with
//! [`AtFlags`], and `fstat(2)`, `stat(2)` and `lstat(2)` made with it (`struct statx` has the
//! same layout on every architecture, unlike `struct stat`); the [`Stat`] and [`FileType`] they
//! return.

use super::{AtFlags, CWD};
use crate::fd::AsFd;
use crate::raw::{self, nr};
use crate::{PathArg, Result};

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

/// What [`statx`], [`fstat`], [`stat`] and [`lstat`] report about a file.
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
    /// The device a character or block device file is, as `(major, minor)` (`(0, 0)` for
    /// other files).
    pub rdev: (u32, u32),
    /// Number of hard links.
    pub nlink: u32,
    /// Owner.
    pub uid: u32,
    /// Group.
    pub gid: u32,
    /// Preferred I/O block size.
    pub blksize: u32,
    /// Space allocated to the file, in 512-byte blocks, whatever the file system's block size
    /// (`stx_blocks`; `du` reports `blocks * 512` bytes): less than `size` for a file with
    /// holes, more for a small file in a larger block.
    pub blocks: u64,
    /// Modification time, seconds since the epoch.
    pub mtime: i64,
    /// The nanoseconds of the modification time, `0..1_000_000_000` (`stx_mtime.tv_nsec`): two
    /// writes within one second differ here, on file systems that keep the time that finely.
    pub mtime_nsec: u32,
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
    times: [StatxTimestamp; 4],
    rdev_major: u32,
    rdev_minor: u32,
    dev_major: u32,
    dev_minor: u32,
    _spare: [u64; 14],
}

const _: () = assert!(core::mem::size_of::<Statx>() == 256);

/// `struct statx_timestamp`.
#[repr(C)]
struct StatxTimestamp {
    sec: i64,
    nsec: u32,
    _reserved: i32,
}

/// `STATX_BASIC_STATS`: the fields of `struct stat`, all that [`Stat`] holds.
const STATX_BASIC_STATS: usize = 0x7ff;

/// `statx(2)` (POSIX's `fstatat`): what the kernel knows of the file at `path`, relative to the
/// directory `dirfd` (or [`CWD`]), with [`AtFlags::SYMLINK_NOFOLLOW`] (a symbolic link as
/// itself), [`AtFlags::EMPTY_PATH`] (an empty `path`: `dirfd` itself, which may be any
/// descriptor, `O_PATH` ones included) and [`AtFlags::NO_AUTOMOUNT`].
///
/// One call per file for a walk of a directory: the names from [`getdents64`](super::getdents64),
/// each given to `statx` with the directory's descriptor and `SYMLINK_NOFOLLOW`, with nothing to
/// open or close. An absolute `path` ignores `dirfd`. Other flags fail with
/// [`Errno::EINVAL`](crate::Errno::EINVAL); a `dirfd` that is not a directory, for a relative
/// non-empty `path`, with [`Errno::ENOTDIR`](crate::Errno::ENOTDIR). Every architecture has
/// `statx` (Linux 4.11 and later); [`fstat`], [`stat`] and [`lstat`] are made with it.
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/statx.2.html
#[doc(alias = "fstatat")]
pub fn statx(dirfd: impl AsFd, path: impl PathArg, flags: AtFlags) -> Result<Stat> {
    let dirfd = dirfd.as_fd().as_raw_fd();
    let mut sx = core::mem::MaybeUninit::<Statx>::zeroed();
    path.with_c_str(|path| {
        // SAFETY: `path` is NUL-terminated and outlives the call; the kernel writes at most one
        // `struct statx` (256 bytes, checked above) into `sx`, which is ours.
        unsafe {
            raw::syscall5(
                nr::STATX,
                dirfd as usize,
                path.as_ptr() as usize,
                flags.bits() as usize,
                STATX_BASIC_STATS,
                sx.as_mut_ptr() as usize,
            )
        }
    })?;
    // SAFETY: zero bytes are a valid `Statx` (all integers), and the kernel filled it in.
    let sx = unsafe { sx.assume_init() };
    let mode = u32::from(sx.mode);
    Ok(Stat {
        size: sx.size,
        file_type: FileType::from_mode(mode),
        permissions: mode & 0o7777,
        ino: sx.ino,
        dev: (sx.dev_major, sx.dev_minor),
        rdev: (sx.rdev_major, sx.rdev_minor),
        nlink: sx.nlink,
        uid: sx.uid,
        gid: sx.gid,
        blksize: sx.blksize,
        blocks: sx.blocks,
        mtime: sx.times[3].sec,
        mtime_nsec: sx.times[3].nsec,
    })
}

/// `fstat(2)`: what the kernel knows of the open file `fd`.
///
/// Implemented as [`statx`]`(fd, "", `[`AtFlags::EMPTY_PATH`]`)`, whose result has the same
/// layout on every architecture (`struct stat` has not).
///
/// # References
///  - [Linux]
///  - [Linux statx]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/stat.2.html
/// [Linux statx]: https://man7.org/linux/man-pages/man2/statx.2.html
pub fn fstat(fd: impl AsFd) -> Result<Stat> {
    statx(fd, c"", AtFlags::EMPTY_PATH)
}

/// `stat(2)`: what the kernel knows of the file at `path`, following symbolic links
/// ([`statx`] relative to [`CWD`], no flags).
///
/// # References
///  - [Linux]
///  - [Linux statx]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/stat.2.html
/// [Linux statx]: https://man7.org/linux/man-pages/man2/statx.2.html
pub fn stat(path: impl PathArg) -> Result<Stat> {
    statx(CWD, path, AtFlags::empty())
}

/// `lstat(2)`: like [`stat`], but a symbolic link is reported as itself ([`statx`] relative to
/// [`CWD`] with [`AtFlags::SYMLINK_NOFOLLOW`]).
///
/// # References
///  - [Linux]
///  - [Linux statx]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/stat.2.html
/// [Linux statx]: https://man7.org/linux/man-pages/man2/statx.2.html
pub fn lstat(path: impl PathArg) -> Result<Stat> {
    statx(CWD, path, AtFlags::SYMLINK_NOFOLLOW)
}
