//! aarch64: the program entry point `_start`, the memory functions the compiler calls
//! (`memcpy`, `memmove`, `memset`, `memcmp`, `strlen`), and `open(2)` flags whose values differ
//! from the asm-generic ones.

/// System call numbers of this architecture: the `sc` crate's.
pub use sc::nr;

/// The system call instruction, with 0 to 6 arguments: the `sc` crate's, which builds for this
/// architecture (see [`crate::raw`], the one caller).
pub(crate) use sc::{syscall0, syscall1, syscall2, syscall3, syscall4, syscall5, syscall6};

/// `O_LARGEFILE`: 0, the kernel opens every file with 64-bit offsets on a 64-bit architecture.
pub const O_LARGEFILE: u32 = 0;

/// `O_DIRECT` on aarch64 (arch/arm64/include/uapi/asm/fcntl.h).
pub const O_DIRECT: u32 = 0o200000;
/// `O_DIRECTORY` on aarch64.
pub const O_DIRECTORY: u32 = 0o40000;
/// `O_NOFOLLOW` on aarch64.
pub const O_NOFOLLOW: u32 = 0o100000;

/// `AUDIT_ARCH_AARCH64` (include/uapi/linux/audit.h): EM_AARCH64 (183) | __AUDIT_ARCH_64BIT | __AUDIT_ARCH_LE, the value the kernel puts in
/// the `arch` field of `struct seccomp_data` for a system call made through this architecture's
/// native ABI. See [`crate::seccomp`].
pub const AUDIT_ARCH_AARCH64: u32 = 0xC000_00B7;
/// The `AUDIT_ARCH_*` value of this architecture: [`AUDIT_ARCH_AARCH64`].
pub const AUDIT_ARCH: u32 = AUDIT_ARCH_AARCH64;

/// The illegal instruction of this architecture (`udf #0`), for [`trap`](super::trap).
#[doc(hidden)]
#[macro_export]
macro_rules! __trap_instruction {
    () => {
        "udf #0"
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
/// At `_start`, `sp` points at `argc`, followed by the `argv` pointers, a null, the `envp`
/// pointers, a null, and the auxiliary vector. AAPCS64 wants `sp` 16-byte aligned at every
/// call; the kernel provides that, and it is enforced again before the call.
#[doc(hidden)]
#[macro_export]
macro_rules! __arch_start {
    ($entry:path) => {
        $crate::__naked_start!(
            $entry;
            // The outermost frame: a zero frame pointer and link register end stack walks.
            "mov x29, xzr",
            "mov x30, xzr",
            // First argument (x0) = the initial stack pointer (&argc).
            "mov x0, sp",
            // Align the stack to 16 bytes (sp cannot be the operand of `and`).
            "and x1, x0, #-16",
            "mov sp, x1",
            "bl {entry}",
            // `entry` never returns; trap if it ever did.
            "udf #0",
        );
    };
}

/// Defines `memcpy`, `memmove`, `memset`, `memcmp`, `bcmp` and `strlen`, the functions the
/// compiler and `core` call and expect a C library to provide, and `getauxval` (see below), each
/// in a section `.text.kit_libc.NAME`; and `_Unwind_Resume` and `rust_eh_personality`, which the precompiled
/// `alloc` names but a `panic = "abort"` program never calls (`.text.kit_unwind.NAME`). See the
/// x86_64 file for why they are assembly. Byte loops: simple and correct; the kit's programs
/// move little memory.
#[doc(hidden)]
#[macro_export]
macro_rules! __arch_mem_functions {
    () => {
        ::core::arch::global_asm!(
            // void *memcpy(void *dst /* x0 */, const void *src /* x1 */, size_t n /* x2 */)
            ".section .text.kit_libc.memcpy,\"ax\",%progbits",
            ".globl memcpy",
            ".type memcpy,%function",
            "memcpy:",
            "    mov x3, x0",
            "    cbz x2, 2f",
            "1:  ldrb w4, [x1], #1",
            "    strb w4, [x3], #1",
            "    subs x2, x2, #1",
            "    b.ne 1b",
            "2:  ret",
            ".size memcpy, .-memcpy",
            // void *memmove(void *dst, const void *src, size_t n): overlap allowed
            ".section .text.kit_libc.memmove,\"ax\",%progbits",
            ".globl memmove",
            ".type memmove,%function",
            "memmove:",
            "    cbz x2, 4f",
            "    sub x3, x0, x1",
            "    cmp x3, x2",
            "    b.lo 2f",    // dst inside [src, src + n): copy downwards
            "    mov x3, x0", // else upwards
            "1:  ldrb w4, [x1], #1",
            "    strb w4, [x3], #1",
            "    subs x2, x2, #1",
            "    b.ne 1b",
            "    ret",
            "2:  add x1, x1, x2",
            "    add x3, x0, x2",
            "3:  ldrb w4, [x1, #-1]!",
            "    strb w4, [x3, #-1]!",
            "    subs x2, x2, #1",
            "    b.ne 3b",
            "4:  ret",
            ".size memmove, .-memmove",
            // void *memset(void *dst, int c /* w1 */, size_t n)
            ".section .text.kit_libc.memset,\"ax\",%progbits",
            ".globl memset",
            ".type memset,%function",
            "memset:",
            "    mov x3, x0",
            "    cbz x2, 2f",
            "1:  strb w1, [x3], #1",
            "    subs x2, x2, #1",
            "    b.ne 1b",
            "2:  ret",
            ".size memset, .-memset",
            // int memcmp(const void *a, const void *b, size_t n); bcmp is the same function
            ".section .text.kit_libc.memcmp,\"ax\",%progbits",
            ".globl memcmp",
            ".type memcmp,%function",
            ".globl bcmp",
            ".type bcmp,%function",
            "memcmp:",
            "bcmp:",
            "    cbz x2, 3f",
            "1:  ldrb w3, [x0], #1",
            "    ldrb w4, [x1], #1",
            "    subs w3, w3, w4", // difference of the first unequal unsigned bytes
            "    b.ne 2f",
            "    subs x2, x2, #1",
            "    b.ne 1b",
            "3:  mov w0, #0",
            "    ret",
            "2:  mov w0, w3",
            "    ret",
            ".size memcmp, .-memcmp",
            // size_t strlen(const char *s)
            ".section .text.kit_libc.strlen,\"ax\",%progbits",
            ".globl strlen",
            ".type strlen,%function",
            "strlen:",
            "    mov x1, x0",
            "1:  ldrb w2, [x1], #1",
            "    cbnz w2, 1b",
            "    sub x0, x1, x0",
            "    sub x0, x0, #1", // the loop also counted the NUL
            "    ret",
            ".size strlen, .-strlen",
            // unsigned long getauxval(unsigned long type): named by the CPU-feature constructors
            // of the precompiled compiler_builtins. The kit runs no constructors, so it is
            // never called; were it called, 0 ("no such feature") is always a safe answer.
            ".section .text.kit_libc.getauxval,\"ax\",%progbits",
            ".globl getauxval",
            ".type getauxval,%function",
            "getauxval:",
            "    mov x0, #0",
            "    ret",
            ".size getauxval, .-getauxval",
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
