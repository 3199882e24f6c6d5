//! A panic: its message on standard error and exit status 101, in a re-executed copy; and the
//! architecture's trap instruction, which ends one with `SIGILL`.

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

/// `syscall_kit::arch::trap`, each architecture's own illegal instruction, ends the process
/// with `SIGILL` (4), status 128 + 4 here, and nothing else: not `SIGTRAP`, not `SIGSEGV`, not a
/// return; on every architecture, natively and under qemu-user alike.
pub fn trap_is_sigill() -> TestResult {
    let (code, _) = run_self(&[c"--trap"], &[])?;
    check!(code == 128 + 4, "exit status {code}, not 132 (SIGILL)");
    Ok(())
}
