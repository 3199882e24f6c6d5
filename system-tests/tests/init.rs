//! scratch-init, the PID 1 of `FROM scratch` images, against the real kernel and against tini:
//! exit codes that pass through, 127 and 126, bad input, each forwarded signal and its 128 + N,
//! `-e`, `-g`, `-s`, `-p`, `-w` each with what it changes, zombies reaped as PID 1 of a PID
//! namespace, and the size and segments of the binary.
//!
//! The children are `sh` scripts. A test that must signal scratch-init waits until the child
//! has printed `ready` (by then scratch-init has blocked its signals, which it does before it
//! forks), so no signal can race scratch-init's start-up.

use std::io::{BufRead, BufReader, Read};
use std::os::unix::process::ExitStatusExt;
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};

use system_tests::{TempDir, nostd_bin, require_root, require_tool};

fn init() -> PathBuf {
    nostd_bin("scratch-init")
}

/// Runs scratch-init with `args`, standard input closed.
fn run(args: &[&str]) -> Output {
    Command::new(init())
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run scratch-init")
}

/// The exit code, or 128 + N for a death by signal N (as a shell reports it).
fn code(out: &Output) -> i32 {
    out.status
        .code()
        .or(out.status.signal().map(|s| 128 + s))
        .unwrap()
}

/// Starts `program args` with standard output and error piped, and waits until the child
/// printed the line `ready`; returns it and the lines before `ready`.
fn start_ready(program: &PathBuf, args: &[&str]) -> (Child, Vec<String>) {
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut before = Vec::new();
    loop {
        let mut line = String::new();
        assert!(
            out.read_line(&mut line).unwrap() > 0,
            "no `ready` from the child"
        );
        if line.trim_end() == "ready" {
            break;
        }
        before.push(line.trim_end().to_string());
    }
    child.stdout = Some(out.into_inner());
    (child, before)
}

/// Waits for `child` and returns (code, standard error).
fn finish(mut child: Child) -> (i32, String) {
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    let status = child.wait().unwrap();
    let code = status.code().or(status.signal().map(|s| 128 + s)).unwrap();
    (code, err)
}

/// Whether process `pid` still runs (exists and is not a zombie).
fn alive(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|s| s.rsplit_once(") ").map(|(_, r)| !r.starts_with('Z')))
        .unwrap_or(false)
}

/// Polls until `pid` no longer runs, for at most about 10 s (a bound against a hang, not a
/// timing assertion); returns whether it ended.
fn ends(pid: u32) -> bool {
    for _ in 0..1000 {
        if !alive(pid) {
            return true;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    false
}

#[test]
fn exit_codes_pass_through_unchanged() {
    for c in [0, 1, 2, 42, 125, 126, 127, 128, 200, 254, 255] {
        let out = run(&["-s", "--", "sh", "-c", &format!("exit {c}")]);
        assert_eq!(code(&out), c, "{out:?}");
    }
}

#[test]
fn a_missing_program_is_127_and_a_non_executable_one_126_with_one_line() {
    let out = run(&["-s", "--", "no-such-program-anywhere"]);
    assert_eq!(code(&out), 127);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("exec no-such-program-anywhere failed: No such file"),
        "{err}"
    );
    // A name longer than a message line: the line is cut, and still ends with its newline.
    let long = format!("{}x", "/nonexistent".repeat(80));
    let out = run(&["-s", "--", &long]);
    assert_eq!(code(&out), 127);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.ends_with('\n') && err.lines().count() == 1, "{err:?}");
    assert_eq!(err.len(), 512, "{err:?}");
    let out = run(&["-s", "--", "/etc/passwd"]);
    assert_eq!(code(&out), 126);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("Permission denied"), "{err}");
}

