//! The registry of the self-tests, in the order they run; each lives in the file of its area.

use crate::TestResult;

/// Returns `Err(format!(…))` from the calling test unless `$cond` holds.
macro_rules! check {
    ($cond:expr, $($why:tt)*) => {
        if !$cond {
            return Err(alloc::format!($($why)*).into());
        }
    };
}

mod args;
mod auxv;
mod errno;
mod fs;
mod heap;
mod mem;
mod net;
mod ns;
mod panic;
mod ptrace;
mod seccomp;
mod signal;
mod stdio;
mod support;
mod time;
mod wide;

/// A named test.
type Test = (&'static str, fn() -> TestResult);

/// Every test, by name, in order. `kit-selftest --list` prints these names; the system tests
/// expect exactly these to pass.
pub const ALL: &[Test] = &[
    ("args: argv[0] names this program", args::name_the_program),
    (
        "args: arg_table and env_table are argv and envp",
        args::tables_match_args_and_env,
    ),
    (
        "args and env reach a re-executed copy",
        args::and_env_reach_a_child,
    ),
    ("auxv: AT_PAGESZ is the page size", auxv::page_size),
    ("auxv: AT_RANDOM holds 16 random bytes", auxv::random),
    ("auxv: AT_ENTRY is _start", auxv::entry_is_start),
    (
        "stdio: formatted output arrives whole",
        stdio::formats_into_a_pipe,
    ),
    ("stdio: output longer than the buffer", stdio::long_output),
    ("errno: Display names the error", errno::display),
    (
        "errno: the numbers of this architecture have their names",
        errno::numbers,
    ),
    (
        "errno: an error of the kernel prints with its name",
        errno::from_the_kernel,
    ),
    (
        "mem: memcpy, memmove, memset, memcmp",
        mem::memory_functions,
    ),
    ("time: the monotonic clock never goes back", time::monotonic),
    (
        "wide: file offsets past 4 GiB (lseek), sendfile and mmap from an offset",
        wide::offsets_past_4_gib,
    ),
    (
        "wide: 64-bit times (timerfd, poll, sigtimedwait)",
        wide::times,
    ),
    (
        "net: a loopback TCP pair exchanges bytes",
        net::loopback_pair,
    ),
    (
        "net: accept gives the connection without the peer's address",
        net::accept_without_peer,
    ),
    (
        "net: addresses print and parse as std's do",
        net::addresses_as_text,
    ),
    (
        "fs: statx relative to a directory, SYMLINK_NOFOLLOW, EMPTY_PATH",
        fs::statx_at,
    ),
    (
        "fs: chdir and fchdir, then relative paths from there",
        fs::chdir_and_fchdir,
    ),
    (
        "ns: a user namespace, root there through its id maps",
        ns::user_namespace_maps,
    ),
    (
        "ns: a mount and UTS namespace, a tmpfs made the root with pivot_root",
        ns::mount_namespace_pivot_root,
    ),
    ("heap: Vec, String, format!, Box", heap::basics),
    ("heap: alignment up to 64 KiB", heap::alignment),
    ("heap: 20000 random alloc/realloc/free", heap::random_stress),
    ("heap: 64 MiB grows the heap from the kernel", heap::large),
    (
        "panic: message on stderr, status 101",
        panic::reports_and_exits_101,
    ),
    (
        "trap: the illegal instruction is SIGILL",
        panic::trap_is_sigill,
    ),
    (
        "heap: out of memory is a clean exit",
        heap::out_of_memory_is_clean,
    ),
    (
        "seccomp: the allow-list program, run by a BPF interpreter",
        seccomp::program_decides_as_documented,
    ),
    (
        "signal: a blocked signal through sigtimedwait",
        signal::blocked_then_sigtimedwait,
    ),
    (
        "signal: a blocked signal through signalfd",
        signal::blocked_then_signalfd,
    ),
    (
        "signal: a handler returns through the restorer",
        signal::handler_returns,
    ),
    (
        "ptrace: wait4's stop statuses of a tracee",
        ptrace::stop_statuses,
    ),
    (
        "ptrace: a seized child's seccomp stop, then its call's result",
        ptrace::seccomp_stop_and_result,
    ),
    (
        "process_vm_readv: reads this process's memory",
        ptrace::process_vm_readv_reads_memory,
    ),
];
