//! `unshare`, the id maps and `sethostname` (`src/ns/`), and `fork_with` (`src/process/mod.rs`),
//! against the real kernel. Each test runs its namespaces in a child made with the kit's own
//! `fork`, whose exit status tells which check failed: the test process has other threads, so
//! the child only makes system calls through the kit (no allocation, no `std` I/O).

mod common;

use std::time::Duration;

use common::{in_namespaces_passes, read_into, wait_for};
use syscall_kit::fs::OFlags;
use syscall_kit::io::{PollFd, PollFlags, pipe2, poll, read};
use syscall_kit::ns::{self, CloneFlags, IdMap};
use syscall_kit::process::{self, Fork};
use syscall_kit::time::Timeout;
use syscall_kit::{AsFd, Errno, signal};

/// A user id map as the kernel prints it: three numbers right-aligned in ten columns.
fn printed_map(inside: u32, outside: u32) -> String {
    format!("{inside:>10} {outside:>10} {:>10}\n", 1)
}

/// In a new user namespace the caller has no id until the maps are written (the overflow ids),
/// then is root there; the kernel prints back the maps written, and `setgroups` says `deny`.
#[test]
fn a_new_user_namespace_maps_root_to_the_caller() {
    let (uid, gid) = (process::geteuid(), process::getegid());
    let overflow = std::fs::read_to_string("/proc/sys/kernel/overflowuid").unwrap();
    let overflow: u32 = overflow.trim().parse().unwrap();
    let (uid_map, gid_map) = (printed_map(0, uid), printed_map(0, gid));
    // SAFETY: (test): the child makes system calls through the kit only, then exits.
    let status = match unsafe { process::fork() }.expect("fork") {
        Fork::Child => {
            let code = (|| {
                match ns::unshare(CloneFlags::NEWUSER) {
                    Ok(()) => {}
                    Err(Errno::EPERM | Errno::ENOSPC | Errno::EACCES) => return 200,
                    Err(_) => return 1,
                }
                if process::getuid() != overflow || process::geteuid() != overflow {
                    return 2;
                }
                if ns::map_ids(IdMap::one(0, uid), IdMap::one(0, gid)).is_err() {
                    return 3;
                }
                if process::getuid() != 0 || process::getgid() != 0 || process::getegid() != 0 {
                    return 4;
                }
                let mut buf = [0u8; 128];
                let n = read_into("/proc/self/uid_map", &mut buf);
                if n.and_then(|n| buf.get(..n)) != Some(uid_map.as_bytes()) {
                    return 5;
                }
                let n = read_into("/proc/self/gid_map", &mut buf);
                if n.and_then(|n| buf.get(..n)) != Some(gid_map.as_bytes()) {
                    return 6;
                }
                let n = read_into("/proc/self/setgroups", &mut buf);
                if n.and_then(|n| buf.get(..n)) != Some(&b"deny\n"[..]) {
                    return 7;
                }
                // Each map is written once.
                if ns::write_uid_map(&IdMap::one(0, uid)) != Err(Errno::EPERM) {
                    return 8;
                }
                0
            })();
            process::exit(code)
        }
        Fork::Parent(pid) => wait_for(pid),
    };
    if status.exit_status() == Some(200) {
        system_tests::skip_or_fail("this system refuses an unprivileged user namespace");
        return;
    }
    assert_eq!(
        status.exit_status(),
        Some(0),
        "{status:?}: see the codes above"
    );
}

/// A new UTS namespace has its own host name: set there, read back there, and this machine's
/// is unchanged.
#[test]
fn sethostname_names_the_new_uts_namespace_only() {
    let before = std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap();
    let passed = in_namespaces_passes(CloneFlags::NEWUTS, || {
        if ns::sethostname(b"kit-test-host").is_err() {
            return 1;
        }
        let mut buf = [0u8; 80];
        let n = read_into("/proc/sys/kernel/hostname", &mut buf);
        if n.and_then(|n| buf.get(..n)) != Some(&b"kit-test-host\n"[..]) {
            return 2;
        }
        // The longest name is taken; one byte more is not.
        if ns::sethostname(&[b'h'; ns::HOST_NAME_MAX]).is_err() {
            return 3;
        }
        if ns::sethostname(&[b'h'; ns::HOST_NAME_MAX + 1]) != Err(Errno::EINVAL) {
            return 4;
        }
        0
    });
    if !passed {
        return;
    }
    let after = std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap();
    assert_eq!(before, after, "this machine's host name");
}

/// `fork_with(NEWUSER | NEWPID)` makes the child process 1 of a new PID namespace (its parent is
/// outside: `getppid` is 0), the caller's child still; when it ends, the kernel kills the other
/// processes of the namespace: a grandchild that would wait forever, holding a pipe, dies and
/// the pipe's read end sees its end.
#[test]
fn fork_with_a_new_pid_namespace_makes_process_1_whose_end_ends_the_others() {
    let (r, w) = pipe2(OFlags::CLOEXEC).unwrap();
    let (ready_r, ready_w) = pipe2(OFlags::CLOEXEC).unwrap();
    // SAFETY: (test): the child makes system calls through the kit only, then exits.
    let fork = unsafe { process::fork_with(CloneFlags::NEWUSER | CloneFlags::NEWPID) };
    let pid = match fork {
        Ok(Fork::Child) => {
            let code = (|| {
                if process::getpid() != 1 || process::getppid() != 0 {
                    return 2;
                }
                drop(r);
                // SAFETY: (test): the grandchild waits for a signal, touching nothing else.
                match unsafe { process::fork() } {
                    Ok(Fork::Child) => {
                        let _ = syscall_kit::io::write(&ready_w, b"x");
                        loop {
                            let _ =
                                signal::sigtimedwait(&signal::SigSet::empty(), Timeout::Forever);
                        }
                    }
                    Ok(Fork::Parent(2)) => {}
                    _ => return 3,
                }
                drop(w);
                let mut b = [0u8; 1];
                if read(&ready_r, &mut b) != Ok(1) {
                    return 4;
                }
                0
            })();
            process::exit(code)
        }
        Ok(Fork::Parent(pid)) => pid,
        Err(Errno::EPERM | Errno::ENOSPC | Errno::EACCES) => {
            system_tests::skip_or_fail("this system refuses an unprivileged user namespace");
            return;
        }
        Err(e) => panic!("fork_with: {e}"),
    };
    drop(w);
    drop(ready_w);
    let status = wait_for(pid);
    assert_eq!(
        status.exit_status(),
        Some(0),
        "{status:?}: see the codes above"
    );
    // The grandchild was killed with process 1: the pipe it held ends (bounded wait).
    let mut fds = [PollFd::new(r.as_fd(), PollFlags::IN)];
    let ready = poll(&mut fds, Timeout::After(Duration::from_secs(10))).unwrap();
    assert_eq!(ready, 1, "the grandchild still holds the pipe");
    assert_eq!(read(&r, &mut [0u8; 1]), Ok(0), "the pipe's end");
}
