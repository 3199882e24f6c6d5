//! 32-bit arm (EABI, ARM state: the armv7, armv6 and armv5 rows of the table): the
//! system call instruction, the program entry point `_start`, the memory functions the
//! compiler calls (`memcpy`, `memmove`, `memset`, `memcmp`, `strlen`), and the `open(2)` flags
//! whose values differ from the asm-generic ones.
//!
//! The `sc` crate's arm module does not build on current Rust (`llvm_asm!`), so the system
//! call instruction is the kit's own.

pub mod nr;

// Thumb code uses r7 as its frame pointer, which `asm!` then refuses as an operand; every arm
// target of the table generates ARM code.
#[cfg(target_feature = "thumb-mode")]
compile_error!("syscall-kit's arm system call passes the number in r7: ARM state only, not Thumb");

/// `O_DIRECT` on arm (arch/arm/include/uapi/asm/fcntl.h).
pub const O_DIRECT: u32 = 0o200000;
/// `O_DIRECTORY` on arm.
pub const O_DIRECTORY: u32 = 0o40000;
/// `O_NOFOLLOW` on arm.
pub const O_NOFOLLOW: u32 = 0o100000;
/// `O_LARGEFILE` on arm: 64-bit file offsets, which the kit asks for in every open (the
/// kernel would refuse a file of 2 GiB or more with `EOVERFLOW`).
pub const O_LARGEFILE: u32 = 0o400000;

/// `AUDIT_ARCH_ARM` (include/uapi/linux/audit.h): EM_ARM (40) | __AUDIT_ARCH_LE, the value the
/// kernel puts in the `arch` field of `struct seccomp_data` for a system call made through
/// this architecture's native ABI (EABI). See [`crate::seccomp`].
pub const AUDIT_ARCH_ARM: u32 = 0x4000_0028;
/// The `AUDIT_ARCH_*` value of this architecture: [`AUDIT_ARCH_ARM`].
pub const AUDIT_ARCH: u32 = AUDIT_ARCH_ARM;

// The system call convention of arm EABI Linux (arch/arm/kernel/entry-common.S; nolibc's
// arch-arm.h):
//
//   instruction  svc 0
//   number       r7
//   arguments    r0, r1, r2, r3, r4, r5 (a 64-bit argument takes an even/odd pair, r0:r1 or
//                r2:r3, skipping a register: not used by the kit, which has no such call)
//   result       r0 (-4095..=-1: -errno)
//   clobbered    nothing else (the kernel restores every other register and the flags)

/// The system call instruction with no argument.
///
/// # Safety
/// The call's contract (see its man page) must hold.
#[inline(always)]
pub(crate) unsafe fn syscall0(n: usize) -> usize {
    let ret;
    // SAFETY: forwarded to the caller; the kernel preserves every register but r0.
    unsafe {
        core::arch::asm!(
            "svc 0",
            in("r7") n,
            lateout("r0") ret,
            options(nostack, preserves_flags)
        )
    };
    ret
}

/// The system call instruction with one argument.
///
/// # Safety
/// The call's contract (see its man page) must hold.
#[inline(always)]
pub(crate) unsafe fn syscall1(n: usize, a1: usize) -> usize {
    let ret;
    // SAFETY: forwarded to the caller; the kernel preserves every register but r0.
    unsafe {
        core::arch::asm!(
            "svc 0",
            in("r7") n,
            inlateout("r0") a1 => ret,
            options(nostack, preserves_flags)
        )
    };
    ret
}

