//! Unit tests of [`check`](super): the comparison of two outcomes, and the child's stack paths.
//! The runner itself is tested against the kernel by `scratch-doctor/tests/run_in.rs` and
//! against Podman by `system-tests/tests/run_in.rs`.

use alloc::string::String;
use alloc::vec::Vec;
use core::time::Duration;

use syscall_kit::Errno;

use super::root::StackPath;
use super::{Captured, Outcome, Status, first_difference, status_text, verdict};

fn captured(bytes: &[u8]) -> Captured {
    Captured {
        bytes: bytes.to_vec(),
        total: bytes.len() as u64,
    }
}

fn outcome(status: Status, stdout: &[u8], stderr: &[u8]) -> Outcome {
    Outcome {
        status,
        stdout: captured(stdout),
        stderr: captured(stderr),
    }
}

#[test]
fn the_same_outcome_works() {
    let a = outcome(Status::Exited(0), b"hello\n", b"");
    assert_eq!(first_difference(&a, &a.clone()), None);
    assert_eq!(verdict(&a, &a.clone()), "works in FROM scratch: yes");
}

#[test]
fn the_status_is_compared_first() {
    let here = outcome(Status::Exited(0), b"a\n", b"");
    let there = outcome(Status::NotStarted(Errno::ENOENT), b"", b"");
    assert_eq!(
        verdict(&here, &there),
        "works in FROM scratch: no: exit status 0 on this machine, not started (execve: \
         ENOENT: No such file or directory) in the empty root"
    );
    let there = outcome(Status::Killed(11), b"a\n", b"");
    assert_eq!(
        first_difference(&here, &there).unwrap(),
        "exit status 0 on this machine, killed by signal 11 (SIGSEGV) in the empty root"
    );
    let there = outcome(Status::TimedOut(Duration::from_secs(60)), b"a\n", b"");
    assert_eq!(
        first_difference(&here, &there).unwrap(),
        "exit status 0 on this machine, still running after 60 s (killed at the time limit) \
         in the empty root"
    );
}

#[test]
fn the_first_line_that_differs_is_shown_from_both() {
    let here = outcome(Status::Exited(0), b"one\ntwo\nthree\n", b"");
    let there = outcome(Status::Exited(0), b"one\nTWO\nthree\n", b"");
    assert_eq!(
        first_difference(&here, &there).unwrap(),
        "standard output, line 2: `two` on this machine, `TWO` in the empty root"
    );
    // Standard error only when standard output is the same.
    let here = outcome(
        Status::Exited(1),
        b"same\n",
        b"id: cannot find name for group ID 0\n",
    );
    let there = outcome(Status::Exited(1), b"same\n", b"");
    assert_eq!(
        first_difference(&here, &there).unwrap(),
        "standard error, line 1: `id: cannot find name for group ID 0` on this machine, \
         nothing in the empty root (it is empty)"
    );
}

#[test]
fn a_missing_or_extra_line_and_a_last_newline_are_named() {
    let here = outcome(Status::Exited(0), b"a\nb\n", b"");
    let there = outcome(Status::Exited(0), b"a\n", b"");
    assert_eq!(
        first_difference(&here, &there).unwrap(),
        "standard output, line 2: `b` on this machine, nothing in the empty root (it ends after \
         1 line)"
    );
    assert_eq!(
        first_difference(&there, &here).unwrap(),
        "standard output, line 2: nothing on this machine (it ends after 1 line), `b` in the \
         empty root"
    );
    let there = outcome(Status::Exited(0), b"a\nb", b"");
    assert_eq!(
        first_difference(&here, &there).unwrap(),
        "standard output, line 2: `b` ends with a newline on this machine, not in the empty root"
    );
}

#[test]
fn lines_are_escaped_and_cut() {
    let long: Vec<u8> = core::iter::repeat_n(b'x', 200).collect();
    let here = outcome(Status::Exited(0), b"tab\there \x1b[0m \xff\n", b"");
    let there = outcome(Status::Exited(0), &long, b"");
    let d = first_difference(&here, &there).unwrap();
    let x80: String = core::iter::repeat_n('x', 80).collect();
    assert_eq!(
        d,
        alloc::format!(
            "standard output, line 1: `tab\\there \\u{{1b}}[0m \u{fffd}` on this machine, \
             `{x80}…` in the empty root"
        )
    );
}

