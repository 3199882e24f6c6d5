//! Faults of the doctor's surroundings: a standard output that fails (`/dev/full`, closed, a
//! pipe with no reader while `SIGPIPE` is ignored), a standard error that fails, an unreadable
//! `/etc/ld.so.cache`, a deleted working directory, and memory that runs out. Each is one line
//! on standard error (none for the pipe) and a documented status, never a panic.

mod common;

use std::fs::File;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use common::{TempDir, doctor, require_tool, status, texts};

/// Runs `script` with `sh -c`, the doctor as `$0`.
fn sh(script: &str, args: &[&str]) -> Output {
    Command::new("sh")
        .arg("-c")
        .arg(script)
        .arg(doctor())
        .args(args)
        .output()
        .expect("run sh")
}

#[test]
fn a_full_standard_output_is_one_line_and_status_2() {
    for args in [
        &["/bin/ls"][..],
        &["--json", "/bin/ls"],
        &["--closure", "/bin/ls"],
    ] {
        let out = Command::new(doctor())
            .args(args)
            .stdout(File::create("/dev/full").unwrap())
            .output()
            .unwrap();
        let (_, stderr) = texts(&out);
        assert_eq!(status(&out), 2, "{args:?}: {stderr}");
        assert_eq!(
            stderr, "scratch-doctor: write error: ENOSPC: No space left on device\n",
            "{args:?}"
        );
    }
}

