//! i686 (i386, `target_arch = "x86"`): the system call instruction, the program entry point
//! `_start`, the signal return trampoline, the memory functions the compiler calls (`memcpy`,
//! `memmove`, `memset`, `memcmp`, `strlen`), and the `open(2)` flags (asm-generic values).
//!
//! The `sc` crate's i386 module does not build on current Rust (`llvm_asm!`), so the system
//! call instruction is the kit's own.

/// System call numbers of i686: the i386 ABI's table ([`super::i386`], also compiled for x86_64).
pub use super::i386::nr;

/// `O_DIRECT` on i686 (asm-generic value).
pub const O_DIRECT: u32 = 0o40000;
/// `O_DIRECTORY` on i686 (asm-generic value).
pub const O_DIRECTORY: u32 = 0o200000;
/// `O_NOFOLLOW` on i686 (asm-generic value).
pub const O_NOFOLLOW: u32 = 0o400000;
/// `O_LARGEFILE` on i686 (asm-generic value): 64-bit file offsets, which the kit asks for in
/// every open (a 32-bit kernel would refuse a file of 2 GiB or more with `EOVERFLOW`).
pub const O_LARGEFILE: u32 = 0o100000;

/// `AUDIT_ARCH_I386`: this architecture's native ABI is the i386 ABI ([`super::i386`]).
pub use super::i386::AUDIT_ARCH_I386;
/// The `AUDIT_ARCH_*` value of this architecture: [`AUDIT_ARCH_I386`].
pub const AUDIT_ARCH: u32 = AUDIT_ARCH_I386;

// The system call convention of i386 Linux (arch/x86/entry/entry_32.S; nolibc's
// arch-i386.h):
//
//   instruction  int 0x80
//   number       eax
//   arguments    ebx, ecx, edx, esi, edi, ebp
//   result       eax (-4095..=-1: -errno)
//   clobbered    nothing else (the kernel restores every other register and the flags)
//
// `asm!` refuses `esi` (LLVM's base pointer) and `ebp` (the frame pointer) as operands, so the
// fourth to sixth arguments are moved there inside the assembly and the registers restored
// after it, as rustix does: `xchg` with a free register for one, a small array addressed by
// `eax` (which the result overwrites anyway) for more.

/// The system call instruction with no argument.
///
/// # Safety
/// The call's contract (see its man page) must hold.
#[inline(always)]
pub(crate) unsafe fn syscall0(n: usize) -> usize {
    let ret;
    // SAFETY: forwarded to the caller; the kernel preserves every register but eax.
    unsafe { core::arch::asm!("int 0x80", inlateout("eax") n => ret, options(nostack)) };
    ret
}

