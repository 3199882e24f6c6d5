//! [`RootView`]: the one way the analysis reads files (libraries, the loader's configuration),
//! as a read-only view of a root file system, so that the library does no I/O of its own.
//!
//! The program gives it the machine's root through system calls (`src/cli/host_root.rs`); the
//! tests give it a [`MemoryRoot`](crate::memory_root::MemoryRoot) whose files are bytes in
//! memory. Any other root the loader could run in, such as an image's layers, is one more
//! implementation.

use alloc::string::String;
use alloc::vec::Vec;

use syscall_kit::Errno;

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

    /// The target of `path` if it is a symbolic link (`readlink(2)`), `None` if it is another
    /// kind of file.
    fn read_link(&mut self, path: &str) -> Result<Option<String>, Errno>;

    /// The names in the directory `path` (`getdents64(2)`), without `.` and `..`, in any order.
    fn list_dir(&mut self, path: &str) -> Result<Vec<String>, Errno>;

    /// The absolute path, within the view, against which relative paths are resolved: for the
    /// host, the process's current directory (`getcwd(3)`).
    fn current_dir(&mut self) -> Result<String, Errno>;
}