/// The system call instruction with two arguments.
///
/// # Safety
/// The call's contract (see its man page) must hold.
#[inline(always)]
pub(crate) unsafe fn syscall2(n: usize, a1: usize, a2: usize) -> usize {
    let ret;
    // SAFETY: forwarded to the caller; the kernel preserves every register but r0.
    unsafe {
        core::arch::asm!(
            "svc 0",
            in("r7") n,
            inlateout("r0") a1 => ret,
            in("r1") a2,
            options(nostack, preserves_flags)
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
    // SAFETY: forwarded to the caller; the kernel preserves every register but r0.
    unsafe {
        core::arch::asm!(
            "svc 0",
            in("r7") n,
            inlateout("r0") a1 => ret,
            in("r1") a2,
            in("r2") a3,
            options(nostack, preserves_flags)
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
    // SAFETY: forwarded to the caller; the kernel preserves every register but r0.
    unsafe {
        core::arch::asm!(
            "svc 0",
            in("r7") n,
            inlateout("r0") a1 => ret,
            in("r1") a2,
            in("r2") a3,
            in("r3") a4,
            options(nostack, preserves_flags)
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
    // SAFETY: forwarded to the caller; the kernel preserves every register but r0.
    unsafe {
        core::arch::asm!(
            "svc 0",
            in("r7") n,
            inlateout("r0") a1 => ret,
            in("r1") a2,
            in("r2") a3,
            in("r3") a4,
            in("r4") a5,
            options(nostack, preserves_flags)
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
    // SAFETY: forwarded to the caller; the kernel preserves every register but r0.
    unsafe {
        core::arch::asm!(
            "svc 0",
            in("r7") n,
            inlateout("r0") a1 => ret,
            in("r1") a2,
            in("r2") a3,
            in("r3") a4,
            in("r4") a5,
            in("r5") a6,
            options(nostack, preserves_flags)
        )
    };
    ret
}

/// The illegal instruction of this architecture (`udf #0`, permanently undefined in ARM
/// state), for [`trap`](super::trap).
#[doc(hidden)]
#[macro_export]
macro_rules! __trap_instruction {
    () => {
        "udf #0"
    };
}

/// The `sa_restorer` of a signal handler (see `sigaction.rs`): none. When `SA_RESTORER` is not
/// set, this kernel returns from a handler through the trampoline of its vDSO (or of its signal page, where there is no vDSO).
pub(crate) fn sa_restorer(_siginfo: bool) -> Option<usize> {
    None
}

/// Defines the process entry point `_start`, which calls `$entry(initial stack pointer)`.
///
/// Used by [`main!`](crate::main); a program does not call it directly.
///
/// At `_start`, `sp` points at `argc`, followed by the `argv` pointers, a null, the `envp`
/// pointers, a null, and the auxiliary vector. The AAPCS wants `sp` 8-byte aligned at a call;
/// it is aligned to 16 here.
#[doc(hidden)]
#[macro_export]
macro_rules! __arch_start {
    ($entry:path) => {
        $crate::__naked_start!(
            $entry;
            // The outermost frame: a zero frame pointer (r11 in ARM state) and link register
            // end stack walks.
            "mov fp, #0",
            "mov lr, #0",
            // First argument (r0) = the initial stack pointer (&argc).
            "mov r0, sp",
            "bic r1, r0, #15",
            "mov sp, r1",
            "bl {entry}",
            // `entry` never returns; trap if it ever did.
            "udf #0",
        );
    };
}

/// Defines `memcpy`, `memmove`, `memset`, `memcmp`, `bcmp` and `strlen`, the functions the
/// compiler and `core` call (also through the `__aeabi_mem*` functions of compiler_builtins)
/// and expect a C library to provide, each in a section `.text.kit_libc.NAME`; and
/// `_Unwind_Resume` and `rust_eh_personality`, which the precompiled `alloc` names but a
/// `panic = "abort"` program never calls (`.text.kit_unwind.NAME`). See the x86_64 file for
/// why they are assembly. Byte loops: simple and correct; the kit's programs move little memory.
/// Arguments in r0–r2, result in r0; r3 and r12 are free (AAPCS).
#[doc(hidden)]
#[macro_export]
macro_rules! __arch_mem_functions {
    () => {
        ::core::arch::global_asm!(
            // void *memcpy(void *dst /* r0 */, const void *src /* r1 */, size_t n /* r2 */)
            ".section .text.kit_libc.memcpy,\"ax\",%progbits",
            ".globl memcpy",
            ".type memcpy,%function",
            "memcpy:",
            "    mov r3, r0",
            "    cmp r2, #0",
            "    beq 2f",
            "1:  ldrb r12, [r1], #1",
            "    strb r12, [r3], #1",
            "    subs r2, r2, #1",
            "    bne 1b",
            "2:  bx lr",
            ".size memcpy, .-memcpy",
            // void *memmove(void *dst, const void *src, size_t n): overlap allowed
            ".section .text.kit_libc.memmove,\"ax\",%progbits",
            ".globl memmove",
            ".type memmove,%function",
            "memmove:",
            "    cmp r2, #0",
            "    beq 4f",
            "    sub r3, r0, r1",
            "    cmp r3, r2",
            "    blo 2f",     // dst inside [src, src + n): copy downwards
            "    mov r3, r0", // else upwards
            "1:  ldrb r12, [r1], #1",
            "    strb r12, [r3], #1",
            "    subs r2, r2, #1",
            "    bne 1b",
            "    bx lr",
            "2:  add r1, r1, r2",
            "    add r3, r0, r2",
            "3:  ldrb r12, [r1, #-1]!",
            "    strb r12, [r3, #-1]!",
            "    subs r2, r2, #1",
            "    bne 3b",
            "4:  bx lr",
            ".size memmove, .-memmove",
            // void *memset(void *dst, int c /* r1 */, size_t n)
            ".section .text.kit_libc.memset,\"ax\",%progbits",
            ".globl memset",
            ".type memset,%function",
            "memset:",
            "    mov r3, r0",
            "    cmp r2, #0",
            "    beq 2f",
            "1:  strb r1, [r3], #1",
            "    subs r2, r2, #1",
            "    bne 1b",
            "2:  bx lr",
            ".size memset, .-memset",
            // int memcmp(const void *a, const void *b, size_t n); bcmp is the same function
            ".section .text.kit_libc.memcmp,\"ax\",%progbits",
            ".globl memcmp",
            ".type memcmp,%function",
            ".globl bcmp",
            ".type bcmp,%function",
            "memcmp:",
            "bcmp:",
            "    cmp r2, #0",
            "    beq 3f",
            "1:  ldrb r3, [r0], #1",
            "    ldrb r12, [r1], #1",
            "    subs r3, r3, r12", // difference of the first unequal unsigned bytes
            "    bne 2f",
            "    subs r2, r2, #1",
            "    bne 1b",
            "3:  mov r0, #0",
            "    bx lr",
            "2:  mov r0, r3",
            "    bx lr",
            ".size memcmp, .-memcmp",
            // size_t strlen(const char *s)
            ".section .text.kit_libc.strlen,\"ax\",%progbits",
            ".globl strlen",
            ".type strlen,%function",
            "strlen:",
            "    mov r1, r0",
            "1:  ldrb r2, [r1], #1",
            "    cmp r2, #0",
            "    bne 1b",
            "    sub r0, r1, r0",
            "    sub r0, r0, #1", // the loop also counted the NUL
            "    bx lr",
            ".size strlen, .-strlen",
            ".section .text.kit_unwind._Unwind_Resume,\"ax\",%progbits",
            ".globl _Unwind_Resume",
            ".type _Unwind_Resume,%function",
            "_Unwind_Resume:",
            "    udf #0",
            ".size _Unwind_Resume, .-_Unwind_Resume",
            ".section .text.kit_unwind.rust_eh_personality,\"ax\",%progbits",
            ".globl rust_eh_personality",
            ".type rust_eh_personality,%function",
            "rust_eh_personality:",
            "    udf #0",
            ".size rust_eh_personality, .-rust_eh_personality",
            ".text",
        );
    };
}
