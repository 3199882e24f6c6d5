//! Hello, world! with no libc: prints `Hello, world!` and exits 0, with exactly two system
//! calls, `write(1, "Hello, world!\n", 14)` and `exit_group(0)`.
//!
//! When standard output cannot be written (closed, `/dev/full` …) it prints one line naming the
//! error to standard error and exits 1.

#![no_std]
#![no_main]

use syscall_kit::io::write_all;
use syscall_kit::rt::stdio::report_error;
use syscall_kit::stdout;

syscall_kit::main!(main);

fn main() -> i32 {
    match write_all(stdout(), b"Hello, world!\n") {
        Ok(()) => 0,
        Err(e) => {
            // `hello-nostd: stdout: ENOSPC`, without `core::fmt` (see `report_error`).
            report_error(b"hello-nostd: stdout: ", e);
            1
        }
    }
}
