//! [`run`]: the tracer's loop (see the [module](super) for the design).

use alloc::collections::{BTreeMap, BTreeSet};
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::ffi::CStr;
use core::time::Duration;

use core::sync::atomic::{AtomicBool, AtomicI32, Ordering};
use syscall_kit::Errno;
use syscall_kit::fs::{AtFlags, FileType};
use syscall_kit::process::ptrace::{self, Event, Options as PtraceOptions, SyscallOp};
use syscall_kit::process::{self, ExecStrings, Pid, WaitOptions, WaitStatus};
use syscall_kit::seccomp::{Action, Filter};

use syscall_kit::signal::{self, Handler, How, SIGKILL, SaFlags, SigAction, SigSet, Signal};

use super::calls::{
    self, AF_UNIX, AT_EMPTY_PATH, AT_FDCWD, AT_SYMLINK_NOFOLLOW, Flags, Operand, Spec, Use,
};
use super::spawn::{self, Stdio, Step, Waker};
use super::{End, Lookup, Trace, TraceError, clean, remote};
use crate::paths;

/// A call seen at its exit: the call, and its result (`Ok`, or the error the program got).
type Exited = (Pending, Result<(), Errno>);

/// What a run may take.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Options<'fd> {
    /// `--timeout`: after this long, every traced process is killed.
    pub timeout: Option<Duration>,
    /// The command's standard input, output and error; `None`: this process's.
    pub stdio: Option<Stdio<'fd>>,
    /// `--one-cpu`: the command and the tracer run on one CPU, the first of this thread's
    /// affinity mask (`sched_setaffinity(2)`), which the thread gets back after the run.
    pub one_cpu: bool,
}

/// The signals that end a run: the tracer's handler records one and wakes the loop.
const ENDING: [Signal; 4] = [
    signal::SIGINT,
    signal::SIGTERM,
    signal::SIGHUP,
    signal::SIGQUIT,
];

/// The signal of [`ENDING`] the tracer got, 0 for none (set by [`on_signal`]).
static GOT: AtomicI32 = AtomicI32::new(0);
/// The waker's id while its handler may run, 0 otherwise.
static WAKER: AtomicI32 = AtomicI32::new(0);
/// Whether a run is under way in this process: one at a time (the handlers and the waker are
/// the process's).
static RUNNING: AtomicBool = AtomicBool::new(false);

/// The handler of [`ENDING`]: records the signal and kills the waker, whose end wakes the
/// loop's `wait4(2)` (whatever the loop was doing when the signal came: no window is lost).
/// Async-signal-safe: two atomics and `kill(2)`.
extern "C" fn on_signal(sig: Signal) {
    GOT.store(sig, Ordering::SeqCst);
    let waker = WAKER.load(Ordering::SeqCst);
    if waker > 0 {
        let _ = signal::kill(waker, SIGKILL);
    }
}

/// `-ERESTARTSYS` … `-ERESTART_RESTARTBLOCK` (include/linux/errno.h): the kernel restarts the
/// call (a tracer sees these at its exit); it is stopped at and recorded again.
const RESTART: core::ops::RangeInclusive<i32> = 512..=516;

/// Runs `file` (found through the `PATH` of `env` when it has no `/`) with `argv` and `env`
/// under the tracer, in the current directory, with the standard input, output and error of
/// this process (or those of `options.stdio`), until every traced process has ended (or `options.timeout` passed, or the
/// tracer got a signal that ends it); then returns what it saw. Every failure of the tracer
/// itself, and a command that cannot be run, is a [`TraceError`]; no traced process is left
/// running or stopped when this returns, whatever it returns.
pub fn run<'a, 'e>(
    file: &CStr,
    argv: impl ExecStrings<'a>,
    env: impl ExecStrings<'e>,
    options: &Options<'_>,
) -> Result<Trace, TraceError> {
    if !calls::supported() {
        return Err(TraceError(
            "--trace knows the system calls of x86_64 only, not of this machine".into(),
        ));
    }
    let lists = calls::filter_lists();
    let abis = [lists[0].abi(), lists[1].abi()];
    let filter = Filter::new(&abis, Action::Trace(0), Action::Allow, Action::Trace(0))
        .map_err(|e| TraceError(format!("cannot build the seccomp filter: {e}")))?;
    if RUNNING.swap(true, Ordering::SeqCst) {
        return Err(TraceError(
            "a trace is already running in this process: one at a time".into(),
        ));
    }
    GOT.store(0, Ordering::SeqCst);
    let result = on_one_cpu(options.one_cpu, || {
        with_handlers(|mask| {
            let waker = Waker::start(options.timeout)
                .map_err(|e| TraceError(format!("cannot start the timer process: {e}")))?;
            WAKER.store(waker.pid, Ordering::SeqCst);
            let result = trace(file, argv, env, &filter, mask, options.stdio, waker);
            WAKER.store(0, Ordering::SeqCst);
            result
        })
    });
    RUNNING.store(false, Ordering::SeqCst);
    result
}