#[test]
fn bad_input_is_one_line_and_exit_status_2() {
    for args in [
        &["-x", "--", "true"][..],
        &["-e", "256", "--", "true"],
        &["-e", "-1", "--", "true"],
        &["-e", "x1", "--", "true"],
        &["-e", "0x8", "--", "true"],
        &["-e", "8x", "--", "true"],
        &["-e", " ", "--", "true"],
        &["-e", "+", "--", "true"],
        &["-e", "1000000000000000000000", "--", "true"],
        &["-e"],
        &["-p", "SIGFOO", "--", "true"],
        &[],
        &["--"],
        &["-s"],
    ] {
        let out = run(args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(code(&out), 2, "{args:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
        assert!(err.starts_with("[FATAL scratch-init ("), "{args:?}: {err}");
    }
}

#[test]
fn help_version_and_license_exit_0() {
    let out = run(&["--version"]);
    assert_eq!(code(&out), 0);
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("scratch-init version "));
    for flag in ["-h", "--help"] {
        let out = run(&[flag]);
        assert_eq!(code(&out), 0);
        assert!(String::from_utf8_lossy(&out.stdout).contains("-e CODE"));
    }
    let out = run(&["-l"]);
    assert_eq!(code(&out), 0);
    assert!(String::from_utf8_lossy(&out.stdout).contains("MIT"));
}

#[test]
fn e_maps_the_listed_exit_codes_to_0() {
    assert_eq!(
        code(&run(&["-s", "-e", "3", "--", "sh", "-c", "exit 3"])),
        0
    );
    assert_eq!(
        code(&run(&["-s", "-e3", "-e", "5", "--", "sh", "-c", "exit 5"])),
        0
    );
    assert_eq!(
        code(&run(&["-s", "-e", "3", "--", "sh", "-c", "exit 4"])),
        4
    );
    // 128 + 15 can be mapped too, as tini maps it.
    let script = "kill -TERM $$";
    assert_eq!(code(&run(&["-s", "--", "sh", "-c", script])), 143);
    assert_eq!(
        code(&run(&["-s", "-e", "143", "--", "sh", "-c", script])),
        0
    );
}

#[test]
fn each_forwarded_signal_reaches_the_child_and_the_status_is_128_plus_n() {
    let init = init();
    // Default action: the child dies of the signal.
    for (name, n) in [
        ("TERM", 15),
        ("INT", 2),
        ("HUP", 1),
        ("QUIT", 3),
        ("USR1", 10),
        ("USR2", 12),
    ] {
        let (child, _) = start_ready(
            &init,
            &["-s", "--", "sh", "-c", "echo ready; exec sleep 1000"],
        );
        let pid = child.id() as i32;
        // SAFETY: (test): kill has no memory preconditions.
        assert_eq!(unsafe { libc::kill(pid, n) }, 0);
        let (c, err) = finish(child);
        assert_eq!(c, 128 + n, "SIG{name}: {err}");
    }
    // SIGWINCH is ignored by default: the child traps it to show that it arrived.
    let (child, _) = start_ready(
        &init,
        &[
            "-s",
            "--",
            "sh",
            "-c",
            "trap 'exit 156' WINCH; echo ready; while :; do sleep 1; done",
        ],
    );
    // SAFETY: (test): as above.
    assert_eq!(unsafe { libc::kill(child.id() as i32, libc::SIGWINCH) }, 0);
    assert_eq!(finish(child).0, 156);
}

/// `-g`: a signal goes to the child's process group, so a grandchild in it gets it too.
#[test]
fn g_signals_the_childs_process_group() {
    let init = init();
    // The grandchild must not hold the pipes: it may outlive the test's read of them.
    let script = "sleep 1000 >/dev/null 2>&1 & echo $!; echo ready; wait";
    for group in [true, false] {
        let mut args = vec!["-s"];
        if group {
            args.push("-g");
        }
        args.extend(["--", "sh", "-c", script]);
        let (child, before) = start_ready(&init, &args);
        let sleep: u32 = before[0].parse().unwrap();
        // SAFETY: (test): as above.
        assert_eq!(unsafe { libc::kill(child.id() as i32, libc::SIGTERM) }, 0);
        assert_eq!(finish(child).0, 143);
        if group {
            assert!(ends(sleep), "-g: the grandchild got SIGTERM too");
        } else {
            assert!(alive(sleep), "without -g only the child gets the signal");
            // SAFETY: (test): the sleep started above.
            unsafe { libc::kill(sleep as i32, libc::SIGKILL) };
        }
    }
}

/// A script that leaves an orphan and waits until that orphan has ended (a zombie whose new
/// parent must reap it, or gone); it prints the orphan's pid. The orphan's parent is
/// `setsid --fork`, which exits at once and never waits: a subshell (`(sleep 0 &)`) may reap
/// its child itself before it exits, and then no orphan is left (the test was flaky so). The
/// file `$0` receives the orphan's pid.
const ORPHAN: &str = ": > \"$0\"; setsid -f sh -c 'echo $$ > \"$0\"' \"$0\"; \
     while [ ! -s \"$0\" ]; do :; done; o=$(cat \"$0\"); \
     while [ -d /proc/$o ] && ! grep -q '^State:.Z' /proc/$o/status 2>/dev/null; do :; done; echo $o";

/// `-s`: without it (and not PID 1) scratch-init warns that reaping will not work, and orphans
/// go elsewhere; with it the orphan is re-parented to it and reaped (`-w` reports it).
#[test]
fn s_and_w_reap_orphans_as_a_subreaper_and_report_them() {
    if !require_tool("setsid", "util-linux") {
        return;
    }
    let dir = TempDir::new("init-orphan");
    let file = dir.join("pid");
    let out = run(&["-s", "-w", "--", "sh", "-c", ORPHAN, &file]);
    assert_eq!(code(&out), 0, "{out:?}");
    let orphan = String::from_utf8_lossy(&out.stdout).trim().to_string();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!("Reaped zombie process with pid={orphan}")),
        "{err}"
    );
    assert!(!err.contains("not running as PID 1"), "{err}");

    let out = run(&["-w", "--", "sh", "-c", ORPHAN, &file]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("is not running as PID 1 and isn't registered as a child subreaper"),
        "{err}"
    );
    assert!(!err.contains("Reaped zombie"), "not a subreaper: {err}");
    // TINI_SUBREAPER means -s.
    let out = Command::new(init())
        .args(["-w", "--", "sh", "-c", ORPHAN, &file])
        .env("TINI_SUBREAPER", "1")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("Reaped zombie"), "{err}");
    // Without -w, no report.
    let out = run(&["-s", "--", "sh", "-c", ORPHAN, &file]);
    assert!(out.stderr.is_empty(), "{out:?}");
}

