//! `waitid(2)`, and the option bits of it and of [`wait4`](super::wait4).

use super::Pid;
use crate::Result;
use crate::raw::{self, nr};
use crate::signal::SigInfo;

/// `WNOHANG`: return at once when no child has changed state ([`wait4`](super::wait4) then
/// returns pid 0, [`waitid`] `None`).
pub const WNOHANG: i32 = 0x0000_0001;
/// `WUNTRACED` (for `wait4`) and `WSTOPPED` (for `waitid`): report stopped children too.
pub const WUNTRACED: i32 = 0x0000_0002;
/// `WSTOPPED`: report stopped children (`waitid`).
pub const WSTOPPED: i32 = WUNTRACED;
/// `WEXITED`: report children that ended (`waitid` needs it, or `WSTOPPED`/`WCONTINUED`).
pub const WEXITED: i32 = 0x0000_0004;
/// `WCONTINUED`: report stopped children that were continued by `SIGCONT`.
pub const WCONTINUED: i32 = 0x0000_0008;
/// `WNOWAIT`: leave the child waitable; a later wait reports it again (`waitid`).
pub const WNOWAIT: i32 = 0x0100_0000;

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

/// `waitid(2)`: waits for a child of `which` to change state as `options` say ([`WEXITED`],
/// [`WSTOPPED`], [`WCONTINUED`], with [`WNOHANG`], [`WNOWAIT`]), and returns what happened as
/// a [`SigInfo`]: [`pid`](SigInfo::pid), [`code`](SigInfo::code) (`CLD_EXITED` 1,
/// `CLD_KILLED` 2 …) and [`status`](SigInfo::status). With `WNOHANG`, `Ok(None)` when no child
/// has changed state yet. `EINTR` is returned, not retried.
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/waitid.2.html
pub fn waitid(which: WaitId, options: i32) -> Result<Option<SigInfo>> {
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
            options as usize,
            0,
        )
    }?;
    // With WNOHANG and nothing to report the kernel leaves si_pid 0 (it clears the siginfo).
    Ok((info.pid() != 0).then_some(info))
}
