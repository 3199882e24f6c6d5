//! [`RootView`]: the one way the analysis reads files (libraries, the loader's configuration),
//! as a read-only view of a root file system, so that the library does no I/O of its own.
//!
//! The program gives it the machine's root through system calls (`src/cli/host_root.rs`); the
//! tests give it a [`MemoryRoot`](crate::memory_root::MemoryRoot) whose files are bytes in
//! memory. Any other root the loader could run in, such as an image's layers, is one more
//! implementation.

use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;
use core::ops::Deref;

use syscall_kit::Errno;

/// The bytes of a file as [`RootView::map_file`] gives them: in memory ([`Vec<u8>`]) or mapped
/// from the file, whatever the view holds, read through `Deref<Target = [u8]>`.
pub struct FileBytes(Box<dyn AsRef<[u8]>>);

impl FileBytes {
    /// Bytes held by `holder` (a `Vec<u8>`, a mapping of the file).
    pub fn new(holder: impl AsRef<[u8]> + 'static) -> FileBytes {
        FileBytes(Box::new(holder))
    }
}

impl Deref for FileBytes {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        (*self.0).as_ref()
    }
}

impl From<Vec<u8>> for FileBytes {
    fn from(bytes: Vec<u8>) -> FileBytes {
        FileBytes::new(bytes)
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
/// file used as a directory, `ELOOP` for a loop of symbolic links.
pub trait RootView {
    /// The contents of the regular file at the absolute `path`, symbolic links followed (as
    /// `open(2)` and `read(2)` give them). A directory is [`Errno::EISDIR`].
    fn read(&mut self, path: &str) -> Result<Vec<u8>, Errno>;

    /// The same bytes as [`read`](RootView::read), for a file of which only parts are looked at
    /// (an ELF file's headers and dynamic section): a view over real files maps it (`mmap(2)`)
    /// so that what it costs does not grow with the file's size. The default reads it whole.
    fn map_file(&mut self, path: &str) -> Result<FileBytes, Errno> {
        self.read(path).map(FileBytes::from)
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
