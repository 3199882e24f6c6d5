//! `ptrace` (`src/process/ptrace.rs`), the stops of a tracee read from its `WaitStatus`
//! (`wait.rs`), and `process_vm_readv` (`vm.rs`), against the real kernel. The test thread is the
//! tracer (ptrace requests belong to the thread that attached); each tracee is a child made with
//! the kit's `fork` that makes only system calls through the kit (the test process has other
//! threads, whose locks a child may not take) and reports what went wrong by its exit status.

use std::sync::atomic::{AtomicU64, Ordering};

use syscall_kit::fs::OFlags;
use syscall_kit::io::{pipe2, read, write_all};
use syscall_kit::process::ptrace::{self, Event, Options, SyscallOp};
use syscall_kit::process::{
    self, Fork, IOV_MAX, Pid, RemoteRange, WaitOptions, WaitStatus, process_vm_readv,
};
use syscall_kit::raw::{self, nr};
use syscall_kit::seccomp::{Abi, Action, Filter};
use syscall_kit::signal::{self, SIGKILL, SIGSTOP, SIGTRAP, SigSet};
use syscall_kit::time::Timeout;
use syscall_kit::{Errno, OwnedFd};

mod common;

/// Forks a child that runs `child` (exit status 99 if it returns) and returns its id. The child
/// dies with the test's thread (`PR_SET_PDEATHSIG`), so that a test that fails leaves none.
fn spawn(child: impl FnOnce()) -> Pid {
    let parent = process::getpid();
    // SAFETY: (test): the child runs only `child`, which makes system calls through the kit and
    // ends the process.
    match unsafe { process::fork() }.expect("fork") {
        Fork::Child => {
            if process::set_pdeathsig(SIGKILL).is_err() || process::getppid() != parent {
                process::exit(98); // the test's thread is gone already
            }
            child();
            process::exit(99)
        }
        Fork::Parent(pid) => pid,
    }
}

/// Waits, using no CPU, until a signal ends the process.
fn park() -> ! {
    loop {
        let _ = signal::sigtimedwait(&SigSet::empty(), Timeout::Forever);
    }
}

/// The next change of state of `pid`, a child or tracee (`__WALL`).
fn wait(pid: Pid) -> WaitStatus {
    loop {
        match process::wait4(pid, WaitOptions::ALL) {
            Ok(Some((got, status))) => {
                assert_eq!(got, pid);
                return status;
            }
            Ok(None) => panic!("wait4 without NOHANG returned no child"),
            Err(Errno::EINTR) => {}
            Err(e) => panic!("wait4({pid}): {e}"),
        }
    }
}

/// The next stop of the tracee `pid` that is not the delivery of a signal, or its end: each
/// signal it gets on the way (a `SIGCHLD`) is delivered as the tracee resumes.
fn wait_past_signals(pid: Pid) -> WaitStatus {
    loop {
        let status = wait(pid);
        match (status.stop_signal(), status.ptrace_event()) {
            (Some(sig), None) if !status.is_syscall_stop() => {
                ptrace::cont(pid, sig).expect("cont with the signal")
            }
            _ => return status,
        }
    }
}

/// Reads one byte from `r`: the child waits there until the tracer is attached.
fn wait_for_tracer(r: &OwnedFd) {
    let mut byte = [0u8; 1];
    if read(r, &mut byte) != Ok(1) {
        process::exit(90);
    }
}

/// Kills `pid` and reaps it, for the end of a test or a failed one.
fn kill_and_reap(pid: Pid) -> WaitStatus {
    let _ = signal::kill(pid, SIGKILL);
    loop {
        let status = wait(pid);
        if status.stop_signal().is_none() {
            return status;
        }
    }
}

