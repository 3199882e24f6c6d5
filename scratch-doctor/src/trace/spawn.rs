//! The traced command's start: a child that waits until the tracer has seized it, gets the
//! tracer's original signal mask back, installs the seccomp filter and `execve`s the command
//! through `PATH`. Between `fork` and `execve` it makes system calls through the kit and
//! nothing else: no allocation, no lock (the caller may have other threads, as a test does).

use syscall_kit::AsFd;
use syscall_kit::fs::OFlags;
use syscall_kit::io::{PollFd, PollFlags, pipe2, poll, read, write_all};
use syscall_kit::process::{self, ExecStrings, Fork, Pid};
use syscall_kit::seccomp::Filter;
use syscall_kit::signal::{How, SigSet, sigprocmask};
use syscall_kit::time::Timeout;
use syscall_kit::{BorrowedFd, Errno, OwnedFd, fd};

/// The step of the child that failed, as it reports it on the error pipe.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// `dup3(2)`, to give it the standard input, output and error of [`Stdio`].
    Stdio,
    /// `sigprocmask(2)`, to give back the mask.
    Mask,
    /// Installing the seccomp filter.
    Filter,
    /// `execve(2)`, for every candidate of the `PATH` search.
    Exec,
}

/// The standard input, output and error a command gets instead of the tracer's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stdio<'fd> {
    /// Its standard input.
    pub stdin: BorrowedFd<'fd>,
    /// Its standard output.
    pub stdout: BorrowedFd<'fd>,
    /// Its standard error.
    pub stderr: BorrowedFd<'fd>,
}

/// A child started by [`start`]: its id, and the tracer's ends of the two pipes.
pub struct Child {
    /// The child.
    pub pid: Pid,
    /// Write a byte to let it go on (after `PTRACE_SEIZE`); closed, it exits.
    go: OwnedFd,
    /// Where the child writes the step that failed and the error (`CLOEXEC`: a successful
    /// `execve` closes it, unwritten).
    failed: OwnedFd,
}

/// The exit status of the child when one of its steps failed (as a shell's for a command that
/// cannot be run), or when the tracer went away before letting it go on.
pub const FAILED: i32 = 127;

/// Forks the child that will run `file` with `argv` and `env`; it waits for [`Child::go`].
/// `mask` is the signal mask it gets back; `filter` is installed in it; `stdio`, when given, are
/// its standard input, output and error.
pub fn start<'a, 'e>(
    file: &core::ffi::CStr,
    argv: impl ExecStrings<'a>,
    env: impl ExecStrings<'e>,
    mask: &SigSet,
    filter: &Filter,
    stdio: Option<Stdio<'_>>,
) -> Result<Child, Errno> {
    let (go_r, go_w) = pipe2(OFlags::CLOEXEC)?;
    let (failed_r, failed_w) = pipe2(OFlags::CLOEXEC)?;
    // SAFETY: the child runs only `child` below, which makes system calls through the kit (no
    // allocation, no lock that another thread could hold) and ends in `execve` or `exit`.
    #[allow(unsafe_code)]
    let forked = unsafe { process::fork() }?;
    match forked {
        Fork::Child => {
            // Its copies of the tracer's ends: with them closed, the tracer's death is the end
            // of the go pipe.
            drop(go_w);
            drop(failed_r);
            child(&go_r, &failed_w, mask, filter, stdio, file, argv, env)
        }
        Fork::Parent(pid) => Ok(Child {
            pid,
            go: go_w,
            failed: failed_r,
        }),
    }
}

impl Child {
    /// Lets the child go on: it gets its mask back, installs the filter and runs the command.
    pub fn go(&self) -> Result<(), Errno> {
        write_all(&self.go, b"g")
    }

