//! Process attributes set with `prctl(2)` (include/uapi/linux/prctl.h): `PR_SET_NO_NEW_PRIVS`
//! (before a seccomp filter), and the two of an init, `PR_SET_CHILD_SUBREAPER` and
//! `PR_SET_PDEATHSIG`; each with its `PR_GET_*`.

use crate::Result;
use crate::raw::{self, nr};
use crate::signal::Signal;

const PR_SET_PDEATHSIG: usize = 1;
const PR_GET_PDEATHSIG: usize = 2;
const PR_SET_CHILD_SUBREAPER: usize = 36;
const PR_GET_CHILD_SUBREAPER: usize = 37;
const PR_SET_NO_NEW_PRIVS: usize = 38;
const PR_GET_NO_NEW_PRIVS: usize = 39;

/// `prctl(PR_SET_CHILD_SUBREAPER, on)`: whether orphaned descendants of the caller are
/// re-parented to it (so that it can reap them) instead of to the PID namespace's init.
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/prctl.2.html
pub fn set_child_subreaper(on: bool) -> Result<()> {
    // SAFETY: this `prctl` reads and writes no memory of ours.
    unsafe { raw::syscall5(nr::PRCTL, PR_SET_CHILD_SUBREAPER, on as usize, 0, 0, 0) }.map(drop)
}

/// `prctl(PR_GET_CHILD_SUBREAPER)`: whether the caller is a child subreaper.
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/prctl.2.html
pub fn child_subreaper() -> Result<bool> {
    let mut on = 0i32;
    // SAFETY: the kernel writes one int into `on`.
    unsafe {
        raw::syscall5(
            nr::PRCTL,
            PR_GET_CHILD_SUBREAPER,
            &mut on as *mut i32 as usize,
            0,
            0,
            0,
        )
    }?;
    Ok(on != 0)
}

/// `prctl(PR_SET_PDEATHSIG, sig)`: the signal the caller gets when its parent thread ends
/// (0: none). Cleared in the child of a `fork(2)`; kept across `execve(2)` (except of a
/// set-user-ID program).
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/prctl.2.html
pub fn set_pdeathsig(sig: Signal) -> Result<()> {
    // SAFETY: this `prctl` reads and writes no memory of ours.
    unsafe { raw::syscall5(nr::PRCTL, PR_SET_PDEATHSIG, sig as usize, 0, 0, 0) }.map(drop)
}

/// `prctl(PR_GET_PDEATHSIG)`: the parent-death signal of the caller (0: none).
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/prctl.2.html
pub fn pdeathsig() -> Result<Signal> {
    let mut sig = 0i32;
    // SAFETY: the kernel writes one int into `sig`.
    unsafe {
        raw::syscall5(
            nr::PRCTL,
            PR_GET_PDEATHSIG,
            &mut sig as *mut i32 as usize,
            0,
            0,
            0,
        )
    }?;
    Ok(sig)
}

/// `prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)` (see `prctl(2)`): from now on, no `execve(2)` of this
/// process or its descendants grants privileges (set-user-ID and set-group-ID bits, file
/// capabilities are ignored). It cannot be undone, and it is inherited by children.
///
/// An unprivileged process must set it before it may install a seccomp filter
/// ([`crate::seccomp`]), so that it cannot use a filter to confuse a set-user-ID program.
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/prctl.2.html
pub fn set_no_new_privs() -> Result<()> {
    // SAFETY: this `prctl` reads and writes no memory of ours.
    unsafe { raw::syscall5(nr::PRCTL, PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) }.map(drop)
}

/// `prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0)` (see `prctl(2)`): whether [`set_no_new_privs`] has
/// been called by this process or an ancestor.
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/prctl.2.html
pub fn no_new_privs() -> Result<bool> {
    // SAFETY: this `prctl` reads and writes no memory of ours.
    unsafe { raw::syscall5(nr::PRCTL, PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) }.map(|v| v == 1)
}
