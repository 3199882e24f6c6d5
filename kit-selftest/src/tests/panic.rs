//! A panic: its message on standard error and exit status 101, in a re-executed copy.

use super::support::run_self;
use crate::TestResult;

pub fn reports_and_exits_101() -> TestResult {
    let (code, stderr) = run_self(&[c"--panic"], &[])?;
    check!(code == 101, "exit status {code}");
    // The location is that of the `panic!` of the `--panic` mode.
    check!(
        stderr.starts_with("panicked at kit-selftest/src/child.rs:")
            && stderr.ends_with(":\ndeliberate panic number 42\n"),
        "stderr: {stderr:?}"
    );
    Ok(())
}