#[test]
fn output_past_the_limit_is_compared_by_its_length() {
    let mut here = outcome(Status::Exited(0), b"same\n", b"");
    let mut there = here.clone();
    here.stdout.total = 1 << 30;
    there.stdout.total = 1 << 29;
    assert_eq!(
        first_difference(&here, &there).unwrap(),
        "standard output: 1073741824 bytes on this machine, 536870912 in the empty root"
    );
}

#[test]
fn statuses_in_words() {
    assert_eq!(status_text(&Status::Exited(3)), "exit status 3");
    assert_eq!(
        status_text(&Status::Killed(9)),
        "killed by signal 9 (SIGKILL)"
    );
    assert_eq!(status_text(&Status::Killed(40)), "killed by signal 40");
}

#[test]
fn stack_paths_name_a_descriptor_and_refuse_what_does_not_fit() {
    let mut p = StackPath::fd(12, b"/dev/pts").unwrap();
    assert_eq!(p.as_c_str(), c"/proc/self/fd/12/dev/pts");
    let mut p = StackPath::new();
    assert_eq!(p.as_c_str(), c"");
    assert_eq!(p.push(&[b'a'; 255]), Ok(()));
    assert_eq!(p.push(b"b"), Err(Errno::ENAMETOOLONG));
    assert_eq!(p.as_c_str().to_bytes().len(), 255);
}

/// The one line of a refused `clone(2)` names the flags and what to do.
#[test]
fn a_refused_namespace_is_one_line_with_what_to_do() {
    use syscall_kit::ns::CloneFlags;
    let all = CloneFlags::NEWUSER | CloneFlags::NEWNS | CloneFlags::NEWPID;
    assert_eq!(
        super::namespace_problem(all, Errno::EPERM),
        "cannot make the namespaces of the empty root: clone(CLONE_NEWUSER | CLONE_NEWNS | \
         CLONE_NEWPID): EPERM: Operation not permitted: this system refuses user namespaces \
         to unprivileged users: run as root, or allow them (Debian: sysctl \
         kernel.unprivileged_userns_clone=1; everywhere: user.max_user_namespaces above 0; \
         Ubuntu: kernel.apparmor_restrict_unprivileged_userns=0)"
    );
    assert_eq!(
        super::namespace_problem(CloneFlags::NEWNS, Errno::ENOMEM),
        "cannot make the namespaces of the empty root: clone(CLONE_NEWNS): ENOMEM: Cannot \
         allocate memory"
    );
}

/// A step of the child that failed is named with what it was doing, and what to do when
/// that is known.
#[test]
fn a_failed_step_is_named() {
    use super::root::Step;
    let options = super::Options {
        cwd: c"/work",
        hostname: b"h",
        timeout: None,
    };
    let name = |step, index, ids| super::step_name(step, index, &options, ids);
    assert_eq!(name(Step::Proc, 0, None), "mount proc at /proc");
    assert_eq!(name(Step::Device, 5, None), "mknod /dev/tty");
    assert_eq!(
        name(Step::Device, 0, Some((1000, 1000))),
        "bind-mount this machine's /dev/null"
    );
    assert_eq!(
        name(Step::UidMap, 0, Some((1000, 100))),
        "write /proc/self/uid_map (root inside is user ID 1000 outside)"
    );
    assert_eq!(name(Step::Mask, 3, None), "mask /proc/keys");
    assert_eq!(
        name(Step::WorkingDirectory, 0, None),
        "change to the working directory /work"
    );
    assert_eq!(
        super::hint(Step::Overlay, Errno::EINVAL, true),
        "; an overlay in a user namespace needs Linux 5.11 or later: run as root on an older \
         kernel"
    );
    assert_eq!(super::hint(Step::Proc, Errno::EIO, false), "");
    // Every step has its number in the table the parent reads.
    for (i, step) in Step::ALL.iter().enumerate() {
        assert_eq!(*step as usize, i, "{step:?}");
    }
}
