//! A classic-BPF interpreter for seccomp programs, this program's own and independent of the
//! kit: it runs the filter that `syscall_kit::seccomp` builds on a `seccomp_data`, so that the
//! filter's decisions are checked on every architecture, also under qemu-user, which does not
//! implement `seccomp(2)` (the system tests install the filter for real on x86_64).
//!
//! It knows the instructions a seccomp allow-list needs and no more: loads of
//! `seccomp_data.nr` and `seccomp_data.arch`, `jeq` with a constant, `ret` of a constant.

use alloc::format;
use alloc::string::String;

use syscall_kit::seccomp::SockFilter;

/// `BPF_LD | BPF_W | BPF_ABS`: load the 32-bit word at offset `k` of `seccomp_data`.
pub const LD_W_ABS: u16 = 0x20;
/// `BPF_JMP | BPF_JEQ | BPF_K`: skip `jt` instructions when the accumulator equals `k`, else `jf`.
pub const JEQ_K: u16 = 0x15;
/// `BPF_RET | BPF_K`: return `k`, the filter's decision.
pub const RET_K: u16 = 0x06;

/// Offsets of the fields of `struct seccomp_data` (include/uapi/linux/seccomp.h).
pub const OFFSET_NR: u32 = 0;
pub const OFFSET_ARCH: u32 = 4;

/// Runs `prog` on `seccomp_data { nr, arch }` and returns its decision (`SECCOMP_RET_*`), or
/// why the program is not one this interpreter runs.
pub fn run(prog: &[SockFilter], nr: u32, arch: u32) -> Result<u32, String> {
    let (mut pc, mut a) = (0usize, 0u32);
    loop {
        let ins = prog.get(pc).ok_or(format!("ran off the end at {pc}"))?;
        pc += 1;
        match ins.code {
            LD_W_ABS => {
                a = match ins.k {
                    OFFSET_NR => nr,
                    OFFSET_ARCH => arch,
                    k => return Err(format!("load of offset {k}")),
                }
            }
            JEQ_K => pc += usize::from(if a == ins.k { ins.jt } else { ins.jf }),
            RET_K => return Ok(ins.k),
            code => return Err(format!("unexpected instruction {code:#x}")),
        }
    }
}