#[test]
fn a_seized_child_runs_on_and_stops_at_interrupt_with_event_stop() {
    let pid = spawn(|| park());
    ptrace::seize(pid, Options::EXITKILL).expect("seize");
    ptrace::interrupt(pid).expect("interrupt");
    let status = wait(pid);
    assert_eq!(status.stop_signal(), Some(SIGTRAP), "{status:?}");
    assert_eq!(status.ptrace_event(), Some(Event::STOP), "{status:?}");
    assert!(!status.is_syscall_stop());
    assert_eq!(status.exit_status(), None);
    assert_eq!(status.terminating_signal(), None);
    // Stopped at no system call.
    let info = ptrace::syscall_info(pid).expect("syscall_info");
    assert_eq!(info.op, SyscallOp::None);
    assert_eq!(info.arch, syscall_kit::arch::AUDIT_ARCH);
    ptrace::cont(pid, 0).expect("cont");
    // A running tracee takes no request but interrupt.
    assert_eq!(ptrace::syscall_info(pid), Err(Errno::ESRCH));
    assert_eq!(
        kill_and_reap(pid).terminating_signal(),
        Some(SIGKILL),
        "the tracee ends by the test's SIGKILL"
    );
}

#[test]
fn traceme_makes_the_parent_the_tracer_once_and_syscall_stops_show_entry_and_exit() {
    let pid = spawn(|| {
        if ptrace::traceme().is_err() {
            process::exit(10);
        }
        if ptrace::traceme() != Err(Errno::EPERM) {
            process::exit(11); // traced already
        }
        let _ = signal::kill(process::getpid(), SIGSTOP);
        // SAFETY: (test): getppid touches no memory.
        let _ = unsafe { raw::syscall0(nr::GETPPID) };
        process::exit(0)
    });
    let status = wait(pid);
    assert_eq!(status.stop_signal(), Some(SIGSTOP), "{status:?}");
    assert_eq!(status.ptrace_event(), None);
    ptrace::set_options(pid, Options::TRACESYSGOOD | Options::EXITKILL).expect("set_options");
    // From the signal-delivery stop (SIGSTOP, suppressed by resuming with 0), each call's entry
    // and exit: getppid's, then exit_group's entry.
    let mut entries = Vec::new();
    loop {
        ptrace::syscall(pid, 0).expect("syscall");
        let status = wait(pid);
        if status.exit_status().is_some() {
            assert_eq!(status.exit_status(), Some(0), "{status:?}");
            break;
        }
        assert!(status.is_syscall_stop(), "{status:?}");
        match ptrace::syscall_info(pid).expect("syscall_info").op {
            SyscallOp::Entry { nr, .. } => entries.push(nr as usize),
            SyscallOp::Exit { rval, is_error } if entries.last() == Some(&nr::GETPPID) => {
                assert!(!is_error);
                assert_eq!(rval, i64::from(process::getpid()), "getppid is the test");
            }
            SyscallOp::Exit { .. } => {}
            op => panic!("a syscall stop at {op:?}"),
        }
    }
    assert_eq!(entries, [nr::GETPPID, nr::EXIT_GROUP]);
}

