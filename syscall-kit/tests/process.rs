//! `getpid`, `getppid`, `exit`, `fork` (`src/process/mod.rs`), `execve` and `execvp`
//! (`exec.rs`), `wait4` and `waitid` (`wait.rs`), the ids, `prctl` and `tcsetpgrp`
//! (`src/process/`), and `kill` (`src/signal/send.rs`), against
//! the real kernel. What ends or replaces a process runs in a child made with the kit's own
//! `fork`, whose exit status the parent checks.

use std::ffi::{CStr, c_char};

use syscall_kit::fs::OFlags;
use syscall_kit::io::{pipe2, read};
use syscall_kit::process::{self, CpuSet, Fork, StrTable, WaitId, WaitOptions, WaitStatus};
use syscall_kit::signal;
use syscall_kit::{Errno, fd};

mod common;

/// Forks; the child runs `child`, which ends the process itself (exit status 99 if it does not),
/// and the parent returns its wait status. The test process has other threads, whose locks the child may not take: a
/// child makes only system calls through the kit (no allocation, no `std` I/O, no panics; it
/// reports what went wrong by its exit status).
fn in_child(child: impl FnOnce()) -> WaitStatus {
    // SAFETY: (test): the child runs only `child`, which makes system calls through the kit and
    // ends the process (see above).
    match unsafe { process::fork() }.expect("fork") {
        Fork::Child => {
            child();
            process::exit(99)
        }
        Fork::Parent(pid) => common::wait_for(pid),
    }
}

#[test]
fn exit_ends_the_process_with_the_status() {
    assert_eq!(in_child(|| process::exit(42)).exit_status(), Some(42));
    assert_eq!(
        in_child(|| process::exit(300)).exit_status(),
        Some(300 & 0xff)
    );
}

#[test]
fn fork_wait4_and_kill_work_together() {
    // The child forks in turn and checks its own children; each failed check is an exit status.
    let status = in_child(|| {
        // SAFETY: (test): the grandchild only calls exit.
        let pid = match unsafe { process::fork() } {
            Ok(Fork::Child) => process::exit(7),
            Ok(Fork::Parent(pid)) => pid,
            Err(_) => process::exit(10),
        };
        match process::wait4(pid, WaitOptions::empty()) {
            Ok(Some((got, status))) if got == pid && status.exit_status() == Some(7) => {}
            _ => process::exit(11),
        }
        if process::wait4(-1, WaitOptions::empty()) != Err(Errno::ECHILD) {
            process::exit(12);
        }
        // SAFETY: (test): the grandchild spins, touching nothing, until it is killed.
        let pid = match unsafe { process::fork() } {
            Ok(Fork::Child) => loop {
                core::hint::spin_loop();
            },
            Ok(Fork::Parent(pid)) => pid,
            Err(_) => process::exit(13),
        };
        if signal::kill(pid, signal::SIGKILL).is_err() {
            process::exit(14);
        }
        match process::wait4(pid, WaitOptions::empty()) {
            Ok(Some((_, s)))
                if s.terminating_signal() == Some(signal::SIGKILL) && s.exit_status().is_none() => {
            }
            _ => process::exit(15),
        }
        process::exit(0)
    });
    assert_eq!(
        status.exit_status(),
        Some(0),
        "{status:?}: see the exit codes above"
    );
}

#[test]
fn execve_replaces_the_program_with_args_and_env() {
    let (r, w) = pipe2(OFlags::CLOEXEC).unwrap();
    let status = in_child(|| {
        // Standard output into the pipe (descriptor 1 is not close-on-exec, unlike `w`).
        if fd::dup2_stdout(&w).is_err() {
            process::exit(126);
        }
        let _ = process::execve(
            c"/bin/sh",
            &[c"sh", c"-c", c"echo \"$GREETING from exec\"; exit 3"],
            &[c"GREETING=hello"],
        );
        process::exit(127)
    });
    drop(w);
    let mut out = Vec::new();
    let mut buf = [0u8; 256];
    loop {
        match read(&r, &mut buf) {
            Ok(0) => break,
            Ok(n) => out.extend_from_slice(&buf[..n]),
            Err(Errno::EINTR) => {}
            Err(e) => panic!("read: {e}"),
        }
    }
    assert_eq!(String::from_utf8_lossy(&out), "hello from exec\n");
    assert_eq!(
        status.exit_status(),
        Some(3),
        "{status:?} (126: dup2, 127: execve failed)"
    );
}

