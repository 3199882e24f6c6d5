//! `scratch_doctor::check::run_in` and `scratch-doctor --run-in DIR -- COMMAND`, against the
//! kernel: a static C program (fixtures/run_in.c) alone in a directory, run in the empty root
//! made of it. Its exit status, signal, output and a command that does not start come back as
//! they are; it is process 1, with the host name and working directory asked for; a program
//! that outlives its time limit is killed with everything it started; what it writes never
//! reaches the directory; a failure of the runner is one line and exit status 2. The same
//! outcomes against Podman's `FROM scratch` are system-tests/tests/run_in.rs.

mod common;

use std::ffi::CString;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use common::{TempDir, doctor, gcc, texts};
use scratch_doctor::check::{self, Options, Status};
use system_tests::leftovers::{listing, processes_with_env};
use system_tests::{is_root, require_empty_root, require_tool};

/// A directory holding the fixture, static, as `/run-in`, and the files `/data` and `/gone`
/// (which `run-in write` changes); readable by every user (for the unprivileged runs).
fn root_dir() -> Option<(TempDir, PathBuf)> {
    if !require_empty_root() {
        return None;
    }
    let tmp = TempDir::new("doctor-run-in");
    std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let root = tmp.path().join("root");
    std::fs::create_dir(&root).unwrap();
    gcc(&root, "run_in.c", "run-in", &["-static", "-O2"])?;
    std::fs::write(root.join("data"), "data\n").unwrap();
    std::fs::write(root.join("gone"), "gone\n").unwrap();
    Some((tmp, root))
}

fn c(s: &str) -> CString {
    CString::new(s).unwrap()
}

/// The marker of this test process's runs through `how`, in their environment: a process of a
/// run left running is found by it.
fn marker(how: &str) -> String {
    format!("RUN_IN_TEST_MARKER={}", marker_value(how))
}

/// The value of [`marker`].
fn marker_value(how: &str) -> String {
    format!("doctor-{}-{how}", std::process::id())
}

/// Runs `args` (`/run-in` first) through the library in the empty root of `root`, with `PATH`
/// and the [`marker`] `library` as its environment.
fn run(root: &Path, args: &[&str], timeout: Option<Duration>) -> check::Outcome {
    run_marked(root, args, timeout, "library")
}

/// [`run`] with the [`marker`] `how`.
fn run_marked(root: &Path, args: &[&str], timeout: Option<Duration>, how: &str) -> check::Outcome {
    let argv: Vec<CString> = std::iter::once("/run-in")
        .chain(args.iter().copied())
        .map(c)
        .collect();
    let argv: Vec<&std::ffi::CStr> = argv.iter().map(|a| a.as_c_str()).collect();
    let marker = c(&marker(how));
    let env = [c"PATH=/usr/bin:/bin", marker.as_c_str()];
    let dir = c(root.to_str().unwrap());
    let options = Options {
        cwd: c"/",
        hostname: check::DEFAULT_HOSTNAME,
        timeout,
    };
    check::run_in(&dir, &argv[..], &env[..], &options)
        .unwrap_or_else(|e| panic!("run_in {args:?}: {e}"))
}

#[test]
fn exit_status_signal_and_output_come_back_as_they_are() {
    let Some((_tmp, root)) = root_dir() else {
        return;
    };
    let o = run(&root, &["exit", "7"], None);
    assert_eq!((o.status, o.stdout.bytes.len()), (Status::Exited(7), 0));
    let o = run(&root, &["segv"], None);
    assert_eq!(o.status, Status::Killed(11));
    // Process 1 of a PID namespace ignores a signal it sends itself without a handler.
    let o = run(&root, &["raise"], None);
    assert_eq!(o.status, Status::Exited(99));
    let o = run(&root, &["nonsense"], None);
    assert_eq!(o.status, Status::Exited(2));
    assert_eq!(
        String::from_utf8_lossy(&o.stderr.bytes),
        "usage: run-in exit N | segv | raise | where | write | linger | output N\n"
    );
    // Past the limit of what is kept, the rest is counted.
    let n = check::OUTPUT_LIMIT as u64 + 12345;
    let o = run(&root, &["output", &n.to_string()], None);
    assert_eq!(o.status, Status::Exited(0));
    assert_eq!(
        (o.stdout.bytes.len(), o.stdout.total),
        (check::OUTPUT_LIMIT, n)
    );
}

