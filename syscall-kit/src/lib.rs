#![doc = include_str!("../README.md")]
#![no_std]

pub mod arch;
mod errno;
pub mod event;
pub mod fd;
mod fmt_buf;
pub mod fs;
pub mod io;
pub mod mm;
pub mod mount;
pub mod net;
pub mod ns;
mod path;
pub mod process;
pub mod raw;
// Documented whatever the features, so that the crate docs can link to it.
#[cfg(any(feature = "runtime", doc))]
pub mod rt;
pub mod seccomp;
pub mod signal;
pub mod text;
pub mod time;

pub use errno::Errno;
pub use fd::{AsFd, BorrowedFd, OwnedFd, RawFd, stderr, stdin, stdout};
pub use path::{PATH_MAX, PathArg};

/// `Result<T, Errno>`: what every wrapper of this crate returns.
pub type Result<T> = core::result::Result<T, Errno>;
