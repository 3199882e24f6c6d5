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

/// The exit status of an [`in_namespaces`] child whose system refused it a user namespace.
const NO_USER_NAMESPACE: i32 = 200;

/// Forks a child that moves into a new user namespace, where it is root (mapped to the caller's
/// effective ids), a new mount namespace whose mounts it makes private, and the namespaces of
/// `more`; then runs `child` there, whose return value is the child's exit status (200 to 202
/// are this helper's: no user namespace, the maps, the propagation). The test process has other
/// threads, whose locks the child may not take: `child` makes only system calls through the kit
/// (no allocation, no `std` I/O, no panics).
///
/// Returns the child's wait status, or `None` when this system refuses unprivileged user
/// namespaces (the test is skipped with its reason, or fails under `CI=true`).
pub fn in_namespaces(
    more: syscall_kit::ns::CloneFlags,
    child: impl FnOnce() -> i32,
) -> Option<WaitStatus> {
    use syscall_kit::mount::{MountFlags, mount};
    use syscall_kit::ns::{self, CloneFlags, IdMap};
    let (uid, gid) = (process::geteuid(), process::getegid());
    // SAFETY: (test): the child runs the steps below and `child`, which make system calls
    // through the kit only, and ends the process.
    let status = match unsafe { process::fork() }.expect("fork") {
        process::Fork::Child => {
            let code = match ns::unshare(CloneFlags::NEWUSER | CloneFlags::NEWNS | more) {
                Err(Errno::EPERM | Errno::ENOSPC | Errno::EACCES) => NO_USER_NAMESPACE,
                Err(_) => 199,
                Ok(()) if ns::map_ids(IdMap::one(0, uid), IdMap::one(0, gid)).is_err() => 201,
                Ok(()) => match mount("", "/", "", MountFlags::PRIVATE | MountFlags::REC, None) {
                    Ok(()) => child(),
                    Err(_) => 202,
                },
            };
            process::exit(code)
        }
        process::Fork::Parent(pid) => wait_for(pid),
    };
    if status.exit_status() == Some(NO_USER_NAMESPACE) {
        system_tests::skip_or_fail("this system refuses an unprivileged user namespace");
        return None;
    }
    Some(status)
}

/// [`in_namespaces`], whose child must exit with 0 (a test's child returns a code of its own
/// for each check that fails); false when the test is skipped.
pub fn in_namespaces_passes(
    more: syscall_kit::ns::CloneFlags,
    child: impl FnOnce() -> i32,
) -> bool {
    let Some(status) = in_namespaces(more, child) else {
        return false;
    };
    assert_eq!(
        status.exit_status(),
        Some(0),
        "{status:?}: see the codes of the test"
    );
    true
}

/// Reads the file `path` into `buf` with the kit (no allocation: for a forked child) and
/// returns how many bytes it holds, or `None` when it cannot be read or does not fit.
pub fn read_into(path: &str, buf: &mut [u8]) -> Option<usize> {
    use syscall_kit::fs::{self, Mode, OFlags};
    let fd = fs::open(path, OFlags::RDONLY | OFlags::CLOEXEC, Mode::empty()).ok()?;
    let mut len = 0;
    loop {
        match syscall_kit::io::read(&fd, buf.get_mut(len..)?) {
            Ok(0) => return Some(len),
            Ok(n) => len += n,
            Err(Errno::EINTR) => {}
            Err(_) => return None,
        }
        if len == buf.len() {
            return None;
        }
    }
}

/// Forks a child that runs `child` and exits with its return value; returns the wait status.
/// The test process has other threads, whose locks the child may not take: `child` makes only
/// system calls through the kit (no allocation, no `std` I/O, no panics).
pub fn in_child_with(child: impl FnOnce() -> i32) -> WaitStatus {
    // SAFETY: (test): the child runs `child`, which makes system calls through the kit only,
    // and ends the process.
    match unsafe { process::fork() }.expect("fork") {
        process::Fork::Child => process::exit(child()),
        process::Fork::Parent(pid) => wait_for(pid),
    }
}
