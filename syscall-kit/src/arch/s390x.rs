//! s390x (64-bit IBM Z, big-endian): the system call instruction, the program entry point
//! `_start`, `mmap(2)` (which takes its arguments in memory here), the argument order of
//! `clone(2)`, the memory functions the compiler calls (`memcpy`, `memmove`, `memset`,
//! `memcmp`, `strlen`), and the `open(2)` flags (asm-generic values).
//!
//! The `sc` crate has no s390x module, so the system call instruction is the kit's own.

use crate::Errno;

pub mod nr;

/// `O_DIRECT` on s390x (asm-generic value).
pub const O_DIRECT: u32 = 0o40000;
/// `O_DIRECTORY` on s390x (asm-generic value).
pub const O_DIRECTORY: u32 = 0o200000;
/// `O_NOFOLLOW` on s390x (asm-generic value).
pub const O_NOFOLLOW: u32 = 0o400000;
/// `O_LARGEFILE`: 0, the kernel opens every file with 64-bit offsets on a 64-bit architecture.
pub const O_LARGEFILE: u32 = 0;

/// `AUDIT_ARCH_S390X` (include/uapi/linux/audit.h): EM_S390 (22) | __AUDIT_ARCH_64BIT (and no
/// __AUDIT_ARCH_LE: big-endian), the value the kernel puts in the `arch` field of `struct
/// seccomp_data` for a system call made through this architecture's native ABI. See
/// [`crate::seccomp`].
pub const AUDIT_ARCH_S390X: u32 = 0x8000_0016;
/// The `AUDIT_ARCH_*` value of this architecture: [`AUDIT_ARCH_S390X`].
pub const AUDIT_ARCH: u32 = AUDIT_ARCH_S390X;

// The system call convention of s390x Linux (arch/s390/kernel/entry.S; nolibc's
// arch-s390.h):
//
//   instruction  svc 0 (the number in r1; `svc N` would encode numbers below 256 only)
//   number       r1
//   arguments    r2, r3, r4, r5, r6, r7
//   result       r2 (-4095..=-1: -errno)
//   clobbered    nothing else (the kernel restores every other register; the condition
//                code is not promised)
//
// `mmap` (90) is the old one, which takes the address of its six arguments: see `mmap` below.

/// The system call instruction with no argument.
///
/// # Safety
/// The call's contract (see its man page) must hold.
#[inline(always)]
pub(crate) unsafe fn syscall0(n: usize) -> usize {
    let ret;
    // SAFETY: forwarded to the caller; the kernel preserves every register but r2.
    unsafe { core::arch::asm!("svc 0", in("r1") n, lateout("r2") ret, options(nostack)) };
    ret
}

/// The system call instruction with one argument.
///
/// # Safety
/// The call's contract (see its man page) must hold.
#[inline(always)]
pub(crate) unsafe fn syscall1(n: usize, a1: usize) -> usize {
    let ret;
    // SAFETY: forwarded to the caller; the kernel preserves every register but r2.
    unsafe { core::arch::asm!("svc 0", in("r1") n, inlateout("r2") a1 => ret, options(nostack)) };
    ret
}

/// The system call instruction with two arguments.
///
/// # Safety
/// The call's contract (see its man page) must hold.
#[inline(always)]
pub(crate) unsafe fn syscall2(n: usize, a1: usize, a2: usize) -> usize {
    let ret;
    // SAFETY: forwarded to the caller; the kernel preserves every register but r2.
    unsafe {
        core::arch::asm!(
            "svc 0",
            in("r1") n,
            inlateout("r2") a1 => ret,
            in("r3") a2,
            options(nostack)
        )
    };
    ret
}

/// The system call instruction with three arguments.
///
/// # Safety
/// The call's contract (see its man page) must hold.
#[inline(always)]
pub(crate) unsafe fn syscall3(n: usize, a1: usize, a2: usize, a3: usize) -> usize {
    let ret;
    // SAFETY: forwarded to the caller; the kernel preserves every register but r2.
    unsafe {
        core::arch::asm!(
            "svc 0",
            in("r1") n,
            inlateout("r2") a1 => ret,
            in("r3") a2,
            in("r4") a3,
            options(nostack)
        )
    };
    ret
}

/// The system call instruction with four arguments.
///
/// # Safety
/// The call's contract (see its man page) must hold.
#[inline(always)]
pub(crate) unsafe fn syscall4(n: usize, a1: usize, a2: usize, a3: usize, a4: usize) -> usize {
    let ret;
    // SAFETY: forwarded to the caller; the kernel preserves every register but r2.
    unsafe {
        core::arch::asm!(
            "svc 0",
            in("r1") n,
            inlateout("r2") a1 => ret,
            in("r3") a2,
            in("r4") a3,
            in("r5") a4,
            options(nostack)
        )
    };
    ret
}