/// Runs `f` on one CPU when `one` is set: this thread (and so the command it starts, which
/// inherits it) may then run only on the first CPU of its affinity mask
/// (`sched_setaffinity(2)`), and gets its mask back after, whatever `f` returns. A stop of
/// the tracee then hands the CPU to the tracer and back, where otherwise each wakes the other
/// on another CPU, which is most of a stop's cost on a virtual machine (an interrupt between
/// CPUs, an exit to the hypervisor).
fn on_one_cpu<T>(one: bool, f: impl FnOnce() -> Result<T, TraceError>) -> Result<T, TraceError> {
    if !one {
        return f();
    }
    let cannot = |e: Errno| TraceError(format!("--one-cpu: cannot choose the CPU: {e}"));
    let all = process::sched_getaffinity(0).map_err(cannot)?;
    let mut first = process::CpuSet::empty();
    first.insert(all.first().ok_or_else(|| cannot(Errno::EINVAL))?);
    process::sched_setaffinity(0, &first).map_err(cannot)?;
    let result = f();
    match process::sched_setaffinity(0, &all) {
        Ok(()) => result,
        Err(e) => result.and(Err(TraceError(format!(
            "--one-cpu: cannot give the tracer its CPUs back: {e}"
        )))),
    }
}

/// Runs `f` with the handler [`on_signal`] for each of [`ENDING`] (without `SA_RESTART`, so
/// that a blocked `wait4(2)` returns), and the former actions set again after it, whatever it
/// returns. `f` gets the signal mask the command is to start with (this thread's).
fn with_handlers<T>(f: impl FnOnce(&SigSet) -> Result<T, TraceError>) -> Result<T, TraceError> {
    let mask = signal::sigprocmask(How::Block, None)
        .map_err(|e| TraceError(format!("cannot read the signal mask: {e}")))?;
    let action = SigAction::new(
        Handler::Function(on_signal),
        SaFlags::empty(),
        SigSet::empty(),
    );
    let mut former = [None; ENDING.len()];
    let mut installed = Ok(());
    for (sig, old) in ENDING.iter().zip(&mut former) {
        // SAFETY: `on_signal` is async-signal-safe (two atomics and `kill(2)`); the former
        // action, set again below, is this process's own.
        #[allow(unsafe_code)]
        let set = unsafe { signal::sigaction(*sig, Some(&action)) };
        match set {
            Ok(a) => *old = Some(a),
            Err(e) => {
                installed = Err(TraceError(format!("cannot handle signal {sig}: {e}")));
                break;
            }
        }
    }
    let result = installed.and_then(|()| f(&mask));
    for (sig, old) in ENDING.iter().zip(&former) {
        if let Some(old) = old {
            // SAFETY: the action this process had before, set again.
            #[allow(unsafe_code)]
            let _ = unsafe { signal::sigaction(*sig, Some(old)) };
        }
    }
    result
}

fn trace<'a, 'e>(
    file: &CStr,
    argv: impl ExecStrings<'a>,
    env: impl ExecStrings<'e>,
    filter: &Filter,
    mask: &SigSet,
    stdio: Option<Stdio<'_>>,
    waker: Waker,
) -> Result<Trace, TraceError> {
    // Orphans of the traced processes come to the tracer, which reaps every one of them.
    process::set_child_subreaper(true)
        .map_err(|e| TraceError(format!("cannot become a child subreaper: {e}")))?;
    let child = match spawn::start(file, argv, env, mask, filter, stdio) {
        Ok(child) => child,
        Err(e) => {
            end_waker(waker);
            return Err(TraceError(format!("cannot start the command: {e}")));
        }
    };
    let options = PtraceOptions::TRACESYSGOOD
        | PtraceOptions::TRACEFORK
        | PtraceOptions::TRACEVFORK
        | PtraceOptions::TRACECLONE
        | PtraceOptions::TRACEEXEC
        | PtraceOptions::TRACESECCOMP
        | PtraceOptions::EXITKILL;
    if let Err(e) = ptrace::seize(child.pid, options) {
        let _ = signal::kill(child.pid, SIGKILL);
        let _ = process::wait4(child.pid, WaitOptions::ALL);
        end_waker(waker);
        return Err(TraceError(seize_problem(e)));
    }
    let mut tracer = Tracer {
        main: child.pid,
        tracees: BTreeMap::new(),
        ended: BTreeSet::new(),
        trace: Trace {
            lookups: Vec::new(),
            executed: Vec::new(),
            end: End::Exited(0),
            traced: 0,
            warnings: Vec::new(),
        },
        waker: waker.pid,
        main_end: None,
    };
    tracer.seen(child.pid);
    if let Err(e) = child.go() {
        waker.close();
        tracer.kill_all();
        return Err(TraceError(format!("cannot start the command: {e}")));
    }
    let ended = tracer.run_loop();
    // Every traced process has ended, or is killed now; the waker exits as its pipe closes.
    waker.close();
    tracer.kill_all();
    ended?;
    let mut trace = tracer.trace;
    trace.end = tracer
        .main_end
        .ok_or_else(|| TraceError("the command's end was not seen (wait4)".into()))?;
    if trace.end == End::Exited(spawn::FAILED)
        && let Some((step, e)) = child.failure()
    {
        let name = file.to_string_lossy();
        return Err(TraceError(match step {
            Step::Exec => format!("cannot run {name}: {e}"),
            Step::Filter => format!(
                "cannot install the seccomp filter in the command's process: {e} (seccomp \
                 filters need Linux 5.7 and CONFIG_SECCOMP_FILTER)"
            ),
            Step::Mask => format!("cannot set the command's signal mask: {e}"),
            Step::Stdio => format!("cannot give the command its standard input and output: {e}"),
        }));
    }
    Ok(trace)
}

