//! Dispositions: [`sigaction`] (`rt_sigaction(2)`) with the kernel's own `struct sigaction`.

use core::ffi::c_void;

use super::mask::SigInfo;
use super::set::{SigSet, Signal};
use crate::Result;
use crate::arch::sigaction::{KernelSigaction, SA_RESTORER};
use crate::raw::{self, nr};

bitflags::bitflags! {
    /// Flags of a [`SigAction`] (`SA_*`, include/uapi/asm-generic/signal-defs.h; the same on
    /// every architecture of the kit: only alpha, mips and parisc differ).
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub struct SaFlags: u64 {
        /// `SA_NOCLDSTOP`: no `SIGCHLD` when a child stops or continues.
        const NOCLDSTOP = 0x0000_0001;
        /// `SA_NOCLDWAIT`: children that end do not become zombies.
        const NOCLDWAIT = 0x0000_0002;
        /// `SA_SIGINFO`: the handler takes three arguments (set by [`Handler::Info`]).
        const SIGINFO = 0x0000_0004;
        /// `SA_ONSTACK`: run the handler on the alternate signal stack.
        const ONSTACK = 0x0800_0000;
        /// `SA_RESTART`: restart system calls the handler interrupted.
        const RESTART = 0x1000_0000;
        /// `SA_NODEFER`: do not block the signal while its handler runs.
        const NODEFER = 0x4000_0000;
        /// `SA_RESETHAND`: back to the default action once the handler has run.
        const RESETHAND = 0x8000_0000;
        /// `SA_RESTORER`: `sa_restorer` holds the return trampoline. [`SigAction::new`] sets it
        /// where the architecture needs it; it is not for callers.
        const RESTORER = SA_RESTORER as u64;
    }
}

/// `SIG_DFL`, the default action, as the kernel's handler field holds it.
const SIG_DFL: usize = 0;
/// `SIG_IGN`, ignore the signal.
const SIG_IGN: usize = 1;

/// What happens when a signal arrives.
#[derive(Clone, Copy, Debug)]
pub enum Handler {
    /// `SIG_DFL`: the signal's default action (see `signal(7)`).
    Default,
    /// `SIG_IGN`: the signal is discarded.
    Ignore,
    /// A function called with the signal number.
    Function(extern "C" fn(Signal)),
    /// A function called with the signal number, its [`SigInfo`] and the `ucontext_t` of the
    /// interrupted code (`SA_SIGINFO`).
    Info(extern "C" fn(Signal, *mut SigInfo, *mut c_void)),
}

/// The action of a signal, as [`sigaction`] sets and returns it: the kernel's own
/// `struct sigaction` (not the C library's, whose mask is 128 bytes and whose fields are in
/// another order), in this architecture's layout (`crate::arch::sigaction`).
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/sigaction.2.html
#[repr(transparent)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SigAction(KernelSigaction);

impl SigAction {
    /// An action: `handler`, with `flags`, and `mask` blocked while the handler runs (the
    /// signal itself too, unless [`SaFlags::NODEFER`]).
    ///
    /// A handler returns into a trampoline that calls `rt_sigreturn(2)`, which restores the
    /// interrupted code from the frame the kernel pushed. On x86_64 the kernel has no default
    /// one, and i686's is in a vDSO that not every kernel maps: the action names the kit's own
    /// with `SA_RESTORER`, as every C library does. On the other architectures the kernel
    /// returns through the trampoline of its vDSO (arm: of its signal page) when `SA_RESTORER`
    /// is not set, so the kit leaves it unset. A [`SaFlags::RESTORER`] in `flags` is ignored:
    /// the architecture decides (`crate::arch::sigaction`).
    ///
    /// # References
    ///  - [Linux]
    ///
    /// [Linux]: https://man7.org/linux/man-pages/man2/sigaction.2.html
    pub fn new(handler: Handler, flags: SaFlags, mask: SigSet) -> SigAction {
        let (handler, flags) = match handler {
            Handler::Default => (SIG_DFL, flags),
            Handler::Ignore => (SIG_IGN, flags),
            Handler::Function(f) => (f as usize, flags),
            Handler::Info(f) => (f as usize, flags | SaFlags::SIGINFO),
        };
        // Every SA_* flag is below 2^32.
        SigAction(KernelSigaction::new(handler, flags.bits() as usize, mask))
    }

    /// Whether the handler is `SIG_DFL`.
    pub fn is_default(&self) -> bool {
        self.0.handler == SIG_DFL
    }

    /// Whether the handler is `SIG_IGN`.
    pub fn is_ignored(&self) -> bool {
        self.0.handler == SIG_IGN
    }

    /// The handler's address (0 for `SIG_DFL`, 1 for `SIG_IGN`).
    pub fn handler_address(&self) -> usize {
        self.0.handler
    }

    /// The flags, `SA_RESTORER` included when set.
    pub fn flags(&self) -> SaFlags {
        SaFlags::from_bits_retain(self.0.flags as u64)
    }

    /// The signals blocked while the handler runs.
    pub fn mask(&self) -> SigSet {
        self.0.mask
    }
}

/// `rt_sigaction(2)`: sets the action of `sig` to `action` (or only reads it, with `None`) and
/// returns the previous one. `SIGKILL` and `SIGSTOP`, and numbers outside `1..=64`, give
/// [`Errno::EINVAL`](crate::Errno::EINVAL).
///
/// # Safety
/// A [`Handler::Function`] or [`Handler::Info`] runs asynchronously, between any two
/// instructions of the program: it may only do what is async-signal-safe (see
/// `signal-safety(7)`): system calls, atomics, no allocation, no lock the interrupted code may
/// hold. An action read from the kernel and set again is safe as far as this process set it.
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/sigaction.2.html
pub unsafe fn sigaction(sig: Signal, action: Option<&SigAction>) -> Result<SigAction> {
    // Zeroed, not built with `new`: the kernel overwrites it (all of it but the padding of riscv64
    // and loongarch64, which stays 0).
    let mut old = SigAction(KernelSigaction::ZEROED);
    let new = action.map_or(core::ptr::null(), |a| a as *const SigAction);
    // SAFETY: `new` is null or a valid kernel `struct sigaction`; the kernel writes one into
    // `old`; the set size is the kernel's. The handler's contract is the caller's.
    unsafe {
        raw::syscall4(
            nr::RT_SIGACTION,
            sig as usize,
            new as usize,
            &mut old as *mut SigAction as usize,
            SigSet::SIZE,
        )
    }?;
    Ok(old)
}

/// Ignores `sig` (`SIG_IGN`) and returns the previous action. A signal that is ignored stays
/// ignored across `execve(2)`.
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/sigaction.2.html
pub fn set_ignored(sig: Signal) -> Result<SigAction> {
    let ignore = SigAction::new(Handler::Ignore, SaFlags::empty(), SigSet::empty());
    // SAFETY: no handler runs: the signal is discarded.
    unsafe { sigaction(sig, Some(&ignore)) }
}

/// Gives `sig` its default action (`SIG_DFL`) and returns the previous action.
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/sigaction.2.html
pub fn set_default(sig: Signal) -> Result<SigAction> {
    let default = SigAction::new(Handler::Default, SaFlags::empty(), SigSet::empty());
    // SAFETY: no handler of this program runs: the kernel's default action does.
    unsafe { sigaction(sig, Some(&default)) }
}
