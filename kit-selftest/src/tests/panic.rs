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
/// executes it as a swap at address 0: `SIGSEGV` (11). That is accepted there only, when the
/// system tests say the emulator is a qemu 7 (`SELFTEST_QEMU_VERSION`, from its `--version`).
pub fn trap_is_sigill() -> TestResult {
    let (code, _) = run_self(&[c"--trap"], &[])?;
    let qemu_7 = syscall_kit::rt::getenv("SELFTEST_QEMU_VERSION")
        .is_some_and(|v| v.to_bytes().starts_with(b"7."));
    let known_emulator_fault = cfg!(target_arch = "loongarch64") && qemu_7 && code == 128 + 11;
    check!(
        code == 128 + 4 || known_emulator_fault,
        "exit status {code}, not 132 (SIGILL)"
    );
    Ok(())
}
