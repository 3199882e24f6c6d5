//! Least privilege (docs/least-privilege.md): the image under the committed seccomp profile and
//! every restriction of `cargo make run-locked`, with control runs that show the profile is
//! applied; hello-locked, which installs its own filter; the kit's filter installed for real by
//! the self-test; and how the programs behave when things go wrong (closed, full or broken
//! standard output, a small address-space limit).
//!
//! Related checks elsewhere: hello-nostd with standard output closed or `/dev/full` is in
//! `hello.rs`; a signal interrupting a blocking `read` of the kit is in
//! `syscall-kit/tests/signal.rs`; the seccomp filter's program and its install in a std
//! process are in `syscall-kit/tests/seccomp.rs`.

use std::path::Path;
use std::process::{Command, Output, Stdio};

use system_tests::{
    Arch, TempDir, TestImages, cargo_make, committed_profile, engine_lock, engine_setup_hint,
    locked_run_flags, nostd_bin, nostd_bin_for, require_tool, run, strace, task_stdout,
    test_image_name, workspace_root,
};

const HELLO: &str = "Hello, world!\n";
const SIGPIPE: i32 = 13;
const SIGSYS: i32 = 31;

/// The system calls the committed profile allows: hello-nostd's two, and what runc 1.1 makes
/// between installing the profile and `execve` (see the profile's comments).
const PROFILE_CALLS: [&str; 9] = [
    "write",
    "exit_group",
    "close",
    "openat",
    "fstatfs",
    "getdents64",
    "futex",
    "rt_sigreturn",
    "execve",
];

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Builds the image from the committed Dockerfile under a unique name (no layer cache, so that
/// it is an image of its own; see `image.rs`).
fn podman_build(what: &str) -> TestImages {
    let _bin = nostd_bin("hello-nostd");
    let name = test_image_name(what);
    let image = TestImages::new("podman", &[&name]);
    let out = run(Command::new("podman")
        .args(["build", "--layers=false", "--tag", image.name(), "--file"])
        .arg(workspace_root().join("Dockerfile"))
        .arg(workspace_root()));
    assert!(
        out.status.success(),
        "podman build: {}{}",
        text(&out.stderr),
        engine_setup_hint()
    );
    image
}

/// `podman run` of `image` with every restriction of run-locked and the seccomp profile
/// `profile`.
fn podman_run_locked(image: &str, profile: &Path) -> Output {
    run(Command::new("podman")
        .args(["run", "--rm"])
        .args(locked_run_flags(Some(profile)))
        .arg(image))
}

/// The system-call names of every `"names": [...]` list of a Docker/Podman seccomp profile.
fn profile_names(json: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut rest = json;
    while let Some(start) = rest.find("\"names\"") {
        rest = &rest[start..];
        let open = rest.find('[').expect("a names list");
        let close = rest.find(']').expect("end of a names list");
        names.extend(
            rest[open + 1..close]
                .split(',')
                .map(|s| s.trim().trim_matches('"').to_string())
                .filter(|s| !s.is_empty()),
        );
        rest = &rest[close..];
    }
    names
}

#[test]
fn the_committed_profile_refuses_by_default_and_allows_exactly_the_documented_calls() {
    let json = std::fs::read_to_string(committed_profile()).unwrap();
    assert!(
        json.contains(r#""defaultAction": "SCMP_ACT_ERRNO""#),
        "anything not listed fails with an error"
    );
    let mut names = profile_names(&json);
    names.sort();
    let mut expected = PROFILE_CALLS.map(String::from).to_vec();
    expected.sort();
    assert_eq!(names, expected);
    assert_eq!(json.matches("SCMP_ACT_ALLOW").count(), 2, "{json}");
    assert!(!json.contains("\"args\""), "no argument conditions");
}

/// `cargo make run-locked`: the image under the committed profile, read-only, without
/// capabilities, network or root, and with no-new-privileges, prints the line; the task prints
/// the command it ran, with every one of those flags.
#[test]
fn cargo_make_run_locked_runs_the_image_under_the_profile_and_every_restriction() {
    let _engine = engine_lock();
    let _bin = nostd_bin("hello-nostd");
    if !require_tool("podman", "podman") {
        return;
    }
    let image = TestImages::new("podman", &[&test_image_name("locked")]);
    let out = run(cargo_make()
        .arg("run-locked")
        .env("CONTAINER_ENGINE", "podman")
        .env("HELLO_IMAGE", image.name()));
    let stderr = text(&out.stderr);
    assert!(
        out.status.success(),
        "cargo make run-locked: {stderr}{}",
        engine_setup_hint()
    );
    let stdout = task_stdout(&out);
    assert!(stdout.ends_with(HELLO), "stdout: {stdout:?}");
    let flags = locked_run_flags(Some(Path::new("seccomp/hello-nostd.json")));
    let expected = format!("+ podman run --rm {} {}\n", flags.join(" "), image.name());
    assert!(
        stderr.contains(&expected),
        "the printed command, {expected:?}, is not in: {stderr}"
    );
}

/// The control: the same run under the profile without `write` fails, and nothing is printed.
/// (It fails already in runc, which writes its exec FIFO after installing the profile; the next
/// test shows the program itself is under the profile.)
#[test]
fn under_the_profile_without_write_the_run_fails() {
    let _engine = engine_lock();
    if !require_tool("podman", "podman") {
        return;
    }
    let image = podman_build("nowrite");
    let json = std::fs::read_to_string(committed_profile()).unwrap();
    let without_write = json.replacen(r#"["write", "#, "[", 1);
    assert_eq!(
        profile_names(&without_write).len(),
        PROFILE_CALLS.len() - 1,
        "write was removed from {without_write}"
    );
    let dir = TempDir::new("seccomp-nowrite");
    let profile = dir.path().join("no-write.json");
    std::fs::write(&profile, &without_write).unwrap();

    // The same image and flags work with the committed profile...
    let out = podman_run_locked(image.name(), &committed_profile());
    assert_eq!(
        text(&out.stdout),
        HELLO,
        "{}{}",
        text(&out.stderr),
        engine_setup_hint()
    );
    // ...and not without write.
    let out = podman_run_locked(image.name(), &profile);
    assert!(!out.status.success(), "the run succeeded without write");
    assert_eq!(text(&out.stdout), "");
}

/// A sharper control: `write` allowed to every descriptor but 1. runc (which writes to its exec
/// FIFO) starts the program, whose `write` to standard output fails with `EPERM`, the profile's
/// error; hello-nostd says so on standard error, which the profile lets through, and exits 1.
#[test]
fn with_write_refused_on_stdout_only_hello_nostd_reports_eperm_and_exits_1() {
    let _engine = engine_lock();
    if !require_tool("podman", "podman") {
        return;
    }
    let image = podman_build("stdout-eperm");
    let json = std::fs::read_to_string(committed_profile()).unwrap();
    let write_rule = r#"{
      "names": ["write"],
      "action": "SCMP_ACT_ALLOW",
      "args": [{ "index": 0, "value": 1, "op": "SCMP_CMP_NE" }]
    },
    "#;
    let controlled = json.replacen(r#"["write", "#, "[", 1).replacen(
        r#""syscalls": ["#,
        &format!("\"syscalls\": [{write_rule}"),
        1,
    );
    assert!(controlled.contains("SCMP_CMP_NE"), "{controlled}");
    let dir = TempDir::new("seccomp-stdout");
    let profile = dir.path().join("no-stdout.json");
    std::fs::write(&profile, &controlled).unwrap();

    let out = podman_run_locked(image.name(), &profile);
    assert_eq!(text(&out.stdout), "");
    assert_eq!(
        text(&out.stderr),
        "hello-nostd: stdout: EPERM\n",
        "{}",
        engine_setup_hint()
    );
    assert_eq!(out.status.code(), Some(1));
}

fn hello_locked() -> std::path::PathBuf {
    nostd_bin("hello-locked")
}

#[test]
fn hello_locked_prints_the_line_and_is_a_static_executable_of_at_most_1536_bytes() {
    let out = run(&mut Command::new(hello_locked()));
    assert_eq!(text(&out.stdout), HELLO);
    assert_eq!(text(&out.stderr), "");
    assert_eq!(out.status.code(), Some(0));
    let data = std::fs::read(hello_locked()).unwrap();
    assert!(data.len() <= 1536, "hello-locked is {} bytes", data.len());
    assert_eq!(&data[..4], b"\x7fELF");
    assert_eq!(u16::from_le_bytes([data[16], data[17]]), 2, "ET_EXEC");
}

/// Its whole system-call list: the filter's two calls, then hello-nostd's two.
#[test]
fn hello_locked_makes_exactly_four_system_calls_and_installs_its_filter_first() {
    let Some((out, calls)) = strace(&hello_locked(), &[]) else {
        return;
    };
    assert_eq!(text(&out.stdout), HELLO);
    let calls: Vec<String> = calls.iter().map(|c| without_addresses(c)).collect();
    assert_eq!(
        calls,
        [
            "prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) = 0",
            "seccomp(SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC|SECCOMP_FILTER_FLAG_TSYNC_ESRCH, {len=8, filter=ADDR}) = 0",
            r#"write(1, "Hello, world!\n", 14) = 14"#,
            "exit_group(0) = ?",
        ]
    );
}

/// `0x7ffc…` addresses in an strace line replaced by `ADDR`.
fn without_addresses(line: &str) -> String {
    let mut out = String::new();
    let mut rest = line;
    while let Some(i) = rest.find("0x") {
        out.push_str(&rest[..i]);
        rest = rest[i + 2..].trim_start_matches(|c: char| c.is_ascii_hexdigit());
        out.push_str("ADDR");
    }
    out + rest
}

/// On its error paths too hello-locked stays inside its filter: standard output closed or full
/// is reported on standard error (a `write`) with exit status 1, not a `SIGSYS`.
#[test]
fn hello_locked_reports_a_closed_or_full_stdout_and_exits_1_inside_its_filter() {
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let out = run(Command::new(hello_locked()).stdout(full));
    assert_eq!(text(&out.stderr), "hello-locked: stdout: ENOSPC\n");
    assert_eq!(out.status.code(), Some(1));

    let out = run(Command::new("sh")
        .arg("-c")
        .arg("exec \"$0\" >&-")
        .arg(hello_locked()));
    assert_eq!(text(&out.stderr), "hello-locked: stdout: EBADF\n");
    assert_eq!(out.status.code(), Some(1));
}

/// qemu-user (7.2) does not implement `seccomp(2)`: under it, hello-locked refuses to run
/// unconfined. The foreign architectures' filter programs are checked by the self-test's BPF
/// interpreter instead (`cargo make test-arch`).
#[test]
fn hello_locked_under_qemu_user_refuses_to_run_without_its_filter() {
    for arch in Arch::ALL.into_iter().filter(|a| !a.native()) {
        let qemu = arch.qemu().unwrap();
        if !require_tool(qemu, "qemu-user") {
            return;
        }
        let out = run(Command::new(qemu)
            .args(arch.qemu_args())
            .arg(nostd_bin_for(arch, "hello-locked")));
        assert_eq!(text(&out.stdout), "", "{}", arch.name());
        assert_eq!(
            text(&out.stderr),
            "hello-locked: seccomp: ENOSYS\n",
            "{}",
            arch.name()
        );
        assert_eq!(out.status.code(), Some(1), "{}", arch.name());
    }
}

/// The kit's filter on the foreign architecture this x86_64 kernel runs itself (i686: the
/// i386 ABI, `AUDIT_ARCH_I386`), for real: hello-locked installs it and prints its line, the
/// self-test's `getpid` outside the allow-list is killed by `SIGSYS` or refused with `EPERM`.
#[test]
fn the_filter_works_for_real_on_i686() {
    use std::os::unix::process::ExitStatusExt;
    for arch in Arch::ALL
        .into_iter()
        .filter(|a| a.native() && a.qemu().is_some())
    {
        let out = run(&mut Command::new(nostd_bin_for(arch, "hello-locked")));
        assert_eq!(text(&out.stdout), "Hello, world!\n", "{arch:?}: {out:?}");
        assert_eq!(out.status.code(), Some(0), "{arch:?}");
        let selftest = nostd_bin_for(arch, "kit-selftest");
        let out = run(Command::new(&selftest).arg("--seccomp-kill"));
        assert_eq!(text(&out.stdout), "filter installed\n", "{arch:?}");
        assert_eq!(out.status.signal(), Some(SIGSYS), "{arch:?}: {out:?}");
        let out = run(Command::new(&selftest).arg("--seccomp-errno"));
        assert_eq!(
            text(&out.stdout),
            "filter installed\ngetpid: EPERM: Operation not permitted\n",
            "{arch:?}"
        );
        assert_eq!(out.status.code(), Some(0), "{arch:?}");
    }
}

/// The kit's filter in a no_std program, for real: after allowing `write` and `exit_group`
/// with the kill action, `getpid` kills the process with `SIGSYS`; the `write` before it works.
#[test]
fn selftest_getpid_outside_the_allow_list_is_killed_by_sigsys() {
    use std::os::unix::process::ExitStatusExt;
    let out = run(Command::new(nostd_bin("kit-selftest")).arg("--seccomp-kill"));
    assert_eq!(text(&out.stdout), "filter installed\n");
    assert_eq!(
        out.status.signal(),
        Some(SIGSYS),
        "{:?}: {}",
        out.status,
        text(&out.stderr)
    );
}

/// With `EPERM` as the action, `getpid` fails with it and the program goes on.
#[test]
fn selftest_getpid_outside_the_allow_list_gets_the_chosen_errno() {
    let out = run(Command::new(nostd_bin("kit-selftest")).arg("--seccomp-errno"));
    assert_eq!(
        text(&out.stdout),
        "filter installed\ngetpid: EPERM: Operation not permitted\n"
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
}

/// Standard output is a pipe whose reader has gone (closed before the program starts, so
/// nothing can hang). With `SIGPIPE` at its default, as a shell starts programs, the `write`
/// raises it and the program dies of it, silently; with `SIGPIPE` ignored (inherited through
/// `execve`), the `write` fails with `EPIPE`, reported on standard error, and the exit status
/// is 1. The same for hello-locked, whose filter is not involved: a signal is no system call.
#[test]
fn stdout_a_pipe_without_reader_is_sigpipe_or_with_sigpipe_ignored_epipe_and_exit_1() {
    use std::os::unix::process::ExitStatusExt;
    for (bin, name) in [
        (nostd_bin("hello-nostd"), "hello-nostd"),
        (hello_locked(), "hello-locked"),
    ] {
        // Default disposition: std's Command resets SIGPIPE to SIG_DFL in the child.
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let out = run(Command::new(&bin).stdout(writer).stderr(Stdio::piped()));
        assert_eq!(
            out.status.signal(),
            Some(SIGPIPE),
            "{name}: {:?}",
            out.status
        );
        assert_eq!(text(&out.stderr), "", "{name}");

        // SIGPIPE ignored by the shell, which then execs the program.
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let out = run(Command::new("sh")
            .arg("-c")
            .arg("trap '' PIPE; exec \"$0\"")
            .arg(&bin)
            .stdout(writer)
            .stderr(Stdio::piped()));
        assert_eq!(text(&out.stderr), format!("{name}: stdout: EPIPE\n"));
        assert_eq!(out.status.code(), Some(1), "{name}");
    }
}

/// A program that allocates, under a 16 MiB address-space limit (`ulimit -v`): the kernel
/// refuses to grow the heap, and the kit's out-of-memory path prints the one line
/// `kit-selftest: out of memory (N bytes)` and exits with 101, no crash. Without the limit the same run succeeds.
#[test]
fn a_small_address_space_limit_is_a_clean_out_of_memory_exit_101() {
    let selftest = nostd_bin("kit-selftest");
    let control = run(Command::new(&selftest).args(["--alloc-mib", "64"]));
    assert_eq!(text(&control.stdout), "allocated 64 MiB\n");
    assert_eq!(control.status.code(), Some(0));

    let out = run(Command::new("sh")
        .arg("-c")
        .arg("ulimit -v 16384 && exec \"$0\" --alloc-mib 64")
        .arg(&selftest));
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(101), "{:?}: {stderr}", out.status);
    assert_eq!(text(&out.stdout), "", "the allocation never completed");
    assert_eq!(stderr, "kit-selftest: out of memory (1048576 bytes)\n");
}
