//! [`SigSet`] and the signal numbers (include/uapi/asm-generic/signal.h; every architecture of
//! the kit shares them: only alpha, mips, parisc and sparc differ).

/// A signal number, as the kernel takes it (`1..=64`).
pub type Signal = i32;

/// `SIGHUP`: hangup of the controlling terminal.
pub const SIGHUP: Signal = 1;
/// `SIGINT`: interrupt from the keyboard.
pub const SIGINT: Signal = 2;
/// `SIGQUIT`: quit from the keyboard.
pub const SIGQUIT: Signal = 3;
/// `SIGILL`: illegal instruction.
pub const SIGILL: Signal = 4;
/// `SIGTRAP`: trace or breakpoint trap.
pub const SIGTRAP: Signal = 5;
/// `SIGABRT`: abort.
pub const SIGABRT: Signal = 6;
/// `SIGBUS`: bus error.
pub const SIGBUS: Signal = 7;
/// `SIGFPE`: arithmetic exception.
pub const SIGFPE: Signal = 8;
/// `SIGKILL`: kill; cannot be caught, blocked or ignored.
pub const SIGKILL: Signal = 9;
/// `SIGUSR1`: user-defined signal 1.
pub const SIGUSR1: Signal = 10;
/// `SIGSEGV`: invalid memory reference.
pub const SIGSEGV: Signal = 11;
/// `SIGUSR2`: user-defined signal 2.
pub const SIGUSR2: Signal = 12;
/// `SIGPIPE`: write to a pipe with no reader.
pub const SIGPIPE: Signal = 13;
/// `SIGALRM`: timer signal of `alarm(2)`.
pub const SIGALRM: Signal = 14;
/// `SIGTERM`: termination request (what `docker stop` and `podman stop` send).
pub const SIGTERM: Signal = 15;
/// `SIGCHLD`: a child stopped or ended.
pub const SIGCHLD: Signal = 17;
/// `SIGCONT`: continue if stopped.
pub const SIGCONT: Signal = 18;
/// `SIGSTOP`: stop; cannot be caught, blocked or ignored.
pub const SIGSTOP: Signal = 19;
/// `SIGTSTP`: stop typed at the terminal.
pub const SIGTSTP: Signal = 20;
/// `SIGTTIN`: terminal input for a background process.
pub const SIGTTIN: Signal = 21;
/// `SIGTTOU`: terminal output for a background process.
pub const SIGTTOU: Signal = 22;
/// `SIGURG`: urgent condition on a socket.
pub const SIGURG: Signal = 23;
/// `SIGXCPU`: CPU time limit exceeded.
pub const SIGXCPU: Signal = 24;
/// `SIGXFSZ`: file size limit exceeded.
pub const SIGXFSZ: Signal = 25;
/// `SIGVTALRM`: virtual alarm clock.
pub const SIGVTALRM: Signal = 26;
/// `SIGPROF`: profiling timer expired.
pub const SIGPROF: Signal = 27;
/// `SIGWINCH`: the terminal window was resized.
pub const SIGWINCH: Signal = 28;
/// `SIGSYS`: bad system call (also a seccomp `SECCOMP_RET_TRAP`).
pub const SIGSYS: Signal = 31;
/// The highest signal number (`_NSIG`).
pub const NSIG: Signal = 64;

/// A set of signals: the kernel's `sigset_t`, 64 bits, bit `N - 1` for signal `N` (not the C
/// library's 128-byte `sigset_t`). What [`sigprocmask`](super::sigprocmask),
/// [`sigtimedwait`](super::sigtimedwait), [`signalfd`](super::signalfd) and
/// [`SigAction`](super::SigAction) take.
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man3/sigsetops.3.html
#[repr(transparent)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct SigSet(u64);

impl SigSet {
    /// The size of the set in bytes, the `sigsetsize` argument of the `rt_sig*` calls.
    pub(crate) const SIZE: usize = core::mem::size_of::<u64>();

    /// No signal (`sigemptyset(3)`).
    pub const fn empty() -> SigSet {
        SigSet(0)
    }

    /// Every signal, `1..=64` (`sigfillset(3)`). The kernel silently leaves `SIGKILL` and
    /// `SIGSTOP` out of any mask.
    pub const fn full() -> SigSet {
        SigSet(u64::MAX)
    }

    /// The set whose bits are `bits` (bit `N - 1` is signal `N`).
    pub const fn from_bits(bits: u64) -> SigSet {
        SigSet(bits)
    }

    /// The bits of the set.
    pub const fn bits(self) -> u64 {
        self.0
    }

    /// The bit of `sig`, or 0 outside `1..=64`.
    const fn bit(sig: Signal) -> u64 {
        if sig >= 1 && sig <= NSIG {
            1 << (sig - 1)
        } else {
            0
        }
    }

    /// This set with `sig` added (`sigaddset(3)`); a number outside `1..=64` changes nothing.
    #[must_use]
    pub const fn with(self, sig: Signal) -> SigSet {
        SigSet(self.0 | Self::bit(sig))
    }

    /// This set without `sig` (`sigdelset(3)`).
    #[must_use]
    pub const fn without(self, sig: Signal) -> SigSet {
        SigSet(self.0 & !Self::bit(sig))
    }

    /// Adds `sig` (`sigaddset(3)`); a number outside `1..=64` changes nothing.
    pub fn add(&mut self, sig: Signal) {
        *self = self.with(sig);
    }

    /// Removes `sig` (`sigdelset(3)`).
    pub fn remove(&mut self, sig: Signal) {
        *self = self.without(sig);
    }

    /// Whether `sig` is in the set (`sigismember(3)`).
    pub const fn contains(self, sig: Signal) -> bool {
        self.0 & Self::bit(sig) != 0
    }

    /// The set of the signals in `signals`.
    pub const fn of(signals: &[Signal]) -> SigSet {
        let mut set = SigSet::empty();
        let mut i = 0;
        while i < signals.len() {
            set = set.with(signals[i]);
            i += 1;
        }
        set
    }
}