/// The line for a `PTRACE_SEIZE` that failed.
fn seize_problem(e: Errno) -> String {
    match (e, remote::tracer_of("self")) {
        (Errno::EPERM, Some(tracer)) if tracer != 0 => format!(
            "cannot trace the command: scratch-doctor is itself traced (by process {tracer}: \
             strace -f, a debugger), and so is its child; run it untraced ({e})"
        ),
        (Errno::EPERM, _) => format!(
            "cannot trace the command: {e} (ptrace is not permitted here: \
             /proc/sys/kernel/yama/ptrace_scope, or a container without CAP_SYS_PTRACE)"
        ),
        (Errno::ENOSYS, _) => format!("cannot trace the command: ptrace(2) is not available ({e})"),
        _ => format!("cannot trace the command: {e}"),
    }
}

/// A call between its entry and its exit.
struct Pending {
    spec: &'static Spec,
    /// Its paths, without the result yet.
    lookups: Vec<Lookup>,
}

/// What the tracer knows of one traced thread.
#[derive(Default)]
struct Tracee {
    pending: Option<Pending>,
    /// Whether its process called `chroot(2)`: its absolute paths are under `/proc/PID/root`.
    rooted: bool,
}

/// The state of the loop.
struct Tracer {
    main: Pid,
    tracees: BTreeMap<Pid, Tracee>,
    /// Threads whose end was seen, until they are seen again (an id used anew).
    ended: BTreeSet<Pid>,
    trace: Trace,
    /// The waker: a child that exits at the timeout, or is killed by the handler of a signal
    /// that ends the run; either wakes the loop.
    waker: Pid,
    /// How the command's own process ended, when it has.
    main_end: Option<End>,
}

/// What the wait gave.
enum Next {
    /// A change of state of a child or tracee.
    Status(Pid, WaitStatus),
    /// No child and no tracee left.
    Done,
    /// The deadline passed.
    TimedOut,
    /// The tracer got a signal that ends it.
    Signal(Signal),
}

impl Tracer {
    /// A thread seen stopped: traced from now on, until its end.
    fn seen(&mut self, pid: Pid) {
        self.ended.remove(&pid);
        if let alloc::collections::btree_map::Entry::Vacant(e) = self.tracees.entry(pid) {
            e.insert(Tracee::default());
            self.trace.traced += 1;
        }
    }

    /// A new child or thread of `parent`, named by its fork, vfork or clone event. Its first
    /// stop may have been reported before this event, and even its end: an ended one is not
    /// traced again. It inherits its parent's root.
    fn forked(&mut self, pid: Pid, parent: Pid) {
        if self.ended.contains(&pid) {
            return;
        }
        self.seen(pid);
        let rooted = self.tracees.get(&parent).is_some_and(|t| t.rooted);
        if let Some(t) = self.tracees.get_mut(&pid) {
            t.rooted |= rooted;
        }
    }

    fn warn(&mut self, line: String) {
        if !self.trace.warnings.contains(&line) {
            self.trace.warnings.push(line);
        }
    }

    /// Until every child and tracee has ended; `Err` for a failure of the tracer (the caller
    /// kills what is left).
    fn run_loop(&mut self) -> Result<(), TraceError> {
        loop {
            match self.next()? {
                Next::Done => return Ok(()),
                Next::Status(pid, status) => self.on_status(pid, status)?,
                Next::TimedOut => {
                    self.kill_all();
                    self.main_end = Some(End::TimedOut);
                    return Ok(());
                }
                Next::Signal(sig) => {
                    self.kill_all();
                    self.main_end = Some(End::Interrupted(sig));
                    return Ok(());
                }
            }
        }
    }

