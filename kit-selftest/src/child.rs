//! The child modes: what this program does when it is started with one of the arguments below,
//! by the self-tests that re-execute it (fork + execve) and by the system tests.

use alloc::vec;
use alloc::vec::Vec;
use core::ffi::CStr;

use syscall_kit::{Errno, rt};

/// Child modes: `kit-selftest --child-args A B` checks its arguments and environment;
/// `--panic` panics; `--oom` allocates more than the kernel grants; `--println` prints one
/// line; `--alloc-mib N` allocates and fills N MiB, 1 MiB at a time, then prints
/// `allocated N MiB`; `--seccomp-kill` allows only `write` and `exit_group` (kill for anything
/// else), prints `filter installed` and calls `getpid`, which kills it with `SIGSYS`;
/// `--seccomp-errno` does the same with `EPERM` as the action and prints what `getpid` returned;
/// `--wait-for-signal` waits until a signal ends it; `--trap` stops at the architecture's
/// illegal instruction (`syscall_kit::arch::trap`).
/// Returns the exit status of the mode, or `None` when no mode is asked for (run the tests).
pub fn mode() -> Option<i32> {
    let mode = rt::args().nth(1)?.to_bytes();
    match mode {
        b"--child-args" => {
            let args: Vec<&[u8]> = rt::args().skip(2).map(CStr::to_bytes).collect();
            let env = rt::getenv("SELFTEST_VALUE").map(CStr::to_bytes);
            let ok = args == [&b"one"[..], b"two words", b""] && env == Some(b"x=y z");
            Some(if ok { 0 } else { 3 })
        }
        b"--trap" => syscall_kit::arch::trap(),
        // The panic test checks that the message names this file.
        b"--panic" => panic!("deliberate panic number {}", 42),
        // Waits, with every signal at its default action, until one ends the process: the app
        // of the PID 1 demonstration (docs/pid1.md), which as PID 1 outlives a SIGTERM.
        b"--wait-for-signal" => loop {
            let _ = syscall_kit::signal::sigtimedwait(
                &syscall_kit::signal::SigSet::empty(),
                syscall_kit::time::Timeout::Forever,
            );
        },
        b"--println" => {
            // One short line: the system tests check under strace that it is one write(2),
            // and that a program that does not allocate asks the kernel for no memory.
            Some(match syscall_kit::try_println!("short line {}", 42) {
                Ok(()) => 0,
                Err(e) => crate::output_error(e),
            })
        }
        b"--alloc-mib" => {
            let mib: usize = rt::args()
                .nth(2)
                .and_then(|a| a.to_str().ok()?.parse().ok())
                .unwrap_or(0);
            let mut blocks: Vec<Vec<u8>> = Vec::new();
            for i in 0..mib {
                blocks.push(vec![i as u8 | 1; 1 << 20]);
            }
            let ok = blocks
                .iter()
                .enumerate()
                .all(|(i, b)| b[b.len() - 1] == i as u8 | 1);
            if let Err(e) = syscall_kit::try_println!("allocated {} MiB", blocks.len()) {
                return Some(crate::output_error(e));
            }
            Some(if ok { 0 } else { 3 })
        }
        b"--seccomp-kill" | b"--seccomp-errno" => {
            use syscall_kit::raw::{self, nr};
            use syscall_kit::seccomp::{self, Action};
            let action = if mode == b"--seccomp-kill" {
                Action::KillProcess
            } else {
                Action::Errno(Errno::EPERM)
            };
            if let Err(e) = seccomp::allow_only(&[nr::WRITE, nr::EXIT_GROUP], action) {
                syscall_kit::eprintln!("seccomp: {e}");
                return Some(2);
            }
            if let Err(e) = syscall_kit::try_println!("filter installed") {
                return Some(crate::output_error(e));
            }
            // SAFETY: `getpid` touches no memory.
            let printed = match unsafe { raw::syscall0(nr::GETPID) } {
                Ok(pid) => syscall_kit::try_println!("getpid: {pid}"),
                Err(e) => syscall_kit::try_println!("getpid: {e}"),
            };
            Some(printed.map_or_else(crate::output_error, |()| 0))
        }
        // More than the kernel grants: 2^46 bytes at once on a 64-bit architecture; on a 32-bit
        // one, whose kernel may well grant half of its 4 GiB address space, a GiB after another
        // (untouched, so no memory is used) until it refuses.
        #[cfg(target_pointer_width = "64")]
        b"--oom" => {
            let mut v: Vec<u8> = Vec::new();
            v.reserve_exact(1 << 46);
            Some(0)
        }
        #[cfg(target_pointer_width = "32")]
        b"--oom" => loop {
            core::mem::forget(Vec::<u8>::with_capacity(1 << 30));
        },
        _ => None,
    }
}