#[test]
fn a_seccomp_trace_action_stops_the_tracee_before_the_call_and_then_at_its_exit() {
    let (r, w) = pipe2(OFlags::CLOEXEC).unwrap();
    let pid = spawn(|| {
        wait_for_tracer(&r);
        let traced = [nr::GETPPID, nr::CLOSE];
        let filter = Filter::new(
            &[Abi::native(&traced)],
            Action::Trace(42),
            Action::Allow,
            Action::Allow,
        );
        if filter.and_then(|f| f.install()).is_err() {
            process::exit(10);
        }
        // SAFETY: (test): getpid and getppid touch no memory.
        let _ = unsafe { raw::syscall0(nr::GETPID) }; // allowed: no stop
        // SAFETY: as above.
        let _ = unsafe { raw::syscall3(nr::GETPPID, 7, 8, 9) }; // traced
        // SAFETY: (test): close of a descriptor that is not open closes nothing.
        let _ = unsafe { raw::syscall1(nr::CLOSE, 1 << 20) }; // traced, fails
        process::exit(0)
    });
    drop(r);
    let options = Options::TRACESYSGOOD | Options::TRACESECCOMP | Options::EXITKILL;
    ptrace::seize(pid, options).expect("seize");
    write_all(&w, b"x").unwrap();
    let status = wait(pid);
    assert_eq!(status.ptrace_event(), Some(Event::SECCOMP), "{status:?}");
    assert_eq!(ptrace::event_msg(pid), Ok(42), "SECCOMP_RET_DATA");
    let info = ptrace::syscall_info(pid).expect("syscall_info");
    assert_eq!(info.arch, syscall_kit::arch::AUDIT_ARCH);
    match info.op {
        SyscallOp::Seccomp { nr, args, ret_data } => {
            assert_eq!(nr as usize, nr::GETPPID);
            assert_eq!(args[..3], [7, 8, 9]);
            assert_eq!(ret_data, 42);
        }
        op => panic!("not a seccomp stop: {op:?}"),
    }
    // From the seccomp stop, PTRACE_SYSCALL leads to the call's exit.
    ptrace::syscall(pid, 0).expect("syscall");
    let status = wait(pid);
    assert!(status.is_syscall_stop(), "{status:?}");
    assert_eq!(
        ptrace::syscall_info(pid).expect("syscall_info").op,
        SyscallOp::Exit {
            rval: i64::from(process::getpid()),
            is_error: false
        }
    );
    // The failed close: its exit is an error, -EBADF.
    ptrace::cont(pid, 0).expect("cont");
    assert_eq!(wait(pid).ptrace_event(), Some(Event::SECCOMP));
    ptrace::syscall(pid, 0).expect("syscall");
    assert!(wait(pid).is_syscall_stop());
    assert_eq!(
        ptrace::syscall_info(pid).expect("syscall_info").op,
        SyscallOp::Exit {
            rval: -i64::from(Errno::EBADF.raw()),
            is_error: true
        }
    );
    ptrace::cont(pid, 0).expect("cont");
    assert_eq!(wait(pid).exit_status(), Some(0));
}

/// Without a tracer, a call the filter traces is not made: `ENOSYS`.
#[test]
fn a_traced_call_without_a_tracer_fails_with_enosys() {
    let pid = spawn(|| {
        let traced = [nr::GETPPID];
        let filter = Filter::new(
            &[Abi::native(&traced)],
            Action::Trace(0),
            Action::Allow,
            Action::Allow,
        );
        if filter.and_then(|f| f.install()).is_err() {
            process::exit(10);
        }
        // SAFETY: (test): getppid touches no memory.
        match unsafe { raw::syscall0(nr::GETPPID) } {
            Err(Errno::ENOSYS) => process::exit(0),
            _ => process::exit(11),
        }
    });
    assert_eq!(common::wait_for(pid).exit_status(), Some(0));
}

#[test]
fn fork_and_exec_events_name_the_new_child_and_the_former_thread() {
    let (r, w) = pipe2(OFlags::CLOEXEC).unwrap();
    let pid = spawn(|| {
        wait_for_tracer(&r);
        // SAFETY: (test): the grandchild only calls exit.
        match unsafe { process::fork() } {
            Ok(Fork::Child) => process::exit(5),
            Ok(Fork::Parent(child)) => match process::wait4(child, WaitOptions::empty()) {
                Ok(Some((_, s))) if s.exit_status() == Some(5) => {}
                _ => process::exit(12),
            },
            Err(_) => process::exit(11),
        }
        let _ = process::execve(c"/bin/true", &[c"true"], &[]);
        process::exit(13)
    });
    drop(r);
    let options = Options::TRACEFORK | Options::TRACEEXEC | Options::EXITKILL;
    ptrace::seize(pid, options).expect("seize");
    write_all(&w, b"x").unwrap();
    let status = wait(pid);
    assert_eq!(status.ptrace_event(), Some(Event::FORK), "{status:?}");
    let grandchild = ptrace::event_msg(pid).expect("event_msg") as Pid;
    // The new child is traced too, and starts with a PTRACE_EVENT_STOP of its own.
    let first = wait(grandchild);
    assert_eq!(first.ptrace_event(), Some(Event::STOP), "{first:?}");
    ptrace::cont(grandchild, 0).expect("cont the grandchild");
    // Its exit is the tracer's to see first; only then can its parent reap it.
    assert_eq!(wait(grandchild).exit_status(), Some(5));
    ptrace::cont(pid, 0).expect("cont");
    let status = wait_past_signals(pid);
    assert_eq!(status.ptrace_event(), Some(Event::EXEC), "{status:?}");
    assert_eq!(
        ptrace::event_msg(pid),
        Ok(pid as usize),
        "the former thread id"
    );
    ptrace::cont(pid, 0).expect("cont");
    assert_eq!(wait(pid).exit_status(), Some(0), "/bin/true's status");
}

