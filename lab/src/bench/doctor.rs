//! scratch-doctor against `ldd`: `--closure` per file on the dynamic programs of `/usr/bin`
//! (`hyperfine`, a shell loop running each once per file, as one would for one file, 10 runs,
//! median, divided by the number of files), and its peak memory (`ru_maxrss` of the child, as
//! GNU time's `%M` reports it, the smallest of 5 runs) on a 2 GiB sparse ELF file (`/bin/ls`
//! extended with zeros) against the same on `/bin/ls` itself: the goal is a peak that does not
//! grow with the file's size.

use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use scratch_doctor::Program;
use scratch_doctor::elf::FileReader;
use scratch_doctor::root_view::FileAt;

use super::hyperfine::{self, quote};
use super::table::{Row, Unit};

/// How many programs of `/usr/bin` are timed: the first ones by name that are dynamic ELF
/// files (regular files, not links), so that every run times the same ones.
pub const SAMPLE: usize = 100;

/// The size of the sparse file of the memory row.
pub const SPARSE_BYTES: u64 = 2 << 30;

/// hyperfine's options: one warm-up run, 10 runs; a file `ldd` or the doctor says no to is
/// not a failure of the run.
const HYPERFINE: [&str; 5] = ["--warmup", "1", "--runs", "10", "--ignore-failure"];

/// How many times each peak is measured: the smallest counts. `ru_maxrss` counts the pages of
/// the program's own file too, and how many of those the kernel maps around a page fault
/// varies from run to run (by tens of KiB on a 450 KiB peak), whatever the doctor reads.
const PEAK_RUNS: usize = 5;

/// The program whose closure the memory row resolves, and whose copy is made sparse.
const PROGRAM: &str = "/bin/ls";

/// The rows; `doctor` is the built scratch-doctor, `out` receives hyperfine's JSON, the sparse
/// file (removed afterwards) and GNU time's reports.
pub fn rows(doctor: &Path, out: &Path) -> Result<Vec<Row>, String> {
    let programs = dynamic_programs(Path::new("/usr/bin"), SAMPLE)?;
    let files = programs
        .iter()
        .map(|p| quote(&p.display().to_string()))
        .collect::<Vec<_>>()
        .join(" ");
    // One process per file for both: the doctor could take every file at once, but `ldd`
    // runs the loader once per file anyway.
    let commands = [
        format!(
            "for f in {files}; do {} --closure \"$f\"; done > /dev/null 2>&1",
            quote(&doctor.display().to_string())
        ),
        format!("for f in {files}; do ldd \"$f\"; done > /dev/null 2>&1"),
    ];
    let times = hyperfine::medians_ns(&HYPERFINE, &commands, &out.join("doctor-ldd.json"))?;
    let per_file = |t: f64| t / programs.len() as f64;
    let mut rows = vec![Row::new(
        format!(
            "scratch-doctor --closure per file, {} /usr/bin programs (ns)",
            programs.len()
        ),
        per_file(times[0]),
        "ldd",
        per_file(times[1]),
        Some("1.00"),
        Unit::Ns,
    )];

    let sparse = out.join("sparse-2GiB");
    std::fs::copy(PROGRAM, &sparse).map_err(|e| format!("cannot copy {PROGRAM}: {e}"))?;
    let extended = std::fs::OpenOptions::new()
        .write(true)
        .open(&sparse)
        .and_then(|f| f.set_len(SPARSE_BYTES));
    let big = extended
        .map_err(|e| format!("cannot extend {}: {e}", sparse.display()))
        .and_then(|()| peak_bytes(doctor, &sparse, out));
    let _ = std::fs::remove_file(&sparse);
    let small = peak_bytes(doctor, Path::new(PROGRAM), out)?;
    // The peak on the small file is the goal: ratio ≤ 1.00 is a peak that does not grow.
    rows.push(Row::new(
        "scratch-doctor --closure peak memory, 2 GiB sparse ELF (bytes, ru_maxrss)",
        big? as f64,
        format!("the same on {PROGRAM}"),
        small as f64,
        Some("1.00"),
        Unit::Bytes,
    ));
    Ok(rows)
}

