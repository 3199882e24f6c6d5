//! Raw system calls: the one module that calls the kernel, through the system call instruction
//! of the target architecture ([`crate::arch`]: the `sc` crate's where it builds, the kit's
//! own `asm!` elsewhere).
//!
//! The kernel returns a value in `-4095..=-1` (seen as an unsigned word) for an error, and
//! anything else for success; [`check`] turns that into `Result<usize, Errno>`. Everything above
//! this module calls the kernel through these functions.
//!
//! # Safety
//! A system call can do anything the process can: write through any pointer, unmap memory, close
//! descriptors owned by someone else. Each function is `unsafe`; the caller must pass arguments
//! that satisfy the contract of the system call's man page.
//!
//! # References
//!  - [Linux]: the calling convention of each architecture, and the error return
//!
//! [Linux]: https://man7.org/linux/man-pages/man2/syscall.2.html

use crate::Errno;

/// System call numbers of the target architecture (`sc::nr` where the `sc` crate builds, else the
/// kit's table of the architecture).
pub use crate::arch::nr;

use crate::arch;

/// Decodes the kernel's return convention: a value in `-4095..=-1` is `-errno`.
#[inline(always)]
pub fn check(ret: usize) -> Result<usize, Errno> {
    if ret > -4096isize as usize {
        Err(Errno::from_raw(-(ret as isize) as i32))
    } else {
        Ok(ret)
    }
}

/// System call `nr` with no arguments.
///
/// # Safety
/// The call's contract (see its man page) must hold.
#[inline(always)]
pub unsafe fn syscall0(nr: usize) -> Result<usize, Errno> {
    // SAFETY: forwarded to the caller.
    check(unsafe { arch::syscall0(nr) })
}

/// System call `nr` with no arguments that cannot fail, such as `getpid(2)`: the kernel's value
/// as it is, with no error check.
///
/// # Safety
/// The call's contract (see its man page) must hold, and it must have no error return.
#[inline(always)]
pub unsafe fn syscall0_infallible(nr: usize) -> usize {
    // SAFETY: forwarded to the caller.
    unsafe { arch::syscall0(nr) }
}

/// System call `nr` with one argument.
///
/// # Safety
/// The call's contract (see its man page) must hold.
#[inline(always)]
pub unsafe fn syscall1(nr: usize, a1: usize) -> Result<usize, Errno> {
    // SAFETY: forwarded to the caller.
    check(unsafe { arch::syscall1(nr, a1) })
}

/// System call `nr` with two arguments.
///
/// # Safety
/// The call's contract (see its man page) must hold.
#[inline(always)]
pub unsafe fn syscall2(nr: usize, a1: usize, a2: usize) -> Result<usize, Errno> {
    // SAFETY: forwarded to the caller.
    check(unsafe { arch::syscall2(nr, a1, a2) })
}

/// System call `nr` with three arguments.
///
/// # Safety
/// The call's contract (see its man page) must hold.
#[inline(always)]
pub unsafe fn syscall3(nr: usize, a1: usize, a2: usize, a3: usize) -> Result<usize, Errno> {
    // SAFETY: forwarded to the caller.
    check(unsafe { arch::syscall3(nr, a1, a2, a3) })
}

/// System call `nr` with four arguments.
///
/// # Safety
/// The call's contract (see its man page) must hold.
#[inline(always)]
pub unsafe fn syscall4(
    nr: usize,
    a1: usize,
    a2: usize,
    a3: usize,
    a4: usize,
) -> Result<usize, Errno> {
    // SAFETY: forwarded to the caller.
    check(unsafe { arch::syscall4(nr, a1, a2, a3, a4) })
}

/// System call `nr` with five arguments.
///
/// # Safety
/// The call's contract (see its man page) must hold.
#[inline(always)]
pub unsafe fn syscall5(
    nr: usize,
    a1: usize,
    a2: usize,
    a3: usize,
    a4: usize,
    a5: usize,
) -> Result<usize, Errno> {
    // SAFETY: forwarded to the caller.
    check(unsafe { arch::syscall5(nr, a1, a2, a3, a4, a5) })
}

/// System call `nr` with six arguments.
///
/// # Safety
/// The call's contract (see its man page) must hold.
#[inline(always)]
pub unsafe fn syscall6(
    nr: usize,
    a1: usize,
    a2: usize,
    a3: usize,
    a4: usize,
    a5: usize,
    a6: usize,
) -> Result<usize, Errno> {
    // SAFETY: forwarded to the caller.
    check(unsafe { arch::syscall6(nr, a1, a2, a3, a4, a5, a6) })
}

/// A system call that never returns (`exit_group`), with one argument.
///
/// Should the call return after all (a seccomp filter that answers it with an error, say), the
/// program stops with an illegal-instruction trap ([`crate::arch::trap`], `SIGILL`) rather than
/// run on.
///
/// # Safety
/// `nr` must be a call that does not return to the caller when it succeeds.
#[inline(always)]
pub unsafe fn syscall1_noreturn(nr: usize, a1: usize) -> ! {
    // SAFETY: forwarded to the caller.
    let _ = unsafe { arch::syscall1(nr, a1) };
    crate::arch::trap()
}
