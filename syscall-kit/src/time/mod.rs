//! Time: clocks, sleeping and timer descriptors, one system call story a file:
//!
//! | topic | system calls |
//! |---|---|
//! | the kernel's time value (`timespec.rs`) | [`Timespec`] (`struct timespec`), to and from [`Duration`] |
//! | reading a clock (`clock.rs`) | [`clock_gettime`] over a [`ClockId`] (the system call, not the vDSO) |
//! | sleeping (`sleep.rs`) | [`clock_nanosleep`], and [`sleep`] over it |
//! | timers as descriptors (`timerfd.rs`) | [`timerfd_create`], [`timerfd_settime`], [`timerfd_gettime`], [`timerfd_read`] |
//! | the calendar date of a day count (`civil.rs`, no system call) | [`civil_from_days`] |
//! | how long to wait (`timeout.rs`) | [`Timeout`], taken by every call that waits: [`poll`](crate::io::poll), [`epoll_pwait`](crate::event::epoll_pwait), [`sigtimedwait`](crate::signal::sigtimedwait) |
//!
//! Durations are [`core::time::Duration`], which needs no `std`.

mod civil;
mod clock;
mod sleep;
mod timeout;
mod timerfd;
mod timespec;

pub use civil::civil_from_days;
pub use clock::{ClockId, clock_gettime};
pub use core::time::Duration;
pub use sleep::{SleepFlags, clock_nanosleep, sleep};
pub use timeout::Timeout;
pub use timerfd::{
    Itimerspec, TimerSetFlags, TimerfdFlags, timerfd_create, timerfd_gettime, timerfd_read,
    timerfd_settime,
};
pub use timespec::Timespec;
