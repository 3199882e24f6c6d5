//! Sleeping: `clock_nanosleep(2)`.

use core::time::Duration;

use super::{ClockId, Timespec};
use crate::arch::wide;
use crate::raw;
use crate::{Errno, Result};

bitflags::bitflags! {
    /// Flags of [`clock_nanosleep`].
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub struct SleepFlags: u32 {
        /// `TIMER_ABSTIME`: the time is a point on the clock, not an interval.
        const ABSTIME = 1;
    }
}

/// `clock_nanosleep(2)`: sleeps on `clock` for the interval `time`, or until the clock reaches
/// `time` with [`SleepFlags::ABSTIME`].
///
/// A signal handler that runs ends the sleep early with [`Errno::EINTR`]; for an interval, the
/// time left is then written to `remaining` (when given). [`sleep`] repeats the call for you.
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/clock_nanosleep.2.html
pub fn clock_nanosleep(
    clock: ClockId,
    flags: SleepFlags,
    time: &Timespec,
    remaining: Option<&mut Timespec>,
) -> Result<()> {
    let rem = remaining.map_or(0, |r| r as *mut Timespec as usize);
    // SAFETY: the kernel reads one `struct timespec` at `time` and writes one at `rem` (null or
    // a `Timespec` borrowed mutably), both alive for the call.
    unsafe {
        raw::syscall4(
            wide::CLOCK_NANOSLEEP,
            clock.as_raw() as usize,
            flags.bits() as usize,
            time as *const Timespec as usize,
            rem,
        )
    }
    .map(drop)
}

/// Sleeps for `d` on [`ClockId::MONOTONIC`], whatever signal handlers interrupt it: the sleep
/// is made with an absolute deadline, so repeating it after `EINTR` does not drift.
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/clock_nanosleep.2.html
pub fn sleep(d: Duration) -> Result<()> {
    let now = super::clock_gettime(ClockId::MONOTONIC)?;
    let deadline = now.checked_add(d).ok_or(Errno::EINVAL)?;
    loop {
        match clock_nanosleep(ClockId::MONOTONIC, SleepFlags::ABSTIME, &deadline, None) {
            Err(Errno::EINTR) => {}
            other => return other,
        }
    }
}
