//! Reading and writing: `read(2)`, `pread64(2)`, `write(2)`, [`write_all`] over it, `lseek(2)`
//! and `pipe2(2)`.

use crate::fd::{AsFd, OwnedFd};
use crate::fs::OFlags;
use crate::raw::{self, nr};
use crate::{Errno, Result};

/// `read(2)`: reads up to `buf.len()` bytes; `Ok(0)` is end of file.
///
/// A signal whose handler was installed without `SA_RESTART` ends a blocked read with
/// [`Errno::EINTR`], which is returned, not retried (with `SA_RESTART` the kernel restarts the
/// call itself); see `signal(7)`.
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/read.2.html
#[inline]
pub fn read(fd: impl AsFd, buf: &mut [u8]) -> Result<usize> {
    let fd = fd.as_fd().as_raw_fd();
    // SAFETY: the kernel writes at most `buf.len()` bytes into `buf`, which we borrow mutably.
    unsafe { raw::syscall3(nr::READ, fd as usize, buf.as_mut_ptr() as usize, buf.len()) }
}

/// `pread64(2)`: reads up to `buf.len()` bytes at `offset` from the start of the file, without
/// using or moving the file offset; `Ok(0)` is end of file. Fewer bytes than asked for are not
/// an error (end of file, a signal); [`Errno::EINTR`] is returned, not retried, as by [`read`].
/// An offset past `i64::MAX` is [`Errno::EINVAL`], from the kernel; a descriptor that cannot
/// seek (a pipe, a socket) is [`Errno::ESPIPE`].
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/pread.2.html
#[inline]
pub fn pread(fd: impl AsFd, buf: &mut [u8], offset: u64) -> Result<usize> {
    let fd = fd.as_fd().as_raw_fd();
    // SAFETY: `buf` is valid for writes of `buf.len()` bytes: we borrow it mutably. How the
    // 64-bit offset is passed differs between 64-bit and 32-bit architectures (`arch`).
    unsafe { crate::arch::pread(fd as usize, buf.as_mut_ptr(), buf.len(), offset) }
}

/// `write(2)`: writes up to `buf.len()` bytes and returns how many were written, which may be
/// fewer (a "partial write": a pipe or socket with less room, a signal, a full disk).
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/write.2.html
#[inline]
pub fn write(fd: impl AsFd, buf: &[u8]) -> Result<usize> {
    let fd = fd.as_fd().as_raw_fd();
    // SAFETY: the kernel reads at most `buf.len()` bytes from `buf`, which we borrow.
    unsafe { raw::syscall3(nr::WRITE, fd as usize, buf.as_ptr() as usize, buf.len()) }
}

/// Writes all of `buf` with as many `write(2)` calls as it takes: a partial write continues
/// with the rest, and `EINTR` (a signal before anything was written) retries.
///
/// Any other error is returned at once; the bytes before it were written. A `write` that
/// returns 0 for a non-empty buffer would loop forever, so it is reported as [`Errno::EIO`].
/// On a non-blocking descriptor, a full pipe gives [`Errno::EAGAIN`] after the bytes that fit.
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/write.2.html
pub fn write_all(fd: impl AsFd, mut buf: &[u8]) -> Result<()> {
    let fd = fd.as_fd();
    while !buf.is_empty() {
        match write(fd, buf) {
            Ok(0) => return Err(Errno::EIO),
            Ok(n) => {
                // The kernel never reports more than it was given; the clamp makes that so
                // even for a faked return value, with no panicking bounds check.
                let n = n.min(buf.len());
                // SAFETY: `n <= buf.len()` by the line above.
                buf = unsafe { buf.get_unchecked(n..) };
            }
            Err(Errno::EINTR) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// Where [`lseek`] counts from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Whence {
    /// `SEEK_SET`: from the start of the file.
    Start,
    /// `SEEK_CUR`: from the current offset.
    Current,
    /// `SEEK_END`: from the end of the file.
    End,
    /// `SEEK_DATA` (Linux 3.1): the first offset at or after `offset` that holds data, which
    /// may be `offset` itself. An offset at or past the end of the file fails with
    /// [`Errno::ENXIO`](crate::Errno::ENXIO). A file system that does not track holes reports
    /// the whole file as data.
    Data,
    /// `SEEK_HOLE` (Linux 3.1): the first offset at or after `offset` that is in a hole; the end
    /// of the file counts as one, so a file without holes answers its size. An offset past the
    /// end fails with [`Errno::ENXIO`](crate::Errno::ENXIO).
    Hole,
}

/// `lseek(2)`: moves the file offset and returns the new offset from the start of the file.
///
/// With [`Whence::Data`] and [`Whence::Hole`] it finds the data and the holes of a sparse file
/// (a copy that keeps the holes seeks to each range of data and copies only those).
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/lseek.2.html
#[inline]
pub fn lseek(fd: impl AsFd, offset: i64, whence: Whence) -> Result<u64> {
    let whence = match whence {
        Whence::Start => 0,
        Whence::Current => 1,
        Whence::End => 2,
        Whence::Data => 3,
        Whence::Hole => 4,
    };
    let fd = fd.as_fd().as_raw_fd();
    // SAFETY: `lseek` reads and writes no memory of ours (on 32-bit architectures `_llseek`
    // writes the arch module's local).
    unsafe { crate::arch::lseek(fd as usize, offset, whence) }
}

/// `pipe2(2)`: a pipe, as `(read end, write end)`. `flags` may hold [`OFlags::CLOEXEC`],
/// [`OFlags::NONBLOCK`] and [`OFlags::DIRECT`].
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/pipe.2.html
pub fn pipe2(flags: OFlags) -> Result<(OwnedFd, OwnedFd)> {
    let mut fds = [-1i32; 2];
    // SAFETY: the kernel writes two descriptor numbers into `fds`, which is ours and that big.
    unsafe { raw::syscall2(nr::PIPE2, fds.as_mut_ptr() as usize, flags.bits() as usize) }?;
    // SAFETY: the kernel just opened both numbers for us; nobody else owns them.
    Ok(unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) })
}