#[test]
fn a_closed_standard_output_is_one_line_and_status_2() {
    let out = sh(r#"exec "$0" "$@" >&-"#, &["/bin/ls"]);
    let (_, stderr) = texts(&out);
    assert_eq!(status(&out), 2, "{stderr}");
    assert_eq!(
        stderr,
        "scratch-doctor: write error: EBADF: Bad file descriptor\n"
    );
}

/// The reader is gone before the doctor starts, so the first write fails for certain.
#[test]
fn a_pipe_without_reader_with_sigpipe_ignored_is_quiet_status_2() {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let out = Command::new("sh")
        .arg("-c")
        .arg(r#"trap '' PIPE; exec "$0" "$@""#)
        .arg(doctor())
        .args(["--json", "/bin/ls", "/bin/cat"])
        .stdout(writer)
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    let (_, stderr) = texts(&out);
    assert_eq!(status(&out), 2, "{stderr}");
    assert_eq!(stderr, "", "EPIPE is not reported");
    // With SIGPIPE at its default, the kernel ends the program, as it ends any other.
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let killed = Command::new(doctor())
        .arg("/bin/ls")
        .stdout(writer)
        .output()
        .unwrap();
    use std::os::unix::process::ExitStatusExt;
    assert_eq!(killed.status.signal(), Some(13), "{:?}", killed.status);
}

#[test]
fn a_failing_standard_error_keeps_the_status() {
    let full = || File::create("/dev/full").unwrap();
    let out = Command::new(doctor())
        .arg("/nonexistent")
        .stderr(full())
        .output()
        .unwrap();
    assert_eq!(status(&out), 2);
    let out = Command::new(doctor())
        .arg("--bad-option")
        .stderr(full())
        .output()
        .unwrap();
    assert_eq!(status(&out), 2);
    // The "copied" line and the dlopen warning go to standard error: the copy's status stays.
    let seen = TempDir::new("doctor-copy-stderr-seen");
    let expected = status(
        &Command::new(doctor())
            .args([
                Path::new("--copy-closure"),
                seen.path(),
                Path::new("/bin/ls"),
            ])
            .output()
            .unwrap(),
    );
    let dir = TempDir::new("doctor-copy-stderr-full");
    let out = Command::new(doctor())
        .args([
            Path::new("--copy-closure"),
            dir.path(),
            Path::new("/bin/ls"),
        ])
        .stderr(full())
        .output()
        .unwrap();
    assert_eq!(status(&out), expected, "{:?}", texts(&out));
    assert!(dir.path().join("bin/ls").is_file() || dir.path().join("usr/bin/ls").is_file());
}

/// Only `ENOENT` means "no cache": an unreadable one leaves the answer unknown.
#[test]
fn an_unreadable_ld_so_cache_is_an_error_naming_it() {
    if !Path::new("/etc/ld.so.cache").exists() || !require_tool("strace", "strace") {
        return;
    }
    for errno in ["EACCES", "EIO"] {
        let out = Command::new("strace")
            .args(["-f", "-qq", "-o", "/dev/null", "-P", "/etc/ld.so.cache"])
            .arg(format!("-einject=openat:error={errno}"))
            .arg(doctor())
            .args(["--closure", "/bin/ls"])
            .output()
            .unwrap();
        let (stdout, stderr) = texts(&out);
        assert_eq!(status(&out), 2, "{errno}: {stdout}{stderr}");
        assert!(
            stderr.starts_with(
                "scratch-doctor: /bin/ls: cannot resolve its closure: /etc/ld.so.cache: "
            ) && stderr.contains(errno)
                && stderr.lines().count() == 1,
            "{errno}: {stderr}"
        );
        assert!(!stdout.contains("with this closure: yes"), "{stdout}");
    }
}

/// In a deleted working directory `getcwd` fails: a relative program is an error, not `/`.
#[test]
fn a_deleted_working_directory_is_an_error_not_the_root() {
    let dir = TempDir::new("doctor-deleted-cwd");
    std::fs::copy("/bin/ls", dir.path().join("myls")).unwrap();
    std::fs::create_dir(dir.path().join("gone")).unwrap();
    let out = Command::new("sh")
        .arg("-c")
        .arg(r#"cd "$1/gone" && rmdir "$1/gone" && exec "$0" --closure ../myls"#)
        .arg(doctor())
        .arg(dir.path())
        .output()
        .unwrap();
    let (stdout, stderr) = texts(&out);
    assert_eq!(status(&out), 2, "{stdout}{stderr}");
    assert_eq!(
        stderr,
        "scratch-doctor: ../myls: cannot resolve its closure: the current directory: ENOENT: No such file or directory\n"
    );
    assert!(!stdout.contains("/myls (the program)"), "{stdout}");
}

/// `ulimit -d` caps the program break: the first allocations fail.
#[test]
fn out_of_memory_is_one_line() {
    let out = sh(
        r#"ulimit -d 300 && exec "$0" "$@""#,
        &["--closure", "/bin/ls"],
    );
    let (_, stderr) = texts(&out);
    assert_eq!(status(&out), 101, "{stderr}");
    let size = stderr
        .strip_prefix("scratch-doctor: out of memory (")
        .and_then(|r| r.strip_suffix(" bytes)\n"))
        .unwrap_or_else(|| panic!("not the one line: {stderr:?}"));
    assert!(size.parse::<usize>().is_ok_and(|n| n > 0), "{stderr}");
}

/// The doctor maps a file and reads its headers and dynamic section only: a 2 GiB file (sparse,
/// an ELF file at its start) costs no more heap than the ELF file alone. `ulimit -d` caps the
/// heap (the break and private writable mappings) at 16 MiB, far below the file's size.
#[test]
fn a_huge_file_costs_no_more_memory_than_its_headers() {
    let dir = TempDir::new("doctor-huge-file");
    let huge = dir.path().join("huge");
    std::fs::copy("/bin/ls", &huge).unwrap();
    File::options()
        .write(true)
        .open(&huge)
        .unwrap()
        .set_len(2 << 30)
        .unwrap();
    let huge = huge.to_str().unwrap();
    let plain = sh(r#"exec "$0" --closure /bin/ls"#, &[]);
    let capped = sh(r#"ulimit -d 16384 && exec "$0" --closure "$1""#, &[huge]);
    let (stdout, stderr) = texts(&capped);
    assert_eq!(status(&capped), status(&plain), "{stdout}{stderr}");
    assert_eq!(
        stdout.replace(huge, "/bin/ls"),
        texts(&plain).0,
        "the same report as for the file it starts with"
    );
}
