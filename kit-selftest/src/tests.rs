//! The self-tests, and the child modes that some of them start with fork + execve.

use alloc::boxed::Box;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec;
use alloc::vec::Vec;
use core::ffi::CStr;
use core::fmt::Write as _;

use syscall_kit::fs::OFlags;
use syscall_kit::io::{pipe2, read};
use syscall_kit::process::{self, Fork};
use syscall_kit::rt::startup::{AT_ENTRY, AT_EXECFN, AT_PAGESZ};
use syscall_kit::rt::stdio::{FdWriter, write_fmt};
use syscall_kit::{AsFd, Errno, OwnedFd, rt};

use crate::TestResult;

/// A named test.
type Test = (&'static str, fn() -> TestResult);

/// Every test, by name, in order.
pub const ALL: &[Test] = &[
    ("args: argv[0] names this program", args_name_the_program),
    (
        "args and env reach a re-executed copy",
        args_and_env_reach_a_child,
    ),
    ("auxv: AT_PAGESZ is the page size", auxv_page_size),
    ("auxv: AT_RANDOM holds 16 random bytes", auxv_random),
    ("auxv: AT_ENTRY is _start", auxv_entry_is_start),
    (
        "stdio: formatted output arrives whole",
        stdio_formats_into_a_pipe,
    ),
    ("stdio: output longer than the buffer", stdio_long_output),
    ("errno: Display names the error", errno_display),
    ("mem: memcpy, memmove, memset, memcmp", memory_functions),
    ("heap: Vec, String, format!, Box", heap_basics),
    ("heap: alignment up to 64 KiB", heap_alignment),
    ("heap: 20000 random alloc/realloc/free", heap_random_stress),
    ("heap: 64 MiB grows the heap from the kernel", heap_large),
    (
        "panic: message on stderr, status 101",
        panic_reports_and_exits_101,
    ),
    (
        "heap: out of memory is a clean exit",
        out_of_memory_is_clean,
    ),
    (
        "seccomp: the allow-list program, run by a BPF interpreter",
        seccomp_program_decides_as_documented,
    ),
];

macro_rules! check {
    ($cond:expr, $($why:tt)*) => {
        if !$cond {
            return Err(format!($($why)*));
        }
    };
}

/// Child modes: `kit-selftest --child-args A B` checks its arguments and environment;
/// `--panic` panics; `--oom` allocates more than the kernel grants; `--println` prints one
/// line; `--alloc-mib N` allocates and fills N MiB, 1 MiB at a time, then prints
/// `allocated N MiB`; `--seccomp-kill` allows only `write` and `exit_group` (kill for anything
/// else), prints `filter installed` and calls `getpid`, which kills it with `SIGSYS`;
/// `--seccomp-errno` does the same with `EPERM` as the action and prints what `getpid` returned.
/// The system tests run these. `None`: run the tests.
pub fn child_mode() -> Option<i32> {
    let mode = rt::args().nth(1)?.to_bytes();
    match mode {
        b"--child-args" => {
            let args: Vec<&[u8]> = rt::args().skip(2).map(CStr::to_bytes).collect();
            let env = rt::getenv("SELFTEST_VALUE").map(CStr::to_bytes);
            let ok = args == [&b"one"[..], b"two words", b""] && env == Some(b"x=y z");
            Some(if ok { 0 } else { 3 })
        }
        b"--panic" => panic!("deliberate panic number {}", 42),
        b"--println" => {
            // One short line: the system tests check under strace that it is one write(2),
            // and that a program that does not allocate asks the kernel for no memory.
            syscall_kit::println!("short line {}", 42);
            Some(0)
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
            syscall_kit::println!("allocated {} MiB", blocks.len());
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
            syscall_kit::println!("filter installed");
            // SAFETY: `getpid` touches no memory.
            match unsafe { raw::syscall0(nr::GETPID) } {
                Ok(pid) => syscall_kit::println!("getpid: {pid}"),
                Err(e) => syscall_kit::println!("getpid: {e}"),
            }
            Some(0)
        }
        b"--oom" => {
            let mut v: Vec<u8> = Vec::new();
            v.reserve_exact(1 << 46);
            Some(0)
        }
        _ => None,
    }
}

/// The path this program was started from (`AT_EXECFN`).
fn self_path() -> &'static CStr {
    let p = rt::auxv(AT_EXECFN).expect("AT_EXECFN");
    // SAFETY: AT_EXECFN is the address of a NUL-terminated string on the initial stack.
    unsafe { CStr::from_ptr(p as *const core::ffi::c_char) }
}

