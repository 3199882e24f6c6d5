//! [`Timeout`]: how long a call that waits may wait.

use core::time::Duration;

use super::Timespec;

/// How long [`poll`](crate::io::poll) or [`epoll_pwait`](crate::event::epoll_pwait) may wait.
///
/// From an `i32`, the C convention of `poll(2)`: milliseconds, negative for no limit.
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/poll.2.html
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Timeout {
    /// Wait until something happens.
    Never,
    /// Wait at most this long (zero: do not wait).
    After(Duration),
}

impl Timeout {
    /// Do not wait: report what is ready now.
    pub const IMMEDIATE: Timeout = Timeout::After(Duration::ZERO);

    /// The `struct timespec` of `ppoll(2)`-style calls: `None` for no limit.
    pub const fn to_timespec(self) -> Option<Timespec> {
        match self {
            Timeout::Never => None,
            Timeout::After(d) => Some(Timespec::from_duration(d)),
        }
    }

    /// The `int` milliseconds of `epoll_wait(2)`-style calls: -1 for no limit; a duration is
    /// rounded up to whole milliseconds (so a short wait is never made a busy one) and capped
    /// at `i32::MAX`.
    pub const fn to_millis(self) -> i32 {
        match self {
            Timeout::Never => -1,
            Timeout::After(d) => {
                let ms = d.as_millis() + (d.subsec_nanos() % 1_000_000 != 0) as u128;
                if ms > i32::MAX as u128 {
                    i32::MAX
                } else {
                    ms as i32
                }
            }
        }
    }
}

impl From<Duration> for Timeout {
    fn from(d: Duration) -> Timeout {
        Timeout::After(d)
    }
}

impl From<i32> for Timeout {
    /// Milliseconds, as `poll(2)` takes them: negative means [`Timeout::Never`].
    fn from(ms: i32) -> Timeout {
        if ms < 0 {
            Timeout::Never
        } else {
            Timeout::After(Duration::from_millis(ms as u64))
        }
    }
}
