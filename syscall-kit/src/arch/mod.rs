//! Per-architecture code: the only assembly of the kit, and the few constants whose values
//! differ between architectures. One file per architecture; each provides the same items:
//!
//! - `nr`: the system call numbers (`sc::nr` where the `sc` crate builds, else a table
//!   generated from the kernel's, see `scripts/gen-nr.sh`);
//! - `syscall0` … `syscall6`: the system call instruction, for [`crate::raw`] only (`sc`'s, or
//!   the kit's own `asm!` with the register convention written above it);
//! - `O_DIRECT`, `O_DIRECTORY`, `O_NOFOLLOW`, `O_LARGEFILE`: the `open(2)` flags whose values
//!   differ (and on powerpc `MAP_NORESERVE`, `TIOCGPGRP`, `TIOCSPGRP`, `EDEADLOCK`, whose
//!   asm-generic values are here);
//! - `AUDIT_ARCH` (and its named form, `AUDIT_ARCH_X86_64` …): the architecture's value in a
//!   seccomp filter's `seccomp_data.arch` (see [`crate::seccomp`]);
//! - `__trap_instruction!`: its illegal instruction, for [`trap`] (defined here, once);
//! - `__arch_start!`: the naked entry point `_start`, used by [`main!`](crate::main);
//! - `__arch_mem_functions!`: `memcpy`, `memmove`, `memset`, `memcmp`, `bcmp`, `strlen` and the
//!   unwinding stubs, used by [`main!`](crate::main);
//! - `sa_restorer()`, where the kernel's `struct sigaction` has that field (all but riscv64 and
//!   loongarch64): the trampoline a signal handler returns into, the kit's own `restore_rt`
//!   on x86_64 and i686 (and on i686 `restore`, for handlers without `SA_SIGINFO`), none
//!   elsewhere (the kernel's vDSO or signal page has one).
//!
//! The kernel's `struct sigaction` itself, in its two layouts, is `sigaction.rs`. The i386 ABI
//! (module `i386`: its numbers and `AUDIT_ARCH_I386`) is a file of its own, compiled for i686,
//! whose native ABI it is, and for x86_64, where 32-bit programs and `int 0x80` use it.
//!
//! What differs by word size only (the calls that take 64-bit times and offsets on 32-bit
//! architectures) is here once: `wide`, `lseek`, `ftruncate`, `mmap` (s390x's file has its own `mmap`, and
//! `fork_clone_args` for the order of `clone(2)`'s arguments); and `ids`, the 32-bit user and
//! group id calls of i686 and arm.

use crate::Errno;

pub(crate) mod sigaction;

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

/// The i386 ABI, native on i686 and reachable with `int 0x80` on x86_64 (see the module).
#[cfg(any(target_arch = "x86", target_arch = "x86_64"))]
pub mod i386;

#[cfg(target_arch = "x86")]
mod x86;
#[cfg(target_arch = "x86")]
pub use x86::*;

#[cfg(target_arch = "arm")]
mod arm;
#[cfg(target_arch = "arm")]
pub use arm::*;

#[cfg(target_arch = "s390x")]
mod s390x;
#[cfg(target_arch = "s390x")]
pub use s390x::*;

#[cfg(all(target_arch = "powerpc64", target_endian = "little"))]
mod powerpc64;
#[cfg(all(target_arch = "powerpc64", target_endian = "little"))]
pub use powerpc64::*;

#[cfg(target_arch = "loongarch64")]
mod loongarch64;
#[cfg(target_arch = "loongarch64")]
pub use loongarch64::*;

#[cfg(not(any(
    target_arch = "x86_64",
    target_arch = "aarch64",
    target_arch = "riscv64",
    target_arch = "x86",
    target_arch = "arm",
    target_arch = "s390x",
    all(target_arch = "powerpc64", target_endian = "little"),
    target_arch = "loongarch64",
)))]
compile_error!(
    "syscall-kit supports Linux on x86_64, aarch64, riscv64, i686, arm, s390x, powerpc64le and loongarch64"
);

/// `MAP_NORESERVE` (asm-generic value; powerpc's file has its own).
#[cfg(not(target_arch = "powerpc64"))]
pub const MAP_NORESERVE: u32 = 0x4000;