    /// The next change of state, the deadline or a signal that ends the tracer: a blocking
    /// `wait4(2)`, one system call per stop, woken by the waker's end for the other two.
    fn next(&mut self) -> Result<Next, TraceError> {
        loop {
            let got = GOT.load(Ordering::SeqCst);
            if got != 0 {
                return Ok(Next::Signal(got));
            }
            if self.tracees.is_empty() {
                return Ok(Next::Done);
            }
            match process::wait4(-1, WaitOptions::ALL) {
                Ok(Some((pid, _))) if pid == self.waker => {
                    self.waker = 0;
                    let got = GOT.load(Ordering::SeqCst);
                    return Ok(if got != 0 {
                        Next::Signal(got)
                    } else {
                        Next::TimedOut
                    });
                }
                Ok(Some((pid, status))) => return Ok(Next::Status(pid, status)),
                Ok(None) | Err(Errno::EINTR) => {}
                // ECHILD too: the waker is a child until the loop ends.
                Err(e) => return Err(TraceError(format!("wait4: {e}"))),
            }
        }
    }

    fn on_status(&mut self, pid: Pid, status: WaitStatus) -> Result<(), TraceError> {
        let Some(sig) = status.stop_signal() else {
            // Ended: exited or killed.
            self.tracees.remove(&pid);
            self.ended.insert(pid);
            if pid == self.main {
                self.main_end = Some(match status.terminating_signal() {
                    Some(sig) => End::Killed(sig),
                    None => End::Exited(status.exit_status().unwrap_or(0)),
                });
            }
            return Ok(());
        };
        self.seen(pid);
        if status.is_syscall_stop() {
            let exited = self.on_exit(pid)?;
            // The tracee goes on first; the record is made while it runs.
            resume(pid, ptrace::cont(pid, 0), "PTRACE_CONT")?;
            return match exited {
                Some((pending, result)) => self.complete(pending, result),
                None => Ok(()),
            };
        }
        match status.ptrace_event() {
            Some(Event::SECCOMP) => self.on_entry(pid),
            Some(Event::FORK | Event::VFORK | Event::CLONE) => {
                match ptrace::event_msg(pid) {
                    Ok(new) => self.forked(new as Pid, pid),
                    Err(e) => return gone_or(pid, "PTRACE_GETEVENTMSG", e),
                }
                resume(pid, ptrace::cont(pid, 0), "PTRACE_CONT")
            }
            Some(Event::EXEC) => {
                self.on_exec(pid)?;
                resume(pid, ptrace::cont(pid, 0), "PTRACE_CONT")
            }
            Some(Event::STOP) if is_group_stop(sig) => {
                resume(pid, ptrace::listen(pid), "PTRACE_LISTEN")
            }
            Some(_) => resume(pid, ptrace::cont(pid, 0), "PTRACE_CONT"),
            // A signal for the tracee: delivered as it resumes.
            None => resume(pid, ptrace::cont(pid, sig), "PTRACE_CONT"),
        }
    }

    /// A seccomp stop: the entry of a traced call.
    fn on_entry(&mut self, pid: Pid) -> Result<(), TraceError> {
        let info = match ptrace::syscall_info(pid) {
            Ok(info) => info,
            Err(e) => return gone_or(pid, "PTRACE_GET_SYSCALL_INFO", e),
        };
        let SyscallOp::Seccomp { nr, args, .. } = info.op else {
            return resume(pid, ptrace::cont(pid, 0), "PTRACE_CONT");
        };
        let Some(spec) = calls::spec(info.arch, nr) else {
            if !calls::known_abi(info.arch) {
                self.warn(format!(
                    "process {pid} makes system calls through an ABI the tracer does not follow \
                     (AUDIT_ARCH {:#x}): the files it opens are not in this trace",
                    info.arch
                ));
            }
            return resume(pid, ptrace::cont(pid, 0), "PTRACE_CONT");
        };
        if spec.name == calls::IO_URING_SETUP {
            self.warn(format!(
                "process {pid} set up an io_uring (io_uring_setup): files it opens through it \
                 (IORING_OP_OPENAT) do not stop the tracer and are not in this trace"
            ));
            return resume(pid, ptrace::cont(pid, 0), "PTRACE_CONT");
        }
        let rooted = self.tracees.get(&pid).is_some_and(|t| t.rooted);
        let lookups = match decode(pid, rooted, spec, &args) {
            Ok(lookups) => lookups,
            Err(e) => {
                return gone_or(
                    pid,
                    &format!("cannot read the {} of process {pid}", spec.name),
                    e,
                );
            }
        };
        if lookups.is_empty() {
            // A socket that is not AF_UNIX, utimensat of a descriptor: no path.
            return resume(pid, ptrace::cont(pid, 0), "PTRACE_CONT");
        }
        if !rooted && lookups.iter().all(found_at_entry) {
            // Paths the tracer finds itself, before the tracee goes on: one stop.
            let answers: Option<Vec<_>> = lookups.iter().map(look_up).collect();
            if let Some(answers) = answers {
                let mut lookups = lookups;
                for (l, answer) in lookups.iter_mut().zip(answers) {
                    l.result = answer;
                }
                resume(pid, ptrace::cont(pid, 0), "PTRACE_CONT")?;
                self.trace.lookups.append(&mut lookups);
                return Ok(());
            }
        }
        if let Some(t) = self.tracees.get_mut(&pid) {
            t.pending = Some(Pending { spec, lookups });
        }
        // To the call's exit, for its result.
        resume(pid, ptrace::syscall(pid, 0), "PTRACE_SYSCALL")
    }

