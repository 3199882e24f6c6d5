//! Timers as descriptors: `timerfd_create(2)`, `timerfd_settime(2)`, `timerfd_gettime(2)`.

use core::mem::MaybeUninit;

use super::{ClockId, Timespec};
use crate::arch::wide;
use crate::fd::{AsFd, OwnedFd, RawFd};
use crate::raw::{self, nr};
use crate::{Errno, Result};

bitflags::bitflags! {
    /// Flags of [`timerfd_create`].
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub struct TimerfdFlags: u32 {
        /// `TFD_CLOEXEC` (`O_CLOEXEC`).
        const CLOEXEC = 0o2000000;
        /// `TFD_NONBLOCK` (`O_NONBLOCK`): a read before expiry fails with `EAGAIN`.
        const NONBLOCK = 0o4000;
    }
}

bitflags::bitflags! {
    /// Flags of [`timerfd_settime`].
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub struct TimerSetFlags: u32 {
        /// `TFD_TIMER_ABSTIME`: `value` is a point on the timer's clock.
        const ABSTIME = 1;
        /// `TFD_TIMER_CANCEL_ON_SET`: with `ABSTIME` on a `REALTIME` clock, a read fails with
        /// `ECANCELED` when the clock is set.
        const CANCEL_ON_SET = 2;
    }
}

/// `struct itimerspec`: the first expiry (`value`; zero disarms) and the period after it
/// (`interval`; zero: fire once).
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/timerfd_create.2.html
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Itimerspec {
    /// The period (`it_interval`).
    pub interval: Timespec,
    /// The first expiry (`it_value`).
    pub value: Timespec,
}

/// `timerfd_create(2)`: a timer on `clock` that is read as a descriptor (disarmed at first).
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/timerfd_create.2.html
pub fn timerfd_create(clock: ClockId, flags: TimerfdFlags) -> Result<OwnedFd> {
    // SAFETY: `timerfd_create` reads no memory; the new descriptor is ours.
    let fd = unsafe {
        raw::syscall2(
            nr::TIMERFD_CREATE,
            clock.as_raw() as usize,
            flags.bits() as usize,
        )
    }?;
    // SAFETY: the kernel just opened `fd` for this process and nobody else knows it.
    Ok(unsafe { OwnedFd::from_raw_fd(fd as RawFd) })
}

/// `timerfd_settime(2)`: arms (or, with a zero `value`, disarms) the timer; returns the
/// setting it replaces.
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/timerfd_create.2.html
pub fn timerfd_settime(
    fd: impl AsFd,
    flags: TimerSetFlags,
    new: &Itimerspec,
) -> Result<Itimerspec> {
    let mut old = MaybeUninit::<Itimerspec>::uninit();
    // SAFETY: the kernel reads one `struct itimerspec` at `new` and writes one at `old`, both
    // ours for the call.
    unsafe {
        raw::syscall4(
            wide::TIMERFD_SETTIME,
            fd.as_fd().as_raw_fd() as usize,
            flags.bits() as usize,
            new as *const Itimerspec as usize,
            old.as_mut_ptr() as usize,
        )
    }?;
    // SAFETY: the call succeeded, so the kernel filled `old`.
    Ok(unsafe { old.assume_init() })
}

/// `timerfd_gettime(2)`: the time until the next expiry (`value`, zero when disarmed) and the
/// period.
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/timerfd_create.2.html
pub fn timerfd_gettime(fd: impl AsFd) -> Result<Itimerspec> {
    let mut cur = MaybeUninit::<Itimerspec>::uninit();
    // SAFETY: the kernel writes one `struct itimerspec` at `cur`, ours for the call.
    unsafe {
        raw::syscall2(
            wide::TIMERFD_GETTIME,
            fd.as_fd().as_raw_fd() as usize,
            cur.as_mut_ptr() as usize,
        )
    }?;
    // SAFETY: the call succeeded, so the kernel filled `cur`.
    Ok(unsafe { cur.assume_init() })
}

/// `read(2)` of a timer descriptor: waits for (or, non-blocking, checks) an expiry and returns
/// how many expiries happened since the last read.
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/timerfd_create.2.html
pub fn timerfd_read(fd: impl AsFd) -> Result<u64> {
    let mut buf = [0u8; 8];
    match crate::io::read(fd, &mut buf)? {
        8 => Ok(u64::from_ne_bytes(buf)),
        _ => Err(Errno::EINVAL),
    }
}
