//! Reading a clock: `clock_gettime(2)`.

use core::mem::MaybeUninit;

use super::Timespec;
use crate::Result;
use crate::arch::wide;
use crate::raw;

/// A clock of `clock_gettime(2)` (`clockid_t`).
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/clock_gettime.2.html
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ClockId(i32);

impl ClockId {
    /// `CLOCK_REALTIME`: wall-clock time, seconds since the Epoch; can jump when it is set.
    pub const REALTIME: ClockId = ClockId(0);
    /// `CLOCK_MONOTONIC`: never goes back, does not count suspend; for measuring intervals.
    pub const MONOTONIC: ClockId = ClockId(1);
    /// `CLOCK_PROCESS_CPUTIME_ID`: CPU time of the process.
    pub const PROCESS_CPUTIME_ID: ClockId = ClockId(2);
    /// `CLOCK_THREAD_CPUTIME_ID`: CPU time of the calling thread.
    pub const THREAD_CPUTIME_ID: ClockId = ClockId(3);
    /// `CLOCK_MONOTONIC_RAW`: as `MONOTONIC`, without NTP's frequency adjustment.
    pub const MONOTONIC_RAW: ClockId = ClockId(4);
    /// `CLOCK_REALTIME_COARSE`: a faster, coarser `REALTIME`.
    pub const REALTIME_COARSE: ClockId = ClockId(5);
    /// `CLOCK_MONOTONIC_COARSE`: a faster, coarser `MONOTONIC`.
    pub const MONOTONIC_COARSE: ClockId = ClockId(6);
    /// `CLOCK_BOOTTIME`: as `MONOTONIC`, counting time suspended.
    pub const BOOTTIME: ClockId = ClockId(7);

    /// The clock numbered `id` (for numbers the constants above do not name).
    pub const fn from_raw(id: i32) -> ClockId {
        ClockId(id)
    }

    /// The kernel's number.
    pub const fn as_raw(self) -> i32 {
        self.0
    }
}

/// `clock_gettime(2)`: the current time of `clock`.
///
/// This is the system call. The C library answers from the vDSO instead, without entering the
/// kernel; the kit does not (yet) parse the vDSO, so each call costs a system call.
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/clock_gettime.2.html
pub fn clock_gettime(clock: ClockId) -> Result<Timespec> {
    let mut ts = MaybeUninit::<Timespec>::uninit();
    // SAFETY: the kernel writes one `struct timespec` (the layout of `Timespec`) at `ts`, which
    // is ours for the call, and nothing else.
    unsafe {
        raw::syscall2(
            wide::CLOCK_GETTIME,
            clock.0 as usize,
            ts.as_mut_ptr() as usize,
        )
    }?;
    // SAFETY: the call succeeded, so the kernel filled `ts`.
    Ok(unsafe { ts.assume_init() })
}
