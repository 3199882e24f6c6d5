//! The skip rule: a test whose tool or privilege is missing is skipped with a `SKIPPED:` line,
//! except under `CI=true`, where it fails.

use std::process::Command;

use crate::temp::TempDir;

/// True when these tests run in CI (`CI=true`), where a missing tool is a failure, never a skip.
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

/// Under CI: panic with `reason`. Elsewhere: print that the test is skipped and why.
pub fn skip_or_fail(reason: &str) {
    if in_ci() {
        panic!("CI=true and {reason}: a missing requirement is a failure in CI");
    }
    eprintln!("SKIPPED: {reason}");
}

/// Whether `tool` can be run (found on `PATH`). When it cannot: under CI this panics (a missing
/// tool fails the test); elsewhere it prints why the calling test is skipped and returns false.
pub fn require_tool(tool: &str, package: &str) -> bool {
    let found = Command::new("sh")
        .arg("-c")
        .arg(format!("command -v {tool}"))
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        skip_or_fail(&format!("`{tool}` not found (Debian package {package})"));
    }
    found
}

/// Whether the tests run as root. When not: under CI this panics; elsewhere it prints why the
/// calling test is skipped and returns false.
pub fn require_root(why: &str) -> bool {
    let root = is_root();
    if !root {
        skip_or_fail(&format!("not root, which {why} needs"));
    }
    root
}

/// Whether a program can be run in an empty root directory here, as `cargo make scratch-run`
/// does: `unshare` is present, and the tests run as root or can make an unprivileged user
/// namespace. When not: under CI this panics; elsewhere it prints why the calling test is
/// skipped and returns false.
pub fn require_empty_root() -> bool {
    if !require_tool("unshare", "util-linux") {
        return false;
    }
    if is_root() {
        return true;
    }
    let userns = Command::new("unshare")
        .args(["--user", "--map-root-user", "true"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !userns {
        skip_or_fail(
            "not root, and unprivileged user namespaces are disabled: an empty root needs one",
        );
    }
    userns
}

/// The effective user id is 0.
pub fn is_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("Uid:"))
                .and_then(|l| l.split_whitespace().nth(2).map(|euid| euid == "0"))
        })
        .unwrap_or(false)
}

/// A `PATH` on which none of `tools` is found, but every other program of the current `PATH` is:
/// a temporary directory of symbolic links to them (keep the returned [`TempDir`] alive while
/// the `PATH` is in use). For the tests of what a task does when a tool is missing.
pub fn path_without(tools: &[&str]) -> (TempDir, std::ffi::OsString) {
    let dir = TempDir::new("path-without");
    let path = std::env::var_os("PATH").unwrap_or_default();
    for bin_dir in std::env::split_paths(&path) {
        let Ok(entries) = std::fs::read_dir(&bin_dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let name = entry.file_name();
            let link = dir.path().join(&name);
            if tools.iter().any(|t| name == *t) || link.symlink_metadata().is_ok() {
                continue; // left out, or an earlier PATH directory already has it
            }
            std::os::unix::fs::symlink(entry.path(), &link).expect("symlink into the PATH dir");
        }
    }
    let new_path = dir.path().as_os_str().to_owned();
    (dir, new_path)
}

/// Whether glibc's loader on this machine searches `glibc-hwcaps/x86-64-v2` subdirectories
/// (glibc 2.33 or later on a CPU of that level), as `ld.so --help` says: `x86-64-v2
/// (supported, searched)`.
pub fn loader_searches_x86_64_v2() -> bool {
    Command::new("/lib64/ld-linux-x86-64.so.2")
        .arg("--help")
        .output()
        .is_ok_and(|o| {
            String::from_utf8_lossy(&o.stdout).contains("x86-64-v2 (supported, searched)")
        })
}