/// The system call instruction with one argument.
///
/// # Safety
/// The call's contract (see its man page) must hold.
#[inline(always)]
pub(crate) unsafe fn syscall1(n: usize, a1: usize) -> usize {
    let ret;
    // SAFETY: forwarded to the caller; the kernel preserves every register but eax.
    unsafe {
        core::arch::asm!("int 0x80", inlateout("eax") n => ret, in("ebx") a1, options(nostack))
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
    // SAFETY: forwarded to the caller; the kernel preserves every register but eax.
    unsafe {
        core::arch::asm!(
            "int 0x80",
            inlateout("eax") n => ret,
            in("ebx") a1,
            in("ecx") a2,
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
    // SAFETY: forwarded to the caller; the kernel preserves every register but eax.
    unsafe {
        core::arch::asm!(
            "int 0x80",
            inlateout("eax") n => ret,
            in("ebx") a1,
            in("ecx") a2,
            in("edx") a3,
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
    // SAFETY: forwarded to the caller. `esi` gets the fourth argument by exchange with the
    // register that holds it, and gets its own value back by the second exchange.
    unsafe {
        core::arch::asm!(
            "xchg esi, {a4}",
            "int 0x80",
            "xchg esi, {a4}",
            a4 = in(reg) a4,
            inlateout("eax") n => ret,
            in("ebx") a1,
            in("ecx") a2,
            in("edx") a3,
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
    let args = [a4, n];
    // SAFETY: forwarded to the caller. `eax` points at `args` (live until the call returns);
    // `esi` is saved on the stack and restored, and the stack is balanced at the end.
    unsafe {
        core::arch::asm!(
            "push esi",
            "mov esi, [eax]",
            "mov eax, [eax + 4]",
            "int 0x80",
            "pop esi",
            inout("eax") args.as_ptr() => ret,
            in("ebx") a1,
            in("ecx") a2,
            in("edx") a3,
            in("edi") a5,
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
    let args = [a4, a6, n];
    // SAFETY: forwarded to the caller. `eax` points at `args` (live until the call returns);
    // `ebp` and `esi` are saved on the stack and restored, and the stack is balanced at the
    // end.
    unsafe {
        core::arch::asm!(
            "push ebp",
            "push esi",
            "mov esi, [eax]",
            "mov ebp, [eax + 4]",
            "mov eax, [eax + 8]",
            "int 0x80",
            "pop esi",
            "pop ebp",
            inout("eax") args.as_ptr() => ret,
            in("ebx") a1,
            in("ecx") a2,
            in("edx") a3,
            in("edi") a5,
        )
    };
    ret
}

/// The illegal instruction of this architecture (`ud2`), for [`trap`](super::trap).
#[doc(hidden)]
#[macro_export]
macro_rules! __trap_instruction {
    () => {
        "ud2"
    };
}

/// The return trampoline of a signal handler installed with `SA_SIGINFO`, for `sa_restorer`
/// (see [`SigAction::new`](crate::signal::SigAction::new); [`restore`] without it):
/// `rt_sigreturn(2)` (173 on i386), which
/// restores the interrupted code from the signal frame. The kernel's own is in the vDSO, which
/// it finds only when it mapped one; C libraries pass theirs, as the kit does.
///
/// Naked, for the reason the x86_64 one is (x86_64.rs): the kernel finds the frame from `esp`,
/// which a prologue would move. The bytes are `mov eax, 173; int 0x80`, as in musl.
///
/// # Safety
/// Never to be called: the kernel jumps to it, with the signal frame on the stack.
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/sigreturn.2.html
#[unsafe(naked)]
pub unsafe extern "C" fn restore_rt() -> ! {
    core::arch::naked_asm!("mov eax, 173", "int 0x80", "ud2")
}

/// The return trampoline of a handler installed without `SA_SIGINFO`: the i386 kernel gives
/// such a handler the older frame (`struct sigframe`, the signal number on top), which
/// `sigreturn(2)` (119) reads, not `rt_sigreturn`. The bytes are `pop eax; mov eax, 119;
/// int 0x80`, as musl's `__restore`: the `pop` takes the signal number off, so that `esp` is
/// where the kernel looks for the frame.
///
/// # Safety
/// Never to be called: the kernel jumps to it, with the signal frame on the stack.
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/sigreturn.2.html
#[unsafe(naked)]
pub unsafe extern "C" fn restore() -> ! {
    core::arch::naked_asm!("pop eax", "mov eax, 119", "int 0x80", "ud2")
}

/// The `sa_restorer` of a signal handler (see `sigaction.rs`): [`restore_rt`] for a handler
/// with `SA_SIGINFO`, [`restore`] for one without (the i386 kernel gives it the older frame,
/// which `sigreturn` reads). The kernel's own is in a vDSO that not every kernel maps.
pub(crate) fn sa_restorer(siginfo: bool) -> Option<usize> {
    Some(if siginfo {
        restore_rt as *const () as usize
    } else {
        restore as *const () as usize
    })
}

/// Defines the process entry point `_start`, which calls `$entry(initial stack pointer)`.
///
/// Used by [`main!`](crate::main); a program does not call it directly.
///
/// At `_start` the kernel has left no return address: `esp` points at `argc`, followed by the
/// `argv` pointers, a null, the `envp` pointers, a null, and the auxiliary vector (the i386
/// psABI, "Process Initialization"). The argument goes on the stack (cdecl), which is 16-byte
/// aligned at the `call`, as the i386 Linux ABI (and the code the compiler generates) expects.
#[doc(hidden)]
#[macro_export]
macro_rules! __arch_start {
    ($entry:path) => {
        $crate::__naked_start!(
            $entry;
            // The outermost frame: a zero frame pointer ends stack walks here.
            "xor ebp, ebp",
            "mov eax, esp",
            // Align to 16 bytes, then 12 + the 4 of the argument keep that alignment at the
            // `call`.
            "and esp, -16",
            "sub esp, 12",
            // First argument (on the stack) = the initial stack pointer (&argc).
            "push eax",
            "call {entry}",
            // `entry` never returns; trap if it ever did.
            "ud2",
        );
    };
}

/// Defines `memcpy`, `memmove`, `memset`, `memcmp`, `bcmp` and `strlen`, the functions the
/// compiler and `core` call and expect a C library to provide, each in a section
/// `.text.kit_libc.NAME`; and `_Unwind_Resume` and `rust_eh_personality`, which the
/// precompiled `alloc` names but a `panic = "abort"` program never calls
/// (`.text.kit_unwind.NAME`). See the x86_64 file for why they are assembly. The arguments
/// are on the stack (cdecl); `esi`, `edi` and `ebx` belong to the caller and are saved.
#[doc(hidden)]
#[macro_export]
macro_rules! __arch_mem_functions {
    () => {
        ::core::arch::global_asm!(
            // void *memcpy(void *dst, const void *src, size_t n): [esp+4], [esp+8], [esp+12]
            ".section .text.kit_libc.memcpy,\"ax\",@progbits",
            ".globl memcpy",
            ".type memcpy,@function",
            "memcpy:",
            "    push edi",
            "    push esi",
            "    mov edi, [esp + 12]",
            "    mov esi, [esp + 16]",
            "    mov ecx, [esp + 20]",
            "    mov eax, edi", // return dst
            "    rep movsb",    // upwards (the ABI keeps the direction flag clear)
            "    pop esi",
            "    pop edi",
            "    ret",
            ".size memcpy, .-memcpy",
            // void *memmove(void *dst, const void *src, size_t n): overlap allowed
            ".section .text.kit_libc.memmove,\"ax\",@progbits",
            ".globl memmove",
            ".type memmove,@function",
            "memmove:",
            "    push edi",
            "    push esi",
            "    mov edi, [esp + 12]",
            "    mov esi, [esp + 16]",
            "    mov ecx, [esp + 20]",
            "    mov eax, edi",
            "    mov edx, edi",
            "    sub edx, esi", // dst - src (wrapping)
            "    cmp edx, ecx",
            "    jae 2f", // dst not inside [src, src + n): copy upwards
            "    lea edi, [edi + ecx - 1]",
            "    lea esi, [esi + ecx - 1]",
            "    std", // copy downwards, last byte first
            "    rep movsb",
            "    cld", // restore the direction flag the ABI requires
            "    jmp 3f",
            "2:  rep movsb",
            "3:  pop esi",
            "    pop edi",
            "    ret",
            ".size memmove, .-memmove",
            // void *memset(void *dst, int c, size_t n)
            ".section .text.kit_libc.memset,\"ax\",@progbits",
            ".globl memset",
            ".type memset,@function",
            "memset:",
            "    push edi",
            "    mov edi, [esp + 8]",
            "    mov eax, [esp + 12]",
            "    mov ecx, [esp + 16]",
            "    mov edx, edi",
            "    rep stosb",
            "    mov eax, edx",
            "    pop edi",
            "    ret",
            ".size memset, .-memset",
            // int memcmp(const void *a, const void *b, size_t n); bcmp is the same function
            ".section .text.kit_libc.memcmp,\"ax\",@progbits",
            ".globl memcmp",
            ".type memcmp,@function",
            ".globl bcmp",
            ".type bcmp,@function",
            "memcmp:",
            "bcmp:",
            "    push esi",
            "    push edi",
            "    mov esi, [esp + 12]",
            "    mov edi, [esp + 16]",
            "    mov ecx, [esp + 20]",
            "    xor eax, eax",
            "    test ecx, ecx",
            "    jz 3f",
            "2:  movzx eax, byte ptr [esi]",
            "    movzx edx, byte ptr [edi]",
            "    sub eax, edx", // difference of the first unequal unsigned bytes
            "    jnz 3f",
            "    inc esi",
            "    inc edi",
            "    dec ecx",
            "    jnz 2b",
            "3:  pop edi",
            "    pop esi",
            "    ret",
            ".size memcmp, .-memcmp",
            // size_t strlen(const char *s)
            ".section .text.kit_libc.strlen,\"ax\",@progbits",
            ".globl strlen",
            ".type strlen,@function",
            "strlen:",
            "    mov edx, [esp + 4]",
            "    mov eax, edx",
            "2:  cmp byte ptr [eax], 0",
            "    je 3f",
            "    inc eax",
            "    jmp 2b",
            "3:  sub eax, edx",
            "    ret",
            ".size strlen, .-strlen",
            ".section .text.kit_unwind._Unwind_Resume,\"ax\",@progbits",
            ".globl _Unwind_Resume",
            ".type _Unwind_Resume,@function",
            "_Unwind_Resume:",
            "    ud2",
            ".size _Unwind_Resume, .-_Unwind_Resume",
            ".section .text.kit_unwind.rust_eh_personality,\"ax\",@progbits",
            ".globl rust_eh_personality",
            ".type rust_eh_personality,@function",
            "rust_eh_personality:",
            "    ud2",
            ".size rust_eh_personality, .-rust_eh_personality",
            ".text",
        );
    };
}