/// `PTRACE_O_EXITKILL`: when the tracer exits, its tracee is killed. The tracer is a child of
/// the test (a subreaper in a child of its own, so that the orphaned tracee is reaped there;
/// should it not die, the subreaper kills it after a bound and fails).
#[test]
fn exitkill_kills_the_tracee_when_the_tracer_exits() {
    let (r, w) = pipe2(OFlags::CLOEXEC).unwrap();
    let status = common::wait_for(spawn(|| {
        if process::set_child_subreaper(true).is_err() {
            process::exit(10);
        }
        // SAFETY: (test): the tracee waits; the tracer makes system calls through the kit.
        let tracer = match unsafe { process::fork() } {
            Ok(Fork::Child) => {
                // SAFETY: (test): as above.
                let tracee = match unsafe { process::fork() } {
                    Ok(Fork::Child) => park(),
                    Ok(Fork::Parent(pid)) => pid,
                    Err(_) => process::exit(20),
                };
                if write_all(&w, &tracee.to_ne_bytes()).is_err() {
                    process::exit(21);
                }
                if ptrace::seize(tracee, Options::EXITKILL).is_err() {
                    process::exit(22);
                }
                process::exit(0) // the tracer ends; the tracee must go with it
            }
            Ok(Fork::Parent(pid)) => pid,
            Err(_) => process::exit(11),
        };
        let mut tracee = [0u8; 4];
        if read(&r, &mut tracee) != Ok(4) {
            process::exit(12);
        }
        let tracee = Pid::from_ne_bytes(tracee);
        match process::wait4(tracer, WaitOptions::empty()) {
            Ok(Some((_, s))) if s.exit_status() == Some(0) => {}
            _ => process::exit(13),
        }
        // The orphaned tracee is this subreaper's now: it ends by SIGKILL, at once.
        for _ in 0..1000 {
            match process::wait4(tracee, WaitOptions::NOHANG) {
                Ok(Some((_, s))) if s.terminating_signal() == Some(SIGKILL) => process::exit(0),
                Ok(None) => {
                    let _ = syscall_kit::time::sleep(std::time::Duration::from_millis(10));
                }
                _ => process::exit(14),
            }
        }
        let _ = signal::kill(tracee, SIGKILL);
        process::exit(15)
    }));
    assert_eq!(
        status.exit_status(),
        Some(0),
        "{status:?}: see the codes above"
    );
}

/// `detach` resumes a stopped tracee and lets it go; `set_options` refuses an option the kernel
/// does not know, `cont` a signal that is none.
#[test]
fn detach_set_options_and_cont_on_a_stopped_tracee() {
    let pid = spawn(|| park());
    ptrace::seize(pid, Options::EXITKILL).expect("seize");
    ptrace::interrupt(pid).expect("interrupt");
    assert_eq!(wait(pid).ptrace_event(), Some(Event::STOP));
    assert_eq!(
        ptrace::set_options(pid, Options::from_bits_retain(1 << 30)),
        Err(Errno::EINVAL)
    );
    assert_eq!(
        ptrace::cont(pid, 1000),
        Err(Errno::EIO),
        "an invalid signal"
    );
    ptrace::detach(pid, 0).expect("detach");
    // Detached: no longer this thread's tracee.
    assert_eq!(ptrace::interrupt(pid), Err(Errno::ESRCH));
    assert_eq!(kill_and_reap(pid).terminating_signal(), Some(SIGKILL));
}

