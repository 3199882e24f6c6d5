//! [`Timeout`]: how long a call that waits may wait.

use core::time::Duration;

use super::Timespec;

/// How long a call that waits may wait: what [`poll`](crate::io::poll),
/// [`epoll_pwait`](crate::event::epoll_pwait) and [`sigtimedwait`](crate::signal::sigtimedwait)
/// take, every one of them this same type. ([`clock_nanosleep`](super::clock_nanosleep) takes a
/// [`Timespec`], which may be a time of day rather than a length of time; [`sleep`](super::sleep)
/// a [`Duration`].)
///
/// A [`Duration`] converts into `Timeout::After`.
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/poll.2.html
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Timeout {
    /// No limit: wait as long as it takes, until something happens (C's `NULL` timespec, or
    /// -1 milliseconds).
    Forever,
    /// Wait at most this long (zero: do not wait).
    After(Duration),
}

impl Timeout {
    /// Do not wait: report what is ready now.
    pub const IMMEDIATE: Timeout = Timeout::After(Duration::ZERO);

    /// The `struct timespec` of `ppoll(2)`-style calls: `None` for no limit.
    pub const fn to_timespec(self) -> Option<Timespec> {
        match self {
            Timeout::Forever => None,
            Timeout::After(d) => Some(Timespec::from_duration(d)),
        }
    }

    /// The `int` milliseconds of `epoll_wait(2)`-style calls: -1 for no limit; a duration is
    /// rounded up to whole milliseconds (so a short wait is never made a busy one) and capped
    /// at `i32::MAX`.
    pub const fn to_millis(self) -> i32 {
        match self {
            Timeout::Forever => -1,
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
