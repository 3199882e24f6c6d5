//! The time wrappers (`src/time/`), against the real kernel: clocks, sleeping, timer
//! descriptors, and the arithmetic of `Timespec` and `Timeout`.

use std::time::Duration;

use syscall_kit::io::{PollFd, PollFlags, poll};
use syscall_kit::time::{
    ClockId, Itimerspec, SleepFlags, Timeout, TimerSetFlags, TimerfdFlags, Timespec, clock_gettime,
    clock_nanosleep, sleep, timerfd_create, timerfd_gettime, timerfd_read, timerfd_settime,
};
use syscall_kit::{AsFd, Errno};

mod common;

#[test]
fn the_monotonic_clock_agrees_with_std_and_never_goes_back() {
    let before = std::time::Instant::now();
    let a = clock_gettime(ClockId::MONOTONIC).unwrap();
    let b = clock_gettime(ClockId::MONOTONIC).unwrap();
    let after = std::time::Instant::now();
    assert!(b >= a, "{a:?} then {b:?}");
    assert!((0..1_000_000_000).contains(&a.nsec));
    // std's Instant reads the same clock (through the vDSO): the kit's readings lie between.
    let std_span = after - before;
    assert!(b.saturating_duration_since(a) <= std_span);
}

#[test]
fn the_realtime_clock_agrees_with_the_system_time() {
    let std_now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap();
    let kit = clock_gettime(ClockId::REALTIME)
        .unwrap()
        .to_duration()
        .unwrap();
    let std_after = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap();
    assert!(
        std_now <= kit && kit <= std_after,
        "{std_now:?} {kit:?} {std_after:?}"
    );
}

#[test]
fn clock_nanosleep_sleeps_at_least_the_interval_and_until_an_absolute_time() {
    let start = clock_gettime(ClockId::MONOTONIC).unwrap();
    let d = Duration::from_millis(20);
    clock_nanosleep(
        ClockId::MONOTONIC,
        SleepFlags::empty(),
        &Timespec::from_duration(d),
        None,
    )
    .unwrap();
    let mid = clock_gettime(ClockId::MONOTONIC).unwrap();
    assert!(mid.saturating_duration_since(start) >= d);
    let deadline = mid.checked_add(d).unwrap();
    clock_nanosleep(ClockId::MONOTONIC, SleepFlags::ABSTIME, &deadline, None).unwrap();
    assert!(clock_gettime(ClockId::MONOTONIC).unwrap() >= deadline);
    let before = clock_gettime(ClockId::MONOTONIC).unwrap();
    sleep(d).unwrap();
    assert!(
        clock_gettime(ClockId::MONOTONIC)
            .unwrap()
            .saturating_duration_since(before)
            >= d
    );
}

#[test]
fn a_timerfd_fires_once_then_periodically_and_reports_its_setting() {
    let tfd = timerfd_create(
        ClockId::MONOTONIC,
        TimerfdFlags::CLOEXEC | TimerfdFlags::NONBLOCK,
    )
    .unwrap();
    assert_eq!(
        timerfd_read(&tfd),
        Err(Errno::EAGAIN),
        "disarmed: nothing to read"
    );
    assert_eq!(timerfd_gettime(&tfd).unwrap(), Itimerspec::default());
    let once = Itimerspec {
        interval: Timespec::ZERO,
        value: Timespec::from_duration(Duration::from_millis(10)),
    };
    assert_eq!(
        timerfd_settime(&tfd, TimerSetFlags::empty(), &once).unwrap(),
        Itimerspec::default(),
        "the old setting: disarmed"
    );
    let left = timerfd_gettime(&tfd).unwrap();
    assert!(
        left.value > Timespec::ZERO && left.value <= once.value,
        "{left:?}"
    );
    let mut fds = [PollFd::new(tfd.as_fd(), PollFlags::IN)];
    assert_eq!(poll(&mut fds, common::WAIT_BOUND), Ok(1));
    assert_eq!(timerfd_read(&tfd), Ok(1));
    assert_eq!(timerfd_read(&tfd), Err(Errno::EAGAIN), "fired once");
    let periodic = Itimerspec {
        interval: Timespec::from_duration(Duration::from_millis(1)),
        value: Timespec::from_duration(Duration::from_millis(1)),
    };
    timerfd_settime(&tfd, TimerSetFlags::empty(), &periodic).unwrap();
    sleep(Duration::from_millis(20)).unwrap();
    let n = timerfd_read(&tfd).unwrap();
    assert!(n >= 2, "{n} expiries in 20 ms of a 1 ms period");
}

#[test]
fn timespec_and_duration_convert_both_ways() {
    let d = Duration::new(3, 999_999_999);
    let t = Timespec::from_duration(d);
    assert_eq!(
        t,
        Timespec {
            sec: 3,
            nsec: 999_999_999
        }
    );
    assert_eq!(t.to_duration(), Some(d));
    assert_eq!(Timespec { sec: -1, nsec: 0 }.to_duration(), None);
    assert_eq!(
        Timespec {
            sec: 0,
            nsec: 1_000_000_000
        }
        .to_duration(),
        None
    );
    let sum = t.checked_add(Duration::from_nanos(2)).unwrap();
    assert_eq!(sum, Timespec { sec: 4, nsec: 1 });
    assert_eq!(
        Timespec {
            sec: i64::MAX,
            nsec: 0
        }
        .checked_add(Duration::from_secs(1)),
        None
    );
    assert_eq!(sum.saturating_duration_since(t), Duration::from_nanos(2));
    assert_eq!(t.saturating_duration_since(sum), Duration::ZERO);
    assert_eq!(Timespec::from_duration(Duration::MAX).sec, i64::MAX);
}

#[test]
fn timeouts_convert_to_milliseconds_rounding_up_and_to_timespecs() {
    assert_eq!(Timeout::Forever.to_millis(), -1);
    assert_eq!(Timeout::IMMEDIATE.to_millis(), 0);
    assert_eq!(Timeout::from(Duration::from_micros(1)).to_millis(), 1);
    assert_eq!(Timeout::from(Duration::from_millis(1500)).to_millis(), 1500);
    assert_eq!(Timeout::from(Duration::MAX).to_millis(), i32::MAX);
    assert_eq!(
        Timeout::from(Duration::from_millis(250)),
        Timeout::After(Duration::from_millis(250))
    );
    assert_eq!(Timeout::Forever.to_timespec(), None);
    assert_eq!(
        Timeout::from(Duration::from_nanos(1_500_000_001)).to_timespec(),
        Some(Timespec {
            sec: 1,
            nsec: 500_000_001
        })
    );
}
