//! The traced command's start: a child that waits until the tracer has seized it, gets the
//! tracer's original signal mask back, installs the seccomp filter and `execve`s the command
//! through `PATH`. Between `fork` and `execve` it makes system calls through the kit and
//! nothing else: no allocation, no lock (the caller may have other threads, as a test does).

use syscall_kit::fs::OFlags;
use syscall_kit::io::{pipe2, read, write_all};
use syscall_kit::process::{self, ExecStrings, Fork, Pid};
use syscall_kit::seccomp::Filter;
use syscall_kit::signal::{How, SigSet, sigprocmask};
use syscall_kit::{Errno, OwnedFd};

/// The step of the child that failed, as it reports it on the error pipe.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// `sigprocmask(2)`, to give back the mask.
    Mask,
    /// Installing the seccomp filter.
    Filter,
    /// `execve(2)`, for every candidate of the `PATH` search.
    Exec,
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
/// `mask` is the signal mask it gets back; `filter` is installed in it.
pub fn start<'a, 'e>(
    file: &core::ffi::CStr,
    argv: impl ExecStrings<'a>,
    env: impl ExecStrings<'e>,
    mask: &SigSet,
    filter: &Filter,
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
            child(&go_r, &failed_w, mask, filter, file, argv, env)
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
            _ => Step::Exec,
        };
        let errno = i32::from_ne_bytes([buf[1], buf[2], buf[3], buf[4]]);
        Some((step, Errno::from_raw(errno)))
    }
}

/// The child's part. Never returns.
fn child<'a, 'e>(
    go: &OwnedFd,
    failed: &OwnedFd,
    mask: &SigSet,
    filter: &Filter,
    file: &core::ffi::CStr,
    argv: impl ExecStrings<'a>,
    env: impl ExecStrings<'e>,
) -> ! {
    let mut byte = [0u8; 1];
    if read(go, &mut byte) != Ok(1) {
        process::exit(FAILED); // the tracer is gone, or failed to seize this child
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
    };
    let n = e.raw().to_ne_bytes();
    let _ = write_all(failed, &[code, n[0], n[1], n[2], n[3]]);
    process::exit(FAILED)
}

/// Forks the waker: a child that exits after `timeout` (sleeps for ever without one); the
/// tracer's handler of a signal that ends the run kills it. Either way its end wakes the
/// tracer's `wait4(2)`.
pub fn waker(timeout: Option<core::time::Duration>) -> Result<Pid, Errno> {
    let parent = process::getpid();
    // SAFETY: the child only sleeps and exits: system calls through the kit, no allocation,
    // no lock.
    #[allow(unsafe_code)]
    let forked = unsafe { process::fork() }?;
    match forked {
        Fork::Child => {
            // It ends with the tracer, however the tracer ends (SIGKILL included).
            if process::set_pdeathsig(syscall_kit::signal::SIGKILL).is_err()
                || process::getppid() != parent
            {
                process::exit(0);
            }
            // `sleep` goes on after a signal (absolute deadline); a timeout too long for the
            // clock (EINVAL) is no timeout.
            if let Some(t) = timeout
                && syscall_kit::time::sleep(t).is_ok()
            {
                process::exit(0);
            }
            loop {
                let _ = syscall_kit::signal::sigtimedwait(
                    &SigSet::empty(),
                    syscall_kit::time::Timeout::Forever,
                );
            }
        }
        Fork::Parent(pid) => Ok(pid),
    }
}
