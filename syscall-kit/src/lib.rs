//! # syscall-kit
//!
//! A `#![no_std]` Linux userland kit: everything a program needs from the kernel, with no libc,
//! no dynamic loader and no files.
//!
//! The layers, from the machine up (each is one module):
//!
//! | layer | module | what it holds |
//! |---|---|---|
//! | architecture | [`arch`] | the only assembly: the naked `_start` of each architecture |
//! | raw calls | [`raw`] | the one place that calls the [`sc`] crate; the kernel's `-4095..=-1` error convention becomes `Result<usize, Errno>` |
//! | errors | [`Errno`] | named error codes whose `Display` reads `ENOENT: No such file or directory` |
//! | file descriptors | [`fd`] | [`OwnedFd`] (closed exactly once), [`BorrowedFd`], [`stdin`], [`stdout`], [`stderr`] |
//! | typed wrappers | [`io`] (read and write, copies inside the kernel, `fcntl`, `poll`), [`fs`] (files, directories, links), [`mm`], [`process`] | one small function per system call, named as the kernel names it, each linking its man page |
//! | least privilege | [`seccomp`] | allow-list filters: [`seccomp::allow_only`] limits the process to the system calls it names |
//! | runtime (feature `runtime`) | [`rt`] | entry ([`main!`](crate::main)), argv/envp/auxv, panic handler, `print!` macros, heap (feature `alloc`) |
//!
//! Without features the crate has no start-up code, no panic handler and no global allocator,
//! so it also works inside ordinary `std` programs.

#![no_std]

pub mod arch;
mod errno;
pub mod fd;
pub mod fs;
pub mod io;
pub mod mm;
mod path;
pub mod process;
pub mod raw;
// Documented whatever the features, so that the crate docs can link to it.
#[cfg(any(feature = "runtime", doc))]
pub mod rt;
pub mod seccomp;

pub use errno::Errno;
pub use fd::{AsFd, BorrowedFd, OwnedFd, RawFd, stderr, stdin, stdout};
pub use path::{PATH_MAX, PathArg};

/// `Result<T, Errno>`: what every wrapper of this crate returns.
pub type Result<T> = core::result::Result<T, Errno>;
