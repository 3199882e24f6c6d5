//! Readiness of many descriptors: `epoll_create1(2)`, `epoll_ctl(2)`, `epoll_pwait(2)`.

use crate::Result;
use crate::fd::{AsFd, OwnedFd, RawFd};
use crate::raw::{self, nr};
use crate::time::Timeout;

bitflags::bitflags! {
    /// Flags of [`epoll_create1`].
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub struct EpollCreateFlags: u32 {
        /// `EPOLL_CLOEXEC` (`O_CLOEXEC`).
        const CLOEXEC = 0o2000000;
    }
}

bitflags::bitflags! {
    /// Events of an [`EpollEvent`] (`EPOLL*`, see `epoll_ctl(2)`).
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub struct EpollFlags: u32 {
        /// `EPOLLIN`: readable.
        const IN = 0x1;
        /// `EPOLLPRI`: exceptional condition.
        const PRI = 0x2;
        /// `EPOLLOUT`: writable (a non-blocking `connect` is done).
        const OUT = 0x4;
        /// `EPOLLERR`: error (always reported).
        const ERR = 0x8;
        /// `EPOLLHUP`: hang-up (always reported).
        const HUP = 0x10;
        /// `EPOLLRDHUP`: the peer shut down its writing side.
        const RDHUP = 0x2000;
        /// `EPOLLEXCLUSIVE` (Linux 4.5): when several epoll instances watch the same
        /// descriptor with it (worker processes sharing one listening socket), an event wakes
        /// one or more of them rather than all. Only with [`EpollOp::Add`]: a
        /// [`EpollOp::Mod`] with it, or it with [`EpollFlags::ONESHOT`], fails with
        /// [`Errno::EINVAL`](crate::Errno::EINVAL).
        const EXCLUSIVE = 1 << 28;
        /// `EPOLLONESHOT`: report once, then disarm until [`epoll_mod`].
        const ONESHOT = 1 << 30;
        /// `EPOLLET`: edge-triggered.
        const ET = 1 << 31;
    }
}

/// `struct epoll_event`: events and the caller's 64-bit tag for the descriptor.
///
/// The kernel's layout differs: packed (12 bytes) on x86_64 (and on i686, whose `u64` is 4-byte
/// aligned: 12 bytes either way), naturally aligned (16 bytes) on the others; the fields are
/// private so the difference never shows.
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man3/epoll_event.3type.html
#[cfg_attr(any(target_arch = "x86_64", target_arch = "x86"), repr(C, packed))]
#[cfg_attr(not(any(target_arch = "x86_64", target_arch = "x86")), repr(C))]
#[derive(Clone, Copy)]
pub struct EpollEvent {
    events: u32,
    data: u64,
}

impl EpollEvent {
    /// `events` for the descriptor tagged `data`.
    pub const fn new(events: EpollFlags, data: u64) -> EpollEvent {
        EpollEvent {
            events: events.bits(),
            data,
        }
    }

    /// An entry for [`epoll_pwait`] to fill.
    pub const fn empty() -> EpollEvent {
        EpollEvent { events: 0, data: 0 }
    }

    /// The events.
    pub const fn events(&self) -> EpollFlags {
        EpollFlags::from_bits_retain(self.events)
    }

    /// The tag given to [`epoll_ctl`].
    pub const fn data(&self) -> u64 {
        self.data
    }
}

impl core::fmt::Debug for EpollEvent {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("EpollEvent")
            .field("events", &self.events())
            .field("data", &self.data())
            .finish()
    }
}

/// `epoll_create1(2)`: a new epoll instance.
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/epoll_create1.2.html
pub fn epoll_create1(flags: EpollCreateFlags) -> Result<OwnedFd> {
    // SAFETY: `epoll_create1` reads no memory; the new descriptor is ours.
    let fd = unsafe { raw::syscall1(nr::EPOLL_CREATE1, flags.bits() as usize) }?;
    // SAFETY: the kernel just opened `fd` for this process and nobody else knows it.
    Ok(unsafe { OwnedFd::from_raw_fd(fd as RawFd) })
}

/// The operation of [`epoll_ctl`].
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/epoll_ctl.2.html
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EpollOp {
    /// `EPOLL_CTL_ADD`.
    Add = 1,
    /// `EPOLL_CTL_DEL` (the event is ignored).
    Del = 2,
    /// `EPOLL_CTL_MOD`.
    Mod = 3,
}

/// `epoll_ctl(2)`: adds, changes or removes `fd` in the interest list of `epfd`.
///
/// The instance does not own `fd`: closing every descriptor of its open file removes it.
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/epoll_ctl.2.html
pub fn epoll_ctl(epfd: impl AsFd, op: EpollOp, fd: impl AsFd, event: &EpollEvent) -> Result<()> {
    // SAFETY: the kernel reads one `struct epoll_event` (the layout of `EpollEvent` on this
    // architecture) at `event`, alive for the call.
    unsafe {
        raw::syscall4(
            nr::EPOLL_CTL,
            epfd.as_fd().as_raw_fd() as usize,
            op as usize,
            fd.as_fd().as_raw_fd() as usize,
            event as *const EpollEvent as usize,
        )
    }
    .map(drop)
}

/// [`epoll_ctl`] `EPOLL_CTL_ADD`: watch `fd` for `events`, tagged `data`.
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/epoll_ctl.2.html
pub fn epoll_add(epfd: impl AsFd, fd: impl AsFd, events: EpollFlags, data: u64) -> Result<()> {
    epoll_ctl(epfd, EpollOp::Add, fd, &EpollEvent::new(events, data))
}

/// [`epoll_ctl`] `EPOLL_CTL_MOD`: watch `fd` for `events` instead, tagged `data`.
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/epoll_ctl.2.html
pub fn epoll_mod(epfd: impl AsFd, fd: impl AsFd, events: EpollFlags, data: u64) -> Result<()> {
    epoll_ctl(epfd, EpollOp::Mod, fd, &EpollEvent::new(events, data))
}

/// [`epoll_ctl`] `EPOLL_CTL_DEL`: stop watching `fd`.
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/epoll_ctl.2.html
pub fn epoll_del(epfd: impl AsFd, fd: impl AsFd) -> Result<()> {
    epoll_ctl(epfd, EpollOp::Del, fd, &EpollEvent::empty())
}

/// `epoll_pwait(2)` with no signal mask: waits until a watched descriptor is ready or
/// `timeout` passes ([`Timeout::After`] rounded up to whole milliseconds), fills the front of `events`, and
/// returns how many entries it filled (`Ok(0)` on time-out).
///
/// The call every architecture has: aarch64 and riscv64 have no `epoll_wait`.
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/epoll_wait.2.html
pub fn epoll_pwait(epfd: impl AsFd, events: &mut [EpollEvent], timeout: Timeout) -> Result<usize> {
    let max = events.len().min(i32::MAX as usize);
    // SAFETY: the kernel writes up to `max` `struct epoll_event` entries at `events`, borrowed
    // mutably and of that layout; the signal mask is null, so its size (8, the kernel's
    // `sigset_t`) is not read.
    unsafe {
        raw::syscall6(
            nr::EPOLL_PWAIT,
            epfd.as_fd().as_raw_fd() as usize,
            events.as_mut_ptr() as usize,
            max,
            timeout.to_millis() as isize as usize,
            0,
            8,
        )
    }
}