/// `EDEADLOCK` (asm-generic value, include/uapi/asm-generic/errno.h: `EDEADLK`, 35; powerpc's
/// file has its own), the number of [`Errno::EDEADLOCK`].
#[cfg(not(target_arch = "powerpc64"))]
pub const EDEADLOCK: i32 = 35;

/// `TIOCGPGRP` (asm-generic value, include/uapi/asm-generic/ioctls.h; powerpc's file has its
/// own).
#[cfg(not(target_arch = "powerpc64"))]
pub const TIOCGPGRP: usize = 0x540F;
/// `TIOCSPGRP` (asm-generic value; powerpc's file has its own).
#[cfg(not(target_arch = "powerpc64"))]
pub const TIOCSPGRP: usize = 0x5410;

/// The numbers of the calls that take a 64-bit time (`struct __kernel_timespec`, which is the
/// kit's [`Timespec`](crate::time::Timespec)) or a 64-bit file offset, named as on the 64-bit
/// architectures. A 32-bit architecture's call of that name takes a 32-bit `time_t` or `off_t`;
/// its `*_time64` or `*64` call (Linux 5.1 for the times) takes the 64-bit one, and is the
/// number here.
pub(crate) mod wide {
    #[cfg(target_pointer_width = "64")]
    pub(crate) use super::nr::{
        CLOCK_GETTIME, CLOCK_NANOSLEEP, FCNTL, PPOLL, RT_SIGTIMEDWAIT, SENDFILE, TIMERFD_GETTIME,
        TIMERFD_SETTIME,
    };
    #[cfg(target_pointer_width = "32")]
    pub(crate) use super::nr::{
        CLOCK_GETTIME64 as CLOCK_GETTIME, CLOCK_NANOSLEEP_TIME64 as CLOCK_NANOSLEEP,
        FCNTL64 as FCNTL, PPOLL_TIME64 as PPOLL, RT_SIGTIMEDWAIT_TIME64 as RT_SIGTIMEDWAIT,
        SENDFILE64 as SENDFILE, TIMERFD_GETTIME64 as TIMERFD_GETTIME,
        TIMERFD_SETTIME64 as TIMERFD_SETTIME,
    };
}

/// The numbers of the calls that return a user or group id, named as on the other
/// architectures. On i686 and arm the calls of those names are the 16-bit ones of old (an id past
/// 65535 reads as 65534, the overflow id); the `*32` ones return the whole id, and are the
/// numbers here.
pub(crate) mod ids {
    #[cfg(not(any(target_arch = "x86", target_arch = "arm")))]
    pub(crate) use super::nr::{GETEGID, GETEUID, GETGID, GETUID};
    #[cfg(any(target_arch = "x86", target_arch = "arm"))]
    pub(crate) use super::nr::{
        GETEGID32 as GETEGID, GETEUID32 as GETEUID, GETGID32 as GETGID, GETUID32 as GETUID,
    };
}

/// `pread64(2)` with a 64-bit offset: one register where a word holds it.
///
/// # Safety
/// `buf` is valid for writes of `len` bytes.
#[cfg(target_pointer_width = "64")]
pub(crate) unsafe fn pread(
    fd: usize,
    buf: *mut u8,
    len: usize,
    offset: u64,
) -> Result<usize, Errno> {
    // SAFETY: the kernel writes at most `len` bytes at `buf`, which the caller guarantees.
    unsafe { crate::raw::syscall4(nr::PREAD64, fd, buf as usize, len, offset as usize) }
}

/// `pread64(2)` with a 64-bit offset on a 32-bit architecture: the offset as two words, low
/// word first (both are little-endian). i386 passes them in the next two argument registers;
/// the arm EABI passes a 64-bit argument in an even register pair, so r3 is padding and the
/// offset is in r4:r5 (as musl's `__SYSCALL_LL_O` does).
///
/// # Safety
/// `buf` is valid for writes of `len` bytes.
#[cfg(target_pointer_width = "32")]
pub(crate) unsafe fn pread(
    fd: usize,
    buf: *mut u8,
    len: usize,
    offset: u64,
) -> Result<usize, Errno> {
    let (low, high) = (offset as u32 as usize, (offset >> 32) as usize);
    // SAFETY: the kernel writes at most `len` bytes at `buf`, which the caller guarantees.
    unsafe {
        if cfg!(target_arch = "arm") {
            crate::raw::syscall6(nr::PREAD64, fd, buf as usize, len, 0, low, high)
        } else {
            crate::raw::syscall5(nr::PREAD64, fd, buf as usize, len, low, high)
        }
    }
}

