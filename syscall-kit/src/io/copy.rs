//! Copies inside the kernel, the data never in user space: `sendfile(2)`, `splice(2)` and
//! `copy_file_range(2)`.

use crate::Result;
use crate::arch::wide;
use crate::fd::{AsFd, BorrowedFd};
use crate::raw::{self, nr};

/// `sendfile(2)`: copies up to `count` bytes from `in_fd` to `out_fd` inside the kernel, and
/// returns how many were copied (`Ok(0)` at the end of the input).
///
/// With `offset` `None` the copy starts at `in_fd`'s file offset and moves it; with
/// `Some(off)` it starts at `*off`, updates `*off` and leaves the file offset alone. `in_fd`
/// must be a file the kernel can map (a regular file, not a pipe or socket:
/// [`Errno::EINVAL`](crate::Errno::EINVAL)); `out_fd` may be anything since Linux 2.6.33.
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/sendfile.2.html
pub fn sendfile(
    out_fd: impl AsFd,
    in_fd: impl AsFd,
    offset: Option<&mut i64>,
    count: usize,
) -> Result<usize> {
    let out_fd = out_fd.as_fd().as_raw_fd();
    let in_fd = in_fd.as_fd().as_raw_fd();
    let offset = offset.map_or(0, |o| o as *mut i64 as usize);
    // SAFETY: the kernel reads and writes at most one `i64` at `offset` (null or a live
    // exclusive borrow); it touches no other memory of ours.
    unsafe {
        raw::syscall4(
            wide::SENDFILE,
            out_fd as usize,
            in_fd as usize,
            offset,
            count,
        )
    }
}

bitflags::bitflags! {
    /// Flags of [`splice`] (see `splice(2)`).
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub struct SpliceFlags: u32 {
        /// `SPLICE_F_MOVE`: move pages instead of copying (a hint; ignored since Linux 2.6.21).
        const MOVE = 1;
        /// `SPLICE_F_NONBLOCK`: do not block on the pipes (the other end may still block).
        const NONBLOCK = 2;
        /// `SPLICE_F_MORE`: more data follows (a hint for sockets).
        const MORE = 4;
    }
}

/// `splice(2)`: moves up to `len` bytes from `fd_in` to `fd_out`, one of which must be a pipe,
/// without copying them through user space; returns how many moved (`Ok(0)`: end of input).
///
/// An offset is `None` to use (and move) the descriptor's file offset, `Some(off)` to start at
/// `*off` and update it; a pipe takes no offset ([`Errno::ESPIPE`](crate::Errno::ESPIPE)).
/// Neither end a pipe is [`Errno::EINVAL`](crate::Errno::EINVAL).
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/splice.2.html
pub fn splice(
    fd_in: impl AsFd,
    off_in: Option<&mut i64>,
    fd_out: impl AsFd,
    off_out: Option<&mut i64>,
    len: usize,
    flags: SpliceFlags,
) -> Result<usize> {
    between_two_fds(
        nr::SPLICE,
        (fd_in.as_fd(), off_in),
        (fd_out.as_fd(), off_out),
        len,
        flags.bits() as usize,
    )
}

/// `copy_file_range(2)`: copies up to `len` bytes between two regular files inside the kernel
/// (possibly sharing the blocks, on file systems that can); returns how many were copied
/// (`Ok(0)`: end of input).
///
/// Offsets work as in [`splice`]. Errors the caller should expect and fall back from:
/// [`Errno::EXDEV`](crate::Errno::EXDEV) (different file systems, before Linux 5.19 or between
/// different kinds of file system), [`Errno::EINVAL`](crate::Errno::EINVAL) (not regular files,
/// or overlapping ranges of one file), [`Errno::EBADF`](crate::Errno::EBADF) (output opened
/// with `O_APPEND`), [`Errno::ENOSYS`](crate::Errno::ENOSYS) (before Linux 4.5),
/// [`Errno::EOPNOTSUPP`](crate::Errno::EOPNOTSUPP). The `flags` argument of the call is always
/// 0, the only value defined.
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/copy_file_range.2.html
pub fn copy_file_range(
    fd_in: impl AsFd,
    off_in: Option<&mut i64>,
    fd_out: impl AsFd,
    off_out: Option<&mut i64>,
    len: usize,
) -> Result<usize> {
    between_two_fds(
        nr::COPY_FILE_RANGE,
        (fd_in.as_fd(), off_in),
        (fd_out.as_fd(), off_out),
        len,
        0,
    )
}

/// `splice(2)` and `copy_file_range(2)` take the same six arguments: input descriptor and
/// optional offset, output descriptor and optional offset, length, and one more word (`flags`).
fn between_two_fds(
    nr: usize,
    (fd_in, off_in): (BorrowedFd<'_>, Option<&mut i64>),
    (fd_out, off_out): (BorrowedFd<'_>, Option<&mut i64>),
    len: usize,
    last: usize,
) -> Result<usize> {
    let off_in = off_in.map_or(0, |o| o as *mut i64 as usize);
    let off_out = off_out.map_or(0, |o| o as *mut i64 as usize);
    // SAFETY: for both calls the kernel reads and writes at most one `i64` at each of `off_in`
    // and `off_out` (each null or a live exclusive borrow); it touches no other memory of ours.
    unsafe {
        raw::syscall6(
            nr,
            fd_in.as_raw_fd() as usize,
            off_in,
            fd_out.as_raw_fd() as usize,
            off_out,
            len,
            last,
        )
    }
}
