//! The signal module (`src/signal/`) against the real kernel: sets, the mask, a blocked signal
//! taken by `sigtimedwait` and by a `signalfd`, a handler that returns through the kit's
//! trampoline, a handler interrupting a blocking `read` (with and without `SA_RESTART`), and
//! `kill`/`tgkill`.
//!
//! The test harness runs tests on threads of one process: signals are sent to the calling
//! thread with `tgkill` (a process-directed one could go to another thread, which does not
//! block it), each test uses a signal of its own, and masks are per thread.

use std::sync::atomic::{AtomicI32, AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::Duration;

use syscall_kit::fs::OFlags;
use syscall_kit::io::{pipe2, read, write_all};
use syscall_kit::process::{self, Fork, Pid};
use syscall_kit::raw::nr;
use syscall_kit::signal::{
    self, Handler, How, SaFlags, SfdFlags, SigAction, SigSet, gettid, set_mask, sigaction,
    signalfd, signalfd_read, sigprocmask, sigtimedwait, tgkill,
};
use syscall_kit::time::Timeout;
use syscall_kit::{Errno, OwnedFd};

mod common;

/// Sends `sig` to the calling thread.
fn raise(sig: i32) {
    tgkill(process::getpid(), gettid(), sig).unwrap();
}

#[test]
fn sigset_is_the_kernels_64_bit_set() {
    assert_eq!(std::mem::size_of::<SigSet>(), 8);
    let set = SigSet::empty().with(signal::SIGHUP).with(signal::SIGTERM);
    assert_eq!(set.bits(), 1 | 1 << 14);
    assert!(set.contains(signal::SIGTERM) && !set.contains(signal::SIGINT));
    assert_eq!(set.without(signal::SIGHUP).bits(), 1 << 14);
    assert_eq!(SigSet::of(&[signal::SIGHUP, signal::SIGTERM]), set);
    assert_eq!(SigSet::empty().with(0).with(65), SigSet::empty());
    assert!(SigSet::full().contains(64));
    // The same bits as the C library's sigset_t starts with.
    // SAFETY: (test): sigemptyset/sigaddset on a local set.
    let libc_bits = unsafe {
        let mut s: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut s);
        libc::sigaddset(&mut s, libc::SIGHUP);
        libc::sigaddset(&mut s, libc::SIGTERM);
        *(&s as *const libc::sigset_t as *const u64)
    };
    assert_eq!(libc_bits, set.bits());
}

#[test]
fn sigprocmask_blocks_and_reports_the_previous_mask() {
    let usr = SigSet::empty().with(signal::SIGPROF);
    let before = sigprocmask(How::Block, Some(&usr)).unwrap();
    assert!(!before.contains(signal::SIGPROF));
    let now = sigprocmask(How::Block, None).unwrap();
    assert!(now.contains(signal::SIGPROF));
    // SIGKILL cannot be blocked: the kernel leaves it out.
    sigprocmask(How::Block, Some(&SigSet::empty().with(signal::SIGKILL))).unwrap();
    assert!(
        !sigprocmask(How::Block, None)
            .unwrap()
            .contains(signal::SIGKILL)
    );
    sigprocmask(How::Unblock, Some(&usr)).unwrap();
    assert!(
        !sigprocmask(How::Block, None)
            .unwrap()
            .contains(signal::SIGPROF)
    );
    sigprocmask(How::SetMask, Some(&before)).unwrap();
    assert_eq!(sigprocmask(How::Block, None).unwrap(), before);
}

#[test]
fn set_mask_replaces_the_mask_and_returns_the_previous_one() {
    let before = sigprocmask(How::Block, None).unwrap();
    // A signal no other test of this binary blocks or sends.
    let vt = before.with(signal::SIGVTALRM);
    assert_eq!(set_mask(&vt).unwrap(), before);
    assert_eq!(sigprocmask(How::Block, None).unwrap(), vt);
    // SIGKILL and SIGSTOP cannot be blocked: the kernel leaves them out of the mask.
    let with_kill = vt.with(signal::SIGKILL).with(signal::SIGSTOP);
    assert_eq!(set_mask(&with_kill).unwrap(), vt);
    assert_eq!(set_mask(&before).unwrap(), vt);
    assert_eq!(sigprocmask(How::Block, None).unwrap(), before);
}

#[test]
fn a_blocked_signal_is_taken_by_sigtimedwait_with_its_sender() {
    let set = SigSet::empty().with(signal::SIGUSR1);
    sigprocmask(How::Block, Some(&set)).unwrap();
    assert_eq!(
        sigtimedwait(&set, Timeout::IMMEDIATE),
        Err(Errno::EAGAIN),
        "nothing pending yet"
    );
    raise(signal::SIGUSR1);
    let info = sigtimedwait(&set, common::WAIT_BOUND).unwrap();
    assert_eq!(info.signo(), signal::SIGUSR1);
    assert_eq!(info.code(), -6, "SI_TKILL");
    assert_eq!(info.pid(), process::getpid());
    assert_eq!(info.uid(), process::getuid());
    assert_eq!(
        sigtimedwait(&set, Timeout::After(Duration::from_millis(1))),
        Err(Errno::EAGAIN),
        "taken once"
    );
    sigprocmask(How::Unblock, Some(&set)).unwrap();
}