    /// A syscall stop after a seccomp stop: the exit of the pending call, and its result
    /// (`None`: no pending call, or one the kernel makes again).
    fn on_exit(&mut self, pid: Pid) -> Result<Option<Exited>, TraceError> {
        let info = match ptrace::syscall_info(pid) {
            Ok(info) => info,
            Err(e) => return gone_or(pid, "PTRACE_GET_SYSCALL_INFO", e).map(|()| None),
        };
        let SyscallOp::Exit { rval, is_error } = info.op else {
            return Ok(None);
        };
        let Some(pending) = self.tracees.get_mut(&pid).and_then(|t| t.pending.take()) else {
            return Ok(None);
        };
        let result = if is_error {
            let errno = -rval as i32;
            if RESTART.contains(&errno) {
                return Ok(None); // made again, and stopped at again
            }
            Err(Errno::from_raw(errno))
        } else {
            Ok(())
        };
        if pending.spec.uses == Use::Chroot && result.is_ok() {
            // The root is the process's: every thread of it has the new one (a thread whose
            // process cannot be read is taken to be this one's).
            let process = remote::tgid(pid);
            for (&tid, t) in self.tracees.iter_mut() {
                if tid == pid || remote::tgid(tid) == process {
                    t.rooted = true;
                }
            }
        }
        Ok(Some((pending, result)))
    }

    /// `PTRACE_EVENT_EXEC`: the pending `execve` of the thread that called it (the former
    /// thread id, which may differ from `pid`) succeeded.
    fn on_exec(&mut self, pid: Pid) -> Result<(), TraceError> {
        let former = match ptrace::event_msg(pid) {
            Ok(former) => former as Pid,
            Err(e) => return gone_or(pid, "PTRACE_GETEVENTMSG", e),
        };
        let pending = self.tracees.get_mut(&former).and_then(|t| t.pending.take());
        if former != pid {
            // The other threads are gone; the caller now has the leader's id.
            let rooted = self.tracees.remove(&former).is_some_and(|t| t.rooted);
            if let Some(t) = self.tracees.get_mut(&pid) {
                t.rooted |= rooted;
            }
        }
        let Some(mut pending) = pending else {
            return Ok(());
        };
        for l in &mut pending.lookups {
            l.pid = pid;
        }
        self.complete(pending, Ok(()))
    }

    /// Records a call's paths with its result; an executed program is remembered once, and a
    /// set-user-ID or set-group-ID one named.
    ///
    /// A path that could not be read or made absolute at the entry of a call that then
    /// succeeded is the tracer's failure: the kernel found it.
    fn complete(&mut self, pending: Pending, result: Result<(), Errno>) -> Result<(), TraceError> {
        for mut lookup in pending.lookups {
            lookup.result = result;
            // The kernel found what the tracer could not: not the program's error, but its.
            let theirs = lookup.unreadable.is_none_or(|e| result == Err(e));
            if let (Err(why), true) = (&lookup.path, result.is_ok() || !theirs) {
                return Err(TraceError(format!(
                    "cannot tell the path of a {} of process {} ({why}), though the call {}",
                    lookup.call,
                    lookup.pid,
                    match result {
                        Ok(()) => String::from("succeeded"),
                        Err(e) => format!("failed otherwise ({e})"),
                    }
                )));
            }
            if lookup.uses == Use::Exec
                && result.is_ok()
                && let Ok(path) = &lookup.path
                && !self.trace.executed.contains(path)
            {
                let path = path.clone();
                if let Some(line) = set_id_warning(&path) {
                    self.warn(line);
                }
                self.trace.executed.push(path);
            }
            self.trace.lookups.push(lookup);
        }
        Ok(())
    }

