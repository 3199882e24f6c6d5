//! Reading and writing: `read(2)`, `write(2)`, [`write_all`], `lseek(2)`, `pipe2(2)`; copying
//! inside the kernel: `sendfile(2)`, `splice(2)`, `copy_file_range(2)`; descriptor flags
//! (`fcntl(2)` `F_GETFL`/`F_SETFL`) and waiting for readiness (`poll(2)`).

use core::marker::PhantomData;

use crate::fd::{AsFd, BorrowedFd, OwnedFd, RawFd};
use crate::fs::OFlags;
use crate::raw::{self, nr};
use crate::{Errno, Result};

/// `read(2)`: reads up to `buf.len()` bytes; `Ok(0)` is end of file.
///
/// A signal whose handler was installed without `SA_RESTART` ends a blocked read with
/// [`Errno::EINTR`], which is returned, not retried (with `SA_RESTART` the kernel restarts the
/// call itself); see `signal(7)`.
#[inline]
pub fn read(fd: impl AsFd, buf: &mut [u8]) -> Result<usize> {
    let fd = fd.as_fd().as_raw_fd();
    // SAFETY: the kernel writes at most `buf.len()` bytes into `buf`, which we borrow mutably.
    unsafe { raw::syscall3(nr::READ, fd as usize, buf.as_mut_ptr() as usize, buf.len()) }
}

/// `write(2)`: writes up to `buf.len()` bytes and returns how many were written, which may be
/// fewer (a "partial write": a pipe or socket with less room, a signal, a full disk).
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
pub fn write_all(fd: impl AsFd, mut buf: &[u8]) -> Result<()> {
    let fd = fd.as_fd();
    while !buf.is_empty() {
        match write(fd, buf) {
            Ok(0) => return Err(Errno::EIO),
            // `get` rather than `[n..]`: the kernel never reports more than it was given,
            // and this keeps panicking code out of programs that never panic.
            Ok(n) => buf = buf.get(n..).unwrap_or_default(),
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
}

/// `lseek(2)`: moves the file offset and returns the new offset from the start of the file.
#[inline]
pub fn lseek(fd: impl AsFd, offset: i64, whence: Whence) -> Result<u64> {
    let whence = match whence {
        Whence::Start => 0,
        Whence::Current => 1,
        Whence::End => 2,
    };
    let fd = fd.as_fd().as_raw_fd();
    // SAFETY: `lseek` reads and writes no memory of ours.
    unsafe { raw::syscall3(nr::LSEEK, fd as usize, offset as usize, whence) }.map(|o| o as u64)
}

/// `pipe2(2)`: a pipe, as `(read end, write end)`. `flags` may hold [`OFlags::CLOEXEC`],
/// [`OFlags::NONBLOCK`] and [`OFlags::DIRECT`].
pub fn pipe2(flags: OFlags) -> Result<(OwnedFd, OwnedFd)> {
    let mut fds = [-1i32; 2];
    // SAFETY: the kernel writes two descriptor numbers into `fds`, which is ours and that big.
    unsafe { raw::syscall2(nr::PIPE2, fds.as_mut_ptr() as usize, flags.bits() as usize) }?;
    // SAFETY: the kernel just opened both numbers for us; nobody else owns them.
    Ok(unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) })
}

/// `sendfile(2)`: copies up to `count` bytes from `in_fd` to `out_fd` inside the kernel, and
/// returns how many were copied (`Ok(0)` at the end of the input).
///
/// With `offset` `None` the copy starts at `in_fd`'s file offset and moves it; with
/// `Some(off)` it starts at `*off`, updates `*off` and leaves the file offset alone. `in_fd`
/// must be a file the kernel can map (a regular file, not a pipe or socket: [`Errno::EINVAL`]);
/// `out_fd` may be anything since Linux 2.6.33.
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
    unsafe { raw::syscall4(nr::SENDFILE, out_fd as usize, in_fd as usize, offset, count) }
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
/// `*off` and update it; a pipe takes no offset ([`Errno::ESPIPE`]). Neither end a pipe is
/// [`Errno::EINVAL`].
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

/// `copy_file_range(2)`: copies up to `len` bytes between two regular files inside the kernel
/// (possibly sharing the blocks, on file systems that can); returns how many were copied
/// (`Ok(0)`: end of input).
///
/// Offsets work as in [`splice`]. Errors the caller should expect and fall back from:
/// [`Errno::EXDEV`] (different file systems, before Linux 5.19 or between different kinds of
/// file system), [`Errno::EINVAL`] (not regular files, or overlapping ranges of one file),
/// [`Errno::EBADF`] (output opened with `O_APPEND`), [`Errno::ENOSYS`] (before Linux 4.5),
/// [`Errno::EOPNOTSUPP`]. The `flags` argument of the call is always 0, the only value defined.
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