#[test]
fn a_blocked_signal_is_read_from_a_signalfd() {
    let set = SigSet::empty().with(signal::SIGUSR2);
    sigprocmask(How::Block, Some(&set)).unwrap();
    let fd = signalfd(&set, SfdFlags::CLOEXEC | SfdFlags::NONBLOCK).unwrap();
    assert_eq!(signalfd_read(&fd), Err(Errno::EAGAIN));
    raise(signal::SIGUSR2);
    let info = signalfd_read(&fd).unwrap();
    assert_eq!(info.signo(), signal::SIGUSR2);
    assert_eq!(info.code(), -6, "SI_TKILL");
    assert_eq!(info.pid(), process::getpid());
    assert_eq!(info.uid(), process::getuid());
    assert_eq!(signalfd_read(&fd), Err(Errno::EAGAIN), "read once");
    sigprocmask(How::Unblock, Some(&set)).unwrap();
}

static CAUGHT: AtomicI32 = AtomicI32::new(0);
static CALLS: AtomicUsize = AtomicUsize::new(0);

extern "C" fn record(sig: i32) {
    CAUGHT.store(sig, Ordering::Relaxed);
    CALLS.fetch_add(1, Ordering::Relaxed);
}

static INFO_PID: AtomicI32 = AtomicI32::new(0);

extern "C" fn record_info(sig: i32, info: *mut signal::SigInfo, _: *mut core::ffi::c_void) {
    // SAFETY: (test): the kernel passes a valid siginfo to an SA_SIGINFO handler.
    INFO_PID.store(unsafe { (*info).pid() }, Ordering::Relaxed);
    CAUGHT.store(sig, Ordering::Relaxed);
}

/// The handler runs and returns through the trampoline: the code after `raise` goes on with its
/// locals intact, many times over (a broken trampoline crashes or corrupts the stack).
#[test]
fn a_handler_runs_and_returns_through_the_restorer() {
    let action = SigAction::new(Handler::Function(record), SaFlags::RESTART, SigSet::empty());
    #[cfg(target_arch = "x86_64")]
    assert!(action.flags().contains(SaFlags::RESTORER));
    // SAFETY: (test): the handler only stores to atomics.
    let old = unsafe { sigaction(signal::SIGWINCH, Some(&action)) }.unwrap();
    assert!(old.is_default());
    let mut sum = 0u64;
    for i in 1..=1000u64 {
        raise(signal::SIGWINCH);
        sum += i;
    }
    assert_eq!(sum, 500_500);
    assert_eq!(CALLS.load(Ordering::Relaxed), 1000);
    assert_eq!(CAUGHT.load(Ordering::Relaxed), signal::SIGWINCH);
    // SAFETY: (test): reads the action back; nothing changes.
    let now = unsafe { sigaction(signal::SIGWINCH, None) }.unwrap();
    assert_eq!(now.handler_address(), record as *const () as usize);
    assert!(now.flags().contains(SaFlags::RESTART));

    let info = SigAction::new(
        Handler::Info(record_info),
        SaFlags::empty(),
        SigSet::empty(),
    );
    assert!(info.flags().contains(SaFlags::SIGINFO));
    // SAFETY: (test): the handler only stores to atomics.
    unsafe { sigaction(signal::SIGWINCH, Some(&info)) }.unwrap();
    raise(signal::SIGWINCH);
    assert_eq!(INFO_PID.load(Ordering::Relaxed), process::getpid());
    signal::set_default(signal::SIGWINCH).unwrap();
}

#[test]
fn set_ignored_returns_the_previous_action_and_sticks() {
    let old = signal::set_ignored(signal::SIGURG).unwrap();
    assert!(old.is_default());
    // SAFETY: (test): reads the action back.
    let now = unsafe { sigaction(signal::SIGURG, None) }.unwrap();
    assert!(now.is_ignored());
    assert!(signal::set_default(signal::SIGURG).unwrap().is_ignored());
}