    /// Kills every traced process and every other child of the tracer, and reaps them all:
    /// none is left running or stopped. Should a `kill(2)` fail, it does not wait for what it
    /// could not kill: `PTRACE_O_EXITKILL` kills every tracee as the tracer exits. Best
    /// effort: the caller has a failure or an end to report.
    fn kill_all(&mut self) {
        loop {
            let mut unkilled = false;
            // Not a thread whose id is now another's, should one have vanished without a word:
            // only one still traced here (or one whose status cannot be read).
            for &pid in self.tracees.keys() {
                if remote::traced_by(pid, process::getpid()) != Some(false) {
                    unkilled |= matches!(signal::kill(pid, SIGKILL), Err(e) if e != Errno::ESRCH);
                }
            }
            // A descendant started with CLONE_UNTRACED that was reparented here.
            for pid in children() {
                if pid != self.waker {
                    let _ = signal::kill(pid, SIGKILL);
                }
            }
            if unkilled {
                return;
            }
            match process::wait4(-1, WaitOptions::ALL) {
                Ok(Some((pid, status))) => {
                    if status.stop_signal().is_none() {
                        self.tracees.remove(&pid);
                        if pid == self.main && self.main_end.is_none() {
                            self.main_end = Some(End::Killed(SIGKILL));
                        }
                    }
                }
                Ok(None) | Err(Errno::EINTR) => {}
                Err(_) => return, // ECHILD: none left
            }
        }
    }
}

/// The children of this thread (`/proc/thread-self/children`, Linux 3.17 with
/// `CONFIG_PROC_CHILDREN`), for [`Tracer::kill_all`]: a descendant the tracer does not trace
/// (one started with `CLONE_UNTRACED`) is reparented to it and killed too. Empty when the
/// file cannot be read.
fn children() -> Vec<Pid> {
    remote::read_small_file("/proc/thread-self/children")
        .map(|s| {
            s.split_whitespace()
                .filter_map(|p| p.parse().ok())
                .collect()
        })
        .unwrap_or_default()
}

/// Ends the waker and reaps it, on a path that ends before the loop.
fn end_waker(waker: Waker) {
    let pid = waker.close();
    while process::wait4(pid, WaitOptions::ALL) == Err(Errno::EINTR) {}
}

/// Whether a `PTRACE_EVENT_STOP` with this signal is a group-stop (`SIGSTOP`, `SIGTSTP`,
/// `SIGTTIN`, `SIGTTOU`), not the first stop of a new tracee (`SIGTRAP`).
fn is_group_stop(sig: Signal) -> bool {
    matches!(
        sig,
        signal::SIGSTOP | signal::SIGTSTP | signal::SIGTTIN | signal::SIGTTOU
    )
}

/// A resume request's result (see [`gone_or`]).
fn resume(pid: Pid, result: Result<(), Errno>, what: &str) -> Result<(), TraceError> {
    match result {
        Ok(()) => Ok(()),
        Err(e) => gone_or(pid, what, e),
    }
}

/// An error of a request about the tracee `pid` (`what`): `ESRCH` for a tracee that is really
/// gone (killed meanwhile, its end reported next) is no failure; anything else, `ESRCH` for a
/// tracee still there and still traced by this process included, is the tracer's, which
/// cannot go on without leaving it stopped or losing what it did.
fn gone_or(pid: Pid, what: &str, e: Errno) -> Result<(), TraceError> {
    if e == Errno::ESRCH && remote::traced_by(pid, process::getpid()) == Some(false) {
        Ok(())
    } else {
        Err(TraceError(format!("{what}: {e}")))
    }
}

/// Whether the tracer looks `l` up itself ([`look_up`]), at the call's entry: a call that only
/// looks ([`Use::found_at_entry`]), of a path it could read and make absolute. (Its caller
/// leaves out a process after a `chroot(2)`: an absolute symbolic link under `/proc/PID/root`
/// would lead to the tracer's root, not the program's.)
fn found_at_entry(l: &Lookup) -> bool {
    l.uses.found_at_entry() && l.path.is_ok() && l.unreadable.is_none()
}

