//! File descriptors: [`OwnedFd`] closes exactly once, [`BorrowedFd`] never closes; `dup(2)`,
//! `dup2(2)` and `close(2)`; [`cloexec_from`] (`close_range(2)` with `CLOSE_RANGE_CLOEXEC`), so
//! that a program run next inherits no descriptor but the first few.
//!
//! The model is `std::os::fd`'s (and rustix's): owning a descriptor is a type, so closing it twice,
//! or using it after close, does not compile.

use core::marker::PhantomData;

use crate::Result;
use crate::raw::{self, nr};

/// A file descriptor number as the kernel sees it.
pub type RawFd = i32;

/// An open file descriptor that this value owns: dropping it closes it, exactly once.
///
/// Errors from the `close(2)` of a drop are ignored; call [`OwnedFd::close`] to see them.
#[derive(Debug, PartialEq, Eq)]
pub struct OwnedFd {
    fd: RawFd,
}

impl OwnedFd {
    /// Takes ownership of `fd`.
    ///
    /// # Safety
    /// `fd` must be open and owned by nobody else: it will be closed when the value is dropped.
    pub const unsafe fn from_raw_fd(fd: RawFd) -> OwnedFd {
        OwnedFd { fd }
    }

    /// The descriptor number, still owned by `self`.
    pub const fn as_raw_fd(&self) -> RawFd {
        self.fd
    }

    /// Gives up ownership without closing: the caller now owns the number.
    pub fn into_raw_fd(self) -> RawFd {
        let fd = self.fd;
        core::mem::forget(self);
        fd
    }

    /// Closes the descriptor and reports the error of `close(2)`, if any. Whatever the result,
    /// the number is released (Linux frees it even when `close` fails), so it is never closed
    /// again.
    ///
    /// # References
    ///  - [Linux]
    ///
    /// [Linux]: https://man7.org/linux/man-pages/man2/close.2.html
    pub fn close(self) -> Result<()> {
        let fd = self.into_raw_fd();
        // SAFETY: `fd` was owned by `self`, which is consumed, so nobody else closes it.
        unsafe { raw::syscall1(nr::CLOSE, fd as usize) }.map(drop)
    }
}

impl Drop for OwnedFd {
    fn drop(&mut self) {
        // SAFETY: `self.fd` is open and owned by this value, which is being dropped: this is the
        // one close of the number. The error, if any, cannot be reported from a drop.
        let _ = unsafe { raw::syscall1(nr::CLOSE, self.fd as usize) };
    }
}

/// A file descriptor borrowed for the lifetime `'fd`: it is never closed through this value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BorrowedFd<'fd> {
    fd: RawFd,
    _owner: PhantomData<&'fd OwnedFd>,
}

impl BorrowedFd<'_> {
    /// Borrows the number `fd`.
    ///
    /// # Safety
    /// `fd` must stay open for the lifetime of the result (or be one of the numbers the kernel
    /// treats specially, such as `AT_FDCWD`).
    pub const unsafe fn borrow_raw(fd: RawFd) -> Self {
        BorrowedFd {
            fd,
            _owner: PhantomData,
        }
    }

    /// The descriptor number.
    pub const fn as_raw_fd(self) -> RawFd {
        self.fd
    }
}

/// Types that lend a file descriptor: [`OwnedFd`], [`BorrowedFd`] and references to them.
pub trait AsFd {
    /// Borrows the descriptor.
    fn as_fd(&self) -> BorrowedFd<'_>;
}

impl AsFd for OwnedFd {
    fn as_fd(&self) -> BorrowedFd<'_> {
        // SAFETY: `self` keeps the descriptor open for as long as it is borrowed.
        unsafe { BorrowedFd::borrow_raw(self.fd) }
    }
}

impl AsFd for BorrowedFd<'_> {
    fn as_fd(&self) -> BorrowedFd<'_> {
        *self
    }
}

impl<T: AsFd + ?Sized> AsFd for &T {
    fn as_fd(&self) -> BorrowedFd<'_> {
        (**self).as_fd()
    }
}

impl<T: AsFd + ?Sized> AsFd for &mut T {
    fn as_fd(&self) -> BorrowedFd<'_> {
        (**self).as_fd()
    }
}

/// Standard input, descriptor 0 (see `stdin(3)`).
///
/// The process inherits descriptors 0, 1 and 2 open or not; when one is closed, calls on it fail
/// with [`Errno::EBADF`](crate::Errno::EBADF).
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man3/stdin.3.html
pub const fn stdin() -> BorrowedFd<'static> {
    // SAFETY: descriptor 0 belongs to the process for its whole life; this kit never closes it.
    unsafe { BorrowedFd::borrow_raw(0) }
}

/// Standard output, descriptor 1 (see `stdout(3)`). Closed? calls fail with
/// [`Errno::EBADF`](crate::Errno::EBADF).
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man3/stdin.3.html
pub const fn stdout() -> BorrowedFd<'static> {
    // SAFETY: as for `stdin`.
    unsafe { BorrowedFd::borrow_raw(1) }
}

/// Standard error, descriptor 2 (see `stderr(3)`). Closed? calls fail with
/// [`Errno::EBADF`](crate::Errno::EBADF).
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man3/stdin.3.html
pub const fn stderr() -> BorrowedFd<'static> {
    // SAFETY: as for `stdin`.
    unsafe { BorrowedFd::borrow_raw(2) }
}

