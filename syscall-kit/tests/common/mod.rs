//! Helpers shared by the kit's tests (included with `mod common;`).
#![allow(dead_code)]

use std::path::Path;

/// A fresh empty directory under the system temp dir, removed on drop (system-tests' one).
#[allow(unused_imports)] // not every test file uses it
pub use system_tests::TempDir;

/// Whether `/proc/self/fd/N` exists: the descriptor is open in this process.
pub fn fd_is_open(fd: i32) -> bool {
    Path::new(&format!("/proc/self/fd/{fd}")).exists()
}
