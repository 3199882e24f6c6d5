//! loongarch64 (LP64D): the system call instruction, the program entry point `_start`, the
//! memory functions the compiler calls (`memcpy`, `memmove`, `memset`, `memcmp`, `strlen`), and
//! `open(2)` flags (asm-generic values).
//!
//! The `sc` crate has no loongarch64 module, so the system call instruction is the kit's own.

pub mod nr;

/// `O_LARGEFILE`: 0, the kernel opens every file with 64-bit offsets on a 64-bit architecture.
pub const O_LARGEFILE: u32 = 0;

/// `O_DIRECT` on loongarch64 (asm-generic value).
pub const O_DIRECT: u32 = 0o40000;
/// `O_DIRECTORY` on loongarch64 (asm-generic value).
pub const O_DIRECTORY: u32 = 0o200000;
/// `O_NOFOLLOW` on loongarch64 (asm-generic value).
pub const O_NOFOLLOW: u32 = 0o400000;

/// `AUDIT_ARCH_LOONGARCH64` (include/uapi/linux/audit.h): EM_LOONGARCH (258) |
/// __AUDIT_ARCH_64BIT | __AUDIT_ARCH_LE, the value the kernel puts in the `arch` field of
/// `struct seccomp_data` for a system call made through this architecture's native ABI. See
/// [`crate::seccomp`].
pub const AUDIT_ARCH_LOONGARCH64: u32 = 0xC000_0102;
/// The `AUDIT_ARCH_*` value of this architecture: [`AUDIT_ARCH_LOONGARCH64`].
pub const AUDIT_ARCH: u32 = AUDIT_ARCH_LOONGARCH64;

// The system call convention of loongarch64 Linux (arch/loongarch/kernel/entry.S, whose
// handle_syscall uses $t0-$t2 before it saves anything; nolibc's arch-loongarch.h, which
// declares $t0-$t8 clobbered as the kit does):
//
//   instruction  syscall 0
//   number       $a7
//   arguments    $a0, $a1, $a2, $a3, $a4, $a5
//   result       $a0 (-4095..=-1: -errno)
//   clobbered    $t0 … $t8 (the kernel's entry code may change the temporaries); every other
//                register, and the stack, are kept

/// The system call instruction, with `$n` = the number and the arguments in `$a0`… as listed;
/// the result in `$a0`. One macro for the seven arities: what differs is the argument list.
macro_rules! syscall_asm {
    ($n:expr, $a1:expr $(, $reg:tt = $arg:expr)* $(,)?) => {{
        let ret;
        // SAFETY: forwarded to the caller of the function this expands in; the kernel changes
        // $a0 and the temporaries $t0–$t8, all declared here, and no memory of ours but what
        // the call's contract allows.
        unsafe {
            core::arch::asm!(
                "syscall 0",
                in("$a7") $n,
                inlateout("$a0") $a1 => ret,
                $(in($reg) $arg,)*
                lateout("$t0") _, lateout("$t1") _, lateout("$t2") _,
                lateout("$t3") _, lateout("$t4") _, lateout("$t5") _,
                lateout("$t6") _, lateout("$t7") _, lateout("$t8") _,
                options(nostack, preserves_flags)
            )
        };
        ret
    }};
}

/// The system call instruction with no argument.
///
/// # Safety
/// The call's contract (see its man page) must hold.
#[inline(always)]
pub(crate) unsafe fn syscall0(n: usize) -> usize {
    // `$a0` carries no argument in; the kernel writes the result there.
    syscall_asm!(n, 0usize)
}

/// The system call instruction with one argument.
///
/// # Safety
/// The call's contract (see its man page) must hold.
#[inline(always)]
pub(crate) unsafe fn syscall1(n: usize, a1: usize) -> usize {
    syscall_asm!(n, a1)
}

/// The system call instruction with two arguments.
///
/// # Safety
/// The call's contract (see its man page) must hold.
#[inline(always)]
pub(crate) unsafe fn syscall2(n: usize, a1: usize, a2: usize) -> usize {
    syscall_asm!(n, a1, "$a1" = a2)
}