#[test]
fn execve_reports_missing_files_and_too_many_strings() {
    assert_eq!(
        process::execve(c"/nonexistent/program", &[c"x"], &[]),
        Errno::ENOENT
    );
    assert_eq!(process::execve(c"/", &[c"x"], &[]), Errno::EACCES);
    let many = vec![c"x"; process::EXECVE_MAX_STRINGS + 1];
    assert_eq!(process::execve(c"/bin/true", &many[..], &[]), Errno::E2BIG);
}

/// A table of `strings` that lives, unchanged, for the rest of the process (leaked), as the
/// initial stack's tables do.
fn table(strings: &[&'static CStr]) -> StrTable {
    let mut ptrs: Vec<*const c_char> = strings.iter().map(|s| s.as_ptr()).collect();
    ptrs.push(std::ptr::null());
    let ptrs: &'static [*const c_char] = ptrs.leak();
    // SAFETY: (test): null-terminated, static strings, leaked: nothing frees or changes them.
    unsafe { StrTable::from_ptr(ptrs.as_ptr()) }
}

#[test]
fn str_tables_count_index_and_skip_to_the_same_null() {
    let t = table(&[c"a", c"bc", c"d"]);
    assert_eq!(t.len(), 3);
    assert_eq!(t.get(1), Some(c"bc"));
    assert_eq!(t.get(3), None);
    let tail = t.skip(1);
    assert_eq!(
        (tail.len(), tail.get(0), tail.get(2)),
        (2, Some(c"bc"), None)
    );
    // SAFETY: (test): a tail ends at the table's null, one pointer after its last string.
    assert!(unsafe { *tail.as_ptr().add(tail.len()) }.is_null());
    let past = t.skip(9);
    assert!(past.is_empty() && past.get(0).is_none());
    // SAFETY: (test): as above: the null of the whole table.
    assert!(unsafe { *past.as_ptr() }.is_null());
    assert!(StrTable::EMPTY.is_empty());
    // SAFETY: (test): EMPTY is one null pointer.
    assert!(unsafe { *StrTable::EMPTY.as_ptr() }.is_null());
}

#[test]
fn execve_and_execvp_run_the_program_with_string_tables() {
    for search in [false, true] {
        let (r, w) = pipe2(OFlags::CLOEXEC).unwrap();
        let argv = table(&[c"sh", c"-c", c"echo \"$GREETING from $0\"; exit 3"]);
        let envp = table(&[c"GREETING=hello", c"PATH=/nonexistent::/usr/bin:/bin"]);
        let status = in_child(|| {
            if fd::dup2_stdout(&w).is_err() {
                process::exit(126);
            }
            let _ = if search {
                process::execvp(c"sh", argv, envp)
            } else {
                process::execve(c"/bin/sh", argv, envp)
            };
            process::exit(127)
        });
        drop(w);
        let mut buf = [0u8; 64];
        let n = read(&r, &mut buf).unwrap();
        assert_eq!(&buf[..n], b"hello from sh\n", "search: {search}");
        assert_eq!(
            status.exit_status(),
            Some(3),
            "{status:?} (126: dup2, 127: exec failed)"
        );
    }
}

#[test]
fn getpid_and_getppid_match_std() {
    assert_eq!(process::getpid() as u32, std::process::id());
    assert_eq!(
        process::getppid() as u32,
        std::os::unix::process::parent_id()
    );
}

#[test]
fn kill_of_a_missing_process_is_esrch_and_bad_signal_einval() {
    assert_eq!(signal::kill(i32::MAX, 0), Err(Errno::ESRCH));
    assert_eq!(signal::kill(process::getpid(), 1000), Err(Errno::EINVAL));
    assert_eq!(signal::kill(process::getpid(), 0), Ok(()));
}

#[test]
fn getuid_getgid_geteuid_getegid_and_getpgid_match_libc() {
    // SAFETY: (test): these libc calls have no preconditions.
    let (uid, gid, pgrp) = unsafe { (libc::getuid(), libc::getgid(), libc::getpgrp()) };
    assert_eq!(process::getuid(), uid);
    assert_eq!(process::getgid(), gid);
    // SAFETY: (test): these libc calls have no preconditions.
    let (euid, egid) = unsafe { (libc::geteuid(), libc::getegid()) };
    assert_eq!(process::geteuid(), euid);
    assert_eq!(process::getegid(), egid);
    assert_eq!(process::getpgid(0), Ok(pgrp));
    assert_eq!(process::getpgid(process::getpid()), Ok(pgrp));
}

#[test]
fn setpgid_and_setsid_make_new_groups_and_sessions() {
    let status = in_child(|| {
        let me = process::getpid();
        if process::setpgid(0, 0).is_err() || process::getpgid(0) != Ok(me) {
            process::exit(10);
        }
        // A group leader cannot start a session.
        if process::setsid() != Err(Errno::EPERM) {
            process::exit(11);
        }
        // SAFETY: (test): the grandchild makes system calls through the kit only.
        match unsafe { process::fork() } {
            Ok(Fork::Child) => {
                let me = process::getpid();
                match process::setsid() {
                    Ok(sid) if sid == me && process::getpgid(0) == Ok(me) => process::exit(0),
                    _ => process::exit(12),
                }
            }
            Ok(Fork::Parent(pid)) => match process::wait4(pid, WaitOptions::empty()) {
                Ok(Some((_, s))) => process::exit(s.exit_status().unwrap_or(13)),
                Ok(None) | Err(_) => process::exit(14),
            },
            Err(_) => process::exit(15),
        }
    });
    assert_eq!(
        status.exit_status(),
        Some(0),
        "{status:?}: see the codes above"
    );
}

#[test]
fn wnohang_returns_at_once_and_waitid_reports_how_the_child_ended() {
    let status = in_child(|| {
        // SAFETY: (test): the grandchild spins until killed.
        let pid = match unsafe { process::fork() } {
            Ok(Fork::Child) => loop {
                core::hint::spin_loop();
            },
            Ok(Fork::Parent(pid)) => pid,
            Err(_) => process::exit(10),
        };
        if process::wait4(pid, WaitOptions::NOHANG) != Ok(None) {
            process::exit(11);
        }
        if process::waitid(WaitId::Pid(pid), WaitOptions::EXITED | WaitOptions::NOHANG) != Ok(None)
        {
            process::exit(12);
        }
        if signal::kill(pid, signal::SIGKILL).is_err() {
            process::exit(13);
        }
        // WNOWAIT: reported, and left to wait for again.
        match process::waitid(WaitId::Pid(pid), WaitOptions::EXITED | WaitOptions::NOWAIT) {
            Ok(Some(i)) if i.pid() == pid && i.code() == 2 && i.status() == 9 => {}
            _ => process::exit(14),
        }
        match process::waitid(WaitId::All, WaitOptions::EXITED) {
            Ok(Some(i)) if i.pid() == pid && i.signo() == signal::SIGCHLD => {}
            _ => process::exit(15),
        }
        // SAFETY: (test): the grandchild only exits.
        let pid = match unsafe { process::fork() } {
            Ok(Fork::Child) => process::exit(5),
            Ok(Fork::Parent(pid)) => pid,
            Err(_) => process::exit(16),
        };
        match process::waitid(WaitId::Pid(pid), WaitOptions::EXITED) {
            Ok(Some(i)) if i.code() == 1 && i.status() == 5 => process::exit(0),
            _ => process::exit(17),
        }
    });
    assert_eq!(
        status.exit_status(),
        Some(0),
        "{status:?}: see the codes above"
    );
}

/// A subreaper gets its orphaned grandchildren; and `PR_SET_PDEATHSIG` signals a grandchild
/// when its parent ends. The child is the subreaper; its child B starts C, which sets SIGTERM as
/// its parent-death signal and tells B; B exits; C dies of SIGTERM and, re-parented to the
/// subreaper, is reaped there.
#[test]
fn a_subreaper_reaps_orphans_and_pdeathsig_fires_when_the_parent_ends() {
    let status = in_child(|| {
        if process::child_subreaper() != Ok(false) {
            process::exit(10);
        }
        if process::set_child_subreaper(true).is_err() || process::child_subreaper() != Ok(true) {
            process::exit(11);
        }
        let Ok((r, w)) = pipe2(OFlags::CLOEXEC) else {
            process::exit(12)
        };
        // SAFETY: (test): B and C make system calls through the kit only.
        let b = match unsafe { process::fork() } {
            Ok(Fork::Child) => {
                // SAFETY: (test): as above.
                match unsafe { process::fork() } {
                    Ok(Fork::Child) => {
                        if process::set_pdeathsig(signal::SIGTERM).is_err()
                            || process::pdeathsig() != Ok(signal::SIGTERM)
                            || syscall_kit::io::write_all(&w, b"x").is_err()
                        {
                            process::exit(1);
                        }
                        loop {
                            core::hint::spin_loop();
                        }
                    }
                    Ok(Fork::Parent(_)) => {
                        let mut ready = [0u8; 1];
                        let _ = read(&r, &mut ready);
                        process::exit(3)
                    }
                    Err(_) => process::exit(2),
                }
            }
            Ok(Fork::Parent(pid)) => pid,
            Err(_) => process::exit(13),
        };
        drop(w);
        match process::wait4(b, WaitOptions::empty()) {
            Ok(Some((_, s))) if s.exit_status() == Some(3) => {}
            _ => process::exit(14),
        }
        // C, the orphan, is now our child: it ends by SIGTERM from its parent's death.
        match process::wait4(-1, WaitOptions::empty()) {
            Ok(Some((_, s))) if s.terminating_signal() == Some(signal::SIGTERM) => {}
            _ => process::exit(15),
        }
        process::exit(0)
    });
    assert_eq!(
        status.exit_status(),
        Some(0),
        "{status:?}: see the codes above"
    );
}

#[test]
fn execvp_searches_path_in_order() {
    let (r, w) = pipe2(OFlags::CLOEXEC).unwrap();
    let status = in_child(|| {
        if fd::dup2_stdout(&w).is_err() {
            process::exit(126);
        }
        // The first entry does not exist, the second is an empty one (the current directory,
        // which has no `sh`), then the real directories.
        let _ = process::execvp(
            c"sh",
            &[c"sh", c"-c", c"echo found; exit 4"],
            &[c"PATH=/nonexistent::/usr/bin:/bin"],
        );
        process::exit(127)
    });
    drop(w);
    let mut buf = [0u8; 64];
    let n = read(&r, &mut buf).unwrap();
    assert_eq!(&buf[..n], b"found\n");
    assert_eq!(status.exit_status(), Some(4), "{status:?}");
}

#[test]
fn tcsetpgrp_needs_a_terminal() {
    let (r, _w) = pipe2(OFlags::CLOEXEC).unwrap();
    assert_eq!(
        process::tcsetpgrp(&r, process::getpid()),
        Err(Errno::ENOTTY)
    );
    assert_eq!(process::tcgetpgrp(&r), Err(Errno::ENOTTY));
}

#[test]
fn getrlimit_matches_libc_and_setrlimit_lowers_the_descriptor_limit() {
    let mut c = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: (test): `c` is a `struct rlimit` the call fills.
    assert_eq!(unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut c) }, 0);
    let kit = process::getrlimit(process::Resource::NOFILE).unwrap();
    assert_eq!((kit.cur, kit.max), (c.rlim_cur, c.rlim_max));
    assert_eq!(
        process::prlimit(0, process::Resource::NOFILE, None),
        Ok(kit)
    );
    // In a child: the limit is the process's, and the test's other threads open descriptors.
    let status = in_child(|| {
        let low = process::Rlimit {
            cur: 8,
            max: kit.max,
        };
        if process::setrlimit(process::Resource::NOFILE, &low).is_err() {
            process::exit(1);
        }
        if process::getrlimit(process::Resource::NOFILE) != Ok(low) {
            process::exit(2);
        }
        // Descriptors 0 to 7 may exist, 8 may not: dup to a number at the limit fails.
        if fd::dup(fd::stdin()).map(|f| f.as_raw_fd() < 8) == Ok(false) {
            process::exit(3);
        }
        let mut opened = 0;
        loop {
            match fd::dup(fd::stdin()) {
                Ok(f) => {
                    opened += 1;
                    core::mem::forget(f);
                    if opened > 8 {
                        process::exit(4);
                    }
                }
                Err(Errno::EMFILE) => process::exit(0),
                Err(_) => process::exit(5),
            }
        }
    });
    assert_eq!(status.exit_status(), Some(0));
}

