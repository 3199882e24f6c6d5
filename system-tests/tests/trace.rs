//! `scratch-doctor --trace`: real programs on the real kernel. Each case runs a program under
//! the tracer and checks what its `--json` report names: `date` with `TZ` (its zoneinfo file),
//! Python importing its standard library, and the tracees of `fixtures/trace/tracee.c` (built
//! here with gcc) doing the odd things programs do: relative paths after `chdir`, a directory
//! descriptor used across `fork`, files opened from threads, `posix_spawn` (vfork + exec), an
//! `int 0x80` open from a 64-bit process, a seccomp filter of its own, a set-user-ID program, a
//! bounded fork bomb, a tracee that signals its tracer, one that ignores every signal and never
//! exits (`--timeout`), one that `chroot`s. Then `--copy-closure` of traced runs, run again in an empty root
//! (`unshare --root`, as root) with the same output as here, where the closure alone fails.
//!
//! After each case no process of it is left: its marker (a unique directory or argument) is in
//! no `/proc/PID/cmdline`.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::{Value, json};
use system_tests::scratch_image;
use system_tests::{
    TempDir, TestImages, engine_lock, nostd_bin, require_empty_root, require_root, require_tool,
    run, skip_or_fail, test_image_name,
};

/// scratch-doctor with `args`, its environment changed by `env`.
fn doctor(args: &[&OsStr], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(nostd_bin("scratch-doctor"));
    cmd.args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    run(&mut cmd)
}

