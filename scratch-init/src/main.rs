//! `scratch-init [OPTIONS] -- PROGRAM [ARGS...]`: a PID 1 for containers, with no libc.
//!
//! As PID 1 a process gets no default signal actions (a `SIGTERM` it has no handler for is
//! dropped, so `docker stop` waits and kills it) and every orphan of the container is
//! re-parented to it (a zombie each, unless it reaps them). scratch-init is that PID 1 for a
//! program that was not written to be one, as tini is, with tini's options and exit codes:
//!
//! 1. it blocks every signal except those a fault raises (`SIGSEGV`, `SIGILL` …) and ignores
//!    `SIGTTIN` and `SIGTTOU`, as tini does;
//! 2. it sets the parent-death signal (`-p`), becomes a child subreaper (`-s`,
//!    `TINI_SUBREAPER`), and warns when it is neither PID 1 nor a subreaper (reaping would not
//!    reach orphans);
//! 3. it forks: the child moves to a process group of its own, takes the terminal's
//!    foreground if there is one, gets the signal mask and dispositions back and runs PROGRAM
//!    (found through `PATH` when the name has no `/`); 127 if there is no such program, 126 if
//!    it may not be run;
//! 4. it takes signals one at a time with `sigtimedwait` (no handler runs, ever), forwards each
//!    but `SIGCHLD` to the child (to its process group with `-g`), and after each reaps every
//!    zombie with `wait4(-1, WNOHANG)`, warning about those that are not the child with `-w`;
//! 5. when the child has ended it exits with its status: the exit code, or `128 + N` for death
//!    by signal N, 0 for the codes given with `-e`.
//!
//! Its own errors: bad input (an unknown option, `-e` outside 0–255, an unknown `-p` signal,
//! no PROGRAM) is one line and exit status 2 (tini exits 1, with its usage for some); a
//! system call that fails is one line and exit status 1, as tini.
//!
//! Nothing is allocated: `execve` gets PROGRAM's arguments and the environment as the pointer
//! tables the kernel left on this program's own initial stack (`argv` from PROGRAM on, `envp`),
//! without a copy.

#![no_std]
#![no_main]

mod options;
mod say;

use core::time::Duration;

use syscall_kit::process::{self, Fork, Pid, WaitOptions};
use syscall_kit::signal::{self, SigAction, SigSet};
use syscall_kit::time::Timeout;
use syscall_kit::{Errno, rt, stdin};

use options::Options;
use say::{Level, Num, Text, fatal, say};

syscall_kit::main!(main);

/// The signals blocked here (taken with `sigtimedwait`): all but those a fault raises in this
/// process (left unblocked, as tini leaves them) and `SIGTTIN`, `SIGTTOU` (ignored instead).
const BLOCKED: SigSet = SigSet::full()
    .without(signal::SIGFPE)
    .without(signal::SIGILL)
    .without(signal::SIGSEGV)
    .without(signal::SIGBUS)
    .without(signal::SIGABRT)
    .without(signal::SIGTRAP)
    .without(signal::SIGSYS)
    .without(signal::SIGTTIN)
    .without(signal::SIGTTOU);

fn main() -> i32 {
    let o = options::parse();
    let old_mask = match signal::set_mask(&BLOCKED) {
        Ok(m) => m,
        Err(e) => fatal(b"sigprocmask failed", e),
    };
    let ignored = signal::set_ignored(signal::SIGTTIN)
        .and_then(|ttin| Ok((ttin, signal::set_ignored(signal::SIGTTOU)?)));
    let (ttin, ttou) = match ignored {
        Ok(previous) => previous,
        Err(e) => fatal(b"Failed to ignore SIGTTIN and SIGTTOU", e),
    };
    if o.pdeathsig != 0
        && let Err(e) = process::set_pdeathsig(o.pdeathsig)
    {
        fatal(b"Failed to set up parent death signal", e);
    }
    if o.has(options::SUBREAPER)
        && let Err(e) = process::set_child_subreaper(true)
    {
        fatal(b"Failed to register as child subreaper", e);
    }
    if o.verbosity > 0 && process::getpid() != 1 && !matches!(process::child_subreaper(), Ok(true))
    {
        // tini's warning, its first sentence and its fixes.
        say(
            Level::Warn,
            &[Text(
                b"scratch-init is not running as PID 1 and isn't registered as a child \
                  subreaper: zombie reaping won't work (use -s or TINI_SUBREAPER, or run it \
                  as PID 1)",
            )],
        );
    }
    // SAFETY: this program has one thread; the child makes system calls only, then execve.
    let child = match unsafe { process::fork() } {
        Ok(Fork::Child) => run_child(&o, &old_mask, &ttin, &ttou),
        Ok(Fork::Parent(pid)) => pid,
        Err(e) => fatal(b"fork failed", e),
    };
    if o.verbosity > 1 {
        let program = o.argv.get(0).unwrap_or_default().to_bytes();
        say(
            Level::Info,
            &[
                Text(b"Spawned child process '"),
                Text(program),
                Text(b"' with pid '"),
                Num(child as u32),
                Text(b"'"),
            ],
        );
    }
    supervise(&o, child)
}

