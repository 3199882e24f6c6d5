//! powerpc64le (64-bit POWER, little-endian, ELFv2 ABI): the system call instruction and its
//! error convention, the program entry point `_start`, the memory functions the compiler calls
//! (`memcpy`, `memmove`, `memset`, `memcmp`, `strlen`), and the constants whose values differ
//! on powerpc (`open(2)` flags, `MAP_NORESERVE`, the terminal `ioctl`s, `EDEADLOCK`).
//!
//! The `sc` crate's powerpc64 module does not build on current Rust (`llvm_asm!`), so the
//! system call instruction is the kit's own.

pub mod nr;

/// `O_DIRECT` on powerpc (arch/powerpc/include/uapi/asm/fcntl.h).
pub const O_DIRECT: u32 = 0o400000;
/// `O_DIRECTORY` on powerpc.
pub const O_DIRECTORY: u32 = 0o40000;
/// `O_NOFOLLOW` on powerpc.
pub const O_NOFOLLOW: u32 = 0o100000;
/// `O_LARGEFILE`: 0, the kernel opens every file with 64-bit offsets on a 64-bit architecture.
pub const O_LARGEFILE: u32 = 0;

/// `MAP_NORESERVE` on powerpc (arch/powerpc/include/uapi/asm/mman.h).
pub const MAP_NORESERVE: u32 = 0x40;

/// `TIOCGPGRP` on powerpc (`_IOR('t', 119, int)`, arch/powerpc/include/uapi/asm/ioctls.h).
pub const TIOCGPGRP: usize = 0x4004_7477;
/// `TIOCSPGRP` on powerpc (`_IOW('t', 118, int)`).
pub const TIOCSPGRP: usize = 0x8004_7476;

/// `EDEADLOCK` on powerpc (arch/powerpc/include/uapi/asm/errno.h): 58, an error of its own,
/// where every other architecture of the kit has `EDEADLK`'s 35. The number of
/// [`Errno::EDEADLOCK`](crate::Errno::EDEADLOCK).
pub const EDEADLOCK: i32 = 58;

/// `AUDIT_ARCH_PPC64LE` (include/uapi/linux/audit.h): EM_PPC64 (21) | __AUDIT_ARCH_64BIT |
/// __AUDIT_ARCH_LE, the value the kernel puts in the `arch` field of `struct seccomp_data` for
/// a system call made through this architecture's native ABI. See [`crate::seccomp`].
pub const AUDIT_ARCH_PPC64LE: u32 = 0xC000_0015;
/// The `AUDIT_ARCH_*` value of this architecture: [`AUDIT_ARCH_PPC64LE`].
pub const AUDIT_ARCH: u32 = AUDIT_ARCH_PPC64LE;

// The system call convention of powerpc64 Linux (Documentation/arch/powerpc/syscall64-abi.rst;
// nolibc's arch-powerpc.h):
//
//   instruction  sc
//   number       r0
//   arguments    r3, r4, r5, r6, r7, r8
//   result       r3; on an error the kernel sets cr0's summary-overflow bit (SO) and r3 holds
//                the *positive* errno. The instruction is followed by `bns 0f; neg 3, 3`, so
//                that the kit sees -errno as on every other architecture (see crate::raw).
//   clobbered    r0, r4-r12, cr0-cr1, cr5-cr7, ctr, xer
//
// The seven functions differ only in how many argument registers they load.

/// The system call instruction with its error fix-up and clobbers: `$a1` in r3 (the result
/// comes back there), the other arguments in `[register = value]`, and the argument registers
/// not used in `[clobbered]`.
macro_rules! sc {
    ($n:expr, $a1:expr, [$($reg:tt = $arg:expr),*], [$($clob:tt),*]) => {{
        let ret: usize;
        core::arch::asm!(
            "sc",
            "bns 0f",
            "neg 3, 3",
            "0:",
            inlateout("r0") $n => _,
            inlateout("r3") $a1 => ret,
            $(inlateout($reg) $arg => _,)*
            $(lateout($clob) _,)*
            lateout("r9") _,
            lateout("r10") _,
            lateout("r11") _,
            lateout("r12") _,
            lateout("cr0") _,
            lateout("cr1") _,
            lateout("cr5") _,
            lateout("cr6") _,
            lateout("cr7") _,
            lateout("ctr") _,
            lateout("xer") _,
            options(nostack)
        );
        ret
    }};
}

