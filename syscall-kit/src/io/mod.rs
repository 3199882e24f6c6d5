//! Input and output on descriptors, one topic a file:
//!
//! | topic | system calls |
//! |---|---|
//! | reading and writing (`read_write.rs`) | [`read`], [`pread`], [`write()`] (and [`write_all`] over it), [`lseek`], [`pipe2`] |
//! | copies inside the kernel (`copy.rs`) | [`sendfile`], [`splice`], [`copy_file_range`] |
//! | file status flags (`fcntl.rs`) | [`fcntl_getfl`], [`fcntl_setfl`] (`fcntl(2)` `F_GETFL`/`F_SETFL`) |
//! | waiting for readiness (`poll.rs`) | [`poll`] (as `ppoll(2)`) over [`PollFd`] entries, with a [`Timeout`](crate::time::Timeout) |
//!
//! Everything is re-exported here: the functions are `syscall_kit::io::read` and so on.

mod copy;
mod fcntl;
mod poll;
mod read_write;

pub use copy::{SpliceFlags, copy_file_range, sendfile, splice};
pub use fcntl::{fcntl_getfl, fcntl_setfl};
pub use poll::{PollFd, PollFlags, poll};
pub use read_write::{Whence, lseek, pipe2, pread, read, write, write_all};
