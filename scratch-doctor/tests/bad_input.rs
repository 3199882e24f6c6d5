//! Bad input: each gives exactly one line on stderr naming the file and the problem, exit
//! status 2, and never a panic, a hang or a crash.

mod common;

use std::path::Path;

use common::{TempDir, run_doctor, status, texts};

/// Runs the doctor on `file` and returns its one stderr line.
fn one_error(file: &Path) -> String {
    let out = run_doctor(&[file]);
    let (stdout, stderr) = texts(&out);
    assert_eq!(status(&out), 2, "stdout: {stdout}\nstderr: {stderr}");
    assert!(stdout.is_empty(), "stdout: {stdout}");
    assert_eq!(stderr.lines().count(), 1, "stderr: {stderr}");
    let prefix = format!("scratch-doctor: {}: ", file.display());
    assert!(stderr.starts_with(&prefix), "stderr: {stderr}");
    assert!(!stderr.contains("panicked"), "stderr: {stderr}");
    stderr[prefix.len()..].trim_end().to_owned()
}

/// A valid static ELF file to damage: the doctor itself.
fn good_elf() -> Vec<u8> {
    std::fs::read(common::doctor()).unwrap()
}

fn write(dir: &TempDir, name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

#[test]
fn missing_file() {
    let dir = TempDir::new("doctor-missing");
    assert_eq!(
        one_error(&dir.path().join("nope")),
        "cannot read: ENOENT: No such file or directory"
    );
}

#[test]
fn directory() {
    let dir = TempDir::new("doctor-dir");
    assert_eq!(one_error(dir.path()), "is a directory, not a program");
}

#[test]
fn device_and_fifo_are_refused_without_reading_or_blocking() {
    assert_eq!(
        one_error(Path::new("/dev/zero")),
        "not a regular file (a device, FIFO or socket)"
    );
    let dir = TempDir::new("doctor-fifo");
    let fifo = dir.path().join("fifo");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .is_ok_and(|s| s.success());
    if made {
        assert_eq!(
            one_error(&fifo),
            "not a regular file (a device, FIFO or socket)"
        );
    }
}

#[test]
fn empty_file() {
    let dir = TempDir::new("doctor-empty");
    assert_eq!(one_error(&write(&dir, "empty", b"")), "empty file");
}

#[test]
fn random_bytes() {
    let dir = TempDir::new("doctor-random");
    // Fixed "random" bytes (an LCG), so that the test is the same every run.
    let mut x = 0x2545_f491_4f6c_dd1d_u64;
    let bytes: Vec<u8> = (0..4096)
        .map(|_| {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1);
            (x >> 56) as u8
        })
        .collect();
    assert_eq!(
        one_error(&write(&dir, "random", &bytes)),
        "neither an ELF file nor a #! script (the kernel would fail with ENOEXEC, \"exec format error\")"
    );
}

#[test]
fn truncated_elf() {
    let dir = TempDir::new("doctor-truncated");
    let elf = good_elf();
    assert_eq!(
        one_error(&write(&dir, "header", &elf[..40])),
        "bad ELF file: truncated: 40 bytes, fewer than the 64-byte ELF header"
    );
    // The header is whole, the program headers it points at are not.
    let msg = one_error(&write(&dir, "phdrs", &elf[..100]));
    assert!(
        msg.starts_with("bad ELF file: invalid ELF program header"),
        "{msg}"
    );
    assert_eq!(
        one_error(&write(&dir, "ident", b"\x7fELF")),
        "bad ELF file: truncated: no ELF class byte"
    );
}

/// `e_phoff` (offset 32, u64) and `e_phnum` (offset 56, u16) of a 64-bit header.
fn patched(offset: usize, bytes: &[u8]) -> Vec<u8> {
    let mut elf = good_elf();
    elf[offset..offset + bytes.len()].copy_from_slice(bytes);
    elf
}

#[test]
fn offsets_past_the_end_or_overflowing() {
    let dir = TempDir::new("doctor-offsets");
    let cases = [
        ("phoff-past-end", patched(32, &(1u64 << 40).to_le_bytes())),
        ("phoff-overflow", patched(32, &u64::MAX.to_le_bytes())),
        ("phnum-too-many", patched(56, &0xfffeu16.to_le_bytes())),
        ("phentsize-wrong", patched(54, &7u16.to_le_bytes())),
        ("class-unknown", patched(4, &[9])),
        ("byte-order-unknown", patched(5, &[9])),
    ];
    for (name, bytes) in cases {
        let msg = one_error(&write(&dir, name, &bytes));
        assert!(msg.starts_with("bad ELF file: "), "{name}: {msg}");
    }
}

#[test]
fn a_segment_pointing_past_the_end() {
    // The dynamic C hello's PT_INTERP and PT_DYNAMIC, moved past the end of the file.
    let Some(f) = common::fixtures() else { return };
    let elf = std::fs::read(&f.dynamic).unwrap();
    let phoff = u64::from_le_bytes(elf[32..40].try_into().unwrap()) as usize;
    let phnum = u16::from_le_bytes(elf[56..58].try_into().unwrap()) as usize;
    let dir = TempDir::new("doctor-segments");
    for wanted in [3u32 /* PT_INTERP */, 2 /* PT_DYNAMIC */] {
        let mut bad = elf.clone();
        for i in 0..phnum {
            let ph = phoff + i * 56;
            if u32::from_le_bytes(bad[ph..ph + 4].try_into().unwrap()) == wanted {
                bad[ph + 8..ph + 16].copy_from_slice(&(u64::MAX - 8).to_le_bytes());
            }
        }
        let msg = one_error(&write(&dir, &format!("pt-{wanted}"), &bad));
        assert!(msg.starts_with("bad ELF file: invalid ELF"), "{msg}");
    }
}

#[test]
fn each_bad_file_gets_its_line_and_good_ones_still_report() {
    let dir = TempDir::new("doctor-mixed");
    let empty = write(&dir, "empty", b"");
    let good = common::doctor();
    let out = run_doctor(&[&empty, &good, &dir.path().join("missing")]);
    let (stdout, stderr) = texts(&out);
    assert_eq!(status(&out), 2);
    assert_eq!(stderr.lines().count(), 2, "{stderr}");
    assert!(stdout.contains("runs in FROM scratch: yes"), "{stdout}");
    // --json: one object per file, errors included.
    let out = run_doctor(&[Path::new("--json"), &empty, &good]);
    let lines: Vec<serde_json::Value> = texts(&out)
        .0
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["error"], "empty file");
    assert_eq!(lines[1]["runs_in_scratch"], true);
}
