//! What several self-tests share: running this program again, reading a pipe to its end, a
//! random number generator, and the bound of a wait.

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec;
use alloc::vec::Vec;
use core::ffi::CStr;

use syscall_kit::fs::OFlags;
use syscall_kit::io::{pipe2, read};
use syscall_kit::process::{self, Fork, WaitOptions};
use syscall_kit::rt::startup::AT_EXECFN;
use syscall_kit::time::Timeout;
use syscall_kit::{Errno, OwnedFd, rt};

/// The bound of a wait that should end at once: long enough for any machine (under qemu too),
/// so that a wrapper that never wakes fails its case instead of hanging the self-test.
pub const WAIT_BOUND: Timeout = Timeout::After(core::time::Duration::from_secs(10));

/// The path this program was started from (`AT_EXECFN`).
pub fn self_path() -> &'static CStr {
    let p = rt::auxv(AT_EXECFN).expect("AT_EXECFN");
    // SAFETY: AT_EXECFN is the address of a NUL-terminated string on the initial stack.
    unsafe { CStr::from_ptr(p as *const core::ffi::c_char) }
}

/// Runs this program again with `args` and `env`, standard error into a pipe; returns the exit
/// status (or 128 + signal) and what it wrote to standard error.
///
/// `QEMU_CPU` in this program's environment is passed on too: under qemu-user the copy runs
/// through binfmt_misc, whose qemu reads the CPU to emulate from it (the system tests set it
/// for armv6 and armv5), so the copy runs on the same emulated CPU as this program.
pub fn run_self(args: &[&CStr], env: &[&'static CStr]) -> Result<(i32, String), String> {
    let (r, w) = pipe2(OFlags::CLOEXEC).map_err(|e| format!("pipe2: {e}"))?;
    let mut argv = vec![self_path()];
    argv.extend_from_slice(args);
    let mut env = env.to_vec();
    env.extend(rt::env().filter(|v| v.to_bytes().starts_with(b"QEMU_CPU=")));
    // SAFETY: single-threaded program; the child only calls dup2, execve and exit.
    match unsafe { process::fork() }.map_err(|e| format!("fork: {e}"))? {
        Fork::Child => {
            // Standard error (fd 2) is owned by no OwnedFd: dup2_stderr replaces it.
            if syscall_kit::fd::dup2_stderr(&w).is_err() {
                process::exit(126);
            }
            let _ = process::execve(self_path(), &argv[..], &env[..]);
            process::exit(127)
        }
        Fork::Parent(pid) => {
            drop(w);
            let stderr = read_all(&r)?;
            let (_, status) = process::wait4(pid, WaitOptions::empty())
                .map_err(|e| format!("wait4: {e}"))?
                .ok_or("wait4 without NOHANG returned no child")?;
            let code = status
                .exit_status()
                .or(status.terminating_signal().map(|s| 128 + s))
                .unwrap_or(-1);
            Ok((code, stderr))
        }
    }
}

/// Reads `fd` to its end, as UTF-8.
pub fn read_all(fd: &OwnedFd) -> Result<String, String> {
    let mut out = Vec::new();
    let mut buf = [0u8; 512];
    loop {
        match read(fd, &mut buf) {
            Ok(0) => break,
            Ok(n) => out.extend_from_slice(&buf[..n]),
            Err(Errno::EINTR) => {}
            Err(e) => return Err(format!("read: {e}")),
        }
    }
    String::from_utf8(out).map_err(|_| "output is not UTF-8".to_string())
}

/// xorshift64*, seeded from AT_RANDOM: a new sequence every run.
pub struct Rng(u64);

impl Rng {
    pub fn new() -> Rng {
        let seed = rt::random_bytes().map_or(0x9e37_79b9_7f4a_7c15, |b| {
            u64::from_le_bytes(b[..8].try_into().unwrap())
        });
        Rng(seed | 1)
    }

    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
}
