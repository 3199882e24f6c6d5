//! Tracing on the kit alone: a seized child's seccomp stop and its call's result
//! (`syscall_kit::process::ptrace`, a `seccomp::Filter` with the trace action), another
//! process's memory read with `process_vm_readv`, and the stop statuses `wait4` gives a tracer.
//!
//! Under a tracer that follows children (`strace -f`, the fault suite's), the child is traced
//! already: `seize` answers `EPERM`, and a `note:` line says so.
//!
//! qemu-user emulates neither `ptrace(2)` nor `process_vm_readv(2)` for the programs it runs:
//! there both calls answer `ENOSYS` (the error path, which is then what is tested here), and
//! each test says so in a `note:` line. On x86_64, where the self-test runs on the kernel
//! itself, `ENOSYS` is a failure.

use alloc::format;

use syscall_kit::fs::OFlags;
use syscall_kit::io::{pipe2, read, write_all};
use syscall_kit::process::ptrace::{self, Event, Options, SyscallOp};
use syscall_kit::process::{self, Fork, RemoteRange, WaitOptions, WaitStatus, process_vm_readv};
use syscall_kit::raw::{self, nr};
use syscall_kit::seccomp::{Abi, Action, Filter};
use syscall_kit::signal::{self, SIGKILL, SIGSTOP, SIGTRAP};
use syscall_kit::{Errno, try_println};

use crate::TestResult;

/// Whether `ENOSYS` from `call` is the emulator's (not on x86_64, which runs natively): then a
/// `note:` line says what was not tested, and the caller returns.
fn emulated(call: &str, e: Errno) -> Result<bool, alloc::string::String> {
    if e != Errno::ENOSYS || cfg!(target_arch = "x86_64") {
        return Ok(false);
    }
    try_println!(
        "note: {call}(2) is ENOSYS here (qemu-user does not emulate it): only that error is tested"
    )
    .map_err(|e| format!("stdout: {e}"))?;
    Ok(true)
}

/// The `TracerPid` of this process (`/proc/self/status`): not 0 when it runs under a tracer
/// such as `strace -f`, which then traces its children too, so that they cannot be seized.
fn own_tracer() -> Result<u32, alloc::string::String> {
    let fd = syscall_kit::fs::open(
        c"/proc/self/status",
        OFlags::RDONLY,
        syscall_kit::fs::Mode::empty(),
    )
    .map_err(|e| format!("/proc/self/status: {e}"))?;
    let status = super::support::read_all(&fd)?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("TracerPid:"))
        .and_then(|v| v.trim().parse().ok())
        .ok_or_else(|| "/proc/self/status has no TracerPid".into())
}

/// The next change of state of the tracee `pid`.
fn wait(pid: process::Pid) -> Result<WaitStatus, alloc::string::String> {
    match process::wait4(pid, WaitOptions::ALL) {
        Ok(Some((_, status))) => Ok(status),
        Ok(None) => Err("wait4 without NOHANG returned no child".into()),
        Err(e) => Err(format!("wait4: {e}")),
    }
}