/// The system call instruction with three arguments.
///
/// # Safety
/// The call's contract (see its man page) must hold.
#[inline(always)]
pub(crate) unsafe fn syscall3(n: usize, a1: usize, a2: usize, a3: usize) -> usize {
    syscall_asm!(n, a1, "$a1" = a2, "$a2" = a3)
}

/// The system call instruction with four arguments.
///
/// # Safety
/// The call's contract (see its man page) must hold.
#[inline(always)]
pub(crate) unsafe fn syscall4(n: usize, a1: usize, a2: usize, a3: usize, a4: usize) -> usize {
    syscall_asm!(n, a1, "$a1" = a2, "$a2" = a3, "$a3" = a4)
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
    syscall_asm!(n, a1, "$a1" = a2, "$a2" = a3, "$a3" = a4, "$a4" = a5)
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
    syscall_asm!(
        n,
        a1,
        "$a1" = a2,
        "$a2" = a3,
        "$a3" = a4,
        "$a4" = a5,
        "$a5" = a6
    )
}

/// The illegal instruction of this architecture, for [`trap`](super::trap): the all-zero word,
/// which the LoongArch ISA leaves unassigned (no instruction is encoded as 0), so that the CPU
/// raises the instruction-not-exist exception: `SIGILL`, on hardware and under qemu-loongarch64
/// alike. (LLVM's own trap, `amswap.w $zero, $ra, $zero`, is undefined by the ISA too, but
/// qemu 7.2 executes it as a swap at address 0: `SIGSEGV` there.)
#[doc(hidden)]
#[macro_export]
macro_rules! __trap_instruction {
    () => {
        ".word 0"
    };
}

/// Defines the process entry point `_start`, which calls `$entry(initial stack pointer)`.
///
/// Used by [`main!`](crate::main); a program does not call it directly.
///
/// At `_start`, `$sp` points at `argc`, followed by the `argv` pointers, a null, the `envp`
/// pointers, a null, and the auxiliary vector. The psABI wants `$sp` 16-byte aligned.
#[doc(hidden)]
#[macro_export]
macro_rules! __arch_start {
    ($entry:path) => {
        $crate::__naked_start!(
            $entry;
            // The outermost frame: a zero frame pointer and return address end stack walks.
            "move $fp, $zero",
            "move $ra, $zero",
            // First argument ($a0) = the initial stack pointer (&argc).
            "move $a0, $sp",
            // Align the stack to 16 bytes: clear bits 3..0.
            "bstrins.d $sp, $zero, 3, 0",
            "bl {entry}",
            // `entry` never returns; trap if it ever did (the all-zero word, see
            // `__trap_instruction!`).
            ".word 0",
        );
    };
}