/// The result of a call that only looks, when the tracer can tell it itself:
/// `statx(2)` of the absolute path (following a last symbolic link when the call does, or
/// when the path ends with `/`) succeeds, and the result is `Ok`, or `ENOTDIR` for what is not
/// a directory where the call wants one (`O_DIRECTORY`, `chdir`, a path that ends with `/`).
/// The program runs with the tracer's credentials, so a path is there for both or for
/// neither; an `EACCES` of the call on a file it may not read, or an `ELOOP` of `O_NOFOLLOW`
/// on a link, is "there" to the tracer, which is what an image needs. `ENOENT` when the
/// `statx` says the path is not there. `None` when it fails otherwise: the call is then
/// followed to its exit, where the kernel's own answer is the result (an error of the
/// tracer's call, `ENOMEM` or `EIO`, is no answer about the path; `ENOTDIR`, `ELOOP` and
/// `EACCES` are left to the kernel too, which tells them for the program's own call).
fn look_up(l: &Lookup) -> Option<Result<(), Errno>> {
    let path = paths::to_bytes(l.path.as_ref().ok()?);
    let slash = l.given.ends_with('/');
    let flags = if l.follow || slash {
        AtFlags::empty()
    } else {
        AtFlags::SYMLINK_NOFOLLOW
    };
    let st = match syscall_kit::fs::statx(syscall_kit::fs::CWD, path.as_slice(), flags) {
        Ok(st) => st,
        Err(Errno::ENOENT) => return Some(Err(Errno::ENOENT)),
        Err(_) => return None,
    };
    let wants_directory = slash || matches!(l.uses, Use::Directory | Use::Chdir);
    Some(if wants_directory && st.file_type != FileType::Directory {
        Err(Errno::ENOTDIR)
    } else {
        Ok(())
    })
}

/// A warning for an executed program that is set-user-ID or set-group-ID for another user or
/// group than the tracer's: `no_new_privs` (and the trace itself) make it run without them.
fn set_id_warning(path: &str) -> Option<String> {
    let st = syscall_kit::fs::stat(paths::to_bytes(path).as_slice()).ok()?;
    let setuid = st.permissions & 0o4000 != 0 && st.uid != process::getuid();
    let setgid = st.permissions & 0o2000 != 0 && st.gid != process::getgid();
    let what = match (setuid, setgid) {
        (true, _) => format!("set-user-ID (owner {})", st.uid),
        (false, true) => format!("set-group-ID (group {})", st.gid),
        (false, false) => return None,
    };
    Some(format!(
        "{path} is {what}: under --trace it runs without that privilege (no_new_privs), so \
         it may fail or do less than it does untraced"
    ))
}

/// The paths of a traced call at its entry, made absolute (see the [module](super)).
fn decode(pid: Pid, rooted: bool, spec: &Spec, args: &[u64; 6]) -> Result<Vec<Lookup>, Errno> {
    let (uses, follow, at_flags) = match spec.flags {
        Flags::Follow => (spec.uses, true, 0),
        Flags::NoFollow => (spec.uses, false, 0),
        Flags::Open(i) => {
            let (uses, follow) = calls::open_use(args[i]);
            (uses, follow, 0)
        }
        Flags::OpenHow(i) => {
            // struct open_how { __u64 flags; __u64 mode; __u64 resolve; }
            let mut flags = [0u8; 8];
            match remote::read_exact(pid, args[i], &mut flags) {
                Ok(()) => {
                    let (uses, follow) = calls::open_use(u64::from_ne_bytes(flags));
                    (uses, follow, 0)
                }
                Err(Errno::EFAULT) => (spec.uses, true, 0),
                Err(e) => return Err(e),
            }
        }
        Flags::At(i) => (spec.uses, args[i] & AT_SYMLINK_NOFOLLOW == 0, args[i]),
    };
    let mut lookups = Vec::new();
    for operand in spec.operands {
        let (dirfd, path_arg) = match *operand {
            Operand::Path(p) => (None, args[p]),
            Operand::At { dirfd, path } => (Some(args[dirfd] as i32), args[path]),
            Operand::Sockaddr { addr, len } => {
                if let Some(l) = unix_socket(pid, rooted, args[addr], args[len], spec, uses)? {
                    lookups.push(l);
                }
                continue;
            }
            Operand::Socketcall => {
                if let Some(l) = socketcall(pid, rooted, args, spec)? {
                    lookups.push(l);
                }
                continue;
            }
        };
        if path_arg == 0 && spec.name.starts_with("utimensat") {
            continue; // utimensat(fd, NULL, …): the descriptor's file, no path
        }
        let given = match remote::read_c_string(pid, path_arg) {
            Ok(bytes) => bytes,
            Err(e @ (Errno::EFAULT | Errno::ENAMETOOLONG)) => {
                lookups.push(unreadable(pid, spec, uses, e));
                continue;
            }
            Err(e) => return Err(e),
        };
        let empty_path = at_flags & AT_EMPTY_PATH != 0;
        if given.is_empty() && empty_path && uses != Use::Exec {
            continue; // fstat(2) and its kind: the descriptor's file, which was looked up before
        }
        let path = absolute(pid, rooted, dirfd, &given, empty_path)?;
        lookups.push(Lookup {
            pid,
            call: spec.name,
            uses,
            follow,
            given: paths::from_bytes(&given),
            path,
            unreadable: None,
            result: Ok(()),
        });
    }
    Ok(lookups)
}

