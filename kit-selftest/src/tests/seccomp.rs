//! The seccomp allow-list's program, read back and run by this program's own classic-BPF
//! interpreter ([`crate::bpf`]) for the calls it must allow and refuse.

use alloc::string::ToString;

use syscall_kit::Errno;
use syscall_kit::raw::nr;
use syscall_kit::seccomp::{Abi, Action, AllowList, Filter, Unless};

use crate::TestResult;
use crate::bpf::{JEQ_K, LD_W_ABS, OFFSET_ARCH, run, run_with_args};

/// The `AUDIT_ARCH_*` of this architecture (include/uapi/linux/audit.h), written out here
/// rather than taken from the kit.
#[cfg(target_arch = "x86_64")]
const NATIVE: u32 = 0xC000_003E;
#[cfg(target_arch = "aarch64")]
const NATIVE: u32 = 0xC000_00B7;
#[cfg(target_arch = "riscv64")]
const NATIVE: u32 = 0xC000_00F3;
#[cfg(target_arch = "x86")]
const NATIVE: u32 = 0x4000_0003;
#[cfg(target_arch = "arm")]
const NATIVE: u32 = 0x4000_0028;
#[cfg(target_arch = "s390x")]
const NATIVE: u32 = 0x8000_0016;
#[cfg(target_arch = "powerpc64")]
const NATIVE: u32 = 0xC000_0015;
#[cfg(target_arch = "loongarch64")]
const NATIVE: u32 = 0xC000_0102;
/// Another ABI's `AUDIT_ARCH_*`, which the filter must refuse: `AUDIT_ARCH_I386`, the other
/// ABI the kernel may enter through on x86_64 (on i686 itself, `AUDIT_ARCH_X86_64`'s value).
#[cfg(not(target_arch = "x86"))]
const FOREIGN: u32 = 0x4000_0003;
#[cfg(target_arch = "x86")]
const FOREIGN: u32 = 0xC000_003E;
/// `SECCOMP_RET_KILL_PROCESS` and `SECCOMP_RET_ALLOW` (include/uapi/linux/seccomp.h).
const KILL_PROCESS: u32 = 0x8000_0000;
const ALLOW: u32 = 0x7fff_0000;

/// Runs on every architecture, also under qemu-user, which does not implement `seccomp(2)`; the
/// system tests install the filter for real (`--seccomp-kill`, `--seccomp-errno`).
pub fn program_decides_as_documented() -> TestResult {
    let kill = AllowList::new(&[nr::WRITE, nr::EXIT_GROUP], Action::KillProcess)
        .map_err(|e| e.to_string())?;
    let prog = kill.instructions();
    check!(prog.len() == 8, "{} instructions", prog.len());
    check!(
        prog[0].code == LD_W_ABS && prog[0].k == OFFSET_ARCH,
        "the first instruction loads seccomp_data.arch: {:?}",
        prog[0]
    );
    check!(
        prog[1].code == JEQ_K && prog[1].k == NATIVE,
        "the second compares it with {NATIVE:#x}: {:?}",
        prog[1]
    );
    let (write, exit_group, getpid) = (nr::WRITE as u32, nr::EXIT_GROUP as u32, nr::GETPID as u32);
    for (what, nr, arch, expected) in [
        ("write", write, NATIVE, ALLOW),
        ("exit_group", exit_group, NATIVE, ALLOW),
        ("getpid", getpid, NATIVE, KILL_PROCESS),
        ("write through another ABI", write, FOREIGN, KILL_PROCESS),
        (
            "write with the x32 bit",
            write | 0x4000_0000,
            NATIVE,
            KILL_PROCESS,
        ),
    ] {
        let got = run(prog, nr, arch)?;
        check!(got == expected, "{what}: {got:#x}, expected {expected:#x}");
    }
    let errno =
        AllowList::new(&[nr::WRITE], Action::Errno(Errno::EPERM)).map_err(|e| e.to_string())?;
    let got = run(errno.instructions(), getpid, NATIVE)?;
    check!(got == 0x0005_0001, "getpid with an EPERM action: {got:#x}");
    let got = run(errno.instructions(), write, FOREIGN)?;
    check!(
        got == KILL_PROCESS,
        "another ABI with an EPERM action: {got:#x}"
    );
    filter_of_two_abis(write, getpid)
}

/// A `Filter` of two ABIs, a tracer's: `write` traced in the native ABI (but with bit 0x1000 in
/// its second argument), 5 in the other, everything else allowed, an unknown ABI killed.
fn filter_of_two_abis(write: u32, getpid: u32) -> TestResult {
    const TRACE_3: u32 = 0x7ff0_0003;
    let native = [write as usize];
    let foreign = [5];
    let unless = [Unless {
        nr: write as usize,
        arg: 1,
        flag: 0x1000,
    }];
    let abis = [
        Abi::native(&native).unless(&unless),
        Abi::new(FOREIGN, &foreign),
    ];
    let filter = Filter::new(&abis, Action::Trace(3), Action::Allow, Action::KillProcess)
        .map_err(|e| e.to_string())?;
    let prog = filter.instructions();
    for (what, nr, arch, expected) in [
        ("write", write, NATIVE, TRACE_3),
        ("getpid", getpid, NATIVE, ALLOW),
        ("5 through the other ABI", 5, FOREIGN, TRACE_3),
        ("6 through the other ABI", 6, FOREIGN, ALLOW),
        ("write through an unknown ABI", write, 0x1234, KILL_PROCESS),
    ] {
        let got = run(prog, nr, arch)?;
        check!(
            got == expected,
            "filter, {what}: {got:#x}, expected {expected:#x}"
        );
    }
    for (what, args, expected) in [
        ("write with the flag", [1, 0x1000, 0, 0, 0, 0], ALLOW),
        ("write with other bits", [1, 0x0fff, 0, 0, 0, 0], TRACE_3),
        (
            "write with the flag in another argument",
            [0x1000, 0, 0, 0, 0, 0],
            TRACE_3,
        ),
    ] {
        let got = run_with_args(prog, write, NATIVE, args)?;
        check!(
            got == expected,
            "filter, {what}: {got:#x}, expected {expected:#x}"
        );
    }
    Ok(())
}