const F_GETFL: usize = 3;
const F_SETFL: usize = 4;

/// `fcntl(2)` with `F_GETFL`: the file status flags and access mode of the open file
/// (for example [`OFlags::NONBLOCK`], [`OFlags::APPEND`], [`OFlags::WRONLY`]).
pub fn get_status_flags(fd: impl AsFd) -> Result<OFlags> {
    let fd = fd.as_fd().as_raw_fd();
    // SAFETY: `F_GETFL` reads and writes no memory of ours.
    let flags = unsafe { raw::syscall2(nr::FCNTL, fd as usize, F_GETFL) }?;
    Ok(OFlags::from_bits_retain(flags as u32))
}

/// `fcntl(2)` with `F_SETFL`: sets the file status flags of the open file. Linux changes only
/// `O_APPEND`, `O_ASYNC`, `O_DIRECT`, `O_NOATIME` and `O_NONBLOCK`, and ignores the rest.
///
/// The flags belong to the open file, so every descriptor that shares it (after `dup(2)` or
/// `fork(2)`) sees the change.
pub fn set_status_flags(fd: impl AsFd, flags: OFlags) -> Result<()> {
    let fd = fd.as_fd().as_raw_fd();
    // SAFETY: `F_SETFL` reads and writes no memory of ours.
    unsafe { raw::syscall3(nr::FCNTL, fd as usize, F_SETFL, flags.bits() as usize) }.map(drop)
}

bitflags::bitflags! {
    /// Events of a [`PollFd`] (see `poll(2)`).
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub struct PollFlags: i16 {
        /// `POLLIN`: there is data to read (or end of file).
        const IN = 0x1;
        /// `POLLPRI`: exceptional condition.
        const PRI = 0x2;
        /// `POLLOUT`: writing will not block.
        const OUT = 0x4;
        /// `POLLERR`: error condition (output only).
        const ERR = 0x8;
        /// `POLLHUP`: hang up, the other end is closed (output only).
        const HUP = 0x10;
        /// `POLLNVAL`: the descriptor is not open (output only).
        const NVAL = 0x20;
    }
}

/// One entry of [`poll`]: `struct pollfd` of `poll(2)`.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct PollFd<'fd> {
    fd: RawFd,
    events: i16,
    revents: i16,
    _fd: PhantomData<BorrowedFd<'fd>>,
}

impl<'fd> PollFd<'fd> {
    /// Watches `fd` for `events`.
    pub fn new(fd: BorrowedFd<'fd>, events: PollFlags) -> Self {
        PollFd {
            fd: fd.as_raw_fd(),
            events: events.bits(),
            revents: 0,
            _fd: PhantomData,
        }
    }

    /// The events the last [`poll`] reported for this entry.
    pub fn revents(&self) -> PollFlags {
        PollFlags::from_bits_retain(self.revents)
    }
}

/// `poll(2)`: waits until one of `fds` is ready, or `timeout_ms` milliseconds pass (negative:
/// no limit, 0: do not wait); returns how many entries have events, `Ok(0)` on time-out.
///
/// Implemented with `ppoll(2)` and no signal mask, the call every architecture has (aarch64 and
/// riscv64 have no `poll`).
pub fn poll(fds: &mut [PollFd<'_>], timeout_ms: i32) -> Result<usize> {
    #[repr(C)]
    struct Timespec {
        sec: i64,
        nsec: i64,
    }
    let ts = Timespec {
        sec: i64::from(timeout_ms / 1000),
        nsec: i64::from(timeout_ms % 1000) * 1_000_000,
    };
    let ts_ptr = if timeout_ms < 0 {
        0
    } else {
        &ts as *const Timespec as usize
    };
    // SAFETY: the kernel reads and writes `fds.len()` `struct pollfd` entries at `fds` (which
    // is `#[repr(C)]` with that layout and borrowed mutably) and reads one `struct timespec`
    // at `ts_ptr` (null or `ts`, alive for the call); no signal mask is passed.
    unsafe {
        raw::syscall5(
            nr::PPOLL,
            fds.as_mut_ptr() as usize,
            fds.len(),
            ts_ptr,
            0,
            0,
        )
    }
}