/// The system call instruction with five arguments.
///
/// # Safety
/// The call's contract (see its man page) must hold.
#[inline(always)]
pub(crate) unsafe fn syscall5(
    n: usize,
    a1: usize,
    a2: usize,
    a3: usize,
    a4: usize,
    a5: usize,
) -> usize {
    let ret;
    // SAFETY: forwarded to the caller; the kernel preserves every register but r2.
    unsafe {
        core::arch::asm!(
            "svc 0",
            in("r1") n,
            inlateout("r2") a1 => ret,
            in("r3") a2,
            in("r4") a3,
            in("r5") a4,
            in("r6") a5,
            options(nostack)
        )
    };
    ret
}

/// The system call instruction with six arguments.
///
/// # Safety
/// The call's contract (see its man page) must hold.
#[inline(always)]
pub(crate) unsafe fn syscall6(
    n: usize,
    a1: usize,
    a2: usize,
    a3: usize,
    a4: usize,
    a5: usize,
    a6: usize,
) -> usize {
    let ret;
    // SAFETY: forwarded to the caller; the kernel preserves every register but r2.
    unsafe {
        core::arch::asm!(
            "svc 0",
            in("r1") n,
            inlateout("r2") a1 => ret,
            in("r3") a2,
            in("r4") a3,
            in("r5") a4,
            in("r6") a5,
            in("r7") a6,
            options(nostack)
        )
    };
    ret
}

/// `mmap(2)` on s390x: the kernel's `mmap` (`old_mmap`) reads its six arguments from memory,
/// at the address passed in the one register (arch/s390/kernel/syscall.c).
///
/// # Safety
/// The contract of [`crate::mm::mmap`].
pub(crate) unsafe fn mmap(
    addr: usize,
    len: usize,
    prot: usize,
    flags: usize,
    fd: usize,
    offset: u64,
) -> Result<usize, Errno> {
    let args: [usize; 6] = [addr, len, prot, flags, fd, offset as usize];
    // SAFETY: forwarded to the caller; the kernel reads the six words of `args`, a live local.
    unsafe { crate::raw::syscall1(nr::MMAP, args.as_ptr() as usize) }
}

/// The arguments of `clone(2)` for a fork with `flags` (no new stack, no thread ids, no TLS),
/// in s390x's order: the new stack first, then the flags (`CLONE_BACKWARDS2`).
pub(crate) const fn fork_clone_args(flags: usize) -> [usize; 5] {
    [0, flags, 0, 0, 0]
}

/// The illegal instruction of this architecture: opcode 0 (a two-byte instruction no machine
/// defines: an operation exception, `SIGILL`), for [`trap`](super::trap).
#[doc(hidden)]
#[macro_export]
macro_rules! __trap_instruction {
    () => {
        ".word 0"
    };
}

/// The `sa_restorer` of a signal handler (see `sigaction.rs`): none. When `SA_RESTORER` is not
/// set, this kernel returns from a handler through the trampoline of its vDSO.
pub(crate) fn sa_restorer(_siginfo: bool) -> Option<usize> {
    None
}

/// Defines the process entry point `_start`, which calls `$entry(initial stack pointer)`.
///
/// Used by [`main!`](crate::main); a program does not call it directly.
///
/// At `_start`, r15 (the stack pointer) points at `argc`, followed by the `argv` pointers, a
/// null, the `envp` pointers, a null, and the auxiliary vector. The s390x ELF ABI gives every
/// called function 160 bytes above the stack pointer to save the caller's registers in, and the
/// word at 0(r15) is the back chain, the caller's frame: zero for the outermost frame, which
/// ends stack walks. So `_start` opens a 160-byte frame with a cleared back chain, as musl's
/// (which clears it with `lghi`/`stg`; `xc` is the same in one instruction).
#[doc(hidden)]
#[macro_export]
macro_rules! __arch_start {
    ($entry:path) => {
        $crate::__naked_start!(
            $entry;
            // First argument (r2) = the initial stack pointer (&argc).
            "lgr %r2, %r15",
            // The 160-byte save area of the callee. The stack stays 8-byte aligned, as the
            // ABI wants: the kernel hands it over 16-byte aligned (fs/binfmt_elf.c,
            // STACK_ROUND).
            "aghi %r15, -160",
            // The back chain: none (the 8 bytes at 0(r15) cleared, xor with themselves).
            "xc 0(8, %r15), 0(%r15)",
            "brasl %r14, {entry}",
            // `entry` never returns; trap if it ever did.
            ".word 0",
        );
    };
}