/// Defines `memcpy`, `memmove`, `memset`, `memcmp`, `bcmp` and `strlen`, the functions the
/// compiler and `core` call and expect a C library to provide, each in a section
/// `.text.kit_libc.NAME`; and `_Unwind_Resume` and `rust_eh_personality`, which `alloc` names
/// but a `panic = "abort"` program never calls (`.text.kit_unwind.NAME`). See the x86_64 file
/// for why they are assembly. Byte loops: simple and correct; the kit's programs move little
/// memory. Arguments in $a0–$a2, result in $a0; the temporaries $t0–$t8 are free (psABI).
#[doc(hidden)]
#[macro_export]
macro_rules! __arch_mem_functions {
    () => {
        ::core::arch::global_asm!(
            // void *memcpy(void *dst /* a0 */, const void *src /* a1 */, size_t n /* a2 */)
            ".section .text.kit_libc.memcpy,\"ax\",@progbits",
            ".globl memcpy",
            ".type memcpy,@function",
            "memcpy:",
            "    move $t0, $a0",
            "    beqz $a2, 2f",
            "1:  ld.bu $t1, $a1, 0",
            "    st.b $t1, $t0, 0",
            "    addi.d $a1, $a1, 1",
            "    addi.d $t0, $t0, 1",
            "    addi.d $a2, $a2, -1",
            "    bnez $a2, 1b",
            "2:  ret",
            ".size memcpy, .-memcpy",
            // void *memmove(void *dst, const void *src, size_t n): overlap allowed
            ".section .text.kit_libc.memmove,\"ax\",@progbits",
            ".globl memmove",
            ".type memmove,@function",
            "memmove:",
            "    beqz $a2, 4f",
            "    sub.d $t2, $a0, $a1",
            "    bltu $t2, $a2, 2f", // dst inside [src, src + n): copy downwards
            "    move $t0, $a0",     // else upwards
            "1:  ld.bu $t1, $a1, 0",
            "    st.b $t1, $t0, 0",
            "    addi.d $a1, $a1, 1",
            "    addi.d $t0, $t0, 1",
            "    addi.d $a2, $a2, -1",
            "    bnez $a2, 1b",
            "    ret",
            "2:  add.d $a1, $a1, $a2",
            "    add.d $t0, $a0, $a2",
            "3:  addi.d $a1, $a1, -1",
            "    addi.d $t0, $t0, -1",
            "    ld.bu $t1, $a1, 0",
            "    st.b $t1, $t0, 0",
            "    addi.d $a2, $a2, -1",
            "    bnez $a2, 3b",
            "4:  ret",
            ".size memmove, .-memmove",
            // void *memset(void *dst, int c /* a1 */, size_t n)
            ".section .text.kit_libc.memset,\"ax\",@progbits",
            ".globl memset",
            ".type memset,@function",
            "memset:",
            "    move $t0, $a0",
            "    beqz $a2, 2f",
            "1:  st.b $a1, $t0, 0",
            "    addi.d $t0, $t0, 1",
            "    addi.d $a2, $a2, -1",
            "    bnez $a2, 1b",
            "2:  ret",
            ".size memset, .-memset",
            // int memcmp(const void *a, const void *b, size_t n); bcmp is the same function
            ".section .text.kit_libc.memcmp,\"ax\",@progbits",
            ".globl memcmp",
            ".type memcmp,@function",
            ".globl bcmp",
            ".type bcmp,@function",
            "memcmp:",
            "bcmp:",
            "    beqz $a2, 3f",
            "1:  ld.bu $t0, $a0, 0",
            "    ld.bu $t1, $a1, 0",
            "    bne $t0, $t1, 2f",
            "    addi.d $a0, $a0, 1",
            "    addi.d $a1, $a1, 1",
            "    addi.d $a2, $a2, -1",
            "    bnez $a2, 1b",
            "3:  move $a0, $zero",
            "    ret",
            "2:  sub.d $a0, $t0, $t1", // difference of the first unequal unsigned bytes
            "    ret",
            ".size memcmp, .-memcmp",
            // size_t strlen(const char *s)
            ".section .text.kit_libc.strlen,\"ax\",@progbits",
            ".globl strlen",
            ".type strlen,@function",
            "strlen:",
            "    move $t0, $a0",
            "1:  ld.bu $t1, $t0, 0",
            "    addi.d $t0, $t0, 1",
            "    bnez $t1, 1b",
            "    sub.d $a0, $t0, $a0",
            "    addi.d $a0, $a0, -1", // the loop also counted the NUL
            "    ret",
            ".size strlen, .-strlen",
            ".section .text.kit_unwind._Unwind_Resume,\"ax\",@progbits",
            ".globl _Unwind_Resume",
            ".type _Unwind_Resume,@function",
            "_Unwind_Resume:",
            "    .word 0", // the trap instruction (see `__trap_instruction!`)
            ".size _Unwind_Resume, .-_Unwind_Resume",
            ".section .text.kit_unwind.rust_eh_personality,\"ax\",@progbits",
            ".globl rust_eh_personality",
            ".type rust_eh_personality,@function",
            "rust_eh_personality:",
            "    .word 0", // the trap instruction (see `__trap_instruction!`)
            ".size rust_eh_personality, .-rust_eh_personality",
            ".text",
        );
    };
}
