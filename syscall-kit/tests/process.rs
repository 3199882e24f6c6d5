//! `getpid`, `getppid`, `exit`, `kill`, `wait4`, `fork` and `execve`, against the real kernel.
//! `exit` and `fork` run in a child process started through `std::process::Command`: this test
//! binary re-runs itself with `SYSCALL_KIT_CHILD` set.


use std::process::Command;

use syscall_kit::Errno;
use syscall_kit::process::{self, Fork};

/// Runs the named child scenario in a fresh copy of this test binary and returns its output.
fn child(scenario: &str) -> std::process::Output {
    Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "child_entry", "--nocapture", "--test-threads=1"])
        .env("SYSCALL_KIT_CHILD", scenario)
        .output()
        .unwrap()
}

/// The child side: does what `SYSCALL_KIT_CHILD` says, in a process of its own.
#[test]
fn child_entry() {
    let Ok(scenario) = std::env::var("SYSCALL_KIT_CHILD") else {
        return; // run as an ordinary test: nothing to do
    };
    match scenario.as_str() {
        "exit42" => process::exit(42),
        "exit300" => process::exit(300),
        "fork" => {
            // SAFETY: (test): the child only calls exit, which touches no lock.
            match unsafe { process::fork() }.unwrap() {
                Fork::Child => process::exit(7),
                Fork::Parent(pid) => {
                    let (got, status) = process::wait4(pid, 0).unwrap();
                    assert_eq!(got, pid);
                    assert_eq!(status.exit_status(), Some(7));
                    assert_eq!(process::wait4(-1, 0), Err(Errno::ECHILD));
                    // SAFETY: (test): the child calls only kill-free, lock-free syscalls.
                    match unsafe { process::fork() }.unwrap() {
                        Fork::Child => loop {
                            core::hint::spin_loop();
                        },
                        Fork::Parent(pid) => {
                            process::kill(pid, 9).unwrap();
                            let (_, status) = process::wait4(pid, 0).unwrap();
                            assert_eq!(status.terminating_signal(), Some(9));
                            assert_eq!(status.exit_status(), None);
                        }
                    }
                    process::exit(0)
                }
            }
        }
        "execve" => {
            let err = process::execve(
                c"/bin/sh",
                &[c"sh", c"-c", c"echo \"$GREETING from exec\"; exit 3"],
                &[c"GREETING=hello"],
            );
            panic!("execve returned {err}");
        }
        other => panic!("unknown scenario {other}"),
    }
}

#[test]
fn exit_ends_the_process_with_the_status() {
    assert_eq!(child("exit42").status.code(), Some(42));
    assert_eq!(child("exit300").status.code(), Some(300 & 0xff));
}

#[test]
fn fork_wait4_and_kill_work_together() {
    let out = child("fork");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn execve_replaces_the_program_with_args_and_env() {
    let out = child("execve");
    assert!(
        String::from_utf8_lossy(&out.stdout).ends_with("child_entry ... hello from exec\n"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert_eq!(out.status.code(), Some(3));
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