/// The system call instruction with no argument.
///
/// # Safety
/// The call's contract (see its man page) must hold.
#[inline(always)]
pub(crate) unsafe fn syscall0(n: usize) -> usize {
    // SAFETY: forwarded to the caller; every register the kernel may change is an output.
    unsafe { sc!(n, 0usize, [], ["r4", "r5", "r6", "r7", "r8"]) }
}

/// The system call instruction with one argument.
///
/// # Safety
/// The call's contract (see its man page) must hold.
#[inline(always)]
pub(crate) unsafe fn syscall1(n: usize, a1: usize) -> usize {
    // SAFETY: forwarded to the caller; every register the kernel may change is an output.
    unsafe { sc!(n, a1, [], ["r4", "r5", "r6", "r7", "r8"]) }
}

/// The system call instruction with two arguments.
///
/// # Safety
/// The call's contract (see its man page) must hold.
#[inline(always)]
pub(crate) unsafe fn syscall2(n: usize, a1: usize, a2: usize) -> usize {
    // SAFETY: forwarded to the caller; every register the kernel may change is an output.
    unsafe { sc!(n, a1, ["r4" = a2], ["r5", "r6", "r7", "r8"]) }
}

/// The system call instruction with three arguments.
///
/// # Safety
/// The call's contract (see its man page) must hold.
#[inline(always)]
pub(crate) unsafe fn syscall3(n: usize, a1: usize, a2: usize, a3: usize) -> usize {
    // SAFETY: forwarded to the caller; every register the kernel may change is an output.
    unsafe { sc!(n, a1, ["r4" = a2, "r5" = a3], ["r6", "r7", "r8"]) }
}

/// The system call instruction with four arguments.
///
/// # Safety
/// The call's contract (see its man page) must hold.
#[inline(always)]
pub(crate) unsafe fn syscall4(n: usize, a1: usize, a2: usize, a3: usize, a4: usize) -> usize {
    // SAFETY: forwarded to the caller; every register the kernel may change is an output.
    unsafe { sc!(n, a1, ["r4" = a2, "r5" = a3, "r6" = a4], ["r7", "r8"]) }
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
    // SAFETY: forwarded to the caller; every register the kernel may change is an output.
    unsafe { sc!(n, a1, ["r4" = a2, "r5" = a3, "r6" = a4, "r7" = a5], ["r8"]) }
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
    // SAFETY: forwarded to the caller; every register the kernel may change is an output.
    unsafe {
        sc!(
            n,
            a1,
            ["r4" = a2, "r5" = a3, "r6" = a4, "r7" = a5, "r8" = a6],
            []
        )
    }
}