#[test]
fn a_command_that_is_not_there_does_not_start() {
    let Some((_tmp, root)) = root_dir() else {
        return;
    };
    let dir = c(root.to_str().unwrap());
    let options = Options {
        cwd: c"/",
        hostname: check::DEFAULT_HOSTNAME,
        timeout: None,
    };
    let env = [c"PATH=/usr/bin:/bin"];
    for argv in [&[c"/bin/sh", c"-c", c"true"][..], &[c"true"][..]] {
        let o = check::run_in(&dir, argv, &env[..], &options).unwrap();
        assert_eq!(
            o.status,
            Status::NotStarted(syscall_kit::Errno::ENOENT),
            "{argv:?}"
        );
    }
}

/// Process 1 of its PID namespace (its parent outside: 0), with the host name and working
/// directory asked for (made in the root when missing); as root it is root, and in a user
/// namespace root too.
#[test]
fn the_command_is_process_1_with_the_host_name_and_directory_asked_for() {
    let Some((_tmp, root)) = root_dir() else {
        return;
    };
    let dir = c(root.to_str().unwrap());
    let options = Options {
        cwd: c"/work/here",
        hostname: b"test-host",
        timeout: None,
    };
    let o = check::run_in(&dir, &[c"/run-in", c"where"][..], &[c"X=1"][..], &options).unwrap();
    assert_eq!(o.status, Status::Exited(0), "{o:?}");
    assert_eq!(
        String::from_utf8_lossy(&o.stdout.bytes),
        "pid 1 ppid 0 host test-host cwd /work/here uid 0\n"
    );
    assert!(
        !root.join("work").exists(),
        "the working directory was made in DIR"
    );
}

/// What the command writes, creates and removes in its root stays in the root's tmpfs: the
/// directory is the same, file by file, before and after.
#[test]
fn the_directory_is_never_changed() {
    let Some((_tmp, root)) = root_dir() else {
        return;
    };
    let before = listing(&root);
    let o = run(&root, &["write"], None);
    assert_eq!(
        (
            o.status,
            String::from_utf8_lossy(&o.stdout.bytes).into_owned()
        ),
        (Status::Exited(0), "written\n".into()),
        "{}",
        String::from_utf8_lossy(&o.stderr.bytes)
    );
    assert_eq!(listing(&root), before);
}

/// A command still running at its time limit is killed, and the child it started with it (the
/// kernel ends a PID namespace with its process 1): no process of the run is left.
#[test]
fn at_the_time_limit_the_command_and_all_it_started_are_killed() {
    let Some((_tmp, root)) = root_dir() else {
        return;
    };
    let o = run_marked(&root, &["linger"], Some(Duration::from_secs(2)), "linger");
    assert_eq!(o.status, Status::TimedOut(Duration::from_secs(2)));
    assert_eq!(String::from_utf8_lossy(&o.stdout.bytes), "lingering\n");
    assert_eq!(
        processes_with_env(&marker("linger")),
        Vec::<String>::new(),
        "left running"
    );
}

/// `scratch-doctor --run-in ARGS…`, with the [`marker`] `cli` in its environment (which the
/// command gets).
fn doctor_run_in(args: &[&std::ffi::OsStr]) -> std::process::Output {
    Command::new(doctor())
        .env("RUN_IN_TEST_MARKER", marker_value("cli"))
        .arg("--run-in")
        .args(args)
        .output()
        .unwrap()
}

