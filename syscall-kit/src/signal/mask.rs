//! The signal mask and waiting for a signal: [`sigprocmask`] (`rt_sigprocmask(2)`),
//! [`sigtimedwait`] (`rt_sigtimedwait(2)`), and the [`SigInfo`] they report with.

use super::set::{SigSet, Signal};
use crate::arch::wide;
use crate::process::Pid;
use crate::raw::{self, nr};
use crate::time::{Timeout, Timespec};
use crate::{Errno, Result};

/// How [`sigprocmask`] changes the mask.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(usize)]
pub enum How {
    /// `SIG_BLOCK`: the mask becomes the union of the mask and the set.
    Block = 0,
    /// `SIG_UNBLOCK`: the set's signals leave the mask.
    Unblock = 1,
    /// `SIG_SETMASK`: the mask becomes the set.
    SetMask = 2,
}

/// `rt_sigprocmask(2)`: changes the calling thread's signal mask as `how` says with `set` (or
/// only reads it, with `None`), and returns the previous mask. A blocked signal stays pending
/// until it is unblocked or taken by [`sigtimedwait`] or a [`signalfd`](super::signalfd). The
/// mask is inherited by `fork(2)` children and kept across `execve(2)`.
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/sigprocmask.2.html
pub fn sigprocmask(how: How, set: Option<&SigSet>) -> Result<SigSet> {
    rt_sigprocmask(how, set.map_or(core::ptr::null(), |s| s as *const SigSet))
}

/// `rt_sigprocmask(2)` with `SIG_SETMASK`: makes `set` the calling thread's signal mask and
/// returns the previous one, as [`sigprocmask`]`(How::SetMask, Some(set))` does. Always inlined:
/// an init makes this call twice (blocking its signals, then restoring the mask in the child),
/// and in one copy of the system call each it is smaller than a call of [`sigprocmask`].
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/sigprocmask.2.html
#[inline(always)]
pub fn set_mask(set: &SigSet) -> Result<SigSet> {
    rt_sigprocmask(How::SetMask, set)
}

/// The system call of [`sigprocmask`] and [`set_mask`]; `new` is null or one kernel sigset.
#[inline(always)]
fn rt_sigprocmask(how: How, new: *const SigSet) -> Result<SigSet> {
    let mut old = SigSet::empty();
    // SAFETY: `new` is null or one kernel sigset (both callers make sure of it); the kernel
    // writes one into `old`.
    unsafe {
        raw::syscall4(
            nr::RT_SIGPROCMASK,
            how as usize,
            new as usize,
            &mut old as *mut SigSet as usize,
            SigSet::SIZE,
        )
    }?;
    Ok(old)
}

/// The kernel's `siginfo_t` (include/uapi/asm-generic/siginfo.h): 128 bytes, of which the
/// accessors read the fields every signal sent by a process, and every `SIGCHLD`, has.
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/sigaction.2.html
#[repr(C, align(8))]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SigInfo([i32; 32]);

/// Where the union of `siginfo_t` starts, in `int`s: after `si_signo`, `si_errno` and
/// `si_code`, and on a 64-bit architecture a padding `int` that aligns the union's pointers
/// (`__ARCH_SI_PREAMBLE_SIZE`, include/uapi/asm-generic/siginfo.h).
#[cfg(target_pointer_width = "64")]
const UNION: usize = 4;
#[cfg(target_pointer_width = "32")]
const UNION: usize = 3;

impl SigInfo {
    /// All zero, for the kernel to fill in.
    pub(crate) const fn zeroed() -> SigInfo {
        SigInfo([0; 32])
    }

    /// `si_signo`: the signal number.
    pub fn signo(&self) -> Signal {
        self.0[0]
    }

    /// `si_code`: where the signal came from (`SI_USER` 0 for `kill(2)`, `SI_TKILL` -6 for
    /// `tgkill(2)`; for `SIGCHLD`, `CLD_EXITED` 1, `CLD_KILLED` 2, `CLD_DUMPED` 3 …).
    pub fn code(&self) -> i32 {
        self.0[2]
    }

    /// `si_pid`: the sending process (or, for `SIGCHLD`, the child).
    pub fn pid(&self) -> Pid {
        self.0[UNION]
    }

    /// `si_uid`: the real user id of the sender.
    pub fn uid(&self) -> u32 {
        self.0[UNION + 1] as u32
    }

    /// `si_status`, for `SIGCHLD` and [`waitid`](crate::process::waitid): the exit status
    /// (`CLD_EXITED`) or the signal (otherwise).
    pub fn status(&self) -> i32 {
        self.0[UNION + 2]
    }
}

/// `rt_sigtimedwait(2)`: takes one pending signal of `set` (which should be blocked, see
/// [`sigprocmask`]), waiting for one at most `timeout` ([`Timeout::Forever`]: as long as it takes), and
/// returns its [`SigInfo`]. When `timeout` passes first: [`Errno::EAGAIN`]; a handled signal
/// outside `set` ends the wait with [`Errno::EINTR`], returned, not retried.
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/sigtimedwait.2.html
pub fn sigtimedwait(set: &SigSet, timeout: Timeout) -> Result<SigInfo> {
    let ts = timeout.to_timespec();
    let ts_ptr = ts
        .as_ref()
        .map_or(core::ptr::null(), |t| t as *const Timespec);
    // Not zeroed first: when the call succeeds the kernel has written all of it
    // (`copy_siginfo_to_user` fills the 128 bytes, clearing what the signal does not use).
    let mut info = core::mem::MaybeUninit::<SigInfo>::uninit();
    // SAFETY: `set` is one kernel sigset, `ts_ptr` null or a timespec, and the kernel writes
    // one siginfo into `info`.
    let sig = unsafe {
        raw::syscall4(
            wide::RT_SIGTIMEDWAIT,
            set as *const SigSet as usize,
            info.as_mut_ptr() as usize,
            ts_ptr as usize,
            SigSet::SIZE,
        )
    }?;
    // SAFETY: the call succeeded, so the kernel wrote the whole siginfo (see above).
    let info = unsafe { info.assume_init() };
    if sig == 0 || info.signo() == 0 {
        // Unreachable: the kernel fills in the signal it returns.
        return Err(Errno::EINVAL);
    }
    Ok(info)
}
