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
//! reports are `write` calls too, so every path after the filter stays inside it. The names
//! are those of the errors its calls document; any other number prints as `unknown error`.

#![no_std]
#![no_main]

use syscall_kit::io::write_all;
use syscall_kit::raw::nr;
use syscall_kit::rt::error_names::ErrorNames;
use syscall_kit::seccomp::{self, Action};
use syscall_kit::stdout;

syscall_kit::main!(main);

/// The errors `prctl(2)`, `seccomp(2)` and `write(2)` document, `ENOSYS` of a kernel or emulator
/// without `seccomp(2)`, and `E2BIG` of the kit's filter builder: only these names are part of
/// the program, not the kit's table of every error.
const ERRORS: ErrorNames = syscall_kit::error_names!(
    E2BIG,
    EACCES,
    EAGAIN,
    EBADF,
    EBUSY,
    EDESTADDRREQ,
    EDQUOT,
    EFAULT,
    EFBIG,
    EINTR,
    EINVAL,
    EIO,
    ENOMEM,
    ENOSPC,
    ENOSYS,
    EOPNOTSUPP,
    EPERM,
    EPIPE,
    ESRCH,
);

fn main() -> i32 {
    if let Err(e) = seccomp::allow_only(&[nr::WRITE, nr::EXIT_GROUP], Action::KillProcess) {
        ERRORS.report(b"hello-locked: seccomp: ", e);
        return 1;
    }
    match write_all(stdout(), b"Hello, world!\n") {
        Ok(()) => 0,
        Err(e) => {
            ERRORS.report(b"hello-locked: stdout: ", e);
            1
        }
    }
}