/// A lookup whose path could not be read from the tracee (`e`: the call will fail with it).
fn unreadable(pid: Pid, spec: &Spec, uses: Use, e: Errno) -> Lookup {
    Lookup {
        pid,
        call: spec.name,
        uses,
        follow: true,
        given: String::new(),
        path: Err(format!(
            "its path could not be read ({})",
            e.name().unwrap_or("?")
        )),
        unreadable: Some(e),
        result: Ok(()),
    }
}

/// `given` (from a call of `pid`) made absolute: an absolute path as it is (under the
/// process's root after a `chroot`), a relative one after the directory of `dirfd`
/// (`AT_FDCWD` or none: the current directory), an empty one with `AT_EMPTY_PATH` the file of
/// `dirfd` itself. `Err(why)` when that directory is not a path (a socket, a deleted
/// directory); `Err(e)` of the kernel when `/proc` cannot be read.
fn absolute(
    pid: Pid,
    rooted: bool,
    dirfd: Option<i32>,
    given: &[u8],
    empty_path: bool,
) -> Result<Result<String, String>, Errno> {
    let held = paths::from_bytes(given);
    if held.starts_with('/') {
        if !rooted {
            return Ok(Ok(clean(&held)));
        }
        let root = remote::proc_link(pid, "root")?;
        return Ok(Ok(clean(&format!("{root}/{held}"))));
    }
    let (what, base) = match dirfd {
        None | Some(AT_FDCWD) => ("the current directory", remote::proc_link(pid, "cwd")),
        Some(fd) => (
            "its directory descriptor",
            remote::proc_link(pid, &format!("fd/{fd}")),
        ),
    };
    let base = match base {
        Ok(base) => base,
        // A descriptor that is not open: the call fails with EBADF.
        Err(Errno::ENOENT) => return Ok(Err(format!("relative to {what}, which is not open"))),
        Err(e) => return Err(e),
    };
    if !base.starts_with('/') || base.ends_with(" (deleted)") {
        return Ok(Err(format!("relative to {what}, {base}")));
    }
    if given.is_empty() {
        return Ok(if empty_path {
            Ok(clean(&base))
        } else {
            Err("an empty path (ENOENT)".into())
        });
    }
    Ok(Ok(clean(&format!("{base}/{held}"))))
}

/// The lookup of an `AF_UNIX` socket path in the `struct sockaddr` at `addr` (`len` bytes);
/// `None` for another family or an abstract name (no file).
fn unix_socket(
    pid: Pid,
    rooted: bool,
    addr: u64,
    len: u64,
    spec: &Spec,
    uses: Use,
) -> Result<Option<Lookup>, Errno> {
    // struct sockaddr_un { sa_family_t sun_family; char sun_path[108]; }
    let mut buf = [0u8; 110];
    let len = (len as usize).min(buf.len());
    if len <= 2 {
        return Ok(None);
    }
    match remote::read_exact(pid, addr, &mut buf[..len]) {
        Ok(()) => {}
        Err(Errno::EFAULT) => return Ok(None),
        Err(e) => return Err(e),
    }
    if u16::from_ne_bytes([buf[0], buf[1]]) != AF_UNIX || buf[2] == 0 {
        return Ok(None);
    }
    let name = &buf[2..len];
    let name = &name[..name.iter().position(|&b| b == 0).unwrap_or(name.len())];
    let path = absolute(pid, rooted, None, name, false)?;
    Ok(Some(Lookup {
        pid,
        call: spec.name,
        uses,
        follow: uses == Use::Connect,
        given: paths::from_bytes(name),
        path,
        unreadable: None,
        result: Ok(()),
    }))
}

/// i386's `socketcall(call, args)`: a connect (3) or bind (2) reads its sockaddr from the
/// 32-bit words at `args` (`sockfd`, `addr`, `addrlen`).
fn socketcall(
    pid: Pid,
    rooted: bool,
    args: &[u64; 6],
    spec: &Spec,
) -> Result<Option<Lookup>, Errno> {
    const SYS_BIND: u64 = 2;
    const SYS_CONNECT: u64 = 3;
    let uses = match args[0] {
        SYS_CONNECT => Use::Connect,
        SYS_BIND => Use::Bind,
        _ => return Ok(None),
    };
    let mut words = [0u8; 12];
    match remote::read_exact(pid, args[1], &mut words) {
        Ok(()) => {}
        Err(Errno::EFAULT) => return Ok(None),
        Err(e) => return Err(e),
    }
    let word = |i: usize| {
        u64::from(u32::from_ne_bytes([
            words[i],
            words[i + 1],
            words[i + 2],
            words[i + 3],
        ]))
    };
    unix_socket(pid, rooted, word(4), word(8), spec, uses)
}
