//! [`PathArg`]: how wrappers accept paths.

use core::ffi::CStr;

use crate::{Errno, Result};

/// The longest path, including its terminating NUL, that the kernel accepts (`PATH_MAX`).
pub const PATH_MAX: usize = 4096;

/// A path for a system call: a `&CStr` is passed as it is; a `&str` or `&[u8]` is copied into a
/// NUL-terminated buffer on the stack first.
///
/// A `&str` or `&[u8]` with an interior NUL is rejected with [`Errno::EINVAL`] before any
/// system call (the kernel would silently use only the part before the NUL); one of
/// [`PATH_MAX`] bytes or more is rejected with [`Errno::ENAMETOOLONG`].
pub trait PathArg {
    /// Calls `f` with the path as a C string.
    fn with_c_str<T>(self, f: impl FnOnce(&CStr) -> Result<T>) -> Result<T>;
}

impl PathArg for &CStr {
    fn with_c_str<T>(self, f: impl FnOnce(&CStr) -> Result<T>) -> Result<T> {
        f(self)
    }
}

impl PathArg for &[u8] {
    fn with_c_str<T>(self, f: impl FnOnce(&CStr) -> Result<T>) -> Result<T> {
        if self.contains(&0) {
            return Err(Errno::EINVAL);
        }
        if self.len() >= PATH_MAX {
            return Err(Errno::ENAMETOOLONG);
        }
        let mut buf = [0u8; PATH_MAX];
        buf[..self.len()].copy_from_slice(self);
        match CStr::from_bytes_with_nul(&buf[..=self.len()]) {
            Ok(c) => f(c),
            // Unreachable: the bytes hold no NUL and one was appended.
            Err(_) => Err(Errno::EINVAL),
        }
    }
}

impl<const N: usize> PathArg for &[u8; N] {
    fn with_c_str<T>(self, f: impl FnOnce(&CStr) -> Result<T>) -> Result<T> {
        self.as_slice().with_c_str(f)
    }
}

impl PathArg for &str {
    fn with_c_str<T>(self, f: impl FnOnce(&CStr) -> Result<T>) -> Result<T> {
        self.as_bytes().with_c_str(f)
    }
}
