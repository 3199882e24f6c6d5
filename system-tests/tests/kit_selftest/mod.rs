//! The check of a kit-selftest run against the program's own list of tests (`--list`), shared
//! by `selftest.rs` (x86_64) and `arch.rs` (every architecture): the number of tests is written
//! once, in kit-selftest's registry.

use std::process::{Command, Output};

/// Runs `command` (kit-selftest, or qemu-user running it) with `--list` and then with no
/// argument, and panics unless the run reported `ok NAME` for exactly the listed tests, in their
/// order, no `FAIL`, `N passed, 0 failed` with `N` the number listed as its last line, and exit
/// status 0. `what` names the run in the messages.
pub fn assert_every_listed_test_passes(what: &str, mut command: impl FnMut() -> Command) {
    let list = run(command().arg("--list"));
    assert_eq!(list.status.code(), Some(0), "{what}: --list: {list:?}");
    let listed: Vec<String> = String::from_utf8_lossy(&list.stdout)
        .lines()
        .map(str::to_string)
        .collect();
    assert!(!listed.is_empty(), "{what}: --list printed no test");
    let mut unique = listed.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(
        unique.len(),
        listed.len(),
        "{what}: a name listed twice: {listed:?}"
    );

    let out = run(&mut command());
    let stdout = String::from_utf8_lossy(&out.stdout);
    print!("{what}:\n{stdout}");
    assert!(!stdout.contains("FAIL"), "{what}: {stdout}");
    let passed: Vec<&str> = stdout
        .lines()
        .filter_map(|l| l.strip_prefix("ok "))
        .collect();
    assert_eq!(
        passed, listed,
        "{what}: the tests that passed, against --list"
    );
    let last = stdout.lines().last().unwrap_or_default();
    assert_eq!(
        last,
        format!("{} passed, 0 failed", listed.len()),
        "{what}: the last line"
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{what}: stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn run(command: &mut Command) -> Output {
    command
        .output()
        .unwrap_or_else(|e| panic!("cannot run {command:?}: {e}"))
}
