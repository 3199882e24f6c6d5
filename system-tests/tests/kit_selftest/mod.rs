//! The check of a kit-selftest run against the program's own list of tests (`--list`), shared
//! by `selftest.rs` (x86_64) and `arch.rs` (every architecture): the number of tests is written
//! once, in kit-selftest's registry.

use std::process::{Command, Output};

/// Runs `command` (kit-selftest, or qemu-user running it) with `--list` and then with no
/// argument, and panics unless the run reported `ok NAME` for exactly the listed tests, in their
/// order, no `FAIL`, `N passed, 0 failed` with `N` the number listed as its last line, and exit
/// status 0. `what` names the run in the messages.
///
/// `may_skip` names the tests this run may skip instead, each with a word the reason of its
/// `skip NAME: why` line must hold (`qemu-user` for what qemu-user cannot do); a skipped test
/// counts as passed in the order, and the last line is then `N passed, M skipped, 0 failed`.
/// Any other skip fails.
pub fn assert_every_listed_test_passes(
    what: &str,
    may_skip: &[(&str, &str)],
    mut command: impl FnMut() -> Command,
) {
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
    // The name of each test that passed, or was skipped as `may_skip` allows, in order.
    let mut skipped = 0;
    let mut passed: Vec<&str> = Vec::new();
    for line in stdout.lines() {
        if let Some(name) = line.strip_prefix("ok ") {
            passed.push(name);
        } else if let Some(rest) = line.strip_prefix("skip ") {
            let allowed = may_skip.iter().find(|(name, word)| {
                rest.strip_prefix(name)
                    .and_then(|rest| rest.strip_prefix(": "))
                    .is_some_and(|why| why.contains(word))
            });
            let Some((name, _)) = allowed else {
                panic!("{what}: a skip not expected here: {line}");
            };
            passed.push(name);
            skipped += 1;
        }
    }
    assert_eq!(
        passed, listed,
        "{what}: the tests that passed (or were skipped as allowed), against --list"
    );
    let last = stdout.lines().last().unwrap_or_default();
    let summary = if skipped == 0 {
        format!("{} passed, 0 failed", listed.len())
    } else {
        format!(
            "{} passed, {skipped} skipped, 0 failed",
            listed.len() - skipped
        )
    };
    assert_eq!(last, summary, "{what}: the last line");
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
