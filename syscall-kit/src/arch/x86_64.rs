//! x86_64: the program entry point `_start`, the memory functions the compiler calls
//! (`memcpy`, `memmove`, `memset`, `memcmp`), and `open(2)` flags whose values differ on other
//! architectures.

/// System call numbers of this architecture: the `sc` crate's.
pub use sc::nr;

/// The system call instruction, with 0 to 6 arguments: the `sc` crate's, which builds for this
/// architecture (see [`crate::raw`], the one caller).
pub(crate) use sc::{syscall0, syscall1, syscall2, syscall3, syscall4, syscall5, syscall6};

/// `O_LARGEFILE`: 0, the kernel opens every file with 64-bit offsets on a 64-bit architecture.
pub const O_LARGEFILE: u32 = 0;

/// `O_DIRECT` on x86_64 (asm-generic value).
pub const O_DIRECT: u32 = 0o40000;
/// `O_DIRECTORY` on x86_64 (asm-generic value).
pub const O_DIRECTORY: u32 = 0o200000;
/// `O_NOFOLLOW` on x86_64 (asm-generic value).
pub const O_NOFOLLOW: u32 = 0o400000;

/// `AUDIT_ARCH_X86_64` (include/uapi/linux/audit.h): EM_X86_64 (62) | __AUDIT_ARCH_64BIT | __AUDIT_ARCH_LE, the value the kernel puts in
/// the `arch` field of `struct seccomp_data` for a system call made through this architecture's
/// native ABI. See [`crate::seccomp`].
pub const AUDIT_ARCH_X86_64: u32 = 0xC000_003E;
/// The `AUDIT_ARCH_*` value of this architecture: [`AUDIT_ARCH_X86_64`].
pub const AUDIT_ARCH: u32 = AUDIT_ARCH_X86_64;

/// The illegal instruction of this architecture (`ud2`), for [`trap`](super::trap).
#[doc(hidden)]
#[macro_export]
macro_rules! __trap_instruction {
    () => {
        "ud2"
    };
}

/// The return trampoline of a signal handler, for `sa_restorer` (see
/// [`SigAction::new`](crate::signal::SigAction::new)): `rt_sigreturn(2)`, which restores the
/// interrupted code from the signal frame. The x86_64 kernel has no trampoline of its own: the
/// handler's `ret` pops this address, which the kernel pushed from `sa_restorer`.
///
/// It must be naked, two instructions and nothing else. When the handler has returned, `rsp`
/// points just past that return address, at the kernel's `struct rt_sigframe`, and
/// `rt_sigreturn` finds the frame at `rsp - 8`. A compiled function would open with a prologue
/// (`push rbp`, a stack adjustment, an alignment) that moves `rsp` before the system call, so
/// that the kernel would restore registers from the wrong place, and the process would resume
/// at a garbage address or die of `SIGSEGV`. The bytes are `mov rax, 15; syscall`
/// (`48 c7 c0 0f 00 00 00 0f 05`) as in glibc and musl, the sequence that debuggers and
/// unwinders (gdb, libgcc) recognise as a signal frame.
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
    core::arch::naked_asm!("mov rax, 15", "syscall", "ud2")
}

/// The `sa_restorer` of a signal handler (see `sigaction.rs`): [`restore_rt`], always; the
/// x86_64 kernel has no trampoline of its own.
pub(crate) fn sa_restorer(_siginfo: bool) -> Option<usize> {
    Some(restore_rt as *const () as usize)
}

/// Defines the process entry point `_start`, which calls `$entry(initial stack pointer)`.
///
/// Used by [`main!`](crate::main); a program does not call it directly.
///
/// At `_start` the kernel has left no return address: `rsp` points at `argc`, followed by the
/// `argv` pointers, a null, the `envp` pointers, a null, and the auxiliary vector (see the
/// System V x86_64 psABI, "Initial Process Stack"). `rsp` is 16-byte aligned there, but the
/// ABI only promises that for the process entry, so it is aligned again before the call.
#[doc(hidden)]
#[macro_export]
macro_rules! __arch_start {
    ($entry:path) => {
        $crate::__naked_start!(
            $entry;
            // The outermost frame: a zero frame pointer ends stack walks here.
            "xor ebp, ebp",
            // First argument (System V: rdi) = the initial stack pointer (&argc).
            "mov rdi, rsp",
            // Align the stack to 16 bytes; the `call` below pushes 8 more, which is
            // the state the ABI requires at the entry of a function.
            "and rsp, -16",
            "call {entry}",
            // `entry` never returns; trap if it ever did.
            "ud2",
        );
    };
}

