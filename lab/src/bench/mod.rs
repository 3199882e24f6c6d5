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
//! - [`pack`]: scratch-pack on a 200 MiB tree against `tar -c --sort=name | gzip -6` and
//!   `| sha256sum`, and its peak memory.
//!
//! Each is a section, named in [`SECTIONS`]: `bench SECTION...` runs only those
//! (`cargo make bench-serve` is `bench serve`).
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
pub mod pack;
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

/// The tools of the rows of scratch-serve (the section `serve`), which no other section uses.
pub const SERVE_TOOLS: [&str; 2] = ["wrk", "nginx"];

/// The tools the sections `only` run (every section when it is empty): [`SERVE_TOOLS`] only
/// for the section `serve` alone, and not without it.
pub fn tools_for(only: &[String]) -> Vec<&'static str> {
    let serve = only.is_empty() || only.iter().any(|s| s == "serve");
    let others = only.is_empty() || only.iter().any(|s| s != "serve");
    TOOLS
        .into_iter()
        .filter(|t| {
            if SERVE_TOOLS.contains(t) {
                serve
            } else {
                others
            }
        })
        .collect()
}

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

/// The sections of the bench, in the order they run: what `bench SECTION...` names.
pub const SECTIONS: [&str; 9] = [
    "criterion",
    "per-call",
    "hellos",
    "cat",
    "doctor",
    "doctor-image",
    "trace",
    "pack",
    "serve",
];

/// `no section NAME: the sections are …` for the first of `only` that [`SECTIONS`] does not
/// have.
pub fn unknown_section(only: &[String]) -> Option<String> {
    only.iter()
        .find(|s| !SECTIONS.contains(&s.as_str()))
        .map(|bad| format!("no section {bad}: the sections are {}", SECTIONS.join(", ")))
}

/// Runs the comparisons of the sections `only` names, or of every section when it is empty;
/// `out` (`target/bench`) receives the built hellos, the tools' JSON and logs, and the 512 MiB
/// file. Progress goes to standard error.
pub fn run(out: &Path, only: &[String]) -> Result<Vec<Row>, String> {
    if let Some(bad) = unknown_section(only) {
        return Err(bad);
    }
    let runs = |section: &str| only.is_empty() || only.iter().any(|s| s == section);
    std::fs::create_dir_all(out).map_err(|e| format!("cannot create {}: {e}", out.display()))?;
    let target = target_dir();

    let musl = target.join(compile::MUSL_TARGET).join("release");
    let (cat_nostd, doctor) = (musl.join("cat-nostd"), musl.join("scratch-doctor"));
    let (pack, hello) = (musl.join("scratch-pack"), musl.join("hello-nostd"));
    // Every section but `serve` uses the lab's builds and these programs.
    if SECTIONS.iter().any(|s| *s != "serve" && runs(s)) {
        eprintln!("== building");
        compile::cargo_builds()?;
        let programs = ["cat-nostd", "scratch-doctor", "scratch-pack", "hello-nostd"];
        let mut build = cargo();
        build.arg("build-nostd").current_dir(root());
        for p in programs {
            build.args(["-p", p]);
        }
        checked(
            &mut build,
            &format!("cargo build-nostd -p {}", programs.join(" -p ")),
        )?;
    }
    let mut rows = Vec::new();

    if runs("criterion") {
        eprintln!("== Criterion: system calls and heap");
        for bench in ["syscalls", "heap"] {
            criterion::run(bench, &target)?;
        }
        rows.extend(criterion::rows(&target)?);
    }
    if runs("per-call") {
        eprintln!("== system calls: exact user-space instructions per call (callgrind)");
        let syscall_loop = criterion::build_example("syscall_loop", &target)?;
        rows.extend(per_call::rows(&syscall_loop, out)?);
    }
    if runs("hellos") {
        eprintln!("== hello: bytes, system calls, instructions, exec-to-exit time");
        rows.extend(hellos::rows(out)?);
    }
    if runs("cat") {
        eprintln!("== cat: 512 MiB from the page cache");
        rows.extend(cat::rows(&cat_nostd, out)?);
    }
    if runs("doctor") {
        eprintln!("== scratch-doctor: --closure against ldd, peak memory on a 2 GiB sparse file");
        rows.extend(doctor::rows(&doctor, out)?);
    }
    if runs("doctor-image") {
        eprintln!("== scratch-doctor --image: a large image archive against tar -xf, peak memory");
        rows.extend(doctor_image::rows(&doctor, out)?);
    }
    if runs("trace") {
        eprintln!("== scratch-doctor --trace: a Python run, untraced and under strace");
        rows.extend(trace::rows(&doctor, out)?);
    }
    if runs("pack") {
        eprintln!("== scratch-pack: a 200 MiB tree against tar | gzip -6 and tar | sha256sum");
        rows.extend(pack::rows(&pack, &hello, out)?);
    }
    if runs("serve") {
        let serve = build_serve()?;
        eprintln!("== scratch-serve against nginx: wrk on loopback");
        rows.extend(serve::rows(&serve, out)?);
    }
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
