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
//! Nothing is allocated: the argument and environment pointer tables for `execve` are on the
//! stack, at most 255 strings each (more: `Argument list too long`, exit 1).

#![no_std]
#![no_main]

mod options;
mod say;

use core::ffi::CStr;
use core::time::Duration;

use syscall_kit::process::{self, Fork, WNOHANG};
use syscall_kit::signal::{self, How, SigAction, SigSet};
use syscall_kit::{Errno, rt, stdin};

use options::{Options, program};
use say::Line;

syscall_kit::main!(main);

/// `--version`.
pub const VERSION: &[u8] =
    concat!("scratch-init version ", env!("CARGO_PKG_VERSION"), "\n").as_bytes();
/// `-l`: the licence, in a line.
pub const LICENSE: &[u8] = concat!(
    "scratch-init ",
    env!("CARGO_PKG_VERSION"),
    ": MIT License\n"
)
.as_bytes();
/// `-h`: tini's options, in short.
pub const USAGE: &[u8] =
    b"Usage: scratch-init [-sgwvlh] [-p SIGNAL] [-e CODE]... -- PROGRAM [ARGS...] | --version
Runs PROGRAM, forwards signals to it, reaps zombies; tini's options: -s subreaper,
-p SIGNAL parent-death signal, -g signal the process group, -e CODE exit code CODE (0-255)
means 0, -w warn about reaped zombies, -v more output, -l license, -h this help.
Environment: TINI_SUBREAPER, TINI_VERBOSITY (default 1), TINI_KILL_PROCESS_GROUP.
";

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

/// tini's warning when orphans will not be re-parented here.
const REAPER_WARNING: &[u8] = b"scratch-init is not running as PID 1 and isn't registered as a child subreaper.
Zombie processes will not be re-parented to scratch-init, so zombie reaping won't work.
To fix the problem, use the -s option or set the environment variable TINI_SUBREAPER to register scratch-init as a child subreaper, or run scratch-init as PID 1.";

/// Prints `[FATAL …] what: error` and returns exit status 1.
#[inline(never)]
fn fatal(what: &[u8], e: Errno) -> i32 {
    Line::tagged(b"[FATAL")
        .text(what)
        .text(b": ")
        .errno(e)
        .emit(true);
    1
}

fn main() -> i32 {
    let o = options::parse();
    let old_mask = match signal::sigprocmask(How::SetMask, Some(&BLOCKED)) {
        Ok(m) => m,
        Err(e) => return fatal(b"sigprocmask failed", e),
    };
    let (Ok(ttin), Ok(ttou)) = (
        signal::set_ignored(signal::SIGTTIN),
        signal::set_ignored(signal::SIGTTOU),
    ) else {
        return fatal(b"Failed to ignore SIGTTIN and SIGTTOU", Errno::EINVAL);
    };
    if o.pdeathsig != 0
        && let Err(e) = process::set_pdeathsig(o.pdeathsig)
    {
        return fatal(b"Failed to set up parent death signal", e);
    }
    if o.has(options::SUBREAPER)
        && let Err(e) = process::set_child_subreaper(true)
    {
        return fatal(b"Failed to register as child subreaper", e);
    }
    if o.verbosity > 0 && process::getpid() != 1 && !matches!(process::child_subreaper(), Ok(true))
    {
        Line::tagged(b"[WARN ").text(REAPER_WARNING).emit(true);
    }
    // SAFETY: this program has one thread; the child makes system calls only, then execve.
    let child = match unsafe { process::fork() } {
        Ok(Fork::Child) => run_child(&o, &old_mask, &ttin, &ttou),
        Ok(Fork::Parent(pid)) => pid,
        Err(e) => return fatal(b"fork failed", e),
    };
    if o.verbosity > 1 {
        Line::tagged(b"[INFO ")
            .text(b"Spawned child process '")
            .text(program(&o).to_bytes())
            .text(b"' with pid '")
            .num(child as u32)
            .text(b"'")
            .emit(false);
    }
    supervise(&o, child)
}