/// `scratch-doctor --trace --json [OPTIONS] -- COMMAND...`: its output, and the report (the
/// last line of standard output, after the command's own).
fn trace(options: &[&str], command: &[&OsStr], env: &[(&str, &str)]) -> (Output, Value) {
    let mut args: Vec<&OsStr> = vec!["--trace".as_ref(), "--json".as_ref()];
    args.extend(options.iter().map(OsStr::new));
    args.push("--".as_ref());
    args.extend(command);
    let out = doctor(&args, env);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let last = stdout.lines().last().unwrap_or_default();
    let report = serde_json::from_str(last).unwrap_or_else(|e| {
        panic!(
            "the report is not JSON ({e}): {stdout}\nstderr: {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out, report)
}

/// The command's own standard output: every line but the report's.
fn command_stdout(out: &Output) -> String {
    let stdout = String::from_utf8_lossy(&out.stdout);
    let mut lines: Vec<&str> = stdout.lines().collect();
    lines.pop();
    lines.iter().map(|l| format!("{l}\n")).collect()
}

/// The paths of a list of the report (`files`, `absent`: objects with `path`; the others: strings).
fn paths(report: &Value, list: &str) -> Vec<String> {
    report[list]
        .as_array()
        .unwrap_or_else(|| panic!("no {list} in {report}"))
        .iter()
        .map(|v| {
            v.as_str()
                .or_else(|| v["path"].as_str())
                .unwrap_or_default()
                .to_string()
        })
        .collect()
}

fn warnings(report: &Value) -> Vec<String> {
    paths(report, "warnings")
}

/// Panics unless no process has `marker` in its command line (`/proc/PID/cmdline`). A process
/// killed a moment ago may still be ending: it is looked for again, for a bounded time, before
/// the test fails (the bound is not an assertion about time: a process left running is still
/// there at its end).
fn assert_none_left(marker: &str) {
    let mut left = Vec::new();
    for _ in 0..100 {
        left = processes_with(marker);
        if left.is_empty() {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    panic!("processes of the trace are left: {left:?}");
}

fn processes_with(marker: &str) -> Vec<String> {
    let me = std::process::id().to_string();
    std::fs::read_dir("/proc")
        .unwrap()
        .flatten()
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .bytes()
                .all(|b| b.is_ascii_digit())
        })
        .filter(|e| e.file_name().to_string_lossy() != me)
        .filter_map(|e| {
            let cmdline = std::fs::read(e.path().join("cmdline")).ok()?;
            let cmdline = String::from_utf8_lossy(&cmdline).replace('\0', " ");
            cmdline
                .contains(marker)
                .then(|| format!("{}: {cmdline}", e.file_name().to_string_lossy()))
        })
        .collect()
}

/// The tracee program, built once per test process into `dir`; `None` when gcc is missing
/// outside CI.
fn tracee(dir: &Path) -> Option<PathBuf> {
    if !require_tool("gcc", "gcc") {
        return None;
    }
    let source = system_tests::workspace_root().join("system-tests/fixtures/trace/tracee.c");
    let bin = dir.join("tracee");
    let out = run(Command::new("gcc")
        .args(["-O1", "-Wall", "-Werror", "-pthread", "-no-pie", "-o"])
        .arg(&bin)
        .arg(&source));
    assert!(
        out.status.success(),
        "gcc tracee.c: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(bin)
}

/// A directory for one case, with the tracee and the files it opens: `a.txt`, `sub/b.txt`,
/// `c.txt`, `thread-0..3.txt`, `int80.txt`, `own-seccomp.txt`, `euid.txt`, `bomb.txt`.
struct Case {
    dir: TempDir,
    bin: PathBuf,
}

impl Case {
    fn new(name: &str) -> Option<Case> {
        let dir = TempDir::new(&format!("trace-{name}"));
        let bin = tracee(dir.path())?;
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        for f in [
            "a.txt",
            "sub/b.txt",
            "c.txt",
            "thread-0.txt",
            "thread-1.txt",
            "thread-2.txt",
            "thread-3.txt",
            "int80.txt",
            "own-seccomp.txt",
            "euid.txt",
            "bomb.txt",
        ] {
            std::fs::write(dir.path().join(f), f).unwrap();
        }
        Some(Case { dir, bin })
    }

    fn path(&self, name: &str) -> String {
        self.dir.join(name)
    }

    /// The marker of its processes: its directory, their second argument.
    fn marker(&self) -> String {
        self.dir.path().display().to_string()
    }

    /// `tracee MODE DIR EXTRA...` under `--trace OPTIONS`.
    fn trace(&self, options: &[&str], mode: &str, extra: &[&str]) -> (Output, Value) {
        let mut command: Vec<&OsStr> = vec![
            self.bin.as_os_str(),
            mode.as_ref(),
            self.dir.path().as_os_str(),
        ];
        command.extend(extra.iter().map(OsStr::new));
        let result = trace(options, &command, &[]);
        assert_none_left(&self.marker());
        result
    }

    /// `tracee MODE DIR EXTRA...` untraced.
    fn untraced(&self, mode: &str, extra: &[&str]) -> Output {
        run(Command::new(&self.bin)
            .arg(mode)
            .arg(self.dir.path())
            .args(extra))
    }
}

fn status(out: &Output) -> Option<i32> {
    out.status.code()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn date_with_tz_opens_its_zoneinfo_file() {
    let zone = "/usr/share/zoneinfo/Asia/Shanghai";
    if !Path::new(zone).exists() {
        skip_or_fail(&format!("{zone} missing (Debian package tzdata)"));
        return;
    }
    let (out, report) = trace(
        &[],
        &["date".as_ref(), "+%Z".as_ref()],
        &[("TZ", "Asia/Shanghai")],
    );
    assert_eq!(status(&out), Some(0), "{}", stderr(&out));
    assert_eq!(command_stdout(&out), "CST\n", "the time zone reached date");
    assert!(
        paths(&report, "files").contains(&zone.to_string()),
        "{report}"
    );
    let executed = paths(&report, "executed");
    assert!(
        executed.iter().any(|p| p.ends_with("/date")),
        "{executed:?}"
    );
    // Its closure: the ELF interpreter and libc, which no traced call opens for the kernel.
    let closure = &report["executed"][0]["closure"]["objects"];
    let vias: Vec<&str> = closure
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["via"].as_str().unwrap())
        .collect();
    assert!(vias.contains(&"PT_INTERP"), "{closure}");
    assert_eq!(report["all_good"], true);
}

/// The path of a module of this machine's python3 (`json.__file__`).
fn python_module(module: &str) -> Option<String> {
    if !require_tool("python3", "python3") {
        return None;
    }
    let out =
        run(Command::new("python3")
            .args(["-c", &format!("import {module}; print({module}.__file__)")]));
    assert!(out.status.success(), "{}", stderr(&out));
    Some(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

#[test]
fn python_importing_json_opens_its_standard_library() {
    let Some(json_init) = python_module("json") else {
        return;
    };
    let marker = format!("trace-python-{}", std::process::id());
    let (out, report) = trace(
        &[],
        &[
            "python3".as_ref(),
            "-c".as_ref(),
            "import json, sys".as_ref(),
            marker.as_ref(),
        ],
        &[],
    );
    assert_eq!(status(&out), Some(0), "{}", stderr(&out));
    assert_none_left(&marker);
    let files = paths(&report, "files");
    assert!(files.contains(&json_init), "{json_init} not in {files:?}");
    // The standard library's os module, by the same directory.
    let stdlib = Path::new(&json_init).parent().unwrap().parent().unwrap();
    assert!(
        files.contains(&stdlib.join("os.py").display().to_string()),
        "{files:?}"
    );
    // Python searches: something absent before what it used.
    assert!(!paths(&report, "absent").is_empty(), "{report}");
    assert_eq!(report["all_good"], true);
}

#[test]
fn relative_paths_after_chdir_are_made_absolute() {
    let Some(case) = Case::new("chdir") else {
        return;
    };
    let (out, report) = case.trace(&[], "chdir", &[]);
    assert_eq!(status(&out), Some(0), "{}", stderr(&out));
    let files = paths(&report, "files");
    assert!(files.contains(&case.path("a.txt")), "{files:?}");
    assert!(files.contains(&case.path("sub/b.txt")), "{files:?}");
    assert!(files.contains(&case.path("sub/../a.txt")), "{files:?}");
    assert!(paths(&report, "absent").contains(&case.path("missing.txt")));
    assert!(
        paths(&report, "directories").contains(&case.marker()),
        "the chdir"
    );
}

/// The result of a call that only looks (a stat, an open for reading, a chdir …) is the
/// tracer's own lookup at the call's entry: for each such call the tracee makes, the report
/// says what the kernel answered it (found, or absent with the same error), for present and
/// missing files, `O_DIRECTORY` and a trailing `/` on a file, a component that is a file, a
/// dangling link with and without following it, and `readlink` of a file that is not a link.
#[test]
fn the_result_of_every_lookup_is_the_kernels() {
    let Some(case) = Case::new("results") else {
        return;
    };
    std::os::unix::fs::symlink("missing-target", case.path("dangling")).unwrap();
    let (out, report) = case.trace(&[], "results", &[]);
    assert_eq!(status(&out), Some(0), "{}", stderr(&out));
    let mut found = paths(&report, "files");
    found.extend(paths(&report, "directories"));
    found.extend(paths(&report, "links"));
    found.retain(|path| path.starts_with(&case.marker()));
    let absent: Vec<(String, String)> = report["absent"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            let field = |k: &str| a[k].as_str().unwrap_or_default().to_string();
            (field("path"), field("errno"))
        })
        .filter(|(path, _)| path.starts_with(&case.marker()))
        .collect();
    let lines = command_stdout(&out);
    let answers: Vec<(&str, &str)> = lines.lines().filter_map(|l| l.split_once(' ')).collect();
    assert_eq!(answers.len(), 13, "the tracee's lines: {lines}");
    for (path, errno) in answers {
        // readlink's EINVAL: the file is there, and is not a link.
        if errno == "0" || errno == "EINVAL" {
            assert!(found.contains(&path.to_string()), "{path} found: {found:?}");
        } else {
            assert!(
                absent.contains(&(path.to_string(), errno.to_string())),
                "{path} absent with {errno}: {absent:?}"
            );
        }
    }
}

/// After `chroot(DIR)`, absolute paths are under DIR (`/proc/PID/root`), for every thread of
/// the process.
#[test]
fn absolute_paths_after_chroot_are_under_the_new_root() {
    if !require_root("chroot(2)") {
        return;
    }
    let Some(case) = Case::new("chroot") else {
        return;
    };
    let (out, report) = case.trace(&[], "chroot", &[]);
    assert_eq!(status(&out), Some(0), "{}", stderr(&out));
    let files = paths(&report, "files");
    assert!(files.contains(&case.path("a.txt")), "{files:?}");
    assert!(
        files.contains(&case.path("thread-0.txt")),
        "from a thread: {files:?}"
    );
}

#[test]
fn a_directory_descriptor_is_resolved_in_the_child_that_uses_it_after_fork() {
    let Some(case) = Case::new("openat-fork") else {
        return;
    };
    let (out, report) = case.trace(&[], "openat-fork", &[]);
    assert_eq!(status(&out), Some(0), "{}", stderr(&out));
    assert!(
        paths(&report, "files").contains(&case.path("c.txt")),
        "{report}"
    );
    assert_eq!(report["traced"], 2, "the program and its child");
}

#[test]
fn files_opened_from_threads_are_all_seen() {
    let Some(case) = Case::new("threads") else {
        return;
    };
    let (out, report) = case.trace(&[], "threads", &[]);
    assert_eq!(status(&out), Some(0), "{}", stderr(&out));
    let files = paths(&report, "files");
    for i in 0..4 {
        assert!(
            files.contains(&case.path(&format!("thread-{i}.txt"))),
            "{i}: {files:?}"
        );
    }
    assert_eq!(report["traced"], 5, "the main thread and four");
}

#[test]
fn posix_spawn_vfork_and_exec_is_followed() {
    let Some(case) = Case::new("spawn") else {
        return;
    };
    let (out, report) = case.trace(&[], "spawn", &[]);
    assert_eq!(status(&out), Some(0), "{}", stderr(&out));
    let executed = paths(&report, "executed");
    assert_eq!(executed.len(), 2, "{executed:?}");
    assert!(executed[1].ends_with("/true"), "{executed:?}");
}

#[test]
fn an_int_0x80_open_from_a_64_bit_process_is_traced_with_the_i386_table() {
    let Some(case) = Case::new("int80") else {
        return;
    };
    let control = case.untraced("int80", &[]);
    if !control.status.success() {
        skip_or_fail(&format!(
            "int 0x80 does not work on this kernel (no IA32 emulation): {control:?}"
        ));
        return;
    }
    let (out, report) = case.trace(&[], "int80", &[]);
    assert_eq!(status(&out), Some(0), "{}", stderr(&out));
    assert_eq!(
        command_stdout(&out),
        String::from_utf8_lossy(&control.stdout)
    );
    assert!(
        paths(&report, "files").contains(&case.path("int80.txt")),
        "{report}"
    );
}

/// The tracee's own filter still decides its calls (mkdir refused with EPERM, as untraced: the
/// most severe action wins over the trace), and its opens are traced.
#[test]
fn a_tracee_with_a_seccomp_filter_of_its_own_is_traced() {
    let Some(case) = Case::new("own-seccomp") else {
        return;
    };
    let control = case.untraced("own-seccomp", &[]);
    let (out, report) = case.trace(&[], "own-seccomp", &[]);
    assert_eq!(status(&out), Some(0), "{}", stderr(&out));
    assert_eq!(command_stdout(&out), "mkdir: Operation not permitted\n");
    assert_eq!(
        command_stdout(&out),
        String::from_utf8_lossy(&control.stdout)
    );
    assert!(
        paths(&report, "files").contains(&case.path("own-seccomp.txt")),
        "{report}"
    );
}

/// A set-user-ID program runs without its privilege under the trace (no_new_privs): the
/// report says so, and the program shows it.
#[test]
fn a_set_user_id_program_is_named_and_runs_unprivileged() {
    if !require_root("a set-user-ID program owned by nobody") {
        return;
    }
    let Some(case) = Case::new("setuid") else {
        return;
    };
    use std::os::unix::fs::PermissionsExt;
    std::os::unix::fs::chown(&case.bin, Some(65534), Some(65534)).unwrap();
    std::fs::set_permissions(&case.bin, std::fs::Permissions::from_mode(0o4755)).unwrap();
    let control = case.untraced("euid", &[]);
    if String::from_utf8_lossy(&control.stdout) != "euid 65534\n" {
        skip_or_fail(&format!(
            "set-user-ID does not take effect in {} (mounted nosuid?): {control:?}",
            case.marker()
        ));
        return;
    }
    let (out, report) = case.trace(&[], "euid", &[]);
    assert_eq!(status(&out), Some(0), "{}", stderr(&out));
    assert_eq!(command_stdout(&out), "euid 0\n", "without its privilege");
    let w = warnings(&report);
    assert!(
        w.iter()
            .any(|w| w.contains("is set-user-ID (owner 65534)") && w.contains("no_new_privs")),
        "{w:?}"
    );
}

#[test]
fn a_bounded_fork_bomb_is_followed_to_its_last_process_and_leaves_none() {
    let Some(case) = Case::new("bomb") else {
        return;
    };
    let (out, report) = case.trace(&[], "bomb", &["6"]);
    assert_eq!(status(&out), Some(0), "{}", stderr(&out));
    assert_eq!(report["traced"], 127, "2^7 - 1 processes");
}

/// A tracee that sends its tracer SIGTERM: one line, status 2, every traced process killed.
/// One that sends it SIGKILL: the tracer dies, and PTRACE_O_EXITKILL takes the tracees with it.
#[test]
fn a_tracee_that_signals_its_tracer_leaves_no_process() {
    let Some(case) = Case::new("kill-tracer") else {
        return;
    };
    let mut command: Vec<&OsStr> = vec![
        case.bin.as_os_str(),
        "kill-tracer".as_ref(),
        case.dir.path().as_os_str(),
        "15".as_ref(),
    ];
    let out = doctor(
        &[&["--trace".as_ref(), "--".as_ref()][..], &command].concat(),
        &[],
    );
    assert_none_left(&case.marker());
    assert_eq!(status(&out), Some(2), "{out:?}");
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("stopped by signal 15: every traced process was killed"),
        "{err}"
    );
    command[3] = "9".as_ref();
    let out = doctor(
        &[&["--trace".as_ref(), "--".as_ref()][..], &command].concat(),
        &[],
    );
    use std::os::unix::process::ExitStatusExt;
    assert_eq!(out.status.signal(), Some(9), "{out:?}");
    assert_none_left(&case.marker());
}

/// A tracee that ignores and blocks every signal and never exits: `--timeout` kills it (SIGKILL
/// cannot be ignored), one line, status 1, the report of what it did.
#[test]
fn a_tracee_deaf_to_signals_that_never_exits_is_killed_at_the_timeout() {
    let Some(case) = Case::new("deaf") else {
        return;
    };
    std::fs::write(case.dir.path().join("deaf.txt"), "x").unwrap();
    let (out, report) = case.trace(&["--timeout", "2s"], "deaf", &[]);
    assert_eq!(status(&out), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("still running after 2s: every traced process was killed (--timeout)"),
        "{err}"
    );
    assert_eq!(report["end"]["how"], "timeout");
    assert!(paths(&report, "files").contains(&case.path("deaf.txt")));
}

#[test]
fn a_program_that_never_exits_is_killed_at_the_timeout() {
    let seconds = format!("1000.{}", std::process::id());
    let (out, report) = trace(
        &["--timeout", "500ms"],
        &["sleep".as_ref(), seconds.as_ref()],
        &[],
    );
    assert_none_left(&seconds);
    assert_eq!(status(&out), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("still running after 500ms"),
        "{}",
        stderr(&out)
    );
    assert_eq!(report["end"]["how"], "timeout");
}

#[test]
fn a_program_that_fails_early_and_one_using_io_uring_are_named() {
    let Some(case) = Case::new("warnings") else {
        return;
    };
    let (out, report) = case.trace(&[], "exit-early", &[]);
    assert_eq!(status(&out), Some(1), "{}", stderr(&out));
    let w = warnings(&report);
    assert!(
        w.iter()
            .any(|w| w.starts_with("the command exited with status 3")),
        "{w:?}"
    );
    let (out, report) = case.trace(&[], "io-uring", &[]);
    assert_eq!(status(&out), Some(0), "{}", stderr(&out));
    let w = warnings(&report);
    assert!(
        w.iter()
            .any(|w| w.contains("io_uring_setup") && w.contains("not in this trace")),
        "{w:?}"
    );
}

/// Under a tracer that follows children (`strace -f`), the doctor's child is traced already:
/// one line, status 2.
#[test]
fn a_doctor_that_is_itself_traced_says_so() {
    if !require_tool("strace", "strace") {
        return;
    }
    let out = run(Command::new("strace")
        .args(["-f", "-qq", "-o", "/dev/null"])
        .arg(nostd_bin("scratch-doctor"))
        .args(["--trace", "--", "true"]));
    assert_eq!(status(&out), Some(2), "{out:?}");
    let err = stderr(&out);
    assert!(
        err.starts_with(
            "scratch-doctor: true: cannot trace the command: scratch-doctor is itself traced"
        ),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
}

/// `--one-cpu`: the command and its children see one CPU (`nproc` through a shell prints 1,
/// where untraced, and traced without it, it prints every CPU this process may use), and the
/// trace is the same.
#[test]
fn one_cpu_runs_the_command_and_its_children_on_one_cpu() {
    let all = std::thread::available_parallelism().unwrap().get();
    let command = ["sh".as_ref(), "-c".as_ref(), "nproc".as_ref()];
    let (out, report) = trace(&["--one-cpu"], &command, &[]);
    assert_eq!(status(&out), Some(0), "{}", stderr(&out));
    assert_eq!(command_stdout(&out), "1\n");
    let (out, plain) = trace(&[], &command, &[]);
    assert_eq!(command_stdout(&out), format!("{all}\n"));
    let executed = |r: &Value| paths(r, "executed");
    assert_eq!(executed(&report), executed(&plain));
    assert!(
        executed(&report).iter().any(|p| p.ends_with("/nproc")),
        "{report}"
    );
}

#[test]
fn a_command_that_cannot_be_run_is_one_line_and_status_2() {
    let out = doctor(
        &[
            "--trace".as_ref(),
            "--".as_ref(),
            "no-such-program-anywhere".as_ref(),
        ],
        &[],
    );
    assert_eq!(status(&out), Some(2), "{out:?}");
    assert_eq!(
        stderr(&out),
        "scratch-doctor: no-such-program-anywhere: cannot run no-such-program-anywhere: ENOENT: No such file or directory\n"
    );
    assert!(out.stdout.is_empty());
}

/// Runs `command` in the empty root `root` (a new mount and PID namespace, `root` as `/`), as
/// scripts/scratch-run.sh does.
fn in_empty_root(root: &Path, command: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new("unshare");
    cmd.args(["--mount", "--pid", "--fork"])
        .arg(format!("--root={}", root.display()))
        .args(command)
        .env_clear();
    for (k, v) in env {
        cmd.env(k, v);
    }
    run(&mut cmd)
}

/// `--copy-closure` of a traced Python run: in an empty root made of the copy alone, the same
/// program gives the same output as here; with the closure alone (no trace) it does not start
/// its standard library.
#[test]
fn a_traced_python_run_copied_runs_the_same_in_an_empty_root() {
    if !require_root("an empty root with unshare --root") || !require_empty_root() {
        return;
    }
    if python_module("json").is_none() {
        return;
    }
    let python = std::fs::canonicalize(
        String::from_utf8_lossy(
            &run(Command::new("python3").args(["-c", "import sys; print(sys.executable)"])).stdout,
        )
        .trim(),
    )
    .unwrap();
    let python = python.to_str().unwrap();
    let code = "import json, email.utils, tempfile; print(json.dumps({'a': [1, 2]}), email.utils.quote('x\"y'), tempfile.gettempdir())";
    let here = run(Command::new(python).args(["-c", code]).env_clear());
    assert!(here.status.success(), "{here:?}");

    let copy = TempDir::new("trace-copy-python");
    let (out, report) = trace(
        &["--copy-closure", copy.path().to_str().unwrap(), "--check"],
        &[python.as_ref(), "-c".as_ref(), code.as_ref()],
        &[],
    );
    assert_eq!(status(&out), Some(0), "{}", stderr(&out));
    assert_eq!(command_stdout(&out), text(&here.stdout), "shown as it was");
    assert_eq!(report["works"], json!({"yes": true, "difference": null}));
    let there = in_empty_root(copy.path(), &[python, "-c", code], &[]);
    assert_eq!(
        String::from_utf8_lossy(&there.stdout),
        String::from_utf8_lossy(&here.stdout),
        "stderr: {}",
        stderr(&there)
    );
    assert!(there.status.success());
    // Links kept as links, /tmp with its sticky bit, nothing of the runtime's.
    use std::os::unix::fs::PermissionsExt;
    let tmp = std::fs::metadata(copy.path().join("tmp")).unwrap();
    assert_eq!(tmp.permissions().mode() & 0o7777, 0o1777);
    if std::fs::symlink_metadata("/lib")
        .unwrap()
        .file_type()
        .is_symlink()
    {
        assert!(
            std::fs::symlink_metadata(copy.path().join("lib"))
                .unwrap()
                .file_type()
                .is_symlink()
        );
    }
    for runtime in ["proc", "sys", "dev"] {
        assert!(!copy.path().join(runtime).exists(), "{runtime} copied");
    }

    // The closure alone: the program starts, its standard library is not there.
    let closure = TempDir::new("trace-copy-closure-only");
    let out = doctor(
        &[
            "--copy-closure".as_ref(),
            closure.path().as_os_str(),
            python.as_ref(),
        ],
        &[],
    );
    assert!(
        out.status.code() == Some(0) || out.status.code() == Some(1),
        "{out:?}"
    );
    let alone = in_empty_root(closure.path(), &[python, "-c", code], &[]);
    assert!(
        !alone.status.success(),
        "the closure alone sufficed: {alone:?}"
    );
}

/// `TZ=Asia/Shanghai date +%Z`: with the closure alone the time zone is not there and `date`
/// prints UTC without an error; with the traced copy it prints CST, as here.
#[test]
fn a_traced_date_run_copied_keeps_its_time_zone_in_an_empty_root() {
    if !require_root("an empty root with unshare --root") || !require_empty_root() {
        return;
    }
    let zone = "/usr/share/zoneinfo/Asia/Shanghai";
    if !Path::new(zone).exists() {
        skip_or_fail(&format!("{zone} missing (Debian package tzdata)"));
        return;
    }
    let date = std::fs::canonicalize("/bin/date").unwrap();
    let date = date.to_str().unwrap();
    let tz = [("TZ", "Asia/Shanghai")];
    let copy = TempDir::new("trace-copy-date");
    let (out, report) = trace(
        &["--copy-closure", copy.path().to_str().unwrap(), "--check"],
        &[date.as_ref(), "+%Z".as_ref()],
        &tz,
    );
    assert_eq!(status(&out), Some(0), "{}", stderr(&out));
    assert_eq!(report["works"]["yes"], true, "{report}");
    let there = in_empty_root(copy.path(), &[date, "+%Z"], &tz);
    assert_eq!(String::from_utf8_lossy(&there.stdout), "CST\n", "{there:?}");

    let closure = TempDir::new("trace-copy-date-closure");
    let out = doctor(
        &[
            "--copy-closure".as_ref(),
            closure.path().as_os_str(),
            date.as_ref(),
        ],
        &[],
    );
    assert!(
        out.status.code() == Some(0) || out.status.code() == Some(1),
        "{out:?}"
    );
    let alone = in_empty_root(closure.path(), &[date, "+%Z"], &tz);
    assert_eq!(
        String::from_utf8_lossy(&alone.stdout),
        "Asia\n",
        "{alone:?}"
    );
}

/// `ls` of a directory: the trace makes the directory, not its entries, so the copy lists
/// nothing. `--check` says so (status 1, the first difference), and a real engine agrees: the
/// same copy as a `FROM scratch` image in Podman prints nothing either. In text, the report
/// ends with the verdict line.
#[test]
fn check_finds_a_listing_the_copy_lacks_as_podman_does() {
    if !require_root("an empty root for --check")
        || !require_empty_root()
        || !require_tool("podman", "podman")
    {
        return;
    }
    let _engine = engine_lock();
    let ls = std::fs::canonicalize("/bin/ls").unwrap();
    let ls = ls.to_str().unwrap();
    let listed = "/usr/share/zoneinfo/Asia";
    if !Path::new(listed).is_dir() {
        skip_or_fail(&format!("{listed} missing (Debian package tzdata)"));
        return;
    }
    let ctx = TempDir::new("trace-check-ls");
    let root = ctx.path().join("root");
    std::fs::create_dir(&root).unwrap();
    let (out, report) = trace(
        &["--copy-closure", root.to_str().unwrap(), "--check"],
        &[ls.as_ref(), listed.as_ref()],
        &[],
    );
    assert_eq!(status(&out), Some(1), "{}", stderr(&out));
    assert!(
        command_stdout(&out).contains("Shanghai\n"),
        "shown as it was"
    );
    assert_eq!(report["works"]["yes"], false, "{report}");
    let difference = report["works"]["difference"].as_str().unwrap();
    assert!(
        difference.starts_with("standard output, line 1: `"),
        "{difference}"
    );
    assert!(
        difference.ends_with("nothing in the empty root (it is empty)"),
        "{difference}"
    );

    let text_out = doctor(
        &[
            "--trace".as_ref(),
            "--copy-closure".as_ref(),
            root.as_os_str(),
            "--check".as_ref(),
            "--".as_ref(),
            ls.as_ref(),
            listed.as_ref(),
        ],
        &[],
    );
    assert_eq!(status(&text_out), Some(1), "{}", stderr(&text_out));
    let last = text(&text_out.stdout).lines().last().unwrap().to_owned();
    assert_eq!(last, format!("  works in FROM scratch: no: {difference}"));

    let image = test_image_name("trace-check-ls");
    let _images = TestImages::new("podman", &[&image]);
    scratch_image::build(ctx.path(), &image, &[]);
    let there = scratch_image::podman_run(&image, &[ls, listed], "scratch-doctor", &[]);
    assert_eq!((there.status, there.stdout.as_str()), (0, ""), "{there:?}");
}

/// Bytes as text.
fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}