/// `-p SIGNAL`: when scratch-init's parent dies, scratch-init gets SIGNAL, which it forwards:
/// the child ends and so does scratch-init. Without `-p` it runs on.
#[test]
fn p_sets_the_parent_death_signal() {
    let init = init().display().to_string();
    for with in [true, false] {
        let p = if with { "-p SIGTERM" } else { "" };
        let script =
            format!("{init} -s {p} -- sleep 1000 >/dev/null 2>&1 & echo $!; echo ready; wait");
        let (parent, before) = start_ready(&PathBuf::from("sh"), &["-c", &script]);
        let pid: u32 = before[0].parse().unwrap();
        // Once the program runs, scratch-init has set the parent-death signal (before fork).
        let children = format!("/proc/{pid}/task/{pid}/children");
        while std::fs::read_to_string(&children)
            .unwrap_or_default()
            .trim()
            .is_empty()
        {
            assert!(alive(pid), "scratch-init ended early");
            std::thread::yield_now();
        }
        let grandchild: u32 = std::fs::read_to_string(&children)
            .unwrap()
            .trim()
            .parse()
            .unwrap();
        while std::fs::read_to_string(format!("/proc/{grandchild}/cmdline"))
            .unwrap_or_default()
            .starts_with(&init)
        {
            std::thread::yield_now();
        }
        // SAFETY: (test): the sh started above.
        unsafe { libc::kill(parent.id() as i32, libc::SIGKILL) };
        let mut parent = parent;
        parent.wait().unwrap();
        if with {
            assert!(ends(pid), "-p SIGTERM: scratch-init ended with its parent");
        } else {
            assert!(alive(pid), "without -p scratch-init outlives its parent");
            // SAFETY: (test): the scratch-init started above.
            unsafe { libc::kill(pid as i32, libc::SIGTERM) };
            assert!(ends(pid));
        }
    }
}

/// As PID 1 of a new PID namespace: orphans of grandchildren become its children and are
/// reaped, none left as zombies in the namespace's /proc. The script waits until no `sleep`
/// is left at all, running or zombie (a bounded number of polls, not a time): waiting only
/// for "no zombie" raced with a `sleep` that had not yet exited. The orphans' parents are
/// `setsid --fork`, which never waits (see [`ORPHAN`]: a subshell may reap its own child); an
/// orphan is named `setsid` until it has run `sleep`, so the script waits for those too.
#[test]
fn as_pid_1_in_a_pid_namespace_zombies_are_reaped() {
    if !require_root("unshare --pid needs root") || !require_tool("unshare", "util-linux") {
        return;
    }
    let script = "for i in 1 2 3; do setsid -f sleep 0; done; \
        n=0; while [ $n -lt 5000 ] && grep -qsE '^Name:.(sleep|setsid)' /proc/[0-9]*/status; do n=$((n+1)); done; \
        echo zombies=$(grep -ls '^State:.Z' /proc/[0-9]*/status | wc -l) pid=$$ ppid=$PPID";
    let out = Command::new("unshare")
        .args(["--pid", "--fork", "--mount-proc"])
        .arg(init())
        .args(["-w", "--", "sh", "-c", script])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(code(&out), 0, "{stdout}{err}");
    assert_eq!(stdout.trim(), "zombies=0 pid=2 ppid=1", "{err}");
    assert_eq!(err.matches("Reaped zombie process").count(), 3, "{err}");
    assert!(!err.contains("not running as PID 1"), "{err}");
}

