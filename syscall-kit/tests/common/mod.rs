//! Helpers shared by the kit's tests (included with `mod common;`).
#![allow(dead_code)]

use std::path::Path;
use std::time::Duration;

use syscall_kit::Errno;
use syscall_kit::process::{self, Pid, WaitOptions, WaitStatus};
use syscall_kit::time::Timeout;

/// A fresh empty directory under the system temp dir, removed on drop (system-tests' one).
#[allow(unused_imports)] // not every test file uses it
pub use system_tests::TempDir;

/// Whether `/proc/self/fd/N` exists: the descriptor is open in this process.
pub fn fd_is_open(fd: i32) -> bool {
    Path::new(&format!("/proc/self/fd/{fd}")).exists()
}

/// The bound of a wait that should end at once, given to every wait of the tests: long enough
/// for any machine, so that a wrapper that never wakes fails its test instead of hanging the
/// suite. No test asserts how long a wait took.
pub const WAIT_BOUND: Timeout = Timeout::After(Duration::from_secs(10));

/// Waits for the child `pid` to end, with the kit's `wait4` (again after `EINTR`), and returns
/// its status.
pub fn wait_for(pid: Pid) -> WaitStatus {
    loop {
        match process::wait4(pid, WaitOptions::empty()) {
            Ok(Some((got, status))) => {
                assert_eq!(got, pid);
                return status;
            }
            Ok(None) => panic!("wait4 without NOHANG returned no child"),
            Err(Errno::EINTR) => {}
            Err(e) => panic!("wait4: {e}"),
        }
    }
}

/// `getpid` through the i386 ABI (`int 0x80`, eax = 20) from this 64-bit process: the raw
/// value of eax (`-errno` on failure).
#[cfg(target_arch = "x86_64")]
pub fn i386_getpid() -> usize {
    let ret: usize;
    // SAFETY: (test): `int 0x80` with eax = 20 is i386 `getpid`, which takes no arguments and
    // touches no memory; the kernel preserves every register but eax.
    unsafe {
        core::arch::asm!(
            "int 0x80",
            inlateout("eax") syscall_kit::arch::i386::nr::GETPID => ret,
            options(nostack)
        );
    }
    ret
}
