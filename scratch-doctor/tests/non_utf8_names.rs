//! File names that are not UTF-8: shown escaped (`\xff`), never as U+FFFD, and used as the
//! bytes they are, so `--copy-closure` reads and writes them.

mod common;

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

use common::{TempDir, run_doctor, status, texts};

#[test]
fn a_name_that_is_not_utf8_is_shown_escaped_and_copied_as_its_bytes() {
    let dir = TempDir::new("doctor-non-utf8");
    let name = OsStr::from_bytes(b"bad-\xff-name");
    let program = dir.path().join(name);
    std::fs::copy("/bin/true", &program).unwrap();
    let shown = format!("{}/bad-\\xff-name", dir.path().display());

    let out = run_doctor(&[Path::new("--closure"), &program]);
    let (stdout, stderr) = texts(&out);
    assert_eq!(status(&out), 0, "{stdout}{stderr}");
    assert!(stdout.starts_with(&format!("{shown}:\n")), "{stdout}");
    assert!(!stdout.contains('\u{fffd}'), "{stdout}");
    let json = run_doctor(&[Path::new("--json"), &program]);
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(v["file"], shown.as_str());

    let root = TempDir::new("doctor-non-utf8-root");
    let out = run_doctor(&[Path::new("--copy-closure"), root.path(), &program]);
    let (stdout, stderr) = texts(&out);
    assert_eq!(status(&out), 0, "{stdout}{stderr}");
    assert!(!stderr.contains("cannot read"), "{stderr}");
    let copied = root.path().join(program.strip_prefix("/").unwrap());
    assert_eq!(
        std::fs::read(&copied).unwrap(),
        std::fs::read("/bin/true").unwrap(),
        "the program at its own bytes' path in DIR"
    );
}