    /// What the child reported before it exited with [`FAILED`]: the step and the error; `None`
    /// when it reported nothing (its `execve` succeeded, and the program exited with 127).
    pub fn failure(&self) -> Option<(Step, Errno)> {
        let mut buf = [0u8; 5];
        match read(&self.failed, &mut buf) {
            Ok(5) => {}
            _ => return None,
        }
        let step = match buf[0] {
            0 => Step::Mask,
            1 => Step::Filter,
            3 => Step::Stdio,
            _ => Step::Exec,
        };
        let errno = i32::from_ne_bytes([buf[1], buf[2], buf[3], buf[4]]);
        Some((step, Errno::from_raw(errno)))
    }
}

/// The child's part. Never returns.
#[allow(clippy::too_many_arguments)]
fn child<'a, 'e>(
    go: &OwnedFd,
    failed: &OwnedFd,
    mask: &SigSet,
    filter: &Filter,
    stdio: Option<Stdio<'_>>,
    file: &core::ffi::CStr,
    argv: impl ExecStrings<'a>,
    env: impl ExecStrings<'e>,
) -> ! {
    let mut byte = [0u8; 1];
    if read(go, &mut byte) != Ok(1) {
        process::exit(FAILED); // the tracer is gone, or failed to seize this child
    }
    if let Some(io) = stdio {
        let given = fd::dup2_stdin(io.stdin)
            .and_then(|()| fd::dup2_stdout(io.stdout))
            .and_then(|()| fd::dup2_stderr(io.stderr));
        if let Err(e) = given {
            report(failed, Step::Stdio, e);
        }
    }
    if let Err(e) = sigprocmask(How::SetMask, Some(mask)) {
        report(failed, Step::Mask, e);
    }
    if let Err(e) = filter.install() {
        report(failed, Step::Filter, e);
    }
    let e = process::execvp(file, argv, env);
    report(failed, Step::Exec, e)
}

/// Writes the failed step and its error for the tracer, and exits with [`FAILED`].
fn report(failed: &OwnedFd, step: Step, e: Errno) -> ! {
    let code = match step {
        Step::Mask => 0u8,
        Step::Filter => 1,
        Step::Exec => 2,
        Step::Stdio => 3,
    };
    let n = e.raw().to_ne_bytes();
    let _ = write_all(failed, &[code, n[0], n[1], n[2], n[3]]);
    process::exit(FAILED)
}

/// The waker: a child whose end wakes the tracer's `wait4(2)`. It exits after `timeout`, or
/// (with none) when the tracer closes [`Waker::close`] its end of their pipe, or dies (the
/// pipe's end then closes with it); the tracer's handler of a signal that ends the run kills it.
/// It needs no signal and no id of its own for any of this.
pub struct Waker {
    /// The child.
    pub pid: Pid,
    /// The tracer's end of the pipe (the write end, never written): closed, the waker exits.
    hold: OwnedFd,
}

impl Waker {
    /// Forks the waker.
    pub fn start(timeout: Option<core::time::Duration>) -> Result<Waker, Errno> {
        let (r, w) = pipe2(OFlags::CLOEXEC)?;
        // SAFETY: the child only waits on the pipe and exits: system calls through the kit, no
        // allocation, no lock.
        #[allow(unsafe_code)]
        let forked = unsafe { process::fork() }?;
        match forked {
            Fork::Child => {
                drop(w);
                let mut fds = [PollFd::new(r.as_fd(), PollFlags::IN)];
                let wait = timeout.map_or(Timeout::Forever, Timeout::After);
                // Ready (the pipe's end: the tracer closed it or is gone), timed out, or failed:
                // exit, which wakes the tracer in every case; EINTR is a handled signal.
                while poll(&mut fds, wait) == Err(Errno::EINTR) {}
                process::exit(0)
            }
            Fork::Parent(pid) => Ok(Waker { pid, hold: w }),
        }
    }

    /// Closes the tracer's end of the pipe: the waker exits (the caller then reaps it).
    pub fn close(self) -> Pid {
        drop(self.hold);
        self.pid
    }
}