/// `lseek(2)` with a 64-bit offset: `lseek` where a word holds it, else `_llseek`, which
/// takes the offset as two words and writes the result to memory.
///
/// # Safety
/// None beyond the call's: it writes only its own local.
#[cfg(target_pointer_width = "64")]
pub(crate) unsafe fn lseek(fd: usize, offset: i64, whence: usize) -> Result<u64, Errno> {
    // SAFETY: `lseek` reads and writes no memory of ours.
    unsafe { crate::raw::syscall3(nr::LSEEK, fd, offset as usize, whence) }.map(|o| o as u64)
}

/// `lseek(2)` with a 64-bit offset: `_llseek(fd, high, low, &result, whence)`.
///
/// # Safety
/// None beyond the call's: it writes only its own local.
#[cfg(target_pointer_width = "32")]
pub(crate) unsafe fn lseek(fd: usize, offset: i64, whence: usize) -> Result<u64, Errno> {
    let mut result: u64 = 0;
    let (high, low) = (
        (offset as u64 >> 32) as usize,
        offset as u64 as u32 as usize,
    );
    // SAFETY: the kernel writes one `loff_t` (8 bytes) at `&result`, a live local.
    unsafe {
        crate::raw::syscall5(
            nr::_LLSEEK,
            fd,
            high,
            low,
            &mut result as *mut u64 as usize,
            whence,
        )
    }?;
    Ok(result)
}

/// `ftruncate(2)` with a 64-bit length: `ftruncate` where a word holds it.
///
/// # Safety
/// None beyond the call's: it touches no memory.
#[cfg(target_pointer_width = "64")]
pub(crate) unsafe fn ftruncate(fd: usize, len: u64) -> Result<usize, Errno> {
    // SAFETY: `ftruncate` reads and writes no memory of ours.
    unsafe { crate::raw::syscall2(nr::FTRUNCATE, fd, len as usize) }
}

/// `ftruncate64(2)` on a 32-bit architecture: the length as two words, low word first, in the
/// next two registers on i686 and in an even register pair on arm (r2:r3, r1 padding), as for
/// [`pread`].
///
/// # Safety
/// None beyond the call's: it touches no memory.
#[cfg(target_pointer_width = "32")]
pub(crate) unsafe fn ftruncate(fd: usize, len: u64) -> Result<usize, Errno> {
    let (low, high) = (len as u32 as usize, (len >> 32) as usize);
    // SAFETY: `ftruncate64` reads and writes no memory of ours.
    unsafe {
        if cfg!(target_arch = "arm") {
            crate::raw::syscall4(nr::FTRUNCATE64, fd, 0, low, high)
        } else {
            crate::raw::syscall3(nr::FTRUNCATE64, fd, low, high)
        }
    }
}

/// The arguments of `clone(2)` for a fork with `flags` (no new stack, no thread ids, no TLS):
/// the flags first, as on every architecture of the kit but s390x (its file has its own).
#[cfg(not(target_arch = "s390x"))]
pub(crate) const fn fork_clone_args(flags: usize) -> [usize; 5] {
    [flags, 0, 0, 0, 0]
}

/// `mmap(2)` with a 64-bit file offset: `mmap` where a word holds it, else `mmap2`, which
/// takes the offset in 4096-byte units (an offset that is not a multiple is `EINVAL`, as
/// `mmap` answers for an offset that is not page-aligned).
///
/// # Safety
/// The contract of [`crate::mm::mmap`].
#[cfg(not(target_arch = "s390x"))]
pub(crate) unsafe fn mmap(
    addr: usize,
    len: usize,
    prot: usize,
    flags: usize,
    fd: usize,
    offset: u64,
) -> Result<usize, Errno> {
    #[cfg(target_pointer_width = "64")]
    let (call, offset) = (nr::MMAP, offset as usize);
    #[cfg(target_pointer_width = "32")]
    let (call, offset) = {
        if !offset.is_multiple_of(4096) || offset / 4096 > usize::MAX as u64 {
            return Err(Errno::EINVAL);
        }
        (nr::MMAP2, (offset / 4096) as usize)
    };
    // SAFETY: forwarded to the caller.
    unsafe { crate::raw::syscall6(call, addr, len, prot, flags, fd, offset) }
}
