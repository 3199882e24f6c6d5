//! `cargo make bench`: every performance comparison of the kit with its peers, in one run,
//! ending in one Markdown table ([`table`]) of each figure, its peer's, the ratio kit / peer and
//! the goal:
//!
//! - [`criterion`]: the Criterion benchmarks of `bench/` (system calls, heap), as child
//!   `cargo bench` runs;
//! - [`per_call`]: exact user-space instructions per system call (callgrind);
//! - [`hellos`]: hello-nostd against C (the lab's recipe), Rust std and assembly hellos;
//! - [`cat`]: cat-nostd against GNU cat on 512 MiB;
//! - [`doctor`]: scratch-doctor `--closure` against `ldd` per file, and its peak memory on a
//!   2 GiB sparse ELF file;
//! - [`doctor_image`]: scratch-doctor `--image` on a 256 MiB image archive against `tar -xf`
//!   into a tmpfs, and its peak memory;
//! - [`trace`]: scratch-doctor `--trace` of a Python run against the untraced run and strace;
//! - [`serve`]: scratch-serve against nginx with `wrk` on loopback (1 KiB, 64 KiB, 100 MiB);
//!   [`run_serve`] runs these rows alone (`cargo make bench-serve`).
//!
//! It reuses the lab's builds ([`crate::compile`]), system-call counts ([`crate::syscalls`]),
//! instruction counts ([`crate::instructions`]) and table lines ([`crate::table`]).

pub mod cat;
pub mod criterion;
pub mod doctor;
pub mod doctor_image;
pub mod hellos;
pub mod hyperfine;
pub mod json;
pub mod per_call;
pub mod serve;
pub mod table;
pub mod trace;

use std::path::Path;
use std::process::{Command, Stdio};

use crate::compile;
use crate::tools::{PACKAGES, on_path};
use crate::workspace::{cargo, checked, root, target_dir};

pub use table::{Row, Unit};

/// Every tool the bench runs (besides cargo and the shell's `cat`, `tail`, `rm` and `mkdir`).
pub const TOOLS: [&str; 13] = [
    "hyperfine",
    "valgrind",
    "strace",
    "gcc",
    "musl-gcc",
    "as",
    "ld",
    "ldd",
    "time",
    "tar",
    "python3",
    "wrk",
    "nginx",
];

/// The tools of the rows of scratch-serve ([`run_serve`]).
pub const SERVE_TOOLS: [&str; 2] = ["wrk", "nginx"];

/// The Debian packages of the bench's tools that the lab does not use ([`PACKAGES`] has the
/// others).
const BENCH_PACKAGES: [(&str, &str); 9] = [
    ("hyperfine", "hyperfine"),
    ("as", "binutils"),
    ("ld", "binutils"),
    ("ldd", "libc-bin"),
    ("time", "time"),
    ("tar", "tar"),
    ("python3", "python3"),
    ("wrk", "wrk"),
    ("nginx", "nginx-light"),
];

/// One line for each of `tools` that is missing, naming its Debian package.
pub fn missing_tools(tools: &[&str]) -> Vec<String> {
    tools
        .iter()
        .filter(|tool| !on_path(tool))
        .map(|tool| {
            let package = PACKAGES
                .iter()
                .chain(&BENCH_PACKAGES)
                .find(|(t, _)| t == tool)
                .map_or("?", |(_, p)| p);
            format!("{tool} not found (Debian/Ubuntu: apt-get install {package})")
        })
        .collect()
}

/// Runs every comparison; `out` (`target/bench`) receives the built hellos, the tools' JSON and
/// logs, and the 512 MiB file. Progress goes to standard error.
pub fn run(out: &Path) -> Result<Vec<Row>, String> {
    std::fs::create_dir_all(out).map_err(|e| format!("cannot create {}: {e}", out.display()))?;
    let target = target_dir();

    eprintln!("== building");
    compile::cargo_builds()?;
    checked(
        cargo()
            .args(["build-nostd", "-p", "cat-nostd"])
            .current_dir(root()),
        "cargo build-nostd -p cat-nostd",
    )?;
    let cat_nostd = target.join(compile::MUSL_TARGET).join("release/cat-nostd");
    checked(
        cargo()
            .args(["build-nostd", "-p", "scratch-doctor"])
            .current_dir(root()),
        "cargo build-nostd -p scratch-doctor",
    )?;
    let doctor = target
        .join(compile::MUSL_TARGET)
        .join("release/scratch-doctor");
    let serve = build_serve()?;

    eprintln!("== Criterion: system calls and heap");
    for bench in ["syscalls", "heap"] {
        criterion::run(bench, &target)?;
    }
    let mut rows = criterion::rows(&target)?;

    eprintln!("== system calls: exact user-space instructions per call (callgrind)");
    let syscall_loop = criterion::build_example("syscall_loop", &target)?;
    rows.extend(per_call::rows(&syscall_loop, out)?);

    eprintln!("== hello: bytes, system calls, instructions, exec-to-exit time");
    rows.extend(hellos::rows(out)?);

    eprintln!("== cat: 512 MiB from the page cache");
    rows.extend(cat::rows(&cat_nostd, out)?);

    eprintln!("== scratch-doctor: --closure against ldd, peak memory on a 2 GiB sparse file");
    rows.extend(doctor::rows(&doctor, out)?);

    eprintln!("== scratch-doctor --image: a large image archive against tar -xf, peak memory");
    rows.extend(doctor_image::rows(&doctor, out)?);

    eprintln!("== scratch-doctor --trace: a Python run, untraced and under strace");
    rows.extend(trace::rows(&doctor, out)?);

    eprintln!("== scratch-serve against nginx: wrk on loopback");
    rows.extend(serve::rows(&serve, out)?);
    Ok(rows)
}

/// Builds scratch-serve as `cargo build-nostd` does; its path.
fn build_serve() -> Result<std::path::PathBuf, String> {
    checked(
        cargo()
            .args(["build-nostd", "-p", "scratch-serve"])
            .current_dir(root()),
        "cargo build-nostd -p scratch-serve",
    )?;
    Ok(target_dir()
        .join(compile::MUSL_TARGET)
        .join("release/scratch-serve"))
}

/// The rows of scratch-serve against nginx alone ([`serve`]), with `out` as for [`run`].
pub fn run_serve(out: &Path) -> Result<Vec<Row>, String> {
    std::fs::create_dir_all(out).map_err(|e| format!("cannot create {}: {e}", out.display()))?;
    eprintln!("== building");
    let serve = build_serve()?;
    eprintln!("== scratch-serve against nginx: wrk on loopback");
    serve::rows(&serve, out)
}

/// Runs `cmd` with its standard output on standard error (the report of `cargo bench` and
/// `hyperfine`, for the reader, not for the table); `Err` unless it exits with status 0.
pub(crate) fn run_to_stderr(cmd: &mut Command, what: &str) -> Result<(), String> {
    let status = cmd
        .stdin(Stdio::null())
        .stdout(std::io::stderr())
        .status()
        .map_err(|e| format!("cannot run {:?}: {e}", cmd.get_program()))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{what} failed ({status})"))
    }
}

/// `machine: MODEL, N CPUs, Linux RELEASE`, the line printed under the table.
pub fn machine() -> String {
    let model = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, m)| m.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cpus = std::thread::available_parallelism().map_or(0, usize::from);
    let release = std::fs::read_to_string("/proc/sys/kernel/osrelease")
        .map_or_else(|_| "?".into(), |r| r.trim().to_string());
    format!("machine: {model}, {cpus} CPUs, Linux {release}")
}
