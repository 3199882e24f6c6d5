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
/// with `SIGILL` (4), status 128 + 4 here, and nothing else: not `SIGTRAP`, not a return.
///
/// loongarch64's is `amswap.w $zero, $ra, $zero`, which the ISA defines as undefined (the
/// instruction-not-exist exception, `SIGILL`; LLVM names it `ud`), but qemu-loongarch64 7.2
/// executes it as a swap at address 0: `SIGSEGV` (11) there, and only there.
pub fn trap_is_sigill() -> TestResult {
    let (code, _) = run_self(&[c"--trap"], &[])?;
    let qemu_7_2 = cfg!(target_arch = "loongarch64") && code == 128 + 11;
    check!(
        code == 128 + 4 || qemu_7_2,
        "exit status {code}, not 132 (SIGILL)"
    );
    Ok(())
}
