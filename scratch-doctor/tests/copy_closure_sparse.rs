//! `--copy-closure` of a sparse program: a 2 GiB file that is a small dynamic program, a hole,
//! a few bytes at 1 GiB and a hole to its end. The copy is the same bytes, keeps the holes
//! (its blocks are about the data's, not 2 GiB), and the doctor's peak memory is that of a copy
//! of the small program itself: it does not grow with the file. A second copy into the same
//! directory finds the file identical, with the same memory.

mod common;

use std::io::Read;
use std::os::unix::fs::{FileExt, MetadataExt};
use std::path::Path;
use std::process::{Command, Stdio};

use common::{TempDir, doctor, require_tool};

/// The program made sparse: dynamic on any glibc system.
const PROGRAM: &str = "/usr/bin/true";

const GIB: u64 = 1 << 30;

/// What the data of the sparse file may take on disk, at most: the program's few blocks and
/// the marker's, far below its 2 GiB.
const DATA_BOUND: u64 = 16 << 20;

/// How much more the doctor's peak may be for the 2 GiB file than for the small program:
/// page-fault rounding (tens of KiB, see `lab/src/bench/doctor.rs`), far below the file.
const PEAK_SLACK: u64 = 4 << 20;

/// The peak resident memory, in bytes, of `scratch-doctor --copy-closure DIR FILE` (GNU time's
/// `%M`: the child's `ru_maxrss`), which must exit 0.
fn copy_peak(dir: &Path, file: &Path, report: &Path) -> u64 {
    let status = Command::new("time")
        .arg("-o")
        .arg(report)
        .args(["-f", "%M"])
        .arg(doctor())
        .arg("--copy-closure")
        .arg(dir)
        .arg(file)
        .stdout(Stdio::null())
        .status()
        .expect("run time");
    assert!(
        status.success(),
        "scratch-doctor --copy-closure {}: {status}",
        file.display()
    );
    let text = std::fs::read_to_string(report).unwrap();
    let kib: u64 = text.lines().last().unwrap().trim().parse().unwrap();
    kib * 1024
}

/// Whether the files `a` and `b` hold the same bytes, read 1 MiB at a time.
fn same_bytes(a: &Path, b: &Path) -> bool {
    let (mut a, mut b) = (
        std::fs::File::open(a).unwrap(),
        std::fs::File::open(b).unwrap(),
    );
    let (mut x, mut y) = (vec![0u8; 1 << 20], vec![0u8; 1 << 20]);
    loop {
        let n = a.read(&mut x).unwrap();
        if n == 0 {
            return b.read(&mut y).unwrap() == 0;
        }
        if b.read_exact(&mut y[..n]).is_err() || x[..n] != y[..n] {
            return false;
        }
    }
}

#[test]
fn a_sparse_program_is_copied_sparse_with_memory_that_does_not_grow() {
    if !require_tool("time", "time") {
        return;
    }
    let tmp = TempDir::new("doctor-sparse");
    let big = tmp.path().join("sparse-program");
    std::fs::copy(PROGRAM, &big).unwrap();
    {
        let f = std::fs::OpenOptions::new().write(true).open(&big).unwrap();
        f.write_all_at(b"data past a hole", GIB).unwrap();
        f.set_len(2 * GIB).unwrap();
    }
    let source_blocks = std::fs::metadata(&big).unwrap().blocks() * 512;
    assert!(
        source_blocks < DATA_BOUND,
        "the temporary directory's file system keeps no holes: {source_blocks} bytes"
    );
    let (dir, small_dir) = (tmp.path().join("root"), tmp.path().join("small-root"));
    std::fs::create_dir(&dir).unwrap();
    std::fs::create_dir(&small_dir).unwrap();
    let report = tmp.path().join("time.txt");

    let big_peak = copy_peak(&dir, &big, &report);
    let small_peak = copy_peak(&small_dir, Path::new(PROGRAM), &report);
    let copy = dir.join(big.strip_prefix("/").unwrap());
    let meta = std::fs::metadata(&copy).unwrap();
    // The figures of docs/scratch-doctor.md (`-- --nocapture` shows them).
    println!(
        "2 GiB sparse program: {source_blocks} bytes on disk, its copy {} bytes; peak memory of \
         the copy {big_peak} bytes, of the copy of {PROGRAM} {small_peak} bytes",
        meta.blocks() * 512
    );
    assert_eq!(meta.len(), 2 * GIB, "the copy's size");
    assert!(
        meta.blocks() * 512 < DATA_BOUND,
        "the copy takes {} bytes on disk: its holes were written out",
        meta.blocks() * 512
    );
    assert!(same_bytes(&big, &copy), "the copy's bytes differ");
    assert!(
        big_peak <= small_peak + PEAK_SLACK,
        "peak {big_peak} bytes for the 2 GiB file, {small_peak} for {PROGRAM}: it grows with the file"
    );

    // Again into the same directory: the file is found identical (read a piece at a time).
    let again_peak = copy_peak(&dir, &big, &report);
    assert!(
        again_peak <= small_peak + PEAK_SLACK,
        "peak {again_peak} bytes for finding the 2 GiB copy identical, {small_peak} for {PROGRAM}"
    );
}
