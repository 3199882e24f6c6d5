//! Directories: `mkdirat(2)`/`mkdir(2)`, `getdents64(2)` with [`DirEntries`] to walk what it
//! returns, and the current directory: `getcwd(2)`, `chdir(2)`, `fchdir(2)`.

use core::ffi::CStr;

use super::{CWD, FileType, Mode};
use crate::fd::AsFd;
use crate::raw::{self, nr};
use crate::{PathArg, Result};

/// `mkdirat(2)`: creates the directory `path` relative to the directory `dirfd` (or [`CWD`]),
/// with permission bits `mode` less the umask.
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/mkdir.2.html
pub fn mkdirat(dirfd: impl AsFd, path: impl PathArg, mode: Mode) -> Result<()> {
    let dirfd = dirfd.as_fd().as_raw_fd();
    path.with_c_str(|path| {
        // SAFETY: `path` is a NUL-terminated string that outlives the call.
        unsafe {
            raw::syscall3(
                nr::MKDIRAT,
                dirfd as usize,
                path.as_ptr() as usize,
                mode.bits() as usize,
            )
        }
        .map(drop)
    })
}

/// `mkdir(2)`: creates the directory `path` relative to the current directory.
///
/// Implemented as `mkdirat(AT_FDCWD, …)`, the call every architecture has (aarch64 and riscv64
/// have no `mkdir`).
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/mkdir.2.html
pub fn mkdir(path: impl PathArg, mode: Mode) -> Result<()> {
    mkdirat(CWD, path, mode)
}

/// `getdents64(2)`: reads entries of the directory open as `fd` into `buf` and returns how many
/// bytes it filled; `Ok(0)` is the end of the directory. Walk the filled part with
/// [`DirEntries::new`]`(&buf[..n])`; call again for the next entries.
///
/// A `buf` too small for even one entry fails with [`Errno::EINVAL`](crate::Errno::EINVAL);
/// a descriptor that is not a directory with [`Errno::ENOTDIR`](crate::Errno::ENOTDIR).
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/getdents.2.html
pub fn getdents64(fd: impl AsFd, buf: &mut [u8]) -> Result<usize> {
    let fd = fd.as_fd().as_raw_fd();
    // SAFETY: the kernel writes at most `buf.len()` bytes into `buf`, which we borrow mutably.
    unsafe {
        raw::syscall3(
            nr::GETDENTS64,
            fd as usize,
            buf.as_mut_ptr() as usize,
            buf.len(),
        )
    }
}

/// One entry of a directory, as [`getdents64`] reports it (`struct linux_dirent64`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DirEntry<'buf> {
    /// Inode number.
    pub ino: u64,
    /// The name, without any directory (`.` and `..` included).
    pub name: &'buf CStr,
    /// The type, when the file system reports it (`d_type`; `None` for `DT_UNKNOWN`: ask
    /// [`fstat`](super::fstat) or [`lstat`](super::lstat)).
    pub file_type: Option<FileType>,
}

/// The entries in a buffer filled by [`getdents64`] (the records of `getdents64(2)`).
///
/// The records are read byte by byte, so the buffer needs no alignment; a malformed record ends
/// the iteration rather than being read out of bounds.
#[derive(Clone, Debug)]
pub struct DirEntries<'buf> {
    rest: &'buf [u8],
}

impl<'buf> DirEntries<'buf> {
    /// The entries of `filled`, the part of the buffer that [`getdents64`] filled.
    pub fn new(filled: &'buf [u8]) -> DirEntries<'buf> {
        DirEntries { rest: filled }
    }
}

/// Offsets in `struct linux_dirent64`: `d_ino` (u64), `d_off` (i64), `d_reclen` (u16),
/// `d_type` (u8), then the NUL-terminated `d_name`.
const RECLEN_AT: usize = 16;
const TYPE_AT: usize = 18;
const NAME_AT: usize = 19;

impl<'buf> Iterator for DirEntries<'buf> {
    type Item = DirEntry<'buf>;

    fn next(&mut self) -> Option<DirEntry<'buf>> {
        let rest = self.rest;
        let ino = u64::from_ne_bytes(rest.get(..8)?.try_into().ok()?);
        let reclen = u16::from_ne_bytes(rest.get(RECLEN_AT..TYPE_AT)?.try_into().ok()?);
        let record = rest
            .get(..usize::from(reclen))
            .filter(|r| r.len() > NAME_AT);
        let Some(record) = record else {
            self.rest = &[];
            return None;
        };
        let name = CStr::from_bytes_until_nul(record.get(NAME_AT..)?).ok()?;
        let file_type = match record.get(TYPE_AT).copied().unwrap_or(0) {
            1 => Some(FileType::Fifo),
            2 => Some(FileType::CharDevice),
            4 => Some(FileType::Directory),
            6 => Some(FileType::BlockDevice),
            8 => Some(FileType::Regular),
            10 => Some(FileType::Symlink),
            12 => Some(FileType::Socket),
            _ => None,
        };
        self.rest = rest.get(record.len()..).unwrap_or_default();
        Some(DirEntry {
            ino,
            name,
            file_type,
        })
    }
}

/// `getcwd(2)`: the absolute path of the current directory, written into `buf`.
///
/// A `buf` too small for the path and its NUL fails with [`Errno::ERANGE`](crate::Errno::ERANGE);
/// [`PATH_MAX`](crate::PATH_MAX) bytes always suffice. A current directory that was removed,
/// or that is outside the process's root, fails with [`Errno::ENOENT`](crate::Errno::ENOENT).
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/getcwd.2.html
pub fn getcwd(buf: &mut [u8]) -> Result<&CStr> {
    // SAFETY: the kernel writes at most `buf.len()` bytes into `buf`, which we borrow mutably.
    let len = unsafe { raw::syscall2(nr::GETCWD, buf.as_mut_ptr() as usize, buf.len()) }?;
    // The kernel returns the length with the NUL; a path that is not one (unreachable) is EINVAL.
    buf.get(..len)
        .and_then(|b| CStr::from_bytes_with_nul(b).ok())
        .ok_or(crate::Errno::EINVAL)
}

/// `chdir(2)`: makes the directory `path` the current directory, the one relative paths and
/// [`CWD`] start from.
///
/// A `path` that does not exist fails with [`Errno::ENOENT`](crate::Errno::ENOENT); one that is
/// not a directory with [`Errno::ENOTDIR`](crate::Errno::ENOTDIR); a directory that this
/// process may not search with [`Errno::EACCES`](crate::Errno::EACCES). The current directory
/// belongs to the whole process, every thread alike.
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/chdir.2.html
pub fn chdir(path: impl PathArg) -> Result<()> {
    path.with_c_str(|path| {
        // SAFETY: `path` is a NUL-terminated string that outlives the call.
        unsafe { raw::syscall1(nr::CHDIR, path.as_ptr() as usize) }.map(drop)
    })
}

/// `fchdir(2)`: makes the directory open as `fd` the current directory (to come back to a
/// directory after a [`chdir`], open it first, `O_PATH` is enough).
///
/// A descriptor that is not a directory fails with [`Errno::ENOTDIR`](crate::Errno::ENOTDIR);
/// one that is not open with [`Errno::EBADF`](crate::Errno::EBADF).
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/chdir.2.html
pub fn fchdir(fd: impl AsFd) -> Result<()> {
    let fd = fd.as_fd().as_raw_fd();
    // SAFETY: `fchdir` reads no memory of ours.
    unsafe { raw::syscall1(nr::FCHDIR, fd as usize) }.map(drop)
}
