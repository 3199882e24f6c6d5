//! Counters as descriptors: `eventfd2(2)`.

use crate::fd::{AsFd, OwnedFd, RawFd};
use crate::io::{read, write};
use crate::raw::{self, nr};
use crate::{Errno, Result};

bitflags::bitflags! {
    /// Flags of [`eventfd2`].
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub struct EventfdFlags: u32 {
        /// `EFD_SEMAPHORE`: a read takes 1, not the whole count.
        const SEMAPHORE = 1;
        /// `EFD_CLOEXEC` (`O_CLOEXEC`).
        const CLOEXEC = 0o2000000;
        /// `EFD_NONBLOCK` (`O_NONBLOCK`): reading a zero count fails with `EAGAIN`.
        const NONBLOCK = 0o4000;
    }
}

/// `eventfd2(2)`: a descriptor holding a 64-bit counter, starting at `initval`: readable
/// while it is not zero.
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/eventfd.2.html
pub fn eventfd2(initval: u32, flags: EventfdFlags) -> Result<OwnedFd> {
    // SAFETY: `eventfd2` reads no memory; the new descriptor is ours.
    let fd = unsafe { raw::syscall2(nr::EVENTFD2, initval as usize, flags.bits() as usize) }?;
    // SAFETY: the kernel just opened `fd` for this process and nobody else knows it.
    Ok(unsafe { OwnedFd::from_raw_fd(fd as RawFd) })
}

/// `read(2)` of an eventfd: the count (then zero), or 1 with [`EventfdFlags::SEMAPHORE`]
/// (then one less); waits while it is zero, unless non-blocking (`EAGAIN`).
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/eventfd.2.html
pub fn eventfd_read(fd: impl AsFd) -> Result<u64> {
    let mut buf = [0u8; 8];
    match read(fd, &mut buf)? {
        8 => Ok(u64::from_ne_bytes(buf)),
        _ => Err(Errno::EINVAL),
    }
}

/// `write(2)` of an eventfd: adds `n` to the count (`EINVAL` for `u64::MAX`; waits, or
/// `EAGAIN`, when the sum would pass `u64::MAX - 1`).
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/eventfd.2.html
pub fn eventfd_write(fd: impl AsFd, n: u64) -> Result<()> {
    match write(fd, &n.to_ne_bytes())? {
        8 => Ok(()),
        _ => Err(Errno::EINVAL),
    }
}