/// In the child: a process group of its own (and the terminal's foreground), the signal state
/// PROGRAM would have had, then PROGRAM.
#[inline(never)]
fn run_child(o: &Options, mask: &SigSet, ttin: &SigAction, ttou: &SigAction) -> ! {
    if let Err(e) = process::setpgid(0, 0) {
        process::exit(fatal(b"setpgid failed", e));
    }
    // The group setpgid(0, 0) made has this process's id.
    match process::tcsetpgrp(stdin(), process::getpid()) {
        Ok(()) | Err(Errno::ENOTTY | Errno::ENXIO | Errno::EBADF) => {}
        Err(e) => process::exit(fatal(b"tcsetpgrp failed", e)),
    }
    // SAFETY: the actions were read from the kernel, set by this process's parent or the
    // defaults; no handler of this program is installed.
    let restored = unsafe {
        signal::sigaction(signal::SIGTTIN, Some(ttin))
            .and_then(|_| signal::sigaction(signal::SIGTTOU, Some(ttou)))
    };
    if let Err(e) = restored.and_then(|_| signal::sigprocmask(How::SetMask, Some(mask))) {
        process::exit(fatal(b"Restoring the child's signals failed", e));
    }
    let mut argv = [c""; process::EXECVE_MAX_STRINGS + 1];
    let mut envp = [c""; process::EXECVE_MAX_STRINGS + 1];
    let mut args = rt::args();
    let program = args.nth(o.program).unwrap_or(c"");
    argv[0] = program;
    let argc = 1 + fill(argv.get_mut(1..).unwrap_or_default(), args);
    let envc = fill(&mut envp, rt::env());
    let e = process::execvp(
        program,
        argv.get(..argc).unwrap_or_default(),
        envp.get(..envc).unwrap_or_default(),
    );
    let status = match e {
        Errno::ENOENT => 127,
        Errno::EACCES => 126,
        _ => 1,
    };
    Line::tagged(b"[FATAL")
        .text(b"exec ")
        .text(program.to_bytes())
        .text(b" failed: ")
        .errno(e)
        .emit(true);
    process::exit(status)
}

/// Copies `strings` into `table` and returns how many there are (one more than fits: then
/// `execve` fails with `E2BIG`).
fn fill(table: &mut [&'static CStr], strings: impl Iterator<Item = &'static CStr>) -> usize {
    let mut n = 0;
    for s in strings {
        match table.get_mut(n) {
            Some(slot) => *slot = s,
            None => break,
        }
        n += 1;
    }
    n
}

/// The main loop: waits for a signal (at most a second, so that a missed `SIGCHLD` costs a
/// second, not a hang), forwards it, reaps; returns the exit status once the child has ended.
fn supervise(o: &Options, child: i32) -> i32 {
    loop {
        match signal::sigtimedwait(&BLOCKED, Some(Duration::from_secs(1))) {
            Ok(info) if info.signo() == signal::SIGCHLD => {}
            Ok(info) => {
                let target = if o.has(options::GROUP) { -child } else { child };
                match signal::kill(target, info.signo()) {
                    Ok(()) => {}
                    Err(Errno::ESRCH) => {
                        if o.verbosity > 0 {
                            Line::tagged(b"[WARN ")
                                .text(b"Child was dead when forwarding signal")
                                .emit(true);
                        }
                    }
                    Err(e) => return fatal(b"Unexpected error when forwarding signal", e),
                }
            }
            Err(Errno::EAGAIN | Errno::EINTR) => {}
            Err(e) => return fatal(b"Unexpected error in sigtimedwait", e),
        }
        let mut status = None;
        loop {
            match process::wait4(-1, WNOHANG) {
                Ok((0, _)) | Err(Errno::ECHILD) => break,
                Ok((pid, s)) if pid == child => {
                    let (code, how) = match (s.exit_status(), s.terminating_signal()) {
                        (Some(code), _) => {
                            (code, &b"Main child exited normally (with status '"[..])
                        }
                        (None, Some(sig)) => (
                            128 + sig,
                            &b"Main child exited with signal (with signal '"[..],
                        ),
                        (None, None) => continue,
                    };
                    if o.verbosity > 1 {
                        Line::tagged(b"[INFO ")
                            .text(how)
                            .num(code as u32 & 0x7f_ffff)
                            .text(b"')")
                            .emit(false);
                    }
                    let code = (code as u32) % 256;
                    status = Some(if o.remapped(code) { 0 } else { code as i32 });
                }
                Ok((pid, _)) => {
                    if o.has(options::WARN_ON_REAP) && o.verbosity > 0 {
                        Line::tagged(b"[WARN ")
                            .text(b"Reaped zombie process with pid=")
                            .num(pid as u32)
                            .emit(true);
                    }
                }
                Err(e) => return fatal(b"Error while waiting for pids", e),
            }
        }
        if let Some(code) = status {
            return code;
        }
    }
}
