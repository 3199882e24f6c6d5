//! A missing tool: named up front with its package; its column says `n/a (no TOOL)`; under
//! `CI=true` the lab fails. Run through the lab's binary with a `PATH` lacking strace.

use std::process::Command;

use system_tests::{path_without, require_tool};

/// The lab's binary with `PATH` lacking `strace`, and no container engine.
fn lab_without_strace(ci: &str) -> std::process::Output {
    let (_dir, path) = path_without(&["strace"]);
    Command::new(env!("CARGO_BIN_EXE_lab"))
        .env("PATH", path)
        .env("CI", ci)
        // An unknown engine makes scripts/engine.sh fail: no image is built by this run.
        .env("CONTAINER_ENGINE", "none-for-this-test")
        .output()
        .expect("run the lab")
}

#[test]
fn under_ci_a_missing_tool_fails_the_lab_and_names_its_package() {
    if !require_tool("strace", "strace") {
        return; // path_without needs a PATH on which strace was found to be meaningful
    }
    let out = lab_without_strace("true");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("`strace` not found (Debian package strace)"),
        "{stderr}"
    );
    assert!(stderr.contains("CI=true"), "{stderr}");
    assert!(
        out.stdout.is_empty(),
        "no table under CI with a missing tool"
    );
}

#[test]
fn outside_ci_a_missing_tool_makes_its_column_say_so() {
    if !require_tool("strace", "strace") {
        return;
    }
    let out = lab_without_strace("false");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("`strace` not found (Debian package strace)"),
        "{stderr}"
    );
    let rows: Vec<_> = stdout
        .lines()
        .filter_map(lab::table::split_line)
        .filter(|c| c[0].parse::<usize>().is_ok())
        .collect();
    assert_eq!(rows.len(), 9, "{stdout}");
    for cells in rows {
        assert_eq!(cells[8], "n/a (no strace)", "row {}: {stdout}", cells[0]);
        assert_eq!(cells[7], "n/a (no engine)", "row {}", cells[0]);
    }
}
