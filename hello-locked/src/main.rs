//! Hello, world! with no libc, locked down by itself: before it prints anything it installs a
//! seccomp filter that allows `write` and `exit_group` and kills the process for any other
//! system call (syscall-kit's [`seccomp::allow_only`]). Its system calls, all of them:
//!
//! ```text
//! prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) = 0
//! seccomp(SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC|SECCOMP_FILTER_FLAG_TSYNC_ESRCH, {len=8, filter=…}) = 0
//! write(1, "Hello, world!\n", 14) = 14
//! exit_group(0) = ?
//! ```
//!
//! When the filter cannot be installed (a kernel without seccomp filters; qemu-user, which does
//! not implement `seccomp(2)`) it prints `hello-locked: seccomp: ENOSYS` (the error's name) to
//! standard error and exits 1 without printing the line: it does not run unconfined. When standard output
//! cannot be written it says so on standard error and exits 1, as hello-nostd does; those
//! reports are `write` calls too, so every path after the filter stays inside it.

#![no_std]
#![no_main]

use syscall_kit::io::write_all;
use syscall_kit::raw::nr;
use syscall_kit::rt::stdio::report_error;
use syscall_kit::seccomp::{self, Action};
use syscall_kit::stdout;

syscall_kit::main!(main);

fn main() -> i32 {
    if let Err(e) = seccomp::allow_only(&[nr::WRITE, nr::EXIT_GROUP], Action::KillProcess) {
        report_error(b"hello-locked: seccomp: ", e);
        return 1;
    }
    match write_all(stdout(), b"Hello, world!\n") {
        Ok(()) => 0,
        Err(e) => {
            report_error(b"hello-locked: stdout: ", e);
            1
        }
    }
}
