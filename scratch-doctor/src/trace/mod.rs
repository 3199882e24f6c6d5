//! `--trace`: runs a command on this machine under `ptrace(2)` and records every path it looks
//! up, found or not, with the programs it executed; what it needs in an image is then told
//! apart ([`report`]) and can be copied ([`plan`]). scratch-doctor and scratch-pack share this
//! one implementation. It is the library's only part that does I/O: it runs a program.
//!
//! # How it works
//!
//! - **Only the calls that name a path stop the tracee** ([`calls`]): the child installs a
//!   seccomp filter ([`syscall_kit::seccomp::Filter`]) that returns `SECCOMP_RET_TRACE` for
//!   them, in each ABI the tracer follows (on x86_64 the native one and i386, which `int 0x80`
//!   and 32-bit programs use), and `SECCOMP_RET_ALLOW` for every other call, which runs at full
//!   speed; `fstat` made as `newfstatat(fd, "", AT_EMPTY_PATH)` (or `statx`) is exempted by its
//!   flag. An ABI the filter does not name stops too, so that the tracer can say it does not
//!   follow it.
//! - **Start** (`spawn.rs`): the tracer forks; the child waits on a pipe until the tracer has
//!   seized it (`PTRACE_SEIZE` with fork, vfork, clone, exec and seccomp tracing, and
//!   `PTRACE_O_EXITKILL`, so that no tracee outlives the tracer), then sets `no_new_privs`,
//!   installs the filter (a traced call without a tracer would fail with `ENOSYS`) and
//!   `execve`s the command through `PATH`, with the environment as given. Its first traced
//!   call is that `execve`.
//! - **The loop** ([`tracer`]): one blocking `wait4(-1, __WALL)` for every stop of every
//!   thread (and `PR_SET_CHILD_SUBREAPER`, so that orphans come to the tracer too). At a
//!   seccomp stop (a call's entry), the call is read (`PTRACE_GET_SYSCALL_INFO`: its number,
//!   arguments and ABI), its path read from the tracee's memory (`process_vm_readv(2)`) and
//!   made absolute at once ([`remote`]), while the directory it is relative to is still that
//!   one: `/proc/PID/cwd`, `/proc/PID/fd/N` for a directory descriptor, and `/proc/PID/root`
//!   after a `chroot`. A call that only looks ([`calls::Use::found_at_entry`]: an open for
//!   reading, a `stat`, `access`, `readlink`, `chdir`) is then complete when the tracer's own
//!   `statx` of the path, made before the thread is resumed with `PTRACE_CONT`, finds it or
//!   says `ENOENT`: it stops once. Any other call, a lookup whose `statx` fails otherwise
//!   (the kernel's answer is then the result), and every call after a
//!   `chroot` (whose absolute links the tracer would resolve in its own root) is kept as the thread's pending entry, and the
//!   thread resumed with `PTRACE_SYSCALL`, so that it stops once more at the call's exit, where the result
//!   (`PTRACE_GET_SYSCALL_INFO` again) completes the entry: a call's result is paired with its
//!   entry by thread id, one pending call per thread, since a thread makes one call at a time.
//!   A successful `execve` ends in `PTRACE_EVENT_EXEC` instead, which completes it (under the
//!   thread id the kernel then gives the thread: `PTRACE_GETEVENTMSG` names the former one).
//!   A call the kernel restarts (`-ERESTARTSYS` and its kind, seen only by a tracer) is
//!   recorded when it is made again.
//! - **One CPU** (`--one-cpu`, [`Options::one_cpu`]): the tracer thread, and so the command
//!   it starts, runs on one CPU for the run, so that a stop hands that CPU to the tracer and
//!   back rather than waking another CPU twice (most of a stop's cost on a virtual machine).
//! - **Signals**: a signal stop is resumed with the signal; a group-stop (`SIGSTOP`, `SIGTSTP`)
//!   is kept with `PTRACE_LISTEN`. `--timeout` and a signal that ends the tracer (`SIGINT`,
//!   `SIGTERM`, `SIGHUP`, `SIGQUIT`) wake the loop through a *waker*, a child of the tracer that
//!   exits at the timeout and that the handler of those signals kills (an async-signal-safe
//!   `kill(2)`): its end is a change of state `wait4` reports, so no signal is missed between
//!   two waits. The run then ends with one line and every traced process killed and reaped.
//!   The waker also exits when the tracer closes its pipe, or dies.
//! - **What is not seen** is said ([`Trace::warnings`]): files opened through `io_uring`,
//!   calls through an ABI not followed, a set-user-ID or set-group-ID program (it runs without
//!   its privilege under `no_new_privs`), a command that fails (what it did not get to do is
//!   not in the trace). What the kernel opens inside `execve` (the `#!` interpreter, the ELF
//!   interpreter) is not a call: [`report`] adds each executed program's closure.