/// A `SIGSTOP` sent to a seized tracee: first its delivery (a signal stop the tracer resumes with
/// the signal), then the group-stop, a `PTRACE_EVENT_STOP` with `SIGSTOP`, in which `listen`
/// keeps it stopped. A tracee that was not seized takes no `listen` (`EIO`).
#[test]
fn a_group_stop_of_a_seized_tracee_is_event_stop_with_sigstop_and_listen_keeps_it() {
    let pid = spawn(|| park());
    ptrace::seize(pid, Options::EXITKILL).expect("seize");
    signal::kill(pid, SIGSTOP).unwrap();
    let delivery = wait(pid);
    assert_eq!(delivery.stop_signal(), Some(SIGSTOP), "{delivery:?}");
    assert_eq!(delivery.ptrace_event(), None, "{delivery:?}");
    ptrace::cont(pid, SIGSTOP).expect("deliver SIGSTOP");
    let group = wait(pid);
    assert_eq!(group.stop_signal(), Some(SIGSTOP), "{group:?}");
    assert_eq!(group.ptrace_event(), Some(Event::STOP), "{group:?}");
    ptrace::listen(pid).expect("listen");
    assert_eq!(kill_and_reap(pid).terminating_signal(), Some(SIGKILL));

    let pid = spawn(|| {
        if ptrace::traceme().is_err() {
            process::exit(10);
        }
        let _ = signal::kill(process::getpid(), SIGSTOP);
        process::exit(0)
    });
    assert_eq!(wait(pid).stop_signal(), Some(SIGSTOP));
    assert_eq!(ptrace::listen(pid), Err(Errno::EIO), "not seized");
    assert_eq!(ptrace::interrupt(pid), Err(Errno::EIO), "not seized");
    ptrace::cont(pid, 0).expect("cont");
    assert_eq!(wait(pid).exit_status(), Some(0));
}

/// A value only the child sets, read from the child's memory.
static MARK: AtomicU64 = AtomicU64::new(0);

#[test]
fn process_vm_readv_reads_a_childs_memory_and_stops_at_an_unmapped_page() {
    let (r, w) = pipe2(OFlags::CLOEXEC).unwrap();
    let pid = spawn(|| {
        MARK.store(0x1122_3344_5566_7788, Ordering::SeqCst);
        let _ = write_all(&w, b"x");
        park()
    });
    drop(w);
    let mut ready = [0u8; 1];
    assert_eq!(read(&r, &mut ready), Ok(1));
    let at = RemoteRange {
        addr: MARK.as_ptr() as usize,
        len: 8,
    };
    let mut buf = [0u8; 8];
    assert_eq!(process_vm_readv(pid, &mut buf, &[at]), Ok(8));
    assert_eq!(
        u64::from_ne_bytes(buf),
        0x1122_3344_5566_7788,
        "the child's value"
    );
    assert_eq!(MARK.load(Ordering::SeqCst), 0, "not this process's");
    kill_and_reap(pid);

    // Two pages of this process, the second unmapped: a read split at the page boundary stops
    // there, with the first range's bytes.
    let page = 4096;
    // SAFETY: (test): a new private anonymous mapping, used only here.
    let map = unsafe {
        syscall_kit::mm::mmap(
            std::ptr::null_mut(),
            2 * page,
            syscall_kit::mm::ProtFlags::READ | syscall_kit::mm::ProtFlags::WRITE,
            syscall_kit::mm::MapFlags::PRIVATE | syscall_kit::mm::MapFlags::ANONYMOUS,
            None,
            0,
        )
    }
    .expect("mmap");
    // SAFETY: (test): the first page is mapped and writable; the second is unmapped, never used.
    unsafe {
        map.add(page - 3).copy_from(b"abc".as_ptr(), 3);
        syscall_kit::mm::munmap(map.add(page), page).expect("munmap");
    }
    let first = RemoteRange {
        addr: map as usize + page - 3,
        len: 3,
    };
    let second = RemoteRange {
        addr: map as usize + page,
        len: 8,
    };
    let mut buf = [0u8; 11];
    let me = process::getpid();
    assert_eq!(process_vm_readv(me, &mut buf, &[first, second]), Ok(3));
    assert_eq!(&buf[..3], b"abc");
    assert_eq!(
        process_vm_readv(me, &mut buf, &[second]),
        Err(Errno::EFAULT),
        "nothing readable"
    );
    // More ranges than IOV_MAX.
    let many = vec![first; IOV_MAX + 1];
    assert_eq!(process_vm_readv(me, &mut buf, &many), Err(Errno::EINVAL));
    // SAFETY: (test): the first page, mapped above and no longer used.
    unsafe { syscall_kit::mm::munmap(map, page) }.expect("munmap");
}

