//! Paths of the workspace the lab runs in, and running commands with their output captured.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The workspace root (the parent of the `lab` crate's directory).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

/// `target/` of the workspace (`CARGO_TARGET_DIR` when set).
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root().join("target"), PathBuf::from)
}

/// The cargo that runs the lab (`$CARGO`), or `cargo` from `PATH`.
pub fn cargo() -> Command {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}

/// Runs `cmd` to completion with its output captured; an error names the program when it cannot
/// be started at all.
pub fn output(cmd: &mut Command) -> Result<Output, String> {
    cmd.output()
        .map_err(|e| format!("cannot run {:?}: {e}", cmd.get_program()))
}

/// Runs `cmd` and returns its output when it exits with status 0; otherwise an error with its
/// standard error.
pub fn checked(cmd: &mut Command, what: &str) -> Result<Output, String> {
    let out = output(cmd)?;
    if out.status.success() {
        Ok(out)
    } else {
        Err(format!(
            "{what} failed ({}):\n{}{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

/// The first line of a command's output, trimmed (a tool's version line).
pub fn first_line(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes)
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("")
        .to_string()
}

/// Gives `cmd` an environment holding only `PATH`. The measured programs get no other variable:
/// under `cargo run` or `cargo test`, `LD_LIBRARY_PATH` names cargo's own directories, and glibc's
/// loader would look for `libc.so.6` in each of them, adding system calls that depend on how the
/// lab was started.
pub fn clean_env(cmd: &mut Command) -> &mut Command {
    cmd.env_clear();
    if let Some(path) = std::env::var_os("PATH") {
        cmd.env("PATH", path);
    }
    cmd
}
