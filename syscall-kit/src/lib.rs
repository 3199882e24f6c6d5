#![doc = include_str!("../README.md")]
#![no_std]
#![warn(missing_docs)]
#![deny(unsafe_op_in_unsafe_fn)]
#![warn(clippy::undocumented_unsafe_blocks, clippy::missing_safety_doc)]

pub mod arch;
mod errno;
pub mod fd;
pub mod fs;
pub mod io;
pub mod mm;
mod path;
pub mod process;
pub mod raw;
#[cfg(feature = "runtime")]
pub mod rt;
pub mod seccomp;

pub use errno::Errno;
pub use fd::{AsFd, BorrowedFd, OwnedFd, RawFd, stderr, stdin, stdout};
pub use path::{PATH_MAX, PathArg};

/// `Result<T, Errno>`: what every wrapper of this crate returns.
pub type Result<T> = core::result::Result<T, Errno>;