/// The peak resident memory of `doctor --closure file`, in bytes, the smallest of
/// [`PEAK_RUNS`] runs.
fn peak_bytes(doctor: &Path, file: &Path, out: &Path) -> Result<u64, String> {
    // 0: it runs with its closure; 1: a library is missing.
    let args = ["--closure".as_ref(), file.as_os_str()];
    smallest_peak(doctor, &args, &[0, 1], out, PEAK_RUNS, || {})
}

/// The goal of the peak memory rows of scratch-doctor `--image` and scratch-pack.
pub(super) const PEAK_GOAL_BYTES: u64 = 64 << 20;

/// The smallest peak resident memory of `runs` runs of `program ARGS…` ([`peak_once`]), with
/// `before` called ahead of each run (to remove what the last one wrote).
pub(super) fn smallest_peak(
    program: &Path,
    args: &[&std::ffi::OsStr],
    ok: &[i32],
    out: &Path,
    runs: usize,
    mut before: impl FnMut(),
) -> Result<u64, String> {
    let mut peaks = Vec::new();
    for _ in 0..runs {
        before();
        peaks.push(peak_once(program, args, ok, out)?);
    }
    peaks.into_iter().min().ok_or_else(|| "no run".to_string())
}

/// The row of a peak memory (`what`) against the goal of [`PEAK_GOAL_BYTES`].
pub(super) fn peak_row(what: &str, peak: u64) -> Row {
    Row::new(
        what,
        peak as f64,
        "64 MiB (the goal)",
        PEAK_GOAL_BYTES as f64,
        Some("1.00"),
        Unit::Bytes,
    )
}

/// The peak resident memory of one run of `doctor ARGS…`, in bytes: GNU time's `time -f %M`,
/// the child's `ru_maxrss` (KiB) from `wait4(2)`. An exit status not in `ok` is a failed run.
fn peak_once(
    doctor: &Path,
    args: &[&std::ffi::OsStr],
    ok: &[i32],
    out: &Path,
) -> Result<u64, String> {
    let report = out.join("doctor-time.txt");
    // GNU time, found on PATH as the bench's tool check finds it (not the shell's keyword).
    let status = Command::new("time")
        .arg("-o")
        .arg(&report)
        .args(["-f", "%M"])
        .arg(doctor)
        .args(args)
        .stdout(std::process::Stdio::null())
        .status()
        .map_err(|e| format!("cannot run time: {e}"))?;
    if !status.code().is_some_and(|c| ok.contains(&c)) {
        return Err(format!("scratch-doctor {args:?} failed ({status})"));
    }
    let text = std::fs::read_to_string(&report)
        .map_err(|e| format!("cannot read {}: {e}", report.display()))?;
    let kib: u64 = text
        .lines()
        .last()
        .and_then(|l| l.trim().parse().ok())
        .ok_or_else(|| format!("{}: no peak in {text:?}", report.display()))?;
    Ok(kib * 1024)
}

/// A file read at offsets, for the doctor's ELF reader.
struct StdFile {
    file: std::fs::File,
    size: u64,
}

impl FileAt for StdFile {
    fn size(&self) -> u64 {
        self.size
    }

    fn read_at(&self, offset: u64, buf: &mut [u8]) -> Result<usize, syscall_kit::Errno> {
        self.file.read_at(buf, offset).map_err(|e| {
            syscall_kit::Errno::from_raw(e.raw_os_error().unwrap_or(syscall_kit::Errno::EIO.raw()))
        })
    }
}

/// The first `n` files of `dir` by name that are regular (not links) dynamic ELF programs
/// (with an interpreter), as scratch-doctor's library reads them.
fn dynamic_programs(dir: &Path, n: usize) -> Result<Vec<PathBuf>, String> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| format!("cannot list {}: {e}", dir.display()))?
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .map(|e| e.path())
        .collect();
    paths.sort();
    let dynamic = |path: &PathBuf| {
        let Ok(file) = std::fs::File::open(path) else {
            return false;
        };
        let Ok(size) = file.metadata().map(|m| m.len()) else {
            return false;
        };
        let file = StdFile { file, size };
        let reader = FileReader::new(&file);
        matches!(
            scratch_doctor::inspect_from(&reader),
            Ok(Program::Elf(elf)) if elf.interpreter.is_some()
        )
    };
    let found: Vec<PathBuf> = paths.into_iter().filter(dynamic).take(n).collect();
    if found.is_empty() {
        return Err(format!("no dynamic program in {}", dir.display()));
    }
    Ok(found)
}