pub mod calls;
pub mod links;
pub mod plan;
pub mod remote;
pub mod report;
mod spawn;
pub mod tracer;

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use syscall_kit::Errno;
use syscall_kit::process::Pid;
use syscall_kit::signal::Signal;

use calls::Use;

pub use spawn::Stdio;
pub use tracer::{Options, run};

/// One path a traced call named, and what came of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lookup {
    /// The thread that made the call.
    pub pid: Pid,
    /// The call (`openat`, `execve` …).
    pub call: &'static str,
    /// What the call does with the path.
    pub uses: Use,
    /// Whether a symbolic link at the end of the path is followed.
    pub follow: bool,
    /// The path as the program gave it (held as [`crate::paths::from_bytes`] holds names).
    pub given: String,
    /// The path made absolute at the call's entry (see [`clean`]), or why it could not be
    /// (`Err`: "relative to its directory descriptor, socket:\[1234\]").
    pub path: Result<String, String>,
    /// When the path could not be read from the program's memory: that read's error, which the
    /// call's must be (`EFAULT`, `ENAMETOOLONG`; anything else is the tracer's failure).
    pub unreadable: Option<Errno>,
    /// The call's result: `Ok` or the error the program got; for a call that only looks
    /// ([`Use::found_at_entry`]), what the tracer found at the call's entry: `Ok` (or
    /// `ENOTDIR` where the call wants a directory and the path is not one), or `ENOENT`.
    pub result: Result<(), Errno>,
}

impl Lookup {
    /// Whether the path was there: the call succeeded, or it is a `readlink` that failed with
    /// `EINVAL`, its answer for a file that is not a symbolic link.
    pub fn found(&self) -> bool {
        self.result.is_ok()
            || (self.call.starts_with("readlink") && self.result == Err(Errno::EINVAL))
    }
}

/// How the command ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum End {
    /// It exited with this status.
    Exited(i32),
    /// A signal killed it.
    Killed(Signal),
    /// `--timeout` passed: the tracer killed every traced process.
    TimedOut,
    /// The tracer got this signal (`SIGTERM`, `SIGINT` …) and killed every traced process.
    Interrupted(Signal),
}

impl fmt::Display for End {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            End::Exited(code) => write!(f, "exited with status {code}"),
            End::Killed(sig) => write!(f, "was killed by signal {sig}"),
            End::TimedOut => f.write_str("was still running at the timeout, and was killed"),
            End::Interrupted(sig) => write!(f, "was killed when the tracer got signal {sig}"),
        }
    }
}

/// What a traced run saw.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Trace {
    /// Every path looked up, in the order the tracer completed them: a call that only looks
    /// at its entry, another at its exit.
    pub lookups: Vec<Lookup>,
    /// The programs executed (absolute paths, as named to `execve`), in order, once each.
    pub executed: Vec<String>,
    /// How the command ended.
    pub end: End,
    /// How many processes and threads were traced.
    pub traced: usize,
    /// What could not be followed, one line each, once each.
    pub warnings: Vec<String>,
}

/// A failure of the tracer itself: one line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TraceError(pub String);

impl fmt::Display for TraceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// `path` without empty and `.` components (`//`, `/./`): what the kernel does with them. A
/// `..` is kept, since it goes to the parent of where a symbolic link leads, which only the
/// file system knows ([`links`] resolves it).
pub fn clean(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for part in path.split('/') {
        if part.is_empty() || part == "." {
            continue;
        }
        out.push('/');
        out.push_str(part);
    }
    if out.is_empty() {
        out.push('/');
    }
    out
}

#[cfg(test)]
mod tests;