/// `close_range(first, ~0, CLOSE_RANGE_CLOEXEC)` (see `close_range(2)`, Linux 5.11): every
/// descriptor of the process numbered `first` or more is marked close-on-exec. Nothing is
/// closed now (so no owner of one is surprised), but the program the next `execve(2)` runs
/// inherits none of them: what a runtime does before it starts a container's command, with
/// `first` 3.
///
/// A kernel before 5.9 fails with [`Errno::ENOSYS`](crate::Errno::ENOSYS), one before 5.11
/// with [`Errno::EINVAL`](crate::Errno::EINVAL) (it knows no `CLOSE_RANGE_CLOEXEC`).
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/close_range.2.html
pub fn cloexec_from(first: RawFd) -> Result<()> {
    const CLOSE_RANGE_CLOEXEC: usize = 1 << 2;
    // SAFETY: with CLOSE_RANGE_CLOEXEC, `close_range` closes nothing and reads no memory.
    unsafe {
        raw::syscall3(
            nr::CLOSE_RANGE,
            first as usize,
            u32::MAX as usize,
            CLOSE_RANGE_CLOEXEC,
        )
    }
    .map(drop)
}

/// `dup(2)`: a new descriptor for the same open file, the lowest free number.
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/dup.2.html
pub fn dup(fd: impl AsFd) -> Result<OwnedFd> {
    // SAFETY: `dup` reads no memory; the new number is ours.
    let new = unsafe { raw::syscall1(nr::DUP, fd.as_fd().as_raw_fd() as usize) }?;
    // SAFETY: the kernel just opened `new` for this process and nobody else knows it.
    Ok(unsafe { OwnedFd::from_raw_fd(new as RawFd) })
}

/// `dup2(2)`: makes `new` refer to the same open file as `fd`; what `new` referred to is closed
/// (atomically: the number is never free in between). `new` keeps its number and stays owned.
///
/// `new` is an [`OwnedFd`] borrowed mutably, so no other owner of the number can see the
/// change behind its back (rustix's shape). To redirect standard input, output or error, which
/// no `OwnedFd` owns, use [`dup2_stdin`], [`dup2_stdout`], [`dup2_stderr`].
///
/// Made with `dup3(2)` and no flags, the call every architecture has (aarch64 and riscv64
/// have no `dup2`). `dup3` refuses equal numbers with `EINVAL`, where `dup2` does nothing:
/// this wrapper does nothing too, since `new` is open.
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/dup.2.html
pub fn dup2(fd: impl AsFd, new: &mut OwnedFd) -> Result<()> {
    let fd = fd.as_fd();
    if fd.as_raw_fd() == new.fd {
        return Ok(());
    }
    // SAFETY: `new` is borrowed exclusively: the one owner of the number sees its descriptor
    // now refer to `fd`'s open file, which is what it asked for; `dup3` reads no memory.
    unsafe { dup3(fd, new.fd) }
}

/// `dup3(fd, new, 0)`.
///
/// # Safety
/// Whatever `new` refers to is closed: no owner of it may mind.
unsafe fn dup3(fd: BorrowedFd<'_>, new: RawFd) -> Result<()> {
    // SAFETY: forwarded to the caller; `dup3` reads and writes no memory of ours.
    unsafe { raw::syscall3(nr::DUP3, fd.as_raw_fd() as usize, new as usize, 0) }.map(drop)
}

/// `dup2(fd, STDIN_FILENO)`: makes descriptor 0 refer to `fd`'s open file (nothing, when `fd`
/// is 0). See [`dup2`].
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/dup.2.html
pub fn dup2_stdin(fd: impl AsFd) -> Result<()> {
    dup2_stdio(fd.as_fd(), stdin())
}

/// `dup2(fd, STDOUT_FILENO)`: makes descriptor 1 refer to `fd`'s open file (nothing, when `fd`
/// is 1). See [`dup2`].
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/dup.2.html
pub fn dup2_stdout(fd: impl AsFd) -> Result<()> {
    dup2_stdio(fd.as_fd(), stdout())
}

/// `dup2(fd, STDERR_FILENO)`: makes descriptor 2 refer to `fd`'s open file (nothing, when `fd`
/// is 2). See [`dup2`].
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/dup.2.html
pub fn dup2_stderr(fd: impl AsFd) -> Result<()> {
    dup2_stdio(fd.as_fd(), stderr())
}

/// The three above. A process started with one of 0, 1, 2 closed may have had that number
/// handed out by a later `open`: then the file of that [`OwnedFd`] is the one replaced, as with
/// `dup2(2)` in C (rustix's `dup2_stdin` … make the same choice).
fn dup2_stdio(fd: BorrowedFd<'_>, std: BorrowedFd<'static>) -> Result<()> {
    if fd.as_raw_fd() == std.as_raw_fd() {
        return Ok(());
    }
    // SAFETY: descriptors 0, 1 and 2 belong to the process, and this kit lends them only as
    // [`stdin`], [`stdout`], [`stderr`], which stay valid: the replacement is atomic, so the
    // number stays open and now refers to `fd`'s open file.
    unsafe { dup3(fd, std.as_raw_fd()) }
}

/// `close(2)`: closes `fd` and reports the error, if any (same as [`OwnedFd::close`]).
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/close.2.html
pub fn close(fd: OwnedFd) -> Result<()> {
    fd.close()
}