pub fn seccomp_stop_and_result() -> TestResult {
    let (r, w) = pipe2(OFlags::CLOEXEC).map_err(|e| format!("pipe2: {e}"))?;
    // SAFETY: single-threaded program; the child makes system calls through the kit only.
    let child = match unsafe { process::fork() }.map_err(|e| format!("fork: {e}"))? {
        Fork::Child => {
            // Its copy of the write end closed: the parent's alone keeps the pipe open.
            drop(w);
            let mut byte = [0u8; 1];
            if read(&r, &mut byte) != Ok(1) {
                process::exit(10);
            }
            let traced = [nr::GETPPID];
            let filter = Filter::new(
                &[Abi::native(&traced)],
                Action::Trace(5),
                Action::Allow,
                Action::Allow,
            );
            if filter.and_then(|f| f.install()).is_err() {
                process::exit(11);
            }
            // SAFETY: getppid touches no memory.
            let _ = unsafe { raw::syscall0(nr::GETPPID) };
            process::exit(0)
        }
        Fork::Parent(pid) => pid,
    };
    let options = Options::TRACESECCOMP | Options::TRACESYSGOOD | Options::EXITKILL;
    if let Err(e) = ptrace::seize(child, options) {
        // The child's end of the pipe goes first: should `kill` fail too, it sees the end of
        // the pipe and exits, so that the wait ends.
        drop(w);
        let _ = signal::kill(child, SIGKILL);
        let _ = wait(child);
        if emulated("ptrace", e)? {
            return Ok(());
        }
        if e == Errno::EPERM && own_tracer()? != 0 {
            try_println!(
                "note: this self-test is traced, so its child is too: seize answers EPERM, as \
                 for any tracee traced already; the rest is not tested"
            )
            .map_err(|e| format!("stdout: {e}"))?;
            return Ok(());
        }
        return Err(format!("seize: {e}").into());
    }
    write_all(&w, b"x").map_err(|e| format!("write: {e}"))?;
    let status = wait(child)?;
    check!(
        status.ptrace_event() == Some(Event::SECCOMP),
        "not a seccomp stop: {status:?}"
    );
    let msg = ptrace::event_msg(child).map_err(|e| format!("event_msg: {e}"))?;
    check!(msg == 5, "SECCOMP_RET_DATA {msg}");
    let info = ptrace::syscall_info(child).map_err(|e| format!("syscall_info: {e}"))?;
    check!(
        info.arch == syscall_kit::arch::AUDIT_ARCH,
        "arch {:#x}",
        info.arch
    );
    check!(
        matches!(info.op, SyscallOp::Seccomp { nr, ret_data: 5, .. } if nr as usize == nr::GETPPID),
        "{:?}",
        info.op
    );
    ptrace::syscall(child, 0).map_err(|e| format!("syscall: {e}"))?;
    let status = wait(child)?;
    check!(status.is_syscall_stop(), "not a syscall stop: {status:?}");
    let op = ptrace::syscall_info(child)
        .map_err(|e| format!("syscall_info: {e}"))?
        .op;
    let parent = i64::from(process::getpid());
    check!(
        op == SyscallOp::Exit {
            rval: parent,
            is_error: false
        },
        "getppid's exit: {op:?}"
    );
    ptrace::cont(child, 0).map_err(|e| format!("cont: {e}"))?;
    let status = wait(child)?;
    check!(status.exit_status() == Some(0), "{status:?}");
    Ok(())
}

/// A value read back through the kernel.
static MARK: [u8; 8] = *b"kit-mark";

pub fn process_vm_readv_reads_memory() -> TestResult {
    let mut buf = [0u8; 8];
    let range = RemoteRange {
        addr: MARK.as_ptr() as usize,
        len: MARK.len(),
    };
    match process_vm_readv(process::getpid(), &mut buf, &[range]) {
        Ok(n) => {
            check!(n == 8 && buf == MARK, "{n} bytes: {buf:?}");
            Ok(())
        }
        Err(e) if emulated("process_vm_readv", e)? => Ok(()),
        Err(e) => Err(format!("process_vm_readv: {e}").into()),
    }
}

/// The stop statuses of `wait(2)` for a tracer (include/uapi/linux/ptrace.h, `ptrace(2)`),
/// decoded without a tracee: the same bits on every architecture.
pub fn stop_statuses() -> TestResult {
    let stop = |sig: i32, event: u32| WaitStatus(((event as i32) << 16) | (sig << 8) | 0x7f);
    let syscall = stop(SIGTRAP | 0x80, 0);
    check!(
        syscall.is_syscall_stop() && syscall.ptrace_event().is_none(),
        "{syscall:?}"
    );
    let seccomp = stop(SIGTRAP, 7);
    check!(
        seccomp.ptrace_event() == Some(Event::SECCOMP) && !seccomp.is_syscall_stop(),
        "{seccomp:?}"
    );
    let group = stop(SIGSTOP, 128);
    check!(
        group.ptrace_event() == Some(Event::STOP) && group.stop_signal() == Some(SIGSTOP),
        "{group:?}"
    );
    let delivery = stop(signal::SIGCHLD, 0);
    check!(
        delivery.stop_signal() == Some(signal::SIGCHLD) && delivery.ptrace_event().is_none(),
        "{delivery:?}"
    );
    let exited = WaitStatus(3 << 8);
    check!(
        exited.stop_signal().is_none() && exited.ptrace_event().is_none(),
        "{exited:?}"
    );
    let killed = WaitStatus(SIGKILL);
    check!(
        killed.stop_signal().is_none() && killed.terminating_signal() == Some(SIGKILL),
        "{killed:?}"
    );
    Ok(())
}
