//! Signals on the kit alone: a blocked signal taken by `sigtimedwait` and read from a
//! `signalfd`, and a handler that returns through the architecture's trampoline (the kit's
//! `restore_rt` on x86_64, the vDSO's on aarch64 and riscv64) with the interrupted code intact.

use core::sync::atomic::{AtomicUsize, Ordering};

use syscall_kit::process;
use syscall_kit::signal::{
    self, Handler, How, SaFlags, SfdFlags, SigAction, SigSet, gettid, sigaction, signalfd,
    signalfd_read, sigprocmask, sigtimedwait, tgkill,
};

use super::support::WAIT_BOUND;
use crate::TestResult;

/// Sends `sig` to this thread.
fn raise(sig: i32) -> TestResult {
    tgkill(process::getpid(), gettid(), sig).map_err(|e| alloc::format!("tgkill: {e}").into())
}

pub fn blocked_then_sigtimedwait() -> TestResult {
    let set = SigSet::empty().with(signal::SIGUSR1);
    let old = sigprocmask(How::Block, Some(&set)).map_err(|e| alloc::format!("mask: {e}"))?;
    raise(signal::SIGUSR1)?;
    let info = sigtimedwait(&set, WAIT_BOUND).map_err(|e| alloc::format!("sigtimedwait: {e}"))?;
    check!(info.signo() == signal::SIGUSR1, "signal {}", info.signo());
    check!(info.pid() == process::getpid(), "sender {}", info.pid());
    sigprocmask(How::SetMask, Some(&old)).map_err(|e| alloc::format!("mask: {e}"))?;
    Ok(())
}

pub fn blocked_then_signalfd() -> TestResult {
    let set = SigSet::empty().with(signal::SIGUSR2);
    let old = sigprocmask(How::Block, Some(&set)).map_err(|e| alloc::format!("mask: {e}"))?;
    let fd = signalfd(&set, SfdFlags::CLOEXEC | SfdFlags::NONBLOCK)
        .map_err(|e| alloc::format!("signalfd: {e}"))?;
    raise(signal::SIGUSR2)?;
    let info = signalfd_read(&fd).map_err(|e| alloc::format!("read: {e}"))?;
    check!(info.signo() == signal::SIGUSR2, "signal {}", info.signo());
    check!(info.pid() == process::getpid(), "sender {}", info.pid());
    sigprocmask(How::SetMask, Some(&old)).map_err(|e| alloc::format!("mask: {e}"))?;
    Ok(())
}

static CALLS: AtomicUsize = AtomicUsize::new(0);

extern "C" fn count(_: i32) {
    CALLS.fetch_add(1, Ordering::Relaxed);
}

pub fn handler_returns() -> TestResult {
    let action = SigAction::new(Handler::Function(count), SaFlags::empty(), SigSet::empty());
    // SAFETY: the handler only increments an atomic.
    unsafe { sigaction(signal::SIGWINCH, Some(&action)) }
        .map_err(|e| alloc::format!("sigaction: {e}"))?;
    // SAFETY: reads the action back.
    let now = unsafe { sigaction(signal::SIGWINCH, None) }.map_err(|e| alloc::format!("{e}"))?;
    check!(now == action, "read back {now:?}, set {action:?}");
    let mut sum = 0u64;
    for i in 1..=100u64 {
        raise(signal::SIGWINCH)?;
        sum += core::hint::black_box(i);
    }
    check!(sum == 5050, "the interrupted loop computed {sum}");
    let calls = CALLS.load(Ordering::Relaxed);
    check!(calls == 100, "{calls} handler calls");
    signal::set_default(signal::SIGWINCH).map_err(|e| alloc::format!("sigaction: {e}"))?;
    Ok(())
}
