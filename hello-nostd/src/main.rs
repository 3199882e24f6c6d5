//! Hello, world! with no libc: prints `Hello, world!` and exits 0, with exactly two system
//! calls, `write(1, "Hello, world!\n", 14)` and `exit_group(0)`.
//!
//! When standard output cannot be written (closed, `/dev/full` …) it prints one line naming the
//! error to standard error and exits 1.

#![no_std]
#![no_main]

use syscall_kit::io::write_all;
use syscall_kit::{Errno, stderr, stdout};

syscall_kit::main!(main);

fn main() -> i32 {
    match write_all(stdout(), b"Hello, world!\n") {
        Ok(()) => 0,
        Err(e) => {
            report(e);
            1
        }
    }
}

/// Writes `hello-nostd: stdout: ENOSPC` (the error's name) to standard error.
///
/// Written piece by piece rather than with `core::fmt`, which would pull the formatting
/// machinery into the binary and multiply its size.
fn report(e: Errno) {
    let err = stderr();
    let _ = write_all(err, b"hello-nostd: stdout: ");
    let _ = write_all(err, e.name().unwrap_or("unknown error").as_bytes());
    let _ = write_all(err, b"\n");
}