#[test]
fn prlimit_reports_a_soft_limit_above_the_hard_one_and_a_missing_process() {
    let kit = process::getrlimit(process::Resource::NOFILE).unwrap();
    if kit.max != process::Rlimit::INFINITY {
        let above = process::Rlimit {
            cur: kit.max + 1,
            max: kit.max,
        };
        assert_eq!(
            process::setrlimit(process::Resource::NOFILE, &above),
            Err(Errno::EINVAL)
        );
    }
    assert_eq!(
        process::prlimit(i32::MAX, process::Resource::NOFILE, None),
        Err(Errno::ESRCH)
    );
    assert_eq!(
        process::getrlimit(process::Resource::from_raw(1000)),
        Err(Errno::EINVAL)
    );
}

#[test]
fn sched_getaffinity_counts_the_cpus_std_reports() {
    let set = process::sched_getaffinity(0).unwrap();
    // std's available_parallelism reads the same affinity mask first (and a cgroup's quota,
    // which the mask does not show: at most the mask's count).
    let std = std::thread::available_parallelism().unwrap().get();
    assert!(set.count() >= 1);
    assert!(std <= set.count(), "std {std}, the mask {}", set.count());
    // SAFETY: (test): `c` is a `cpu_set_t` the call fills.
    let mut c: libc::cpu_set_t = unsafe { std::mem::zeroed() };
    // SAFETY: (test): as above, with its size.
    let r = unsafe { libc::sched_getaffinity(0, std::mem::size_of_val(&c), &mut c) };
    assert_eq!(r, 0);
    for cpu in 0..1024 {
        // SAFETY: (test): `cpu` is below CPU_SETSIZE.
        let c_has = unsafe { libc::CPU_ISSET(cpu, &c) };
        assert_eq!(set.contains(cpu), c_has, "{cpu}");
    }
    // SAFETY: (test): `c` was filled above.
    let count = unsafe { libc::CPU_COUNT(&c) };
    assert_eq!(set.count(), count as usize);
    assert!(!set.contains(5000));
    assert_eq!(process::sched_getaffinity(i32::MAX), Err(Errno::ESRCH));
}

