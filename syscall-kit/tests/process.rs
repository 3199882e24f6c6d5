//! `getpid`, `getppid`, `exit`, `kill`, `wait4`, `fork` and `execve` (`src/process.rs`), against
//! the real kernel. What ends or replaces a process runs in a child made with the kit's own
//! `fork`, whose exit status the parent checks.

use syscall_kit::fs::OFlags;
use syscall_kit::io::{pipe2, read};
use syscall_kit::process::{self, Fork, WaitStatus};
use syscall_kit::{Errno, fd};

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
        Fork::Parent(pid) => loop {
            match process::wait4(pid, 0) {
                Ok((got, status)) => {
                    assert_eq!(got, pid);
                    return status;
                }
                Err(Errno::EINTR) => {}
                Err(e) => panic!("wait4: {e}"),
            }
        },
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
        match process::wait4(pid, 0) {
            Ok((got, status)) if got == pid && status.exit_status() == Some(7) => {}
            _ => process::exit(11),
        }
        if process::wait4(-1, 0) != Err(Errno::ECHILD) {
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
        if process::kill(pid, 9).is_err() {
            process::exit(14);
        }
        match process::wait4(pid, 0) {
            Ok((_, s)) if s.terminating_signal() == Some(9) && s.exit_status().is_none() => {}
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
    assert_eq!(process::execve(c"/bin/true", &many, &[]), Errno::E2BIG);
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
    assert_eq!(process::kill(i32::MAX, 0), Err(Errno::ESRCH));
    assert_eq!(process::kill(process::getpid(), 1000), Err(Errno::EINVAL));
    assert_eq!(process::kill(process::getpid(), 0), Ok(()));
}