/// The contrast's script, run as a child of the app: leaves three orphans (`setsid -f true`),
/// waits until none of them still runs and the number of zombies in the PID namespace is `$1`
/// (at most 1000 polls: a bound, not a time), and prints `zombies=N`.
const LEAVE_ORPHANS: &str = r#"running() { for f in /proc/[0-9]*/status; do s=$(cat "$f" 2>/dev/null); case "$s" in *"Name:	true"*|*"Name:	setsid"*) case "$s" in *"State:	Z"*) ;; *) return 0;; esac;; esac; done; return 1; }
zombies() { grep -ls '^State:.Z' /proc/[0-9]*/status | wc -l; }
for i in 1 2 3; do setsid -f true; done
n=0; while [ $n -lt 1000 ] && { running || [ "$(zombies)" -ne "$1" ]; }; do n=$((n+1)); done
echo "zombies=$(zombies)""#;

/// The app of the contrast: runs [`LEAVE_ORPHANS`] in the background and becomes `cat`, which
/// never waits for a child and ends when its standard input is closed.
const APP_WITH_ORPHANS: &str = r#"sh -c "$0" x "$1" & exec cat"#;

/// The contrast, in a new PID namespace: the same app as PID 1 leaves its three orphans as
/// zombies (nothing reaps them), and under scratch-init none is left (each reaped, `-w` says
/// so). docs/pid1.md shows this output.
#[test]
fn as_pid_1_the_same_app_leaves_zombies_without_scratch_init_and_none_with_it() {
    if !require_root("unshare --pid needs root")
        || !require_tool("unshare", "util-linux")
        || !require_tool("setsid", "util-linux")
    {
        return;
    }
    for (with_init, zombies) in [(false, 3), (true, 0)] {
        let mut cmd = Command::new("unshare");
        cmd.args(["--pid", "--fork", "--mount-proc"]);
        if with_init {
            cmd.arg(init()).args(["-w", "--"]);
        }
        let mut child = cmd
            .args(["sh", "-c", APP_WITH_ORPHANS, LEAVE_ORPHANS])
            .arg(zombies.to_string())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn unshare");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        // Closing cat's input ends the app, and with PID 1 the namespace.
        drop(child.stdin.take());
        let (code, err) = finish(child);
        eprintln!("with scratch-init: {with_init}: {}\n{err}", line.trim());
        assert_eq!(line.trim(), format!("zombies={zombies}"), "{err}");
        assert_eq!(code, 0, "{err}");
        if with_init {
            assert!(err.matches("Reaped zombie process").count() >= 3, "{err}");
        }
    }
}

/// The same cases under tini (Debian package tini), which scratch-init must match.
#[test]
fn exit_codes_and_signals_match_tini() {
    if !require_tool("tini", "tini") {
        return;
    }
    let cases: &[&[&str]] = &[
        &["-s", "--", "sh", "-c", "exit 0"],
        &["-s", "--", "sh", "-c", "exit 42"],
        &["-s", "--", "sh", "-c", "exit 255"],
        &["-s", "--", "sh", "-c", "kill -TERM $$"],
        &["-s", "--", "sh", "-c", "kill -USR1 $$"],
        &["-s", "-e", "7", "--", "sh", "-c", "exit 7"],
        // -e as tini reads it (strtol, base 10): leading zeros, a sign, white space before.
        &["-s", "-e", "0010", "--", "sh", "-c", "exit 10"],
        &["-s", "-e", "0010", "--", "sh", "-c", "exit 8"],
        &["-s", "-e", "+8", "--", "sh", "-c", "exit 8"],
        &["-s", "-e", " 8", "--", "sh", "-c", "exit 8"],
        &["-s", "-e", "-0", "--", "sh", "-c", "exit 0"],
        &["-s", "-e", "", "--", "sh", "-c", "exit 3"],
        &["-s", "--", "no-such-program-anywhere"],
        &["-s", "--", "/etc/passwd"],
        &["-s", "-g", "--", "sh", "-c", "exit 3"],
    ];
    for args in cases {
        let ours = code(&run(args));
        let tini = Command::new("tini")
            .args(*args)
            .stdin(Stdio::null())
            .output()
            .unwrap();
        assert_eq!(ours, code(&tini), "{args:?}");
    }
}