/// Runs this program again with `args` and `env`, standard error into a pipe; returns the exit
/// status (or 128 + signal) and what it wrote to standard error.
fn run_self(args: &[&CStr], env: &[&CStr]) -> Result<(i32, String), String> {
    let (r, w) = pipe2(OFlags::CLOEXEC).map_err(|e| format!("pipe2: {e}"))?;
    let mut argv = vec![self_path()];
    argv.extend_from_slice(args);
    // SAFETY: single-threaded program; the child only calls dup2, execve and exit.
    match unsafe { process::fork() }.map_err(|e| format!("fork: {e}"))? {
        Fork::Child => {
            // Standard error (fd 2) is owned by no OwnedFd: dup2_stderr replaces it.
            if syscall_kit::fd::dup2_stderr(&w).is_err() {
                process::exit(126);
            }
            let _ = process::execve(self_path(), &argv, env);
            process::exit(127)
        }
        Fork::Parent(pid) => {
            drop(w);
            let stderr = read_all(&r)?;
            let (_, status) = process::wait4(pid, 0).map_err(|e| format!("wait4: {e}"))?;
            let code = status
                .exit_status()
                .or(status.terminating_signal().map(|s| 128 + s))
                .unwrap_or(-1);
            Ok((code, stderr))
        }
    }
}