#[test]
fn kill_reaches_a_child_that_waits_for_it_blocked() {
    let (r, w) = pipe2(OFlags::CLOEXEC).unwrap();
    // SAFETY: (test): the child only makes system calls through the kit.
    let pid = match unsafe { process::fork() }.unwrap() {
        Fork::Child => {
            // SIGTERM blocked: it must arrive through the wait, not by its default action.
            let set = SigSet::empty().with(signal::SIGTERM);
            if sigprocmask(How::Block, Some(&set)).is_err() || write_all(&w, b"x").is_err() {
                process::exit(1);
            }
            match sigtimedwait(&set, common::WAIT_BOUND) {
                Ok(info) if info.signo() == signal::SIGTERM && info.code() == 0 => {
                    process::exit(42)
                }
                _ => process::exit(2),
            }
        }
        Fork::Parent(pid) => pid,
    };
    drop(w);
    let mut ready = [0u8; 1];
    assert_eq!(read(&r, &mut ready), Ok(1), "the child blocked SIGTERM");
    signal::kill(pid, signal::SIGTERM).unwrap();
    let status = common::wait_for(pid);
    assert_eq!(
        status.exit_status(),
        Some(42),
        "{status:?} (42: SI_USER SIGTERM taken)"
    );
    assert_eq!(tgkill(process::getpid(), gettid(), 0), Ok(()));
}

static INTERRUPTIONS: AtomicUsize = AtomicUsize::new(0);

extern "C" fn count_interruption(_: i32) {
    INTERRUPTIONS.fetch_add(1, Ordering::Relaxed);
}

/// Whether the thread `tid` of this process is asleep inside `read(2)`: its state is `S` and
/// `/proc/self/task/TID/syscall` starts with the number of `read`.
fn blocked_in_read(tid: Pid) -> bool {
    let syscall =
        std::fs::read_to_string(format!("/proc/self/task/{tid}/syscall")).unwrap_or_default();
    let stat = std::fs::read_to_string(format!("/proc/self/task/{tid}/stat")).unwrap_or_default();
    let state = stat.rsplit_once(") ").map(|(_, rest)| &rest[..1]);
    syscall.split_whitespace().next() == Some(&nr::READ.to_string()) && state == Some("S")
}

/// Starts a thread that reads once from `r` with the kit's `read`, and returns it once it is
/// blocked in the kernel, with its thread id. Waits by looking at `/proc`, not by sleeping.
fn reader_blocked_in_read(r: OwnedFd) -> (std::thread::JoinHandle<Result<Vec<u8>, Errno>>, Pid) {
    let (tx, rx) = mpsc::channel();
    let reader = std::thread::spawn(move || {
        tx.send(gettid()).unwrap();
        let mut buf = [0u8; 64];
        read(&r, &mut buf).map(|n| buf[..n].to_vec())
    });
    let tid = rx.recv().unwrap();
    while !blocked_in_read(tid) {
        assert!(!reader.is_finished(), "the read returned without data");
        std::thread::yield_now();
    }
    (reader, tid)
}

/// A signal interrupting a blocking `read` in the kit: with a handler installed without
/// `SA_RESTART`, [`syscall_kit::io::read`] returns `Err(EINTR)` (it reports, never retries);
/// with `SA_RESTART` the kernel restarts the call and the read goes on to return the data.
/// Both cases in one test, with a signal no other test of this file uses: the disposition is
/// the whole process's.
#[test]
fn a_signal_interrupts_a_blocking_read_with_eintr_unless_sa_restart() {
    let install = |flags| {
        let action = SigAction::new(
            Handler::Function(count_interruption),
            flags,
            SigSet::empty(),
        );
        // SAFETY: (test): the handler only increments an atomic.
        unsafe { sigaction(signal::SIGALRM, Some(&action)) }.unwrap();
    };

    // Without SA_RESTART: the read ends with EINTR, and the kit reports it.
    install(SaFlags::empty());
    let (r, w) = pipe2(OFlags::CLOEXEC).unwrap();
    let (reader, tid) = reader_blocked_in_read(r);
    let before = INTERRUPTIONS.load(Ordering::Relaxed);
    tgkill(process::getpid(), tid, signal::SIGALRM).unwrap();
    assert_eq!(reader.join().unwrap(), Err(Errno::EINTR));
    assert_eq!(
        INTERRUPTIONS.load(Ordering::Relaxed),
        before + 1,
        "the handler ran"
    );
    drop(w);

    // With SA_RESTART: the kernel restarts the read after the handler, which then returns the
    // data written after the signal.
    install(SaFlags::RESTART);
    let (r, w) = pipe2(OFlags::CLOEXEC).unwrap();
    let (reader, tid) = reader_blocked_in_read(r);
    let before = INTERRUPTIONS.load(Ordering::Relaxed);
    tgkill(process::getpid(), tid, signal::SIGALRM).unwrap();
    // Write only once the handler has run, so the data cannot have ended the read first.
    while INTERRUPTIONS.load(Ordering::Relaxed) == before {
        assert!(!reader.is_finished(), "the read returned early");
        std::thread::yield_now();
    }
    write_all(&w, b"after the signal").unwrap();
    assert_eq!(reader.join().unwrap(), Ok(b"after the signal".to_vec()));
    signal::set_default(signal::SIGALRM).unwrap();
}
