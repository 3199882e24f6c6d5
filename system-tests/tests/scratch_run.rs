//! `cargo make scratch-run`: hello-nostd alone in an empty root directory, without any container
//! engine; and `cargo make run` falling back to it on a machine without one.

use std::process::{Command, Output};

use system_tests::{
    assert_success_with, cargo_make, nostd_bin, path_without, require_empty_root, require_tool,
    run, skip_or_fail, task_stdout,
};

const HELLO: &str = "Hello, world!\n";

/// Panics with the output of `cargo make` unless it succeeded.
fn assert_success(out: &Output, what: &str) {
    assert_success_with(out, what, "");
}

#[test]
fn cargo_make_scratch_run_builds_and_prints_hello() {
    let _bin = nostd_bin("hello-nostd");
    if !require_empty_root() {
        return;
    }
    let out = run(cargo_make().arg("scratch-run"));
    assert_success(&out, "cargo make scratch-run");
    // The build task reports the binary's size first; the program's line comes last, once.
    let stdout = task_stdout(&out);
    assert!(stdout.ends_with(HELLO), "stdout: {stdout:?}");
    assert_eq!(stdout.matches(HELLO).count(), 1, "stdout: {stdout:?}");
}

#[test]
fn scratch_run_in_an_empty_root_prints_exactly_the_hello_line() {
    let _bin = nostd_bin("hello-nostd");
    if !require_empty_root() {
        return;
    }
    // Only the scratch-run task itself (nostd_bin built the binary): its stdout is the program's.
    let out = run(cargo_make().args(["--skip-tasks", "^(build|rustup-target)$", "scratch-run"]));
    assert_success(&out, "cargo make scratch-run");
    assert_eq!(task_stdout(&out), HELLO);
}

/// The empty root really is empty and the program's exit status is scratch-run's: a static C
/// program (fixtures/rootls.c) lists `/` and exits with status 7.
#[test]
fn scratch_run_root_holds_only_the_program_and_its_exit_status_is_passed_on() {
    if !require_empty_root() || !require_tool("gcc", "gcc") {
        return;
    }
    let tmp = system_tests::TempDir::new("hello-nostd-rootls");
    let bin = tmp.path().join("rootls");
    let source = system_tests::workspace_root().join("system-tests/fixtures/rootls.c");
    let out = run(Command::new("gcc")
        .args(["-static", "-O2", "-o"])
        .arg(&bin)
        .arg(&source));
    if !out.status.success() {
        skip_or_fail(&format!(
            "gcc -static failed (Debian package libc6-dev): {}",
            String::from_utf8_lossy(&out.stderr)
        ));
        return;
    }
    let out =
        run(Command::new(system_tests::workspace_root().join("scripts/scratch-run.sh")).arg(&bin));
    assert_eq!(
        out.status.code(),
        Some(7),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout), "/hello\n");
}

#[test]
fn cargo_make_run_without_a_container_engine_says_so_and_falls_back_to_scratch_run() {
    let _bin = nostd_bin("hello-nostd");
    if !require_empty_root() {
        return;
    }
    let (_dir, path) = path_without(&["docker", "podman"]);
    let out = run(cargo_make()
        .args(["--skip-tasks", "^(build|rustup-target)$", "run"])
        .env("PATH", &path)
        .env_remove("CONTAINER_ENGINE"));
    assert_success(&out, "cargo make run without docker and podman");
    assert_eq!(task_stdout(&out), HELLO);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let notes: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains("no container engine"))
        .collect();
    assert_eq!(
        notes.len(),
        1,
        "one line about the fallback expected in: {stderr}"
    );
    assert!(notes[0].contains("scratch-run"), "{}", notes[0]);
}
