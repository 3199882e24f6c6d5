//! Processes: `getpid(2)`, `getppid(2)`, `exit_group(2)` (as [`exit`]), `fork(2)`, `execve(2)`, `wait4(2)`,
//! `kill(2)`, and the `prctl(2)` flag `PR_SET_NO_NEW_PRIVS`; and, a file each below
//! `process/`: `waitid(2)` and the `W*` options (`waitid.rs`), [`execvp`] (`execvp.rs`),
//! sessions, process groups and user ids (`ids.rs`), the `prctl(2)` operations of an init
//! (`prctl.rs`) and the foreground process group of a terminal (`tty.rs`).

use core::ffi::{CStr, c_char};

use crate::raw::{self, nr};
use crate::{Errno, Result};

mod execvp;
mod ids;
mod prctl;
mod table;
mod tty;
mod waitid;

pub use execvp::{DEFAULT_PATH, execvp, execvp_table};
pub use ids::{getgid, getpgid, getuid, setpgid, setsid};
pub use prctl::{child_subreaper, pdeathsig, set_child_subreaper, set_pdeathsig};
pub use table::StrTable;
pub use tty::{tcgetpgrp, tcsetpgrp};
pub use waitid::{WCONTINUED, WEXITED, WNOHANG, WNOWAIT, WSTOPPED, WUNTRACED, WaitId, waitid};

/// A process id.
pub type Pid = i32;

/// `getpid(2)`: the id of the calling process.
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/getpid.2.html
#[inline]
pub fn getpid() -> Pid {
    // SAFETY: `getpid` touches no memory and cannot fail.
    unsafe { raw::syscall0_infallible(nr::GETPID) as Pid }
}

/// `getppid(2)`: the id of the parent process.
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/getpid.2.html
#[inline]
pub fn getppid() -> Pid {
    // SAFETY: `getppid` touches no memory and cannot fail.
    unsafe { raw::syscall0_infallible(nr::GETPPID) as Pid }
}

/// `exit_group(2)`: ends the process, every thread of it, with exit status `status & 0xff`.
///
/// This is `exit_group(2)`, not the kernel's `exit(2)` (which ends only the calling thread),
/// and not C's `exit(3)` either (which runs `atexit` handlers and flushes `stdio` before it
/// calls `exit_group`): nothing runs, nothing is flushed and no destructor runs. syscall-kit's
/// `print!` macros write out what they format before they return, so nothing is pending. Should a seccomp filter refuse the call
/// with an error, the process stops with `SIGILL` instead (see [`crate::raw::syscall1_noreturn`]).
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/exit_group.2.html
pub fn exit(status: i32) -> ! {
    // SAFETY: `exit_group` does not return when it succeeds; if refused, the wrapper traps.
    unsafe { raw::syscall1_noreturn(nr::EXIT_GROUP, status as usize) }
}

/// What [`fork`] returns in each process.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fork {
    /// In the parent: the child's id.
    Parent(Pid),
    /// In the child.
    Child,
}

/// `fork(2)`: a copy of the calling process. Implemented as `clone(2)` with `SIGCHLD` only,
/// which is what `fork` is on every architecture (aarch64 and riscv64 have no `fork`).
///
/// # Safety
/// The child has only the calling thread. If the process has other threads, the child may hold
/// locks that will never be released (of the allocator, say): until it calls [`execve`] or
/// [`exit`], it must use nothing that another thread could have held.
///
/// # References
///  - [Linux]
///  - [Linux clone]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/fork.2.html
/// [Linux clone]: https://man7.org/linux/man-pages/man2/clone.2.html
pub unsafe fn fork() -> Result<Fork> {
    const SIGCHLD: usize = 17;
    let [a1, a2, a3, a4, a5] = crate::arch::fork_clone_args(SIGCHLD);
    // SAFETY: forwarded to the caller; with no stack argument the child continues on a copy of
    // this stack, as after fork(2).
    let pid = unsafe { raw::syscall5(nr::CLONE, a1, a2, a3, a4, a5) }?;
    Ok(if pid == 0 {
        Fork::Child
    } else {
        Fork::Parent(pid as Pid)
    })
}

