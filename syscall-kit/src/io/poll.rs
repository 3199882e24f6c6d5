//! Waiting until descriptors are ready: `poll(2)`, made as `ppoll(2)`.

use core::marker::PhantomData;

use crate::Result;
use crate::arch::wide;
use crate::fd::{BorrowedFd, RawFd};
use crate::raw;
use crate::time::{Timeout, Timespec};

bitflags::bitflags! {
    /// Events of a [`PollFd`] (see `poll(2)`).
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub struct PollFlags: i16 {
        /// `POLLIN`: there is data to read (or end of file).
        const IN = 0x1;
        /// `POLLPRI`: exceptional condition.
        const PRI = 0x2;
        /// `POLLOUT`: writing will not block.
        const OUT = 0x4;
        /// `POLLERR`: error condition (output only).
        const ERR = 0x8;
        /// `POLLHUP`: hang up, the other end is closed (output only).
        const HUP = 0x10;
        /// `POLLNVAL`: the descriptor is not open (output only).
        const NVAL = 0x20;
    }
}

/// One entry of [`poll`]: `struct pollfd` of `poll(2)`.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct PollFd<'fd> {
    fd: RawFd,
    events: i16,
    revents: i16,
    _fd: PhantomData<BorrowedFd<'fd>>,
}

impl<'fd> PollFd<'fd> {
    /// Watches `fd` for `events`.
    pub fn new(fd: BorrowedFd<'fd>, events: PollFlags) -> Self {
        PollFd {
            fd: fd.as_raw_fd(),
            events: events.bits(),
            revents: 0,
            _fd: PhantomData,
        }
    }

    /// The events the last [`poll`] reported for this entry.
    pub fn revents(&self) -> PollFlags {
        PollFlags::from_bits_retain(self.revents)
    }
}

/// `poll(2)`: waits until one of `fds` is ready, or `timeout` passes; returns how many entries
/// have events, `Ok(0)` on time-out.
///
/// `timeout`: [`Timeout::Forever`], [`Timeout::IMMEDIATE`] (do not wait) or
/// [`Timeout::After`] a [`Duration`](core::time::Duration).
///
/// Implemented with `ppoll(2)` and no signal mask, the call every architecture has (aarch64 and
/// riscv64 have no `poll`), so the time-out keeps its nanoseconds.
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/poll.2.html
pub fn poll(fds: &mut [PollFd<'_>], timeout: Timeout) -> Result<usize> {
    let ts = timeout.to_timespec();
    let ts_ptr = ts.as_ref().map_or(0, |t| t as *const Timespec as usize);
    // SAFETY: the kernel reads and writes `fds.len()` `struct pollfd` entries at `fds` (which
    // is `#[repr(C)]` with that layout and borrowed mutably) and reads one `struct timespec`
    // at `ts_ptr` (null or `ts`, alive for the call); no signal mask is passed.
    unsafe {
        raw::syscall5(
            wide::PPOLL,
            fds.as_mut_ptr() as usize,
            fds.len(),
            ts_ptr,
            0,
            0,
        )
    }
}