/// In the child: a process group of its own (and the terminal's foreground), the signal state
/// PROGRAM would have had, then PROGRAM.
#[inline(always)]
fn run_child(o: &Options, mask: &SigSet, ttin: &SigAction, ttou: &SigAction) -> ! {
    if let Err(e) = process::setpgid(0, 0) {
        fatal(b"setpgid failed", e);
    }
    // The group setpgid(0, 0) made has this process's id.
    match process::tcsetpgrp(stdin(), process::getpid()) {
        Ok(()) | Err(Errno::ENOTTY | Errno::ENXIO | Errno::EBADF) => {}
        Err(e) => fatal(b"tcsetpgrp failed", e),
    }
    // SAFETY: the actions were read from the kernel, set by this process's parent or the
    // defaults; no handler of this program is installed.
    let restored = unsafe {
        signal::sigaction(signal::SIGTTIN, Some(ttin))
            .and_then(|_| signal::sigaction(signal::SIGTTOU, Some(ttou)))
    };
    if let Err(e) = restored.and_then(|_| signal::set_mask(mask)) {
        fatal(b"Restoring the child's signals failed", e);
    }
    let program = o.argv.get(0).unwrap_or_default();
    let e = process::execvp(program, o.argv, rt::env_table());
    let status = match e {
        Errno::ENOENT => 127,
        Errno::EACCES => 126,
        _ => 1,
    };
    say(
        Level::Fatal,
        &[
            Text(b"exec "),
            Text(program.to_bytes()),
            Text(b" failed: "),
            say::Error(e),
        ],
    );
    process::exit(status)
}

/// The main loop: waits for a signal (at most a second, so that a missed `SIGCHLD` costs a
/// second, not a hang), forwards it, reaps; returns the exit status once the child has ended.
fn supervise(o: &Options, child: Pid) -> i32 {
    loop {
        match signal::sigtimedwait(&BLOCKED, Timeout::After(Duration::from_secs(1))) {
            Ok(info) if info.signo() == signal::SIGCHLD => {}
            Ok(info) => {
                let target = if o.has(options::GROUP) { -child } else { child };
                match signal::kill(target, info.signo()) {
                    Ok(()) => {}
                    Err(Errno::ESRCH) => {
                        if o.verbosity > 0 {
                            say(
                                Level::Warn,
                                &[Text(b"Child was dead when forwarding signal")],
                            );
                        }
                    }
                    Err(e) => fatal(b"Unexpected error when forwarding signal", e),
                }
            }
            Err(Errno::EAGAIN | Errno::EINTR) => {}
            Err(e) => fatal(b"Unexpected error in sigtimedwait", e),
        }
        let mut status = None;
        loop {
            match process::wait4(-1, WaitOptions::NOHANG) {
                Ok(None) | Err(Errno::ECHILD) => break,
                Ok(Some((pid, s))) if pid == child => {
                    // The exit code, or 128 + the signal that killed it: 0 to 255.
                    let (code, how): (i32, &[u8]) = match (s.exit_status(), s.terminating_signal())
                    {
                        (Some(code), _) => (code, b"Main child exited normally (with status '"),
                        (None, Some(sig)) => {
                            (128 + sig, b"Main child exited with signal (with signal '")
                        }
                        (None, None) => continue,
                    };
                    if o.verbosity > 1 {
                        say(Level::Info, &[Text(how), Num(code as u32), Text(b"')")]);
                    }
                    let code = (code as u32) % 256;
                    status = Some(if o.remapped(code) { 0 } else { code as i32 });
                }
                Ok(Some((pid, _))) => {
                    if o.has(options::WARN_ON_REAP) && o.verbosity > 0 {
                        say(
                            Level::Warn,
                            &[Text(b"Reaped zombie process with pid="), Num(pid as u32)],
                        );
                    }
                }
                Err(e) => fatal(b"Error while waiting for pids", e),
            }
        }
        if let Some(code) = status {
            return code;
        }
    }
}
