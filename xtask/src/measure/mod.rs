//! The measurements behind every figure of the documents: each module measures one thing and
//! returns its figures as a [`Text`](crate::text::Text), which the printing commands
//! (`cargo xtask measure`, `measure-init`, `measure-arch`) print and `cargo xtask figures`
//! writes into the documents and compares with them. The programs must be built first (the
//! `cargo make` tasks and `cargo xtask figures` do).

pub mod arch;
pub mod hello;
pub mod image;
pub mod init;
pub mod sizes;

use std::path::Path;
use std::process::Command;

use system_tests::{TempDir, strace};

use crate::text::Tool;

/// Whether `tool` is on `PATH`.
pub fn on_path(tool: &str) -> bool {
    Command::new("sh")
        .arg("-c")
        .arg(format!("command -v {tool}"))
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Fails with the Debian package of `tool` when it is not on `PATH`.
pub fn need(tool: &str, package: &str) -> Result<(), String> {
    if on_path(tool) {
        Ok(())
    } else {
        Err(format!(
            "{tool} not found (Debian/Ubuntu: apt-get install {package})"
        ))
    }
}

/// The size of the file at `path` in bytes.
pub fn size(path: &Path) -> Result<u64, String> {
    Ok(std::fs::metadata(path)
        .map_err(|e| format!("{}: {e}", path.display()))?
        .len())
}

/// The standard output of `program ARGS`; `Err` when it cannot be run or fails.
pub fn output_of(program: &str, args: &[&str]) -> Result<String, String> {
    output_of_command(Command::new(program).args(args))
}

/// The standard output of `command`, which must succeed; `Err` names the command and its error.
pub fn output_of_command(command: &mut Command) -> Result<String, String> {
    let program = command.get_program().to_string_lossy().into_owned();
    let args: Vec<String> = command
        .get_args()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let out = command
        .output()
        .map_err(|e| format!("cannot run {program}: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "{program} {} failed ({}): {}",
            args.join(" "),
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// The version of `tool` on this machine, as the documents name it: `1.95.0` (the third word
/// of `tini --version`, the second of `rustc --version`, the third of `podman --version`).
pub fn version(tool: Tool) -> Result<String, String> {
    let (program, word) = match tool {
        // The compiler cargo runs (`RUSTC` when cargo's caller set it).
        Tool::Rustc => (std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into()), 1),
        Tool::Tini => ("tini".into(), 2),
        Tool::Podman => ("podman".into(), 2),
    };
    let text = output_of(&program, &["--version"])?;
    text.split_whitespace()
        .nth(word)
        .map(str::to_string)
        .ok_or_else(|| format!("`{program} --version` printed {text:?}"))
}

/// Runs `bin` under strace: its standard output and its calls after `execve`.
pub fn strace_calls(bin: &Path) -> Result<(Vec<u8>, Vec<String>), String> {
    need("strace", "strace")?;
    let bin = std::fs::canonicalize(bin).map_err(|e| format!("{}: {e}", bin.display()))?;
    let dir = TempDir::try_new("xtask-strace")?;
    let log = dir.path().join("log");
    let (out, text) = strace::run(strace::command(&log).arg(&bin), &log)?;
    let calls = strace::calls_after_execve(&text, &bin.to_string_lossy())?;
    Ok((out.stdout, calls))
}
