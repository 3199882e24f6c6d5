//! Per-architecture code: the only assembly of the kit, and the few constants whose values
//! differ between architectures. One file per architecture; each provides the same items:
//!
//! - `O_DIRECT`, `O_DIRECTORY`, `O_NOFOLLOW`: the `open(2)` flags whose values differ;
//! - `AUDIT_ARCH` (and its named form, `AUDIT_ARCH_X86_64` …): the architecture's value in a
//!   seccomp filter's `seccomp_data.arch` (see [`crate::seccomp`]);
//! - `__trap_instruction!`: its illegal instruction, for [`trap`] (defined here, once);
//! - `__arch_start!`: the naked entry point `_start`, used by [`main!`](crate::main);
//! - `__arch_mem_functions!`: `memcpy`, `memmove`, `memset`, `memcmp`, `bcmp`, `strlen` and the
//!   unwinding stubs, used by [`main!`](crate::main);
//! - on x86_64 only, `restore_rt`: the `rt_sigreturn(2)` trampoline of signal handlers (aarch64
//!   and riscv64 return through the kernel's vDSO; see [`crate::signal::SigAction::new`]).
//!
//! The system call instruction itself is the `sc` crate's (see [`crate::raw`]).

/// Stops the program with the architecture's illegal instruction (`ud2`, `udf #0`, `unimp`):
/// `SIGILL`, which no handler of the kit catches. For the place after a system call that must
/// not return, such as `exit_group(2)` refused by a seccomp filter that returns an error.
#[inline(always)]
pub fn trap() -> ! {
    // SAFETY: the illegal instruction touches no memory and never returns: the kernel delivers
    // SIGILL.
    unsafe {
        core::arch::asm!(
            crate::__trap_instruction!(),
            options(noreturn, nomem, nostack)
        )
    }
}

/// Defines the entry point `_start` with an architecture's instructions (its `__arch_start!`
/// passes them): what is the same everywhere, the attributes and the contract, is here once.
/// `{entry}` in the instructions names `$entry`.
#[doc(hidden)]
#[macro_export]
macro_rules! __naked_start {
    ($entry:path; $($instruction:literal),+ $(,)?) => {
        /// The process entry point: the kernel jumps here after `execve(2)`.
        ///
        /// # Safety
        /// Only the kernel may call it, once, with the initial process stack.
        #[unsafe(naked)]
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn _start() -> ! {
            ::core::arch::naked_asm!($($instruction),+, entry = sym $entry)
        }
    };
}

#[cfg(target_arch = "aarch64")]
mod aarch64;
#[cfg(target_arch = "aarch64")]
pub use aarch64::*;

#[cfg(target_arch = "riscv64")]
mod riscv64;
#[cfg(target_arch = "riscv64")]
pub use riscv64::*;

#[cfg(target_arch = "x86_64")]
mod x86_64;
#[cfg(target_arch = "x86_64")]
pub use x86_64::*;

#[cfg(not(any(
    target_arch = "x86_64",
    target_arch = "aarch64",
    target_arch = "riscv64"
)))]
compile_error!("syscall-kit supports Linux on x86_64, aarch64 and riscv64");
