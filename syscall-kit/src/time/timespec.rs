//! [`Timespec`]: the kernel's `struct timespec`, and its conversions to [`Duration`].

use core::time::Duration;

const NANOS_PER_SEC: i64 = 1_000_000_000;

/// `struct timespec` (see `timespec(3type)`): seconds and nanoseconds, 16 bytes on every
/// architecture of the kit. A value the kit returns is normalized: `0 <= nsec < 10^9`.
///
/// Ordering compares seconds, then nanoseconds: right for normalized values.
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man3/timespec.3type.html
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timespec {
    /// Seconds (`tv_sec`).
    pub sec: i64,
    /// Nanoseconds, `0..1_000_000_000` (`tv_nsec`).
    pub nsec: i64,
}

impl Timespec {
    /// Zero seconds.
    pub const ZERO: Timespec = Timespec { sec: 0, nsec: 0 };

    /// `d` as a `Timespec`; seconds beyond `i64::MAX` saturate.
    pub const fn from_duration(d: Duration) -> Timespec {
        let sec = d.as_secs();
        Timespec {
            sec: if sec > i64::MAX as u64 {
                i64::MAX
            } else {
                sec as i64
            },
            nsec: d.subsec_nanos() as i64,
        }
    }

    /// `self` as a [`Duration`]; `None` when it is negative or not normalized.
    pub const fn to_duration(self) -> Option<Duration> {
        if self.sec < 0 || self.nsec < 0 || self.nsec >= NANOS_PER_SEC {
            return None;
        }
        Some(Duration::new(self.sec as u64, self.nsec as u32))
    }

    /// `self + d`, or `None` on overflow of the seconds.
    pub const fn checked_add(self, d: Duration) -> Option<Timespec> {
        let add = Timespec::from_duration(d);
        let mut nsec = self.nsec + add.nsec;
        let mut carry = 0;
        if nsec >= NANOS_PER_SEC {
            nsec -= NANOS_PER_SEC;
            carry = 1;
        }
        match self.sec.checked_add(add.sec) {
            Some(s) => match s.checked_add(carry) {
                Some(sec) => Some(Timespec { sec, nsec }),
                None => None,
            },
            None => None,
        }
    }

    /// How long after `earlier` this is: zero when `earlier` is not before `self`.
    pub const fn saturating_duration_since(self, earlier: Timespec) -> Duration {
        let mut sec = self.sec.saturating_sub(earlier.sec);
        let mut nsec = self.nsec - earlier.nsec;
        if nsec < 0 {
            nsec += NANOS_PER_SEC;
            sec -= 1;
        }
        if sec < 0 {
            return Duration::ZERO;
        }
        Duration::new(sec as u64, nsec as u32)
    }
}

impl From<Duration> for Timespec {
    fn from(d: Duration) -> Timespec {
        Timespec::from_duration(d)
    }
}
