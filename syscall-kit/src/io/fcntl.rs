//! The file status flags of an open file: `fcntl(2)` with `F_GETFL` and `F_SETFL`.

use crate::Result;
use crate::arch::wide;
use crate::fd::AsFd;
use crate::fs::OFlags;
use crate::raw;

const F_GETFL: usize = 3;
const F_SETFL: usize = 4;

/// `fcntl(fd, F_GETFL)`: the file status flags and access mode of the open file (for example
/// [`OFlags::NONBLOCK`], [`OFlags::APPEND`], [`OFlags::WRONLY`]).
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/fcntl.2.html
pub fn fcntl_getfl(fd: impl AsFd) -> Result<OFlags> {
    let fd = fd.as_fd().as_raw_fd();
    // SAFETY: `F_GETFL` reads and writes no memory of ours.
    let flags = unsafe { raw::syscall2(wide::FCNTL, fd as usize, F_GETFL) }?;
    Ok(OFlags::from_bits_retain(flags as u32))
}

/// `fcntl(fd, F_SETFL, flags)`: sets the file status flags of the open file. Linux changes
/// only `O_APPEND`, `O_ASYNC`, `O_DIRECT`, `O_NOATIME` and `O_NONBLOCK`, and ignores the rest.
///
/// The flags belong to the open file, so every descriptor that shares it (after `dup(2)` or
/// `fork(2)`) sees the change.
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/fcntl.2.html
pub fn fcntl_setfl(fd: impl AsFd, flags: OFlags) -> Result<()> {
    let fd = fd.as_fd().as_raw_fd();
    // SAFETY: `F_SETFL` reads and writes no memory of ours.
    unsafe { raw::syscall3(wide::FCNTL, fd as usize, F_SETFL, flags.bits() as usize) }.map(drop)
}