fn read_all(fd: &OwnedFd) -> Result<String, String> {
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

fn args_name_the_program() -> TestResult {
    let argv0 = rt::args().next().ok_or("no argv[0]")?;
    check!(
        argv0.to_bytes().ends_with(b"kit-selftest"),
        "argv[0] is {argv0:?}"
    );
    check!(rt::args().len() >= 1, "argc is 0");
    Ok(())
}

fn args_and_env_reach_a_child() -> TestResult {
    let (code, stderr) = run_self(
        &[c"--child-args", c"one", c"two words", c""],
        &[c"OTHER=1", c"SELFTEST_VALUE=x=y z"],
    )?;
    check!(code == 0, "child exited {code}: {stderr}");
    Ok(())
}

fn auxv_page_size() -> TestResult {
    let page = rt::auxv(AT_PAGESZ).ok_or("no AT_PAGESZ")?;
    check!(page.is_power_of_two() && page >= 4096, "AT_PAGESZ = {page}");
    check!(rt::page_size() == page, "page_size() disagrees");
    check!(rt::auxv(0x7fff_ffff).is_none(), "an absent key was found");
    Ok(())
}

fn auxv_random() -> TestResult {
    let bytes = rt::random_bytes().ok_or("no AT_RANDOM")?;
    check!(bytes.iter().any(|&b| b != 0), "AT_RANDOM is all zero");
    Ok(())
}

fn auxv_entry_is_start() -> TestResult {
    unsafe extern "C" {
        fn _start();
    }
    let entry = rt::auxv(AT_ENTRY).ok_or("no AT_ENTRY")?;
    check!(
        entry == _start as *const () as usize,
        "AT_ENTRY {entry:#x} is not _start"
    );
    Ok(())
}

fn stdio_formats_into_a_pipe() -> TestResult {
    let (r, w) = pipe2(OFlags::CLOEXEC).map_err(|e| e.to_string())?;
    write_fmt(&w, format_args!("{} + {} = {:>4}|{:?}\n", 2, 2, 4, "q"))
        .map_err(|e| e.to_string())?;
    drop(w);
    let got = read_all(&r)?;
    check!(got == "2 + 2 =    4|\"q\"\n", "got {got:?}");
    Ok(())
}

fn stdio_long_output() -> TestResult {
    let (r, w) = pipe2(OFlags::CLOEXEC).map_err(|e| e.to_string())?;
    let mut out = FdWriter::<64>::new(w.as_fd());
    let mut expected = String::new();
    for i in 0..500 {
        write!(out, "line {i};").map_err(|_| "write! failed")?;
        write!(expected, "line {i};").unwrap();
    }
    out.write_str(&"x".repeat(200))
        .map_err(|_| "long str failed")?;
    expected.push_str(&"x".repeat(200));
    out.flush().map_err(|e| e.to_string())?;
    drop(w);
    let got = read_all(&r)?;
    check!(
        got == expected,
        "{} bytes arrived, {} expected",
        got.len(),
        expected.len()
    );
    Ok(())
}

fn errno_display() -> TestResult {
    let s = format!("{}", Errno::ENOENT);
    check!(s == "ENOENT: No such file or directory", "got {s:?}");
    let s = format!("{}", Errno::EDQUOT);
    check!(s == "EDQUOT: Disk quota exceeded", "got {s:?}");
    let s = format!("{}", Errno::from_raw(999));
    check!(s == "errno 999", "got {s:?}");
    Ok(())
}

/// The assembly memory functions, through the calls the compiler makes for slice operations,
/// at sizes and offsets that cover short, long and overlapping cases.
fn memory_functions() -> TestResult {
    let mut rng = Rng::new();
    for &len in &[0usize, 1, 7, 8, 15, 64, 255, 4096, 100_003] {
        let src: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
        let mut dst = vec![0u8; len];
        dst.copy_from_slice(&src); // memcpy
        check!(dst == src, "memcpy of {len} bytes");
        for i in 0..len {
            check!(dst[i] == src[i], "byte {i} of memcpy differs");
        }
        let mut filled = vec![0u8; len];
        filled.fill(0xa5); // memset
        check!(filled.iter().all(|&b| b == 0xa5), "memset of {len} bytes");
        if len > 2 {
            // memcmp: equal, then one byte different near the end.
            let mut other = src.clone();
            check!(other == src, "memcmp says equal slices differ");
            other[len - 2] ^= 1;
            check!(other != src, "memcmp missed a difference");
            check!(
                (other < src) == (other[len - 2] < src[len - 2]),
                "memcmp ordering"
            );
            // memmove, both directions, overlapping.
            let mut buf = src.clone();
            buf.copy_within(0..len - 2, 2);
            check!(buf[2..] == src[..len - 2], "memmove up by 2 ({len})");
            let mut buf = src.clone();
            buf.copy_within(2..len, 0);
            check!(buf[..len - 2] == src[2..], "memmove down by 2 ({len})");
        }
    }
    Ok(())
}

fn heap_basics() -> TestResult {
    let mut v: Vec<u64> = Vec::new();
    for i in 0..10_000 {
        v.push(i * 3);
    }
    check!(v.iter().sum::<u64>() == 3 * 9_999 * 10_000 / 2, "sum");
    let s = format!("{}-{}-{:?}", "a", 1, [1, 2]);
    check!(s == "a-1-[1, 2]", "format!: {s}");
    let mut t = String::from("x");
    for _ in 0..12 {
        t = t.clone() + &t;
    }
    check!(t.len() == 4096, "String doubling: {}", t.len());
    let b = Box::new([7u8; 1000]);
    check!(b.iter().all(|&x| x == 7), "Box");
    Ok(())
}

fn heap_alignment() -> TestResult {
    use alloc::alloc::{Layout, alloc, dealloc};
    for shift in 0..=16 {
        let align = 1usize << shift;
        let layout = Layout::from_size_align(24, align).unwrap();
        // SAFETY: non-zero size; freed below with the same layout.
        let p = unsafe { alloc(layout) };
        check!(!p.is_null(), "alloc of align {align} failed");
        check!(
            (p as usize).is_multiple_of(align),
            "{p:?} is not aligned to {align}"
        );
        // SAFETY: `p` came from `alloc(layout)`.
        unsafe { dealloc(p, layout) };
    }
    Ok(())
}

/// Thousands of allocations of random sizes, reallocations and frees in random order, each
/// block filled with a pattern derived from its id and checked before it changes or goes.
fn heap_random_stress() -> TestResult {
    struct Block {
        id: u64,
        data: Vec<u8>,
    }
    fn pattern(id: u64, i: usize) -> u8 {
        (id.wrapping_mul(31).wrapping_add(i as u64 * 7) % 251) as u8
    }
    fn verify(b: &Block) -> TestResult {
        for (i, &x) in b.data.iter().enumerate() {
            check!(x == pattern(b.id, i), "block {} byte {i} corrupted", b.id);
        }
        Ok(())
    }
    let mut rng = Rng::new();
    let mut live: Vec<Block> = Vec::new();
    let mut next_id = 0u64;
    for _ in 0..20_000 {
        match rng.next() % 4 {
            0 | 1 => {
                let len = 1
                    + (rng.next()
                        % if rng.next().is_multiple_of(16) {
                            65536
                        } else {
                            512
                        }) as usize;
                let data = (0..len).map(|i| pattern(next_id, i)).collect();
                live.push(Block { id: next_id, data });
                next_id += 1;
            }
            2 if !live.is_empty() => {
                let i = rng.next() as usize % live.len();
                let b = live.swap_remove(i);
                verify(&b)?;
            }
            _ if !live.is_empty() => {
                // realloc: grow or shrink, keeping the prefix.
                let i = rng.next() as usize % live.len();
                let b = &mut live[i];
                verify(b)?;
                let new_len = 1 + (rng.next() % 4096) as usize;
                if new_len > b.data.len() {
                    b.data.reserve_exact(new_len - b.data.len());
                    let id = b.id;
                    let start = b.data.len();
                    b.data.extend((start..new_len).map(|j| pattern(id, j)));
                } else {
                    b.data.truncate(new_len);
                    b.data.shrink_to_fit();
                }
            }
            _ => {}
        }
    }
    for b in &live {
        verify(b)?;
    }
    check!(next_id > 5_000, "only {next_id} allocations");
    Ok(())
}

fn heap_large() -> TestResult {
    let before = crate::HEAP.usage().1;
    let mut v = vec![0u8; 64 << 20];
    let n = v.len();
    v[n - 1] = 1;
    check!(v[0] == 0 && v[n - 1] == 1, "contents");
    let after = crate::HEAP.usage().1;
    check!(
        after >= before + (64 << 20),
        "heap grew from {before} to {after} bytes"
    );
    Ok(())
}

fn panic_reports_and_exits_101() -> TestResult {
    let (code, stderr) = run_self(&[c"--panic"], &[])?;
    check!(code == 101, "exit status {code}");
    check!(
        stderr.starts_with("panicked at kit-selftest/src/tests.rs:")
            && stderr.ends_with(":\ndeliberate panic number 42\n"),
        "stderr: {stderr:?}"
    );
    Ok(())
}

fn out_of_memory_is_clean() -> TestResult {
    let (code, stderr) = run_self(&[c"--oom"], &[])?;
    check!(code == 101, "exit status {code}: {stderr}");
    check!(
        stderr.contains("memory allocation of") && stderr.contains("failed"),
        "stderr: {stderr:?}"
    );
    Ok(())
}

/// xorshift64*, seeded from AT_RANDOM: a new sequence every run.
struct Rng(u64);

impl Rng {
    fn new() -> Rng {
        let seed = rt::random_bytes().map_or(0x9e37_79b9_7f4a_7c15, |b| {
            u64::from_le_bytes(b[..8].try_into().unwrap())
        });
        Rng(seed | 1)
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
}

/// The seccomp allow-list's program, read back and run by a small classic-BPF interpreter (this
/// test's own, independent of the kit) for the calls it must allow and refuse. This runs on
/// every architecture, also under qemu-user, which does not implement `seccomp(2)`; the system
/// tests install the filter for real (`--seccomp-kill`, `--seccomp-errno`).
fn seccomp_program_decides_as_documented() -> TestResult {
    use syscall_kit::raw::nr;
    use syscall_kit::seccomp::{Action, AllowList, SockFilter};
    // include/uapi/linux/audit.h, written out here rather than taken from the kit.
    #[cfg(target_arch = "x86_64")]
    const NATIVE: u32 = 0xC000_003E;
    #[cfg(target_arch = "aarch64")]
    const NATIVE: u32 = 0xC000_00B7;
    #[cfg(target_arch = "riscv64")]
    const NATIVE: u32 = 0xC000_00F3;
    const I386: u32 = 0x4000_0003;
    const KILL_PROCESS: u32 = 0x8000_0000;
    const ALLOW: u32 = 0x7fff_0000;

    /// Runs `prog` on `seccomp_data { nr, arch }`: loads of the two fields, `jeq`, `ret`.
    fn run(prog: &[SockFilter], nr: u32, arch: u32) -> Result<u32, String> {
        let (mut pc, mut a) = (0usize, 0u32);
        loop {
            let ins = prog.get(pc).ok_or(format!("ran off the end at {pc}"))?;
            pc += 1;
            match ins.code {
                0x20 => {
                    a = match ins.k {
                        0 => nr,
                        4 => arch,
                        k => return Err(format!("load of offset {k}")),
                    }
                }
                0x15 => pc += usize::from(if a == ins.k { ins.jt } else { ins.jf }),
                0x06 => return Ok(ins.k),
                code => return Err(format!("unexpected instruction {code:#x}")),
            }
        }
    }

    let kill = AllowList::new(&[nr::WRITE, nr::EXIT_GROUP], Action::KillProcess)
        .map_err(|e| e.to_string())?;
    let prog = kill.instructions();
    check!(prog.len() == 8, "{} instructions", prog.len());
    check!(
        prog[0].code == 0x20 && prog[0].k == 4,
        "the first instruction loads seccomp_data.arch: {:?}",
        prog[0]
    );
    check!(
        prog[1].code == 0x15 && prog[1].k == NATIVE,
        "the second compares it with {NATIVE:#x}: {:?}",
        prog[1]
    );
    let (write, exit_group, getpid) = (nr::WRITE as u32, nr::EXIT_GROUP as u32, nr::GETPID as u32);
    for (what, nr, arch, expected) in [
        ("write", write, NATIVE, ALLOW),
        ("exit_group", exit_group, NATIVE, ALLOW),
        ("getpid", getpid, NATIVE, KILL_PROCESS),
        ("write through the i386 ABI", write, I386, KILL_PROCESS),
        (
            "write with the x32 bit",
            write | 0x4000_0000,
            NATIVE,
            KILL_PROCESS,
        ),
    ] {
        let got = run(prog, nr, arch)?;
        check!(got == expected, "{what}: {got:#x}, expected {expected:#x}");
    }
    let errno =
        AllowList::new(&[nr::WRITE], Action::Errno(Errno::EPERM)).map_err(|e| e.to_string())?;
    let got = run(errno.instructions(), getpid, NATIVE)?;
    check!(got == 0x0005_0001, "getpid with an EPERM action: {got:#x}");
    let got = run(errno.instructions(), write, I386)?;
    check!(
        got == KILL_PROCESS,
        "another ABI with an EPERM action: {got:#x}"
    );
    Ok(())
}
