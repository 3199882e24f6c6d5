//! riscv64: the program entry point `_start`, the memory functions the compiler calls
//! (`memcpy`, `memmove`, `memset`, `memcmp`, `strlen`), and `open(2)` flags (asm-generic values,
//! as on x86_64).

/// System call numbers of this architecture: the `sc` crate's.
pub use sc::nr;

/// The system call instruction, with 0 to 6 arguments: the `sc` crate's, which builds for this
/// architecture (see [`crate::raw`], the one caller).
pub(crate) use sc::{syscall0, syscall1, syscall2, syscall3, syscall4, syscall5, syscall6};

/// `O_LARGEFILE`: 0, the kernel opens every file with 64-bit offsets on a 64-bit architecture.
pub const O_LARGEFILE: u32 = 0;

/// `O_DIRECT` on riscv64 (asm-generic value).
pub const O_DIRECT: u32 = 0o40000;
/// `O_DIRECTORY` on riscv64 (asm-generic value).
pub const O_DIRECTORY: u32 = 0o200000;
/// `O_NOFOLLOW` on riscv64 (asm-generic value).
pub const O_NOFOLLOW: u32 = 0o400000;

/// `AUDIT_ARCH_RISCV64` (include/uapi/linux/audit.h): EM_RISCV (243) | __AUDIT_ARCH_64BIT | __AUDIT_ARCH_LE, the value the kernel puts in
/// the `arch` field of `struct seccomp_data` for a system call made through this architecture's
/// native ABI. See [`crate::seccomp`].
pub const AUDIT_ARCH_RISCV64: u32 = 0xC000_00F3;
/// The `AUDIT_ARCH_*` value of this architecture: [`AUDIT_ARCH_RISCV64`].
pub const AUDIT_ARCH: u32 = AUDIT_ARCH_RISCV64;

/// The illegal instruction of this architecture (`unimp`), for [`trap`](super::trap).
#[doc(hidden)]
#[macro_export]
macro_rules! __trap_instruction {
    () => {
        "unimp"
    };
}

/// Defines the process entry point `_start`, which calls `$entry(initial stack pointer)`.
///
/// Used by [`main!`](crate::main); a program does not call it directly.
///
/// At `_start`, `sp` points at `argc`, followed by the `argv` pointers, a null, the `envp`
/// pointers, a null, and the auxiliary vector. The psABI wants `sp` 16-byte aligned. The global
/// pointer `gp` is not set up: the kit's programs are linked without gp relaxation (rust-lld's
/// default), so no code uses it.
#[doc(hidden)]
#[macro_export]
macro_rules! __arch_start {
    ($entry:path) => {
        $crate::__naked_start!(
            $entry;
            // The outermost frame: a zero frame pointer and return address end stack walks.
            "li fp, 0",
            "li ra, 0",
            // First argument (a0) = the initial stack pointer (&argc).
            "mv a0, sp",
            // Align the stack to 16 bytes.
            "andi sp, sp, -16",
            "call {entry}",
            // `entry` never returns; trap if it ever did.
            "unimp",
        );
    };
}

/// Defines `memcpy`, `memmove`, `memset`, `memcmp`, `bcmp` and `strlen`, the functions the
/// compiler and `core` call and expect a C library to provide, each in a section
/// `.text.kit_libc.NAME`; and `_Unwind_Resume` and `rust_eh_personality`, which the precompiled
/// `alloc` names but a `panic = "abort"` program never calls (`.text.kit_unwind.NAME`). See the
/// x86_64 file for why they are assembly. Byte loops: simple and correct; the kit's programs
/// move little memory.
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
            "    mv t0, a0",
            "    beqz a2, 2f",
            "1:  lbu t1, 0(a1)",
            "    sb t1, 0(t0)",
            "    addi a1, a1, 1",
            "    addi t0, t0, 1",
            "    addi a2, a2, -1",
            "    bnez a2, 1b",
            "2:  ret",
            ".size memcpy, .-memcpy",
            // void *memmove(void *dst, const void *src, size_t n): overlap allowed
            ".section .text.kit_libc.memmove,\"ax\",@progbits",
            ".globl memmove",
            ".type memmove,@function",
            "memmove:",
            "    beqz a2, 4f",
            "    sub t2, a0, a1",
            "    bltu t2, a2, 2f", // dst inside [src, src + n): copy downwards
            "    mv t0, a0",       // else upwards
            "1:  lbu t1, 0(a1)",
            "    sb t1, 0(t0)",
            "    addi a1, a1, 1",
            "    addi t0, t0, 1",
            "    addi a2, a2, -1",
            "    bnez a2, 1b",
            "    ret",
            "2:  add a1, a1, a2",
            "    add t0, a0, a2",
            "3:  addi a1, a1, -1",
            "    addi t0, t0, -1",
            "    lbu t1, 0(a1)",
            "    sb t1, 0(t0)",
            "    addi a2, a2, -1",
            "    bnez a2, 3b",
            "4:  ret",
            ".size memmove, .-memmove",
            // void *memset(void *dst, int c /* a1 */, size_t n)
            ".section .text.kit_libc.memset,\"ax\",@progbits",
            ".globl memset",
            ".type memset,@function",
            "memset:",
            "    mv t0, a0",
            "    beqz a2, 2f",
            "1:  sb a1, 0(t0)",
            "    addi t0, t0, 1",
            "    addi a2, a2, -1",
            "    bnez a2, 1b",
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
            "    beqz a2, 3f",
            "1:  lbu t0, 0(a0)",
            "    lbu t1, 0(a1)",
            "    bne t0, t1, 2f",
            "    addi a0, a0, 1",
            "    addi a1, a1, 1",
            "    addi a2, a2, -1",
            "    bnez a2, 1b",
            "3:  li a0, 0",
            "    ret",
            "2:  sub a0, t0, t1", // difference of the first unequal unsigned bytes
            "    ret",
            ".size memcmp, .-memcmp",
            // size_t strlen(const char *s)
            ".section .text.kit_libc.strlen,\"ax\",@progbits",
            ".globl strlen",
            ".type strlen,@function",
            "strlen:",
            "    mv t0, a0",
            "1:  lbu t1, 0(t0)",
            "    addi t0, t0, 1",
            "    bnez t1, 1b",
            "    sub a0, t0, a0",
            "    addi a0, a0, -1", // the loop also counted the NUL
            "    ret",
            ".size strlen, .-strlen",
            ".section .text.kit_unwind._Unwind_Resume,\"ax\",@progbits",
            ".globl _Unwind_Resume",
            ".type _Unwind_Resume,@function",
            "_Unwind_Resume:",
            "    unimp",
            ".size _Unwind_Resume, .-_Unwind_Resume",
            ".section .text.kit_unwind.rust_eh_personality,\"ax\",@progbits",
            ".globl rust_eh_personality",
            ".type rust_eh_personality,@function",
            "rust_eh_personality:",
            "    unimp",
            ".size rust_eh_personality, .-rust_eh_personality",
            ".text",
        );
    };
}
