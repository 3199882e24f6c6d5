//! Hello, world! with no libc: prints `Hello, world!` and exits 0, with exactly two system
//! calls, `write(1, "Hello, world!\n", 14)` and `exit_group(0)`.
//!
//! When standard output cannot be written (closed, `/dev/full` …) it prints one line naming the
//! error to standard error and exits 1: `hello-nostd: stdout: ENOSPC`. The names are those of
//! the errors `write(2)` documents; any other number prints as `unknown error`.

#![no_std]
#![no_main]

use syscall_kit::io::write_all;
use syscall_kit::rt::error_names::ErrorNames;
use syscall_kit::stdout;

syscall_kit::main!(main);

/// The errors `write(2)` documents (only these names are part of the program).
const WRITE_ERRORS: ErrorNames = syscall_kit::error_names!(
    EAGAIN,
    EBADF,
    EDESTADDRREQ,
    EDQUOT,
    EFAULT,
    EFBIG,
    EINTR,
    EINVAL,
    EIO,
    ENOSPC,
    EPERM,
    EPIPE,
);

fn main() -> i32 {
    match write_all(stdout(), b"Hello, world!\n") {
        Ok(()) => 0,
        Err(e) => {
            WRITE_ERRORS.report(b"hello-nostd: stdout: ", e);
            1
        }
    }
}