/// `sched_setaffinity` on one CPU of the mask: the kernel's mask is then that one CPU, as
/// `sched_getaffinity` and the C library read it, and the thread runs there; the mask is set
/// back after. A set of no CPU is EINVAL, an unknown thread ESRCH.
#[test]
fn sched_setaffinity_keeps_a_thread_on_the_cpus_it_names() {
    // A thread of its own, so that the test's other threads keep their CPUs.
    std::thread::spawn(|| {
        let all = process::sched_getaffinity(0).unwrap();
        let cpu = all.first().unwrap();
        assert!(all.contains(cpu));
        let mut one = CpuSet::empty();
        assert!(one.insert(cpu));
        assert!(!one.insert(1024));
        assert_eq!((one.count(), one.first()), (1, Some(cpu)));
        process::sched_setaffinity(0, &one).unwrap();
        assert_eq!(process::sched_getaffinity(0).unwrap(), one);
        // SAFETY: (test): sched_getcpu takes no argument.
        assert_eq!(unsafe { libc::sched_getcpu() }, cpu as i32);
        process::sched_setaffinity(0, &all).unwrap();
        assert_eq!(process::sched_getaffinity(0).unwrap(), all);
        assert_eq!(
            process::sched_setaffinity(0, &CpuSet::empty()),
            Err(Errno::EINVAL)
        );
        assert_eq!(CpuSet::empty().first(), None);
        assert_eq!(
            process::sched_setaffinity(i32::MAX, &all),
            Err(Errno::ESRCH)
        );
    })
    .join()
    .unwrap();
}