/// On x86_64 a 64-bit process can enter the i386 ABI with `int 0x80`: the filter's i386 block
/// traces it, and `PTRACE_GET_SYSCALL_INFO` names that ABI and the i386 number (20, getpid).
/// (When the kernel has no i386 emulation, `int 0x80` faults: skipped then, failed under CI.)
#[cfg(target_arch = "x86_64")]
#[test]
fn an_int_0x80_call_is_traced_with_the_i386_arch_and_number() {
    use common::i386_getpid;
    use syscall_kit::arch::i386;
    let control = common::wait_for(spawn(|| {
        let ok = i386_getpid() as u32 == process::getpid() as u32;
        process::exit(if ok { 0 } else { 9 })
    }));
    if control.exit_status() != Some(0) {
        system_tests::skip_or_fail(&format!(
            "int 0x80 does not work on this kernel ({control:?}: no IA32 emulation)"
        ));
        return;
    }
    let (r, w) = pipe2(OFlags::CLOEXEC).unwrap();
    let pid = spawn(|| {
        wait_for_tracer(&r);
        let native = [nr::GETPID];
        let compat = [i386::nr::GETPID];
        let abis = [
            Abi::native(&native),
            Abi::new(i386::AUDIT_ARCH_I386, &compat),
        ];
        let filter = Filter::new(&abis, Action::Trace(0), Action::Allow, Action::Allow);
        if filter.and_then(|f| f.install()).is_err() {
            process::exit(10);
        }
        let ok = i386_getpid() as u32 == process::getpid() as u32;
        process::exit(if ok { 0 } else { 11 })
    });
    drop(r);
    ptrace::seize(pid, Options::TRACESECCOMP | Options::EXITKILL).expect("seize");
    write_all(&w, b"x").unwrap();
    let mut seen = Vec::new();
    loop {
        let status = wait(pid);
        if let Some(code) = status.exit_status() {
            assert_eq!(code, 0, "{status:?}");
            break;
        }
        assert_eq!(status.ptrace_event(), Some(Event::SECCOMP), "{status:?}");
        let info = ptrace::syscall_info(pid).expect("syscall_info");
        if let SyscallOp::Seccomp { nr, .. } = info.op {
            seen.push((info.arch, nr as usize));
        }
        ptrace::cont(pid, 0).expect("cont");
    }
    // The i386 getpid, then the native one (the kit's process::getpid).
    assert_eq!(
        seen,
        [
            (i386::AUDIT_ARCH_I386, i386::nr::GETPID),
            (syscall_kit::arch::AUDIT_ARCH, nr::GETPID)
        ]
    );
}