/// The command line: the command's output as it was, its status on a line of its own at the
/// end of standard error, and the doctor's status 0 (it exited with 0) or 1 (otherwise).
#[test]
fn the_command_line_prints_the_output_and_the_status() {
    let Some((_tmp, root)) = root_dir() else {
        return;
    };
    let r = root.as_os_str();
    let shown = root.display();
    for (args, code, stdout, last) in [
        (
            &["where"][..],
            0,
            "pid 1 ppid 0 host scratch-doctor cwd / uid 0\n",
            "exit status 0",
        ),
        (&["exit", "3"][..], 1, "", "exit status 3"),
        (&["segv"][..], 1, "", "killed by signal 11 (SIGSEGV)"),
    ] {
        let mut all: Vec<&std::ffi::OsStr> = vec![r, "--".as_ref(), "/run-in".as_ref()];
        all.extend(args.iter().map(std::ffi::OsStr::new));
        let out = doctor_run_in(&all);
        let (out_text, err_text) = texts(&out);
        assert_eq!(out.status.code(), Some(code), "{args:?}: {err_text}");
        assert_eq!(out_text, stdout, "{args:?}");
        assert_eq!(
            err_text,
            format!("scratch-doctor: in the empty root of {shown}: {last}\n"),
            "{args:?}"
        );
    }
    let out = doctor_run_in(&[
        r,
        "--timeout".as_ref(),
        "1".as_ref(),
        "--".as_ref(),
        "/run-in".as_ref(),
        "linger".as_ref(),
    ]);
    let (_, err_text) = texts(&out);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        processes_with_env(&marker("cli")),
        Vec::<String>::new(),
        "left running"
    );
    assert_eq!(
        err_text,
        format!(
            "scratch-doctor: in the empty root of {shown}: still running after 1 s (killed at \
             the time limit)\n"
        )
    );
}

/// Bad usage and a directory that cannot be used: one line, exit status 2, nothing run.
#[test]
fn usage_errors_and_a_missing_directory_are_one_line_and_status_2() {
    for (args, line) in [
        (
            &["--run-in", "/"][..],
            "--run-in needs a command: --run-in DIR -- COMMAND [ARG...]",
        ),
        (
            &["--run-in", "/", "--timeout", "0", "--", "/x"][..],
            "--timeout: not a duration: 0 (say 30s, 500ms, 2m)",
        ),
        (
            &["--timeout", "5", "/bin/ls"][..],
            "--timeout needs --trace or --run-in DIR (see --help)",
        ),
        (
            &["--run-in", "/", "--json", "--", "/x"][..],
            "--run-in takes no other option but --timeout (see --help)",
        ),
        (
            &["--run-in", "/nonexistent/dir", "--", "/x"][..],
            "cannot open the directory /nonexistent/dir: ENOENT: No such file or directory",
        ),
    ] {
        let out = Command::new(doctor()).args(args).output().unwrap();
        let (stdout, stderr) = texts(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert_eq!(stdout, "", "{args:?}");
        assert_eq!(stderr, format!("scratch-doctor: {line}\n"), "{args:?}");
    }
}

/// Unprivileged, the root is made in a user namespace: the same outcome (root inside), with
/// this machine's device files bound in.
#[test]
fn an_unprivileged_user_gets_the_same_outcome_in_a_user_namespace() {
    let Some((_tmp, root)) = root_dir() else {
        return;
    };
    if !is_root() {
        // Already unprivileged: the tests above ran in a user namespace.
        return;
    }
    if !require_tool("setpriv", "util-linux") {
        return;
    }
    let out = Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
        .arg(doctor())
        .arg("--run-in")
        .arg(&root)
        .args(["--", "/run-in", "where"])
        .output()
        .unwrap();
    let (stdout, stderr) = texts(&out);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert_eq!(stdout, "pid 1 ppid 0 host scratch-doctor cwd / uid 0\n");
    let meta = std::fs::metadata(root.join("run-in")).unwrap();
    assert_eq!(meta.uid(), 0, "the directory stays root's");
}