/// The illegal instruction of this architecture (the all-zero word, which no POWER processor
/// defines: `SIGILL`; `trap` would raise `SIGTRAP`), for [`trap`](super::trap).
#[doc(hidden)]
#[macro_export]
macro_rules! __trap_instruction {
    () => {
        ".long 0"
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
/// At `_start`, r1 (the stack pointer) points at `argc`, followed by the `argv` pointers, a
/// null, the `envp` pointers, a null, and the auxiliary vector. The ELFv2 ABI wants r2 to hold
/// the TOC pointer (`.TOC.`, through which compiled code reaches its constants): the program
/// is linked at a fixed address below 2 GiB, so two instructions load it absolutely. Then
/// `_start` opens the ABI's minimal 32-byte frame, 16-byte aligned, whose back chain (the
/// word at 0(r1)) is zero: the outermost frame, where stack walks end.
#[doc(hidden)]
#[macro_export]
macro_rules! __arch_start {
    ($entry:path) => {
        $crate::__naked_start!(
            $entry;
            "lis 2, .TOC.@ha",
            "addi 2, 2, .TOC.@l",
            // First argument (r3) = the initial stack pointer (&argc).
            "mr 3, 1",
            "clrrdi 1, 1, 4",
            "li 0, 0",
            "stdu 0, -32(1)",
            "mtlr 0",
            "bl {entry}",
            // `entry` never returns; trap if it ever did.
            ".long 0",
        );
    };
}

/// Defines `memcpy`, `memmove`, `memset`, `memcmp`, `bcmp` and `strlen`, the functions the
/// compiler and `core` call and expect a C library to provide, each in a section
/// `.text.kit_libc.NAME`; and `_Unwind_Resume` and `rust_eh_personality`, which the
/// precompiled `alloc` names but a `panic = "abort"` program never calls
/// (`.text.kit_unwind.NAME`). See the x86_64 file for why they are assembly. Byte loops
/// counted in `ctr`; the arguments are in r3–r5, the result in r3, r6–r8 are free, and none
/// of them reads the TOC, so they need no global entry point.
#[doc(hidden)]
#[macro_export]
macro_rules! __arch_mem_functions {
    () => {
        ::core::arch::global_asm!(
            // void *memcpy(void *dst /* r3 */, const void *src /* r4 */, size_t n /* r5 */)
            ".section .text.kit_libc.memcpy,\"ax\",@progbits",
            ".globl memcpy",
            ".type memcpy,@function",
            "memcpy:",
            "    mr 6, 3",
            "    cmpdi 5, 0",
            "    beqlr",
            "    mtctr 5",
            "1:  lbz 7, 0(4)",
            "    stb 7, 0(6)",
            "    addi 4, 4, 1",
            "    addi 6, 6, 1",
            "    bdnz 1b", // ctr -= 1; again unless 0
            "    blr",
            ".size memcpy, .-memcpy",
            // void *memmove(void *dst, const void *src, size_t n): overlap allowed
            ".section .text.kit_libc.memmove,\"ax\",@progbits",
            ".globl memmove",
            ".type memmove,@function",
            "memmove:",
            "    cmpdi 5, 0",
            "    beqlr",
            "    subf 6, 4, 3", // dst - src (wrapping)
            "    cmpld 6, 5",
            "    blt 2f", // dst inside [src, src + n): copy downwards
            "    mr 6, 3",
            "    mtctr 5",
            "1:  lbz 7, 0(4)",
            "    stb 7, 0(6)",
            "    addi 4, 4, 1",
            "    addi 6, 6, 1",
            "    bdnz 1b",
            "    blr",
            "2:  add 4, 4, 5",
            "    add 6, 3, 5",
            "    mtctr 5",
            "3:  lbzu 7, -1(4)",
            "    stbu 7, -1(6)",
            "    bdnz 3b",
            "    blr",
            ".size memmove, .-memmove",
            // void *memset(void *dst, int c /* r4 */, size_t n)
            ".section .text.kit_libc.memset,\"ax\",@progbits",
            ".globl memset",
            ".type memset,@function",
            "memset:",
            "    mr 6, 3",
            "    cmpdi 5, 0",
            "    beqlr",
            "    mtctr 5",
            "1:  stb 4, 0(6)",
            "    addi 6, 6, 1",
            "    bdnz 1b",
            "    blr",
            ".size memset, .-memset",
            // int memcmp(const void *a, const void *b, size_t n); bcmp is the same function
            ".section .text.kit_libc.memcmp,\"ax\",@progbits",
            ".globl memcmp",
            ".type memcmp,@function",
            ".globl bcmp",
            ".type bcmp,@function",
            "memcmp:",
            "bcmp:",
            "    cmpdi 5, 0",
            "    beq 3f",
            "    mtctr 5",
            "1:  lbz 6, 0(3)",
            "    lbz 7, 0(4)",
            "    subf. 8, 7, 6", // difference of the first unequal unsigned bytes
            "    bne 2f",
            "    addi 3, 3, 1",
            "    addi 4, 4, 1",
            "    bdnz 1b",
            "3:  li 3, 0",
            "    blr",
            "2:  mr 3, 8",
            "    blr",
            ".size memcmp, .-memcmp",
            // size_t strlen(const char *s)
            ".section .text.kit_libc.strlen,\"ax\",@progbits",
            ".globl strlen",
            ".type strlen,@function",
            "strlen:",
            "    mr 4, 3",
            "1:  lbz 5, 0(4)",
            "    addi 4, 4, 1",
            "    cmpdi 5, 0",
            "    bne 1b",
            "    subf 3, 3, 4",
            "    addi 3, 3, -1", // the loop also counted the NUL
            "    blr",
            ".size strlen, .-strlen",
            ".section .text.kit_unwind._Unwind_Resume,\"ax\",@progbits",
            ".globl _Unwind_Resume",
            ".type _Unwind_Resume,@function",
            "_Unwind_Resume:",
            "    .long 0",
            ".size _Unwind_Resume, .-_Unwind_Resume",
            ".section .text.kit_unwind.rust_eh_personality,\"ax\",@progbits",
            ".globl rust_eh_personality",
            ".type rust_eh_personality,@function",
            "rust_eh_personality:",
            "    .long 0",
            ".size rust_eh_personality, .-rust_eh_personality",
            ".text",
        );
    };
}