/// How many arguments or environment strings [`execve`] passes at most.
pub const EXECVE_MAX_STRINGS: usize = 255;

/// `execve(2)`: replaces the program of this process with the file `path`, given the argument
/// strings `argv` and the environment strings `envp` (`NAME=value`). Returns only on failure.
///
/// The pointer arrays the kernel wants are built on the stack, so each of `argv` and `envp`
/// may hold at most [`EXECVE_MAX_STRINGS`] strings; more fail with [`Errno::E2BIG`] before any
/// system call.
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/execve.2.html
pub fn execve(path: &CStr, argv: &[&CStr], envp: &[&CStr]) -> Errno {
    fn table(strings: &[&CStr], out: &mut [*const c_char; EXECVE_MAX_STRINGS + 1]) -> bool {
        if strings.len() > EXECVE_MAX_STRINGS {
            return false;
        }
        for (slot, s) in out.iter_mut().zip(strings) {
            *slot = s.as_ptr();
        }
        out[strings.len()] = core::ptr::null();
        true
    }
    let mut args = [core::ptr::null(); EXECVE_MAX_STRINGS + 1];
    let mut env = [core::ptr::null(); EXECVE_MAX_STRINGS + 1];
    if !table(argv, &mut args) || !table(envp, &mut env) {
        return Errno::E2BIG;
    }
    // SAFETY: `path` and every string are NUL-terminated and outlive the call; both tables are
    // null-terminated arrays of pointers to them.
    match unsafe {
        raw::syscall3(
            nr::EXECVE,
            path.as_ptr() as usize,
            args.as_ptr() as usize,
            env.as_ptr() as usize,
        )
    } {
        Err(e) => e,
        // execve does not return on success.
        Ok(_) => Errno::EINVAL,
    }
}

/// `execve(2)` with the tables as they are: `argv` and `envp` go to the kernel without a copy
/// (a [`StrTable`] is already null-terminated), so there is no limit but the kernel's
/// (`E2BIG`). Returns only on failure.
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/execve.2.html
pub fn execve_table(path: &CStr, argv: StrTable, envp: StrTable) -> Errno {
    // SAFETY: `path` is NUL-terminated and outlives the call; both tables are null-terminated
    // arrays of pointers to NUL-terminated strings that live for the rest of the process.
    match unsafe {
        raw::syscall3(
            nr::EXECVE,
            path.as_ptr() as usize,
            argv.as_ptr() as usize,
            envp.as_ptr() as usize,
        )
    } {
        Err(e) => e,
        // execve does not return on success.
        Ok(_) => Errno::EINVAL,
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
    pub fn terminating_signal(self) -> Option<i32> {
        let sig = self.0 & 0x7f;
        (sig != 0 && sig != 0x7f).then_some(sig)
    }
}

/// `wait4(2)`: waits for the child `pid` (-1: any child; `-PGID`: any child in that process
/// group) to end, and returns its id and status. `options` is 0 or a union of [`WNOHANG`],
/// [`WUNTRACED`], [`WCONTINUED`]; with `WNOHANG` and no child ended yet, the id returned is 0.
/// `EINTR` is returned, not retried.
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/wait4.2.html
pub fn wait4(pid: Pid, options: i32) -> Result<(Pid, WaitStatus)> {
    let mut status = 0i32;
    // SAFETY: the kernel writes one int into `status`; no rusage is asked for.
    let pid = unsafe {
        raw::syscall4(
            nr::WAIT4,
            pid as usize,
            &mut status as *mut i32 as usize,
            options as usize,
            0,
        )
    }?;
    Ok((pid as Pid, WaitStatus(status)))
}

/// `kill(2)`: sends signal `sig` to process `pid`.
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/kill.2.html
#[inline]
pub fn kill(pid: Pid, sig: i32) -> Result<()> {
    // SAFETY: `kill` reads no memory of ours.
    unsafe { raw::syscall2(nr::KILL, pid as usize, sig as usize) }.map(drop)
}

/// `PR_SET_NO_NEW_PRIVS` (include/uapi/linux/prctl.h).
const PR_SET_NO_NEW_PRIVS: usize = 38;
/// `PR_GET_NO_NEW_PRIVS`.
const PR_GET_NO_NEW_PRIVS: usize = 39;

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