/// Defines `memcpy`, `memmove`, `memset`, `memcmp`, `bcmp` and `strlen`, the functions the
/// compiler and `core` call and expect a C library to provide, each in a section
/// `.text.kit_libc.NAME`; and `_Unwind_Resume` and `rust_eh_personality`, which the
/// precompiled `alloc` names but a `panic = "abort"` program never calls
/// (`.text.kit_unwind.NAME`). See the x86_64 file for why they are assembly. Byte loops; the
/// arguments are in r2–r4, the result in r2, r0, r1 and r5 are free, and `br %r14` returns.
/// (r0 cannot be an address: as a base register it means 0.)
#[doc(hidden)]
#[macro_export]
macro_rules! __arch_mem_functions {
    () => {
        ::core::arch::global_asm!(
            // void *memcpy(void *dst /* r2 */, const void *src /* r3 */, size_t n /* r4 */)
            ".section .text.kit_libc.memcpy,\"ax\",@progbits",
            ".globl memcpy",
            ".type memcpy,@function",
            "memcpy:",
            "    lgr %r1, %r2",
            "    ltgr %r4, %r4",
            "    jz 2f",
            "1:  llc %r0, 0(%r3)",
            "    stc %r0, 0(%r1)",
            "    la %r3, 1(%r3)",
            "    la %r1, 1(%r1)",
            "    brctg %r4, 1b", // n -= 1; again unless 0
            "2:  br %r14",
            ".size memcpy, .-memcpy",
            // void *memmove(void *dst, const void *src, size_t n): overlap allowed
            ".section .text.kit_libc.memmove,\"ax\",@progbits",
            ".globl memmove",
            ".type memmove,@function",
            "memmove:",
            "    ltgr %r4, %r4",
            "    jz 4f",
            "    lgr %r5, %r2",
            "    sgr %r5, %r3", // dst - src (wrapping)
            "    clgr %r5, %r4",
            "    jl 2f", // dst inside [src, src + n): copy downwards
            "    lgr %r1, %r2",
            "1:  llc %r0, 0(%r3)",
            "    stc %r0, 0(%r1)",
            "    la %r3, 1(%r3)",
            "    la %r1, 1(%r1)",
            "    brctg %r4, 1b",
            "    br %r14",
            "2:  agr %r3, %r4",
            "    lgr %r1, %r2",
            "    agr %r1, %r4",
            "3:  aghi %r3, -1",
            "    aghi %r1, -1",
            "    llc %r0, 0(%r3)",
            "    stc %r0, 0(%r1)",
            "    brctg %r4, 3b",
            "4:  br %r14",
            ".size memmove, .-memmove",
            // void *memset(void *dst, int c /* r3 */, size_t n)
            ".section .text.kit_libc.memset,\"ax\",@progbits",
            ".globl memset",
            ".type memset,@function",
            "memset:",
            "    lgr %r1, %r2",
            "    ltgr %r4, %r4",
            "    jz 2f",
            "1:  stc %r3, 0(%r1)",
            "    la %r1, 1(%r1)",
            "    brctg %r4, 1b",
            "2:  br %r14",
            ".size memset, .-memset",
            // int memcmp(const void *a, const void *b, size_t n); bcmp is the same function
            ".section .text.kit_libc.memcmp,\"ax\",@progbits",
            ".globl memcmp",
            ".type memcmp,@function",
            ".globl bcmp",
            ".type bcmp,@function",
            "memcmp:",
            "bcmp:",
            "    ltgr %r4, %r4",
            "    jz 3f",
            "1:  llc %r0, 0(%r2)",
            "    llc %r1, 0(%r3)",
            "    sr %r0, %r1", // difference of the first unequal unsigned bytes
            "    jnz 2f",
            "    la %r2, 1(%r2)",
            "    la %r3, 1(%r3)",
            "    brctg %r4, 1b",
            "3:  lghi %r2, 0",
            "    br %r14",
            "2:  lgfr %r2, %r0", // the int, sign-extended as the ABI returns it
            "    br %r14",
            ".size memcmp, .-memcmp",
            // size_t strlen(const char *s)
            ".section .text.kit_libc.strlen,\"ax\",@progbits",
            ".globl strlen",
            ".type strlen,@function",
            "strlen:",
            "    lgr %r1, %r2",
            "1:  llc %r0, 0(%r1)",
            "    la %r1, 1(%r1)",
            "    ltr %r0, %r0",
            "    jnz 1b",
            "    sgr %r1, %r2",
            "    aghi %r1, -1", // the loop also counted the NUL
            "    lgr %r2, %r1",
            "    br %r14",
            ".size strlen, .-strlen",
            ".section .text.kit_unwind._Unwind_Resume,\"ax\",@progbits",
            ".globl _Unwind_Resume",
            ".type _Unwind_Resume,@function",
            "_Unwind_Resume:",
            "    .word 0",
            ".size _Unwind_Resume, .-_Unwind_Resume",
            ".section .text.kit_unwind.rust_eh_personality,\"ax\",@progbits",
            ".globl rust_eh_personality",
            ".type rust_eh_personality,@function",
            "rust_eh_personality:",
            "    .word 0",
            ".size rust_eh_personality, .-rust_eh_personality",
            ".text",
        );
    };
}
