//! [`Filesystem`]: how the analysis reads the files it needs (libraries, the loader's
//! configuration), so that the program can answer with system calls and the tests with a fake.

use alloc::string::String;
use alloc::vec::Vec;

use syscall_kit::Errno;

/// Read access to a file system, as the dynamic loader would see it.
///
/// The program implements it with `openat(2)`, `read(2)`, `readlinkat(2)` and `getdents64(2)`;
/// errors are the kernel's [`Errno`].
pub trait Filesystem {
    /// The contents of the regular file at the absolute `path`, symbolic links followed (as
    /// `open(2)` and `read(2)` give them). A directory is [`Errno::EISDIR`].
    fn read(&mut self, path: &str) -> Result<Vec<u8>, Errno>;

    /// The target of `path` if it is a symbolic link (`readlink(2)`), `None` if it is another
    /// kind of file.
    fn read_link(&mut self, path: &str) -> Result<Option<String>, Errno>;

    /// The names in the directory `path` (`getdents64(2)`), without `.` and `..`, in any order.
    fn list_dir(&mut self, path: &str) -> Result<Vec<String>, Errno>;

    /// The absolute path of the current directory (`getcwd(3)`), against which relative paths
    /// are resolved.
    fn current_dir(&mut self) -> Result<String, Errno>;
}
