//! Memory: `mmap(2)`, `munmap(2)` and `brk(2)`.

use crate::fd::{AsFd, BorrowedFd};
use crate::raw::{self, nr};
use crate::{Errno, Result};

bitflags::bitflags! {
    /// Access of a mapping (`PROT_*`, see `mmap(2)`).
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
    pub struct ProtFlags: u32 {
        /// `PROT_NONE` (zero).
        const NONE = 0;
        /// `PROT_READ`.
        const READ = 0x1;
        /// `PROT_WRITE`.
        const WRITE = 0x2;
        /// `PROT_EXEC`.
        const EXEC = 0x4;
    }
}

bitflags::bitflags! {
    /// Kind of a mapping (`MAP_*`, see `mmap(2)`). Exactly one of `SHARED` and `PRIVATE` is
    /// required.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
    pub struct MapFlags: u32 {
        /// `MAP_SHARED`.
        const SHARED = 0x01;
        /// `MAP_PRIVATE`.
        const PRIVATE = 0x02;
        /// `MAP_FIXED`: exactly at `addr`, replacing what was there.
        const FIXED = 0x10;
        /// `MAP_ANONYMOUS`: zero-filled memory, no file.
        const ANONYMOUS = 0x20;
        /// `MAP_NORESERVE`.
        const NORESERVE = crate::arch::MAP_NORESERVE;
        /// `MAP_POPULATE`.
        const POPULATE = 0x8000;
        /// `MAP_FIXED_NOREPLACE`: at `addr`, or fail with `EEXIST`.
        const FIXED_NOREPLACE = 0x100000;
    }
}

/// `mmap(2)`: maps `len` bytes of `fd` from `offset` (or anonymous memory when `fd` is `None`),
/// at an address of the kernel's choosing near `addr` (null: anywhere).
///
/// # Safety
/// With [`MapFlags::FIXED`], whatever was mapped at `addr` is replaced, which is undefined
/// behaviour if Rust still uses that memory. A shared mapping of a file can change under the
/// program when another process writes the file. The caller must uphold Rust's aliasing rules
/// for the memory it reads through the returned pointer.
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/mmap.2.html
pub unsafe fn mmap(
    addr: *mut u8,
    len: usize,
    prot: ProtFlags,
    flags: MapFlags,
    fd: Option<BorrowedFd<'_>>,
    offset: u64,
) -> Result<*mut u8> {
    let fd = fd.map_or(-1, |fd| fd.as_fd().as_raw_fd());
    // SAFETY: forwarded to the caller (see the function's contract).
    unsafe {
        crate::arch::mmap(
            addr as usize,
            len,
            prot.bits() as usize,
            flags.bits() as usize,
            fd as usize,
            offset,
        )
    }
    .map(|p| p as *mut u8)
}

/// `munmap(2)`: removes the mappings of `len` bytes at `addr`.
///
/// # Safety
/// Nothing may use the memory afterwards; it must not belong to anything Rust still owns (the
/// stack, a static, an allocation of the global allocator).
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/mmap.2.html
pub unsafe fn munmap(addr: *mut u8, len: usize) -> Result<()> {
    // SAFETY: forwarded to the caller.
    unsafe { raw::syscall2(nr::MUNMAP, addr as usize, len) }.map(drop)
}

/// `brk(2)`: moves the end of the data segment (the "program break") to `addr` and returns the
/// new break; a null `addr` only asks where the break is.
///
/// The kernel's `brk` returns the current break whatever happens; this wrapper reports a break
/// that did not move to `addr` as [`Errno::ENOMEM`], the way `brk(3)` of a C library does.
///
/// # Safety
/// Lowering the break unmaps memory that must no longer be in use. A process has one break:
/// whoever else moves it (a C library's `malloc`, for one) must not be present, or must not
/// mind. syscall-kit's `rt::heap::KernelHeap` (feature `alloc`) only raises it.
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/brk.2.html
pub unsafe fn brk(addr: *mut u8) -> Result<*mut u8> {
    // SAFETY: forwarded to the caller.
    let now = unsafe { raw::syscall1(nr::BRK, addr as usize) }? as *mut u8;
    if addr.is_null() || now == addr {
        Ok(now)
    } else {
        Err(Errno::ENOMEM)
    }
}
