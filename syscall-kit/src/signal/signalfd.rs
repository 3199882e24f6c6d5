//! Signals as a descriptor: [`signalfd`] (`signalfd4(2)`) and [`signalfd_read`].

use super::set::{SigSet, Signal};
use crate::fd::{AsFd, OwnedFd};
use crate::process::Pid;
use crate::raw::{self, nr};
use crate::{Errno, Result};

bitflags::bitflags! {
    /// Flags of [`signalfd`] (`SFD_*`: the values of `O_CLOEXEC` and `O_NONBLOCK`, the same on
    /// every architecture of the kit).
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub struct SfdFlags: u32 {
        /// `SFD_CLOEXEC`: closed by `execve(2)`.
        const CLOEXEC = 0o2000000;
        /// `SFD_NONBLOCK`: a read with no pending signal fails with `EAGAIN`.
        const NONBLOCK = 0o4000;
    }
}

/// `signalfd4(2)` with a new descriptor: a descriptor from which the pending signals of `mask`
/// are read, one [`SignalfdInfo`] each (see [`signalfd_read`]); it is readable for `poll(2)`
/// while one is pending. The signals must be blocked ([`sigprocmask`](super::sigprocmask)),
/// or their default action or handler takes them first.
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/signalfd.2.html
pub fn signalfd(mask: &SigSet, flags: SfdFlags) -> Result<OwnedFd> {
    // SAFETY: `mask` is one kernel sigset; fd -1 asks for a new descriptor.
    let fd = unsafe {
        raw::syscall4(
            nr::SIGNALFD4,
            -1isize as usize,
            mask as *const SigSet as usize,
            SigSet::SIZE,
            flags.bits() as usize,
        )
    }?;
    // SAFETY: the kernel just opened `fd` for us.
    Ok(unsafe { OwnedFd::from_raw_fd(fd as i32) })
}

/// One signal read from a [`signalfd`]: the kernel's `struct signalfd_siginfo`, 128 bytes.
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/signalfd.2.html
#[repr(C, align(8))]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SignalfdInfo([u32; 32]);

impl SignalfdInfo {
    /// `ssi_signo`: the signal number.
    pub fn signo(&self) -> Signal {
        self.0[0] as Signal
    }

    /// `ssi_code`: where it came from (`SI_USER` 0 for `kill(2)`, as [`SigInfo::code`]).
    ///
    /// [`SigInfo::code`]: super::SigInfo::code
    pub fn code(&self) -> i32 {
        self.0[2] as i32
    }

    /// `ssi_pid`: the sending process (or, for `SIGCHLD`, the child).
    pub fn pid(&self) -> Pid {
        self.0[3] as Pid
    }

    /// `ssi_uid`: the real user id of the sender.
    pub fn uid(&self) -> u32 {
        self.0[4]
    }

    /// `ssi_status`: for `SIGCHLD`, the exit status or the signal.
    pub fn status(&self) -> i32 {
        self.0[10] as i32
    }
}

/// Reads one signal from a [`signalfd`] descriptor: blocks until one is pending (or fails with
/// [`Errno::EAGAIN`] if the descriptor is non-blocking). `EINTR` is returned, not retried.
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/signalfd.2.html
pub fn signalfd_read(fd: impl AsFd) -> Result<SignalfdInfo> {
    let mut info = SignalfdInfo([0; 32]);
    let fd = fd.as_fd().as_raw_fd();
    // SAFETY: the kernel writes at most 128 bytes into `info`, which is 128 bytes.
    let n = unsafe {
        raw::syscall3(
            nr::READ,
            fd as usize,
            &mut info as *mut SignalfdInfo as usize,
            core::mem::size_of::<SignalfdInfo>(),
        )
    }?;
    if n != core::mem::size_of::<SignalfdInfo>() {
        // Not a signalfd: a descriptor of another kind returned something else.
        return Err(Errno::EINVAL);
    }
    Ok(info)
}
