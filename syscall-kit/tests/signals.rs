//! A signal interrupting a blocking `read` in the kit: with a handler installed without
//! `SA_RESTART`, [`syscall_kit::io::read`] returns `Err(EINTR)` (it reports, never retries);
//! with `SA_RESTART` the kernel restarts the call and the read goes on to return the data.
//!
//! A test binary of its own, apart from `io/`: signal dispositions belong to the whole process,
//! and `io/read_write.rs` installs a handler of its own for the same signal.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;

use syscall_kit::fs::OFlags;
use syscall_kit::io::{pipe2, read, write_all};
use syscall_kit::raw::nr;
use syscall_kit::{Errno, OwnedFd};

static SIGNALS: AtomicUsize = AtomicUsize::new(0);

extern "C" fn count_signal(_: libc::c_int) {
    SIGNALS.fetch_add(1, Ordering::Relaxed);
}

/// Installs `count_signal` for `sig`, with `flags` (0, or `SA_RESTART`).
fn install_handler(sig: libc::c_int, flags: libc::c_int) {
    // SAFETY: (test): the handler only increments an atomic.
    unsafe {
        let mut sa: libc::sigaction = std::mem::zeroed();
        sa.sa_sigaction = count_signal as extern "C" fn(libc::c_int) as usize;
        sa.sa_flags = flags;
        assert_eq!(libc::sigaction(sig, &sa, std::ptr::null_mut()), 0);
    }
}

/// Whether the thread `tid` of this process is asleep inside `read(2)`: its state is `S` and
/// `/proc/self/task/TID/syscall` starts with the number of `read`.
fn blocked_in_read(tid: libc::pid_t) -> bool {
    let syscall =
        std::fs::read_to_string(format!("/proc/self/task/{tid}/syscall")).unwrap_or_default();
    let stat = std::fs::read_to_string(format!("/proc/self/task/{tid}/stat")).unwrap_or_default();
    let state = stat.rsplit_once(") ").map(|(_, rest)| &rest[..1]);
    syscall.split_whitespace().next() == Some(&nr::READ.to_string()) && state == Some("S")
}

/// Starts a thread that reads once from `r` with the kit's `read`, and returns it once it is
/// blocked in the kernel, with its `pthread_t`. Waits by looking at `/proc`, not by sleeping.
fn reader_blocked_in_read(
    r: OwnedFd,
) -> (
    std::thread::JoinHandle<Result<Vec<u8>, Errno>>,
    libc::pthread_t,
) {
    let (tx, rx) = mpsc::channel();
    let reader = std::thread::spawn(move || {
        // SAFETY: (test): pthread_self and gettid have no preconditions.
        tx.send(unsafe { (libc::pthread_self(), libc::gettid()) })
            .unwrap();
        let mut buf = [0u8; 64];
        read(&r, &mut buf).map(|n| buf[..n].to_vec())
    });
    let (pthread, tid) = rx.recv().unwrap();
    while !blocked_in_read(tid) {
        assert!(!reader.is_finished(), "the read returned without data");
        std::thread::yield_now();
    }
    (reader, pthread)
}

/// Both cases in one test: the signal dispositions are the process's, shared by every test of
/// this file.
#[test]
fn a_signal_interrupts_a_blocking_read_with_eintr_unless_sa_restart() {
    // Without SA_RESTART: the read ends with EINTR, and the kit reports it.
    install_handler(libc::SIGUSR1, 0);
    let (r, w) = pipe2(OFlags::CLOEXEC).unwrap();
    let (reader, pthread) = reader_blocked_in_read(r);
    let before = SIGNALS.load(Ordering::Relaxed);
    // SAFETY: (test): the reader thread is alive, blocked in read, until the signal arrives.
    assert_eq!(unsafe { libc::pthread_kill(pthread, libc::SIGUSR1) }, 0);
    assert_eq!(reader.join().unwrap(), Err(Errno::EINTR));
    assert_eq!(
        SIGNALS.load(Ordering::Relaxed),
        before + 1,
        "the handler ran"
    );
    drop(w);

    // With SA_RESTART: the kernel restarts the read after the handler, which then returns the
    // data written after the signal.
    install_handler(libc::SIGUSR1, libc::SA_RESTART);
    let (r, w) = pipe2(OFlags::CLOEXEC).unwrap();
    let (reader, pthread) = reader_blocked_in_read(r);
    let before = SIGNALS.load(Ordering::Relaxed);
    // SAFETY: (test): as above.
    assert_eq!(unsafe { libc::pthread_kill(pthread, libc::SIGUSR1) }, 0);
    // Write only once the handler has run, so the data cannot have ended the read first.
    while SIGNALS.load(Ordering::Relaxed) == before {
        assert!(!reader.is_finished(), "the read returned early");
        std::thread::yield_now();
    }
    write_all(&w, b"after the signal").unwrap();
    assert_eq!(reader.join().unwrap(), Ok(b"after the signal".to_vec()));
}
