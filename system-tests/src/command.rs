//! Running a command in a test: its output, or a failure that shows it.

use std::process::{Command, Output};

/// Runs `cmd` to completion, capturing its output; panics when it cannot be started.
pub fn run(cmd: &mut Command) -> Output {
    cmd.output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"))
}

/// Panics with the command's status, stdout and stderr, then `hint`, unless it succeeded.
pub fn assert_success_with(out: &Output, what: &str, hint: &str) {
    assert!(
        out.status.success(),
        "{what} failed ({}):\nstdout: {}\nstderr: {}{hint}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
}
