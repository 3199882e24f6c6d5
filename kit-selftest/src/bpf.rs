//! A classic-BPF interpreter for seccomp programs, this program's own and independent of the
//! kit: it runs the filter that `syscall_kit::seccomp` builds on a `seccomp_data`, so that the
//! filter's decisions are checked on every architecture, also under qemu-user, which does not
//! implement `seccomp(2)` (the system tests install the filter for real on x86_64).
//!
//! It knows the instructions the kit's filters need and no more: loads of `seccomp_data.nr`,
//! `seccomp_data.arch` and the low 32 bits of an argument, `jeq` and `jset` with a constant,
//! `ret` of a constant.

use alloc::format;
use alloc::string::String;

use syscall_kit::seccomp::SockFilter;

/// `BPF_LD | BPF_W | BPF_ABS`: load the 32-bit word at offset `k` of `seccomp_data`.
pub const LD_W_ABS: u16 = 0x20;
/// `BPF_JMP | BPF_JEQ | BPF_K`: skip `jt` instructions when the accumulator equals `k`, else `jf`.
pub const JEQ_K: u16 = 0x15;
/// `BPF_RET | BPF_K`: return `k`, the filter's decision.
pub const RET_K: u16 = 0x06;

/// `BPF_JMP | BPF_JSET | BPF_K`: skip `jt` instructions when `accumulator & k` is not 0, else
/// `jf`.
pub const JSET_K: u16 = 0x45;

/// Offsets of the fields of `struct seccomp_data` (include/uapi/linux/seccomp.h).
pub const OFFSET_NR: u32 = 0;
pub const OFFSET_ARCH: u32 = 4;
/// `args[0]`; each argument is 8 bytes, its low 32 bits first on a little-endian machine.
pub const OFFSET_ARGS: u32 = 16;

/// Runs `prog` on `seccomp_data { nr, arch }` with no argument set and returns its decision
/// (`SECCOMP_RET_*`), or why the program is not one this interpreter runs.
pub fn run(prog: &[SockFilter], nr: u32, arch: u32) -> Result<u32, String> {
    run_with_args(prog, nr, arch, [0; 6])
}

/// [`run`] with the arguments `args` (the low 32 bits of each, as a filter loads them).
pub fn run_with_args(
    prog: &[SockFilter],
    nr: u32,
    arch: u32,
    args: [u32; 6],
) -> Result<u32, String> {
    let low = if cfg!(target_endian = "big") { 4 } else { 0 };
    let (mut pc, mut a) = (0usize, 0u32);
    loop {
        let ins = prog.get(pc).ok_or(format!("ran off the end at {pc}"))?;
        pc += 1;
        match ins.code {
            LD_W_ABS => {
                a = match ins.k {
                    OFFSET_NR => nr,
                    OFFSET_ARCH => arch,
                    k if k >= OFFSET_ARGS && (k - OFFSET_ARGS) % 8 == low => {
                        match args.get(((k - OFFSET_ARGS) / 8) as usize) {
                            Some(&arg) => arg,
                            None => return Err(format!("load of offset {k}")),
                        }
                    }
                    k => return Err(format!("load of offset {k}")),
                }
            }
            JEQ_K => pc += usize::from(if a == ins.k { ins.jt } else { ins.jf }),
            JSET_K => pc += usize::from(if a & ins.k != 0 { ins.jt } else { ins.jf }),
            RET_K => return Ok(ins.k),
            code => return Err(format!("unexpected instruction {code:#x}")),
        }
    }
}
