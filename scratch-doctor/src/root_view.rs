//! [`RootView`]: the one way the analysis reads files (libraries, the loader's configuration),
//! as a read-only view of a root file system, so that the library does no I/O of its own.
//!
//! The program gives it the machine's root through system calls ([`crate::host_root`]); the
//! tests give it a [`MemoryRoot`](crate::memory_root::MemoryRoot) whose files are bytes in
//! memory. Any other root the loader could run in, such as an image's layers, is one more
//! implementation.

use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use syscall_kit::Errno;

/// Why the view could not give a file: whether the file is not there, which the loader, and
/// the doctor, take as "look on" or "missing", or is there and could not be read, which leaves
/// the answer unknown.
///
/// Only [`FileError::Open`] with `ENOENT` or `ENOTDIR` means not there ([`is_missing`]): an
/// error after the file was opened (`fstat(2)`, `pread(2)`, `read(2)` failing, even with
/// `ENOENT`) is of a file that exists.
///
/// [`is_missing`]: FileError::is_missing
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileError {
    /// Opening it failed (`open(2)`): the path, the permissions, the kernel.
    Open(Errno),
    /// It was opened, then could not be read (`fstat(2)`, `read(2)`, `pread(2)`), or it is a
    /// directory (`EISDIR`) or not a regular file.
    Read(Errno),
}

impl FileError {
    /// The kernel's error.
    pub fn errno(self) -> Errno {
        match self {
            FileError::Open(e) | FileError::Read(e) => e,
        }
    }

    /// Whether the file is not there: `open(2)` failed with `ENOENT` (no such file) or
    /// `ENOTDIR` (a component of the path is not a directory), the two errors on which the
    /// loader goes on to its next directory. Any other error is of a file the answer needs and
    /// the doctor could not read.
    pub fn is_missing(self) -> bool {
        matches!(self, FileError::Open(Errno::ENOENT | Errno::ENOTDIR))
    }
}

/// A view that only opens (a root in memory, a test's) fails at opening.
impl From<Errno> for FileError {
    fn from(e: Errno) -> FileError {
        FileError::Open(e)
    }
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.errno())
    }
}

/// An open regular file, read at any offset ([`RootView::open`]): what costs memory is what is
/// read, not the file's size.
pub trait FileAt {
    /// Its size in bytes, as `fstat(2)` gave it when it was opened.
    fn size(&self) -> u64;

    /// Reads up to `buf.len()` bytes at `offset` (`pread(2)`), fewer only at the end of the
    /// file; `Ok(0)` at or past it. An error is of a file that was there ([`FileError::Read`]).
    fn read_at(&self, offset: u64, buf: &mut [u8]) -> Result<usize, Errno>;
}

/// A file held in memory.
impl FileAt for Vec<u8> {
    fn size(&self) -> u64 {
        self.as_slice().size()
    }

    fn read_at(&self, offset: u64, buf: &mut [u8]) -> Result<usize, Errno> {
        self.as_slice().read_at(offset, buf)
    }
}

/// A file held in memory, borrowed.
impl FileAt for &[u8] {
    fn size(&self) -> u64 {
        self.len() as u64
    }

    fn read_at(&self, offset: u64, buf: &mut [u8]) -> Result<usize, Errno> {
        let rest = usize::try_from(offset)
            .ok()
            .and_then(|o| self.get(o..))
            .unwrap_or_default();
        let n = rest.len().min(buf.len());
        buf[..n].copy_from_slice(&rest[..n]);
        Ok(n)
    }
}

/// A failure of the view that leaves the answer unknown (not a library that is missing): the
/// file or what was asked for, and the kernel's error. Shown as `/etc/ld.so.cache: EACCES:
/// Permission denied`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ViewError {
    /// The path, or what was asked (`the current directory`).
    pub what: String,
    /// The error.
    pub errno: Errno,
}

impl ViewError {
    /// `errno` for `what`.
    pub fn new(what: impl Into<String>, errno: Errno) -> ViewError {
        ViewError {
            what: what.into(),
            errno,
        }
    }
}

impl fmt::Display for ViewError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.what, self.errno)
    }
}

/// A read-only view of a root file system, as the dynamic loader running in it would see it.
///
/// Paths are absolute within the view: `/` is its root, whatever that is on the machine doing
/// the analysis (the host's own `/`, or an image's top directory). A view never writes.
/// Errors are the kernel's [`Errno`] values, the ones `open(2)`, `readlink(2)` and
/// `getdents64(2)` would give inside that root: `ENOENT` for a missing file, `ENOTDIR` for a
/// file used as a directory, `ELOOP` for a loop of symbolic links; for the contents of a
/// file, a [`FileError`] that tells an error of opening from one of reading.
pub trait RootView {
    /// The contents of the regular file at the absolute `path`, symbolic links followed (as
    /// `open(2)` and `read(2)` give them). A directory is `EISDIR`.
    fn read(&mut self, path: &str) -> Result<Vec<u8>, FileError>;

    /// The regular file at `path`, open, for a reader that looks at parts of it only (an ELF
    /// file's headers and dynamic section: [`crate::elf::FileReader`]): a view over real files
    /// reads it with `pread(2)`, so that what it costs does not grow with the file's size. The
    /// default reads it whole.
    fn open(&mut self, path: &str) -> Result<Box<dyn FileAt>, FileError> {
        Ok(Box::new(self.read(path)?))
    }

    /// The target of `path` if it is a symbolic link (`readlink(2)`), `None` if it is another
    /// kind of file.
    fn read_link(&mut self, path: &str) -> Result<Option<String>, Errno>;

    /// The names in the directory `path` (`getdents64(2)`), without `.` and `..`, in any order.
    fn list_dir(&mut self, path: &str) -> Result<Vec<String>, Errno>;

    /// The absolute path, within the view, against which relative paths are resolved: for the
    /// host, the process's current directory (`getcwd(3)`).
    fn current_dir(&mut self) -> Result<String, Errno>;
}