/// Defines `memcpy`, `memmove`, `memset`, `memcmp`, `bcmp` and `strlen`, the functions the
/// compiler and `core` call for copies, fills, comparisons and C strings, and expect a C library
/// to provide; and `_Unwind_Resume` and `rust_eh_personality`, which the precompiled `alloc`
/// names (see below). Each is in a section `.text.kit_libc.NAME` (the unwinding stubs:
/// `.text.kit_unwind.NAME`).
///
/// Used by [`main!`](crate::main), so that only programs on the kit's runtime get them (a `std`
/// program keeps its C library's). Each function is in a section of its own, so the linker drops
/// the ones a program does not call. They are assembly because a Rust loop written to copy
/// bytes can be recognised by the optimiser as a `memcpy` and compiled into a call to itself.
/// Copies and fills use `rep movsb`/`rep stosb`, which processors with ERMS (x86_64 from Ivy
/// Bridge and Zen on) run at full speed.
#[doc(hidden)]
#[macro_export]
macro_rules! __arch_mem_functions {
    () => {
        ::core::arch::global_asm!(
            // void *memcpy(void *dst /* rdi */, const void *src /* rsi */, size_t n /* rdx */)
            ".section .text.kit_libc.memcpy,\"ax\",@progbits",
            ".globl memcpy",
            ".type memcpy,@function",
            "memcpy:",
            "    mov rax, rdi", // return dst
            "    mov rcx, rdx", // count
            "    rep movsb",    // copy upwards (the ABI keeps the direction flag clear)
            "    ret",
            ".size memcpy, .-memcpy",
            // void *memmove(void *dst, const void *src, size_t n): overlap allowed
            ".section .text.kit_libc.memmove,\"ax\",@progbits",
            ".globl memmove",
            ".type memmove,@function",
            "memmove:",
            "    mov rax, rdi",
            "    mov rcx, rdx",
            "    mov rdx, rdi",
            "    sub rdx, rsi", // dst - src (wrapping)
            "    cmp rdx, rcx",
            "    jae 2f", // dst not inside [src, src + n): copy upwards
            "    lea rdi, [rdi + rcx - 1]",
            "    lea rsi, [rsi + rcx - 1]",
            "    std", // copy downwards, last byte first
            "    rep movsb",
            "    cld", // restore the direction flag the ABI requires
            "    ret",
            "2:  rep movsb",
            "    ret",
            ".size memmove, .-memmove",
            // void *memset(void *dst, int c /* esi */, size_t n)
            ".section .text.kit_libc.memset,\"ax\",@progbits",
            ".globl memset",
            ".type memset,@function",
            "memset:",
            "    mov r8, rdi",
            "    mov eax, esi",
            "    mov rcx, rdx",
            "    rep stosb",
            "    mov rax, r8",
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
            "    xor eax, eax",
            "    test rdx, rdx",
            "    jz 3f",
            "2:  movzx eax, byte ptr [rdi]",
            "    movzx ecx, byte ptr [rsi]",
            "    sub eax, ecx", // difference of the first unequal unsigned bytes
            "    jnz 3f",
            "    inc rdi",
            "    inc rsi",
            "    dec rdx",
            "    jnz 2b",
            "3:  ret",
            ".size memcmp, .-memcmp",
            // size_t strlen(const char *s): what CStr::from_ptr calls
            ".section .text.kit_libc.strlen,\"ax\",@progbits",
            ".globl strlen",
            ".type strlen,@function",
            "strlen:",
            "    mov rax, rdi",
            "2:  cmp byte ptr [rax], 0",
            "    je 3f",
            "    inc rax",
            "    jmp 2b",
            "3:  sub rax, rdi",
            "    ret",
            ".size strlen, .-strlen",
            // The precompiled `alloc` and `core` are built to unwind, so they name the unwinder's
            // `_Unwind_Resume`; with `panic = "abort"` a panic ends the process before anything
            // unwinds, so it is never called. Trap if it ever were.
            ".section .text.kit_unwind._Unwind_Resume,\"ax\",@progbits",
            ".globl _Unwind_Resume",
            ".type _Unwind_Resume,@function",
            "_Unwind_Resume:",
            "    ud2",
            ".size _Unwind_Resume, .-_Unwind_Resume",
            // Likewise the personality routine their unwind tables name: never called.
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
