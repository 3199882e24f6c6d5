//! Waiting for children: [`wait4`] (`wait4(2)`) and [`waitid`] (`waitid(2)`), the
//! [`WaitOptions`] both take, and the [`WaitStatus`] of `wait4` (with the stops of a tracee:
//! [`WaitStatus::stop_signal`], [`WaitStatus::ptrace_event`]). Both say "no child has changed
//! state yet" (with [`WaitOptions::NOHANG`]) the same way: `Ok(None)`.

use super::Pid;
use super::ptrace::Event;
use crate::Result;
use crate::raw::{self, nr};
use crate::signal::{SigInfo, Signal};

bitflags::bitflags! {
    /// The options of [`wait4`] and [`waitid`] (`W*`, include/uapi/linux/wait.h).
    ///
    /// # References
    ///  - [Linux]
    ///
    /// [Linux]: https://man7.org/linux/man-pages/man2/wait.2.html
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub struct WaitOptions: u32 {
        /// `WNOHANG`: return at once, `Ok(None)`, when no child has changed state.
        const NOHANG = 0x0000_0001;
        /// `WUNTRACED` (the name `wait4` uses) or `WSTOPPED` (`waitid`'s): report stopped
        /// children too.
        const UNTRACED = 0x0000_0002;
        /// `WSTOPPED`: the same bit as [`WaitOptions::UNTRACED`].
        const STOPPED = 0x0000_0002;
        /// `WEXITED`: report children that ended (`waitid` needs it, or `STOPPED` or
        /// `CONTINUED`; `wait4` always reports them).
        const EXITED = 0x0000_0004;
        /// `WCONTINUED`: report stopped children that were continued by `SIGCONT`.
        const CONTINUED = 0x0000_0008;
        /// `WNOWAIT`: leave the child waitable; a later wait reports it again (`waitid`).
        const NOWAIT = 0x0100_0000;
        /// `__WALL`: wait for every child and tracee, whatever signal it sends its parent at
        /// exit, threads included: what a tracer needs to see the stops of threads and of
        /// tracees that are not its children (see `ptrace(2)`, [`super::ptrace`]).
        const ALL = 0x4000_0000;
    }
}

/// How a child ended or changed state, as [`wait4`] reports it (`wstatus`, see `wait(2)`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WaitStatus(pub i32);

impl WaitStatus {
    /// The exit status, if the child exited (`WIFEXITED`, `WEXITSTATUS`).
    ///
    /// # References
    ///  - [Linux]
    ///
    /// [Linux]: https://man7.org/linux/man-pages/man2/wait.2.html
    pub fn exit_status(self) -> Option<i32> {
        (self.0 & 0x7f == 0).then_some((self.0 >> 8) & 0xff)
    }

    /// The signal that killed the child, if one did (`WIFSIGNALED`, `WTERMSIG`).
    ///
    /// # References
    ///  - [Linux]
    ///
    /// [Linux]: https://man7.org/linux/man-pages/man2/wait.2.html
    pub fn terminating_signal(self) -> Option<Signal> {
        let sig = self.0 & 0x7f;
        (sig != 0 && sig != 0x7f).then_some(sig)
    }

    /// The signal of a stop, if the child is stopped (`WIFSTOPPED`, `WSTOPSIG`): the signal
    /// that stopped it, or for a tracee `SIGTRAP` at a ptrace event ([`ptrace_event`]) and
    /// `SIGTRAP | 0x80` at a syscall stop under `PTRACE_O_TRACESYSGOOD`
    /// ([`is_syscall_stop`]).
    ///
    /// [`ptrace_event`]: WaitStatus::ptrace_event
    /// [`is_syscall_stop`]: WaitStatus::is_syscall_stop
    ///
    /// # References
    ///  - [Linux]
    ///
    /// [Linux]: https://man7.org/linux/man-pages/man2/wait.2.html
    pub fn stop_signal(self) -> Option<Signal> {
        (self.0 & 0xff == 0x7f).then_some((self.0 >> 8) & 0xff)
    }

