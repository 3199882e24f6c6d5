//! `--trace`: PROGRAM run under scratch-doctor's tracer, and what it opened packed. Python
//! importing its standard library and `date` with `TZ` (given with `--env`, which the traced
//! run gets too) run in Podman from their images as they run here; the same traced run packed
//! twice (once with `--one-cpu`) is the same bytes; a run that fails is refused in one line with nothing written; a
//! program that does not exit is ended by `--timeout` and packed with what it opened.

use std::path::Path;
use std::process::Command;

use system_tests::{TempDir, TestImages, engine_lock, require_tool, run, skip_or_fail};

use super::common::{
    doctor_says_it_starts, image_name, listing, pack, podman_load, podman_run, text,
};
use crate::args;

/// `scratch-pack ARGS` that must write the image: exit status 0 and the digest alone on
/// standard output; the traced program's own output is on standard error, before
/// scratch-pack's lines. Returns the digest and standard error.
fn traced(args: &[&std::ffi::OsStr]) -> (String, String) {
    let out = pack(args);
    let stderr = text(&out.stderr);
    assert!(
        out.status.success(),
        "scratch-pack {args:?}: {}\n{stderr}",
        out.status
    );
    let digest = text(&out.stdout).trim_end().to_string();
    assert!(
        digest.starts_with("sha256:") && digest.len() == 71,
        "{digest:?}"
    );
    (digest, stderr)
}

/// The real path of `program` here (what the image holds it at: the entrypoint).
fn real(program: &str) -> String {
    std::fs::canonicalize(program)
        .unwrap()
        .to_string_lossy()
        .into_owned()
}

#[test]
fn a_traced_python_run_packed_runs_in_podman_as_here_and_twice_is_the_same_bytes() {
    let _lock = engine_lock();
    if !require_tool("podman", "podman") || !require_tool("python3", "python3") {
        return;
    }
    let python = real("/usr/bin/python3");
    let code =
        "import json, email.utils; print(json.dumps({'a': [1, 2]}), email.utils.quote('x\"y'))";
    let here = run(Command::new(&python).args(["-c", code]).env_clear());
    assert!(here.status.success(), "{here:?}");
    let dir = TempDir::new("pack-trace-python");
    let name = image_name("pack-trace-python");
    let _images = TestImages::new("podman", &[&name]);
    let (a, b) = (dir.path().join("a.tar"), dir.path().join("b.tar"));
    let (digest, stderr) = traced(args!["--trace", "-o", a, "--tag", name, python, "-c", code]);
    assert!(
        stderr.starts_with(&text(&here.stdout)),
        "its output first: {stderr}"
    );
    // Again with --one-cpu: the same files seen, the same bytes.
    let (again, _) = traced(args![
        "--trace",
        "--one-cpu",
        "-o",
        b,
        "--tag",
        name,
        python,
        "-c",
        code
    ]);
    assert_eq!(
        digest, again,
        "the same traced run, packed twice (once with --one-cpu)"
    );
    assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
    doctor_says_it_starts(&a, None);
    podman_load(&a);
    let there = podman_run(&name, &[]);
    assert_eq!(
        text(&there.stdout),
        text(&here.stdout),
        "{}",
        text(&there.stderr)
    );
}

/// `date +%Z` with `--env TZ=Asia/Shanghai`: the traced run reads the zone, which goes in; the
/// image prints CST, where an image of the closure alone prints `Asia`.
#[test]
fn the_env_given_reaches_the_traced_run_and_the_zone_it_read_is_packed() {
    let _lock = engine_lock();
    if !require_tool("podman", "podman") {
        return;
    }
    if !Path::new("/usr/share/zoneinfo/Asia/Shanghai").exists() {
        skip_or_fail("/usr/share/zoneinfo/Asia/Shanghai missing (Debian package tzdata)");
        return;
    }
    let date = real("/bin/date");
    let dir = TempDir::new("pack-trace-date");
    let name = image_name("pack-trace-date");
    let closure = image_name("pack-trace-date-closure");
    let _images = TestImages::new("podman", &[&name, &closure]);
    let archive = dir.path().join("date.tar");
    let env = "TZ=Asia/Shanghai";
    traced(args![
        "--trace", "--env", env, "-o", archive, "--tag", name, date, "+%Z"
    ]);
    podman_load(&archive);
    let there = podman_run(&name, &[]);
    assert_eq!(text(&there.stdout), "CST\n", "{}", text(&there.stderr));

    let alone = dir.path().join("closure.tar");
    traced(args![
        "--env", env, "-o", alone, "--tag", closure, date, "+%Z"
    ]);
    podman_load(&alone);
    let there = podman_run(&closure, &[]);
    assert_eq!(text(&there.stdout), "Asia\n", "{}", text(&there.stderr));
}

/// A traced run that fails did not open what its work needs: refused, one line, exit status
/// 2, nothing written. `--timeout` ends one that never exits, and the image is written with a
/// line that says so.
#[test]
fn a_failed_traced_run_is_refused_and_one_ended_by_timeout_is_packed() {
    let dir = TempDir::new("pack-trace-fails");
    let before = listing(dir.path());
    let out = pack(args![
        "--trace",
        "-o",
        dir.path().join("x.tar"),
        real("/bin/false")
    ]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(out.stdout.is_empty());
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with(&format!(
            "scratch-pack: --trace: {} exited with status 1: what it did not get to do is not in the trace",
            real("/bin/false")
        )),
        "{stderr}"
    );
    assert_eq!(listing(dir.path()), before, "nothing written");

    let archive = dir.path().join("sleep.tar");
    let (_, stderr) = traced(args![
        "--trace",
        "--timeout",
        "1s",
        "-o",
        archive,
        real("/bin/sleep"),
        "1000"
    ]);
    assert!(
        stderr.contains("was still running at --timeout and was ended"),
        "{stderr}"
    );
    doctor_says_it_starts(&archive, None);
}
