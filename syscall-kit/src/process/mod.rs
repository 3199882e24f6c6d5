//! Processes, a file per topic:
//!
//! | topic | system calls |
//! |---|---|
//! | this file | [`getpid`] (`getpid(2)`), [`getppid`] (`getppid(2)`), [`exit`] (`exit_group(2)`), [`fork`] and [`fork_with`] new namespaces (`clone(2)`) |
//! | running a program (`exec.rs`) | [`execve`] (`execve(2)`) and [`execvp`] (a `PATH` search), over [`ExecStrings`] |
//! | the initial stack's string tables (`table.rs`) | [`StrTable`] |
//! | waiting for children (`wait.rs`) | [`wait4`] (`wait4(2)`) and its [`WaitStatus`], [`waitid`] (`waitid(2)`), [`WaitOptions`] |
//! | tracing (`ptrace.rs`) | [`ptrace`]: `ptrace(2)`, a function per request ([`ptrace::seize`], [`ptrace::syscall_info`] …) |
//! | another process's memory (`vm.rs`) | [`process_vm_readv`] (`process_vm_readv(2)`) |
//! | sessions, process groups, user ids (`ids.rs`) | [`setsid`], [`setpgid`], [`getpgid`], [`getuid`], [`getgid`], [`geteuid`], [`getegid`] |
//! | a descriptor for a process (`pidfd.rs`) | [`pidfd_open`] (`pidfd_open(2)`): readable when the process ends |
//! | process attributes (`prctl.rs`) | `prctl(2)`: [`set_no_new_privs`], [`set_child_subreaper`], [`set_pdeathsig`] and their readers |
//! | a terminal's foreground process group (`tty.rs`) | [`tcsetpgrp`], [`tcgetpgrp`] |
//! | resource limits (`rlimit.rs`) | [`prlimit`] (`prlimit64(2)`), and [`getrlimit`], [`setrlimit`] over it, of a [`Resource`] as an [`Rlimit`] |
//! | the CPUs a process may run on (`affinity.rs`) | [`sched_getaffinity`] and [`sched_setaffinity`] (`sched_getaffinity(2)`, `sched_setaffinity(2)`), a [`CpuSet`] |
//!
//! Sending a signal to a process, `kill(2)`, is [`crate::signal::kill`]; the namespaces that
//! [`fork_with`] makes are [`crate::ns`].

use crate::ns::CloneFlags;
use crate::raw::{self, nr};
use crate::{Errno, Result};

mod affinity;
mod exec;
mod ids;
mod pidfd;
mod prctl;
pub mod ptrace;
mod rlimit;
mod table;
mod tty;
mod vm;
mod wait;

pub use affinity::{CpuSet, sched_getaffinity, sched_setaffinity};

pub use exec::{DEFAULT_PATH, EXECVE_MAX_STRINGS, ExecStrings, execve, execvp};
pub use ids::{getegid, geteuid, getgid, getpgid, getuid, setpgid, setsid};
pub use pidfd::pidfd_open;
pub use prctl::{
    child_subreaper, no_new_privs, pdeathsig, set_child_subreaper, set_no_new_privs, set_pdeathsig,
};
pub use rlimit::{Resource, Rlimit, getrlimit, prlimit, setrlimit};
pub use table::StrTable;
pub use tty::{tcgetpgrp, tcsetpgrp};
pub use vm::{IOV_MAX, RemoteRange, process_vm_readv};
pub use wait::{WaitId, WaitOptions, WaitStatus, wait4, waitid};

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
    // SAFETY: forwarded to the caller.
    unsafe { fork_with(CloneFlags::empty()) }
}

/// [`fork`] into new namespaces: `clone(2)` with `SIGCHLD` and the flags of `namespaces`, so that
/// the child is born in them (see [`CloneFlags`] for each) and the caller stays where it is.
///
/// Unlike [`crate::ns::unshare`], it may be called from a process with several threads, with
/// [`CloneFlags::NEWUSER`] too; with [`CloneFlags::NEWPID`] the child is process 1 of the new
/// PID namespace, and the caller's child still (it waits for it with [`wait4`], and sees it
/// by its id outside). The privileges needed, and the errors, are `unshare`'s. A bit of
/// `namespaces` that is not one of [`CloneFlags`] fails with [`Errno::EINVAL`] before any
/// system call: the other flags of `clone(2)` would share memory or descriptors with the
/// caller.
///
/// # Safety
/// As for [`fork`].
///
/// # References
///  - [Linux clone]
///  - [Linux namespaces]
///
/// [Linux clone]: https://man7.org/linux/man-pages/man2/clone.2.html
/// [Linux namespaces]: https://man7.org/linux/man-pages/man7/namespaces.7.html
pub unsafe fn fork_with(namespaces: CloneFlags) -> Result<Fork> {
    if CloneFlags::from_bits(namespaces.bits()).is_none() {
        return Err(Errno::EINVAL);
    }
    let flags = crate::signal::SIGCHLD as usize | namespaces.bits() as usize;
    let [a1, a2, a3, a4, a5] = crate::arch::fork_clone_args(flags);
    // SAFETY: forwarded to the caller; with no stack argument the child continues on a copy of
    // this stack, as after fork(2), and the flags (checked above) share nothing with the
    // caller.
    let pid = unsafe { raw::syscall5(nr::CLONE, a1, a2, a3, a4, a5) }?;
    Ok(if pid == 0 {
        Fork::Child
    } else {
        Fork::Parent(pid as Pid)
    })
}