/// The most scratch-init may weigh on x86_64: its size is held here, "readable first, then small"
/// (`cargo make measure-init` prints the figure, and tini's beside it).
const CEILING: usize = 8192;

/// Static, no segment both writable and executable, a stack that is not executable
/// (`system_tests::elf::check_static_executable`), and at most [`CEILING`] bytes.
#[test]
fn the_binary_is_static_with_no_writable_executable_segment_and_at_most_8192_bytes() {
    let data = std::fs::read(init()).unwrap();
    system_tests::elf::check_static_executable(&data).unwrap();
    println!("scratch-init: {} bytes", data.len());
    assert!(
        data.len() <= CEILING,
        "scratch-init: {} bytes, over its ceiling of {CEILING}",
        data.len()
    );
}

/// Runs `podman ARGS` and returns its trimmed standard output; panics with its output if it
/// fails.
fn podman(args: &[&str]) -> String {
    let out = system_tests::run(Command::new("podman").args(args));
    system_tests::assert_success_with(
        &out,
        &format!("podman {args:?}"),
        system_tests::engine_setup_hint(),
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// In a real container (Podman, the image of `cargo make image-init`): `podman stop` ends the
/// app under scratch-init by the forwarded SIGTERM (143); the same app as PID 1 without it
/// ignores SIGTERM and is killed after the stop timeout (137); and scratch-init works as
/// Podman's init, `podman run --init --init-path=scratch-init` (143 again).
#[test]
fn podman_stop_ends_the_app_under_scratch_init_but_not_without_it() {
    if !require_tool("podman", "podman") {
        return;
    }
    let _lock = system_tests::engine_lock();
    let _ = nostd_bin("kit-selftest");
    let image = system_tests::test_image_name("init");
    let images = system_tests::TestImages::new("podman", &[&image]);
    let root = system_tests::workspace_root();
    let root = root.to_str().unwrap();
    podman(&[
        "build",
        "--layers=false",
        "--tag",
        images.name(),
        "--file",
        &format!("{root}/scratch-init/Containerfile"),
        root,
    ]);
    // How the container is run: with the image's entrypoint (/init -- /app), the app alone as
    // PID 1, and the app with `podman run --init --init-path=scratch-init`, which Podman mounts
    // at /run/podman-init and runs as `/run/podman-init -- /app …`.
    let init_path = format!("--init-path={}", init().display());
    let cases: [(&str, &[&str], &[u8]); 3] = [
        ("init", &[], b"/init\0"),
        ("bare", &["--entrypoint", "/app"], b"/app\0"),
        (
            "init-path",
            &["--init", &init_path, "--entrypoint", "/app"],
            b"/run/podman-init\0--\0/app\0",
        ),
    ];
    let mut codes = Vec::new();
    for (case, options, pid1) in cases {
        let name = format!("{image}-{case}");
        let mut args = vec!["run", "-d", "--name", &name];
        args.extend(options);
        args.push(images.name());
        if case != "init" {
            args.push("--wait-for-signal");
        }
        podman(&args);
        // Stop only once the container is ready (its PID 1 is the app, or scratch-init has
        // started the app: it blocks its signals before it forks), or the signal may come first.
        let pid = podman(&["inspect", "--format", "{{.State.Pid}}", &name]);
        let mut ready = false;
        for _ in 0..1000 {
            let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
            let children = std::fs::read_to_string(format!("/proc/{pid}/task/{pid}/children"))
                .unwrap_or_default();
            ready = cmdline.starts_with(pid1) && (case == "bare" || !children.trim().is_empty());
            if ready {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        assert!(ready, "{name}: the app did not start within about 10 s");
        // Stop: SIGTERM to PID 1, then SIGKILL after 2 s.
        podman(&["stop", "-t", "2", &name]);
        let code = podman(&["inspect", "--format", "{{.State.ExitCode}}", &name]);
        podman(&["rm", "-f", &name]);
        codes.push(code);
    }
    assert_eq!(
        codes,
        ["143", "137", "143"],
        "under scratch-init, the app alone as PID 1, under scratch-init as podman run --init"
    );
}