    /// The ptrace event a tracee stopped at (`status >> 16`), if it is stopped at one.
    ///
    /// # References
    ///  - [Linux]
    ///
    /// [Linux]: https://man7.org/linux/man-pages/man2/ptrace.2.html
    pub fn ptrace_event(self) -> Option<Event> {
        let event = (self.0 >> 16) & 0xff;
        (self.stop_signal().is_some() && event != 0).then_some(Event(event as u32))
    }

    /// Whether a tracee is at a syscall stop (the entry or exit of a system call it was
    /// resumed into with [`ptrace::syscall`](super::ptrace::syscall)), told by the stop
    /// signal `SIGTRAP | 0x80` of `PTRACE_O_TRACESYSGOOD`.
    ///
    /// # References
    ///  - [Linux]
    ///
    /// [Linux]: https://man7.org/linux/man-pages/man2/ptrace.2.html
    pub fn is_syscall_stop(self) -> bool {
        self.stop_signal() == Some(crate::signal::SIGTRAP | 0x80)
    }
}

/// `wait4(2)`: waits for the child `pid` (-1: any child; `-PGID`: any child in that process
/// group) to end (or, with [`WaitOptions::UNTRACED`] and [`WaitOptions::CONTINUED`], to stop or
/// continue), and returns its id and status. With [`WaitOptions::NOHANG`], `Ok(None)` when no
/// child has changed state yet. `EINTR` is returned, not retried.
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/wait4.2.html
pub fn wait4(pid: Pid, options: WaitOptions) -> Result<Option<(Pid, WaitStatus)>> {
    let mut status = 0i32;
    // SAFETY: the kernel writes one int into `status`; no rusage is asked for.
    let pid = unsafe {
        raw::syscall4(
            nr::WAIT4,
            pid as usize,
            &mut status as *mut i32 as usize,
            options.bits() as usize,
            0,
        )
    }?;
    // With WNOHANG and nothing to report the kernel returns 0.
    Ok((pid != 0).then_some((pid as Pid, WaitStatus(status))))
}

/// Which children [`waitid`] waits for (`idtype` and `id`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WaitId {
    /// `P_ALL`: any child.
    All,
    /// `P_PID`: the child with this id.
    Pid(Pid),
    /// `P_PGID`: any child in this process group.
    Pgid(Pid),
}

/// `waitid(2)`: waits for a child of `which` to change state as `options` say
/// ([`WaitOptions::EXITED`], [`WaitOptions::STOPPED`], [`WaitOptions::CONTINUED`], with
/// [`WaitOptions::NOHANG`], [`WaitOptions::NOWAIT`]), and returns what happened as a
/// [`SigInfo`]: [`pid`](SigInfo::pid), [`code`](SigInfo::code) (`CLD_EXITED` 1, `CLD_KILLED`
/// 2 …) and [`status`](SigInfo::status). With `NOHANG`, `Ok(None)` when no child has changed
/// state yet. `EINTR` is returned, not retried.
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/waitid.2.html
pub fn waitid(which: WaitId, options: WaitOptions) -> Result<Option<SigInfo>> {
    let (idtype, id) = match which {
        WaitId::All => (0usize, 0),
        WaitId::Pid(pid) => (1, pid),
        WaitId::Pgid(pgid) => (2, pgid),
    };
    let mut info = SigInfo::zeroed();
    // SAFETY: the kernel writes one siginfo into `info`; no rusage is asked for.
    unsafe {
        raw::syscall5(
            nr::WAITID,
            idtype,
            id as usize,
            &mut info as *mut SigInfo as usize,
            options.bits() as usize,
            0,
        )
    }?;
    // With WNOHANG and nothing to report the kernel leaves si_pid 0 (it clears the siginfo).
    Ok((info.pid() != 0).then_some(info))
}
