//! Time: the monotonic clock never goes back and a sleep lasts at least its interval.

use alloc::string::ToString;
use core::time::Duration;

use syscall_kit::time::{ClockId, clock_gettime, sleep};

use crate::TestResult;

pub fn monotonic() -> TestResult {
    let e = |e: syscall_kit::Errno| e.to_string();
    let a = clock_gettime(ClockId::MONOTONIC).map_err(e)?;
    let b = clock_gettime(ClockId::MONOTONIC).map_err(e)?;
    check!(b >= a, "{a:?} then {b:?}");
    check!((0..1_000_000_000).contains(&a.nsec), "{a:?}");
    let d = Duration::from_millis(5);
    sleep(d).map_err(e)?;
    let c = clock_gettime(ClockId::MONOTONIC).map_err(e)?;
    check!(
        c.saturating_duration_since(b) >= d,
        "slept {:?}",
        c.saturating_duration_since(b)
    );
    Ok(())
}