/// A pidfd of a child is readable once the child has ended, not before; the child is then
/// still there to be reaped, with its status.
#[test]
fn a_pidfd_is_readable_when_its_process_ends() {
    use std::time::Duration;
    use syscall_kit::AsFd;
    use syscall_kit::io::{PollFd, PollFlags, poll};
    use syscall_kit::time::Timeout;
    let (r, w) = pipe2(OFlags::CLOEXEC).unwrap();
    // SAFETY: (test): the child reads the pipe to its end and exits, with the kit only.
    let pid = match unsafe { process::fork() }.expect("fork") {
        Fork::Child => {
            drop(w);
            let mut b = [0u8; 1];
            while read(&r, &mut b) == Err(Errno::EINTR) {}
            process::exit(5)
        }
        Fork::Parent(pid) => pid,
    };
    let pidfd = process::pidfd_open(pid).unwrap();
    let mut fds = [PollFd::new(pidfd.as_fd(), PollFlags::IN)];
    assert_eq!(
        poll(&mut fds, Timeout::IMMEDIATE),
        Ok(0),
        "before the child ends"
    );
    drop(w);
    let mut fds = [PollFd::new(pidfd.as_fd(), PollFlags::IN)];
    let bound = Timeout::After(Duration::from_secs(10));
    assert_eq!(poll(&mut fds, bound), Ok(1), "once it has ended");
    assert_eq!(common::wait_for(pid).exit_status(), Some(5));
}
