//! cat-nostd against GNU cat: the same arguments and input give byte-identical standard output
//! and the same exit status, whichever path the copy takes (copy_file_range between files,
//! splice into and out of pipes, sendfile, read/write), including non-blocking pipes, a
//! missing file, a directory and a reader that goes away.

use std::io::{Read, Write};
use std::os::fd::{FromRawFd, OwnedFd};
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use system_tests::{TempDir, nostd_bin, skip_or_fail};

fn cat_nostd() -> PathBuf {
    nostd_bin("cat-nostd")
}

/// Whether `cat` on PATH is GNU cat, the reference; skips (or fails, in CI) when it is not.
fn gnu_cat() -> bool {
    let gnu = Command::new("cat")
        .arg("--version")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains("GNU coreutils"));
    if !gnu {
        skip_or_fail("`cat` is not GNU cat (Debian package coreutils)");
    }
    gnu
}

/// A pattern that repeats every 251 bytes, so a lost or repeated block shows.
fn pattern(len: usize, seed: u8) -> Vec<u8> {
    (0..len)
        .map(|i| ((i % 251) as u8).wrapping_add(seed))
        .collect()
}

/// Runs `program args` in `dir` with `stdin` (written from a thread) and collects the output.
fn run(program: &Path, dir: &Path, args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut child = Command::new(program)
        .args(args)
        .current_dir(dir)
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let writer = stdin.map(|data| {
        let mut pipe = child.stdin.take().unwrap();
        let data = data.to_vec();
        std::thread::spawn(move || {
            let _ = pipe.write_all(&data);
        })
    });
    let out = child.wait_with_output().unwrap();
    if let Some(w) = writer {
        w.join().unwrap();
    }
    out
}

/// Runs GNU cat and cat-nostd alike and checks that their standard output and exit status are
/// the same; returns cat-nostd's output.
fn same_as_gnu(dir: &Path, args: &[&str], stdin: Option<&[u8]>) -> Output {
    let gnu = run(Path::new("cat"), dir, args, stdin);
    let ours = run(&cat_nostd(), dir, args, stdin);
    assert!(
        gnu.stdout == ours.stdout,
        "stdout differs for {args:?}: GNU {} bytes, cat-nostd {} bytes",
        gnu.stdout.len(),
        ours.stdout.len()
    );
    assert_eq!(
        gnu.status.code(),
        ours.status.code(),
        "exit status, {args:?}"
    );
    ours
}

/// A directory with files `a` (text), `b` (2 MiB + 7 bytes), `empty`, and a sub-directory `d`.
fn files() -> TempDir {
    let dir = TempDir::new("cat");
    std::fs::write(dir.path().join("a"), b"first file\nno newline at the end").unwrap();
    std::fs::write(dir.path().join("b"), pattern((2 << 20) + 7, 3)).unwrap();
    std::fs::write(dir.path().join("empty"), b"").unwrap();
    std::fs::create_dir(dir.path().join("d")).unwrap();
    dir
}

#[test]
fn one_file_several_files_and_an_empty_file_into_a_pipe() {
    if !gnu_cat() {
        return;
    }
    let dir = files();
    let out = same_as_gnu(dir.path(), &["a"], None);
    assert_eq!(out.stdout, b"first file\nno newline at the end");
    let out = same_as_gnu(dir.path(), &["a", "b", "empty", "a"], None);
    assert_eq!(out.stdout.len(), 2 * 32 + (2 << 20) + 7);
    assert!(same_as_gnu(dir.path(), &["empty"], None).stdout.is_empty());
    assert!(out.stderr.is_empty());
}

#[test]
fn standard_input_without_operands_and_as_dash() {
    if !gnu_cat() {
        return;
    }
    let dir = files();
    let input = pattern(3 << 20, 9);
    let out = same_as_gnu(dir.path(), &[], Some(&input));
    assert_eq!(out.stdout, input);
    let out = same_as_gnu(dir.path(), &["a", "-", "a"], Some(b"from stdin\n"));
    assert_eq!(
        out.stdout,
        b"first file\nno newline at the endfrom stdin\nfirst file\nno newline at the end"
    );
    // A second `-` finds standard input at its end.
    same_as_gnu(dir.path(), &["-", "a", "-"], Some(b"once\n"));
    same_as_gnu(dir.path(), &["--", "a"], None);
}

#[test]
fn a_missing_file_and_a_directory_are_reported_and_the_others_copied() {
    if !gnu_cat() {
        return;
    }
    let dir = files();
    let out = same_as_gnu(dir.path(), &["a", "missing", "b", "d", "a"], None);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "cat-nostd: missing: No such file or directory\ncat-nostd: d: Is a directory\n"
    );
    assert_eq!(out.stdout.len(), 2 * 32 + (2 << 20) + 7);
}

/// Runs `program args` with standard output to `out` and standard input from `stdin`.
fn run_to(program: &Path, dir: &Path, args: &[&str], stdin: Stdio, out: Stdio) -> Option<i32> {
    Command::new(program)
        .args(args)
        .current_dir(dir)
        .stdin(stdin)
        .stdout(out)
        .status()
        .unwrap()
        .code()
}

#[test]
fn output_to_a_file_truncated_and_appended() {
    if !gnu_cat() {
        return;
    }
    let dir = files();
    for append in [false, true] {
        let mut results = Vec::new();
        for program in [Path::new("cat"), &cat_nostd()] {
            let path = dir.path().join("out");
            std::fs::write(&path, b"before\n").unwrap();
            let file = std::fs::OpenOptions::new()
                .write(true)
                .append(append)
                .truncate(!append)
                .open(&path)
                .unwrap();
            let stdin = std::fs::File::open(dir.path().join("b")).unwrap();
            let status = run_to(
                program,
                dir.path(),
                &["a", "-", "b"],
                stdin.into(),
                file.into(),
            );
            assert_eq!(status, Some(0));
            results.push(std::fs::read(&path).unwrap());
        }
        assert!(
            results[0] == results[1],
            "file contents differ, append {append}"
        );
        assert_eq!(
            results[0].len(),
            32 + 2 * ((2 << 20) + 7) + 7 * usize::from(append)
        );
    }
}

#[test]
fn the_output_file_as_an_input_is_refused() {
    if !gnu_cat() {
        return;
    }
    let dir = files();
    let path = dir.path().join("a");
    let file = std::fs::OpenOptions::new()
        .append(true)
        .open(&path)
        .unwrap();
    let before = std::fs::read(&path).unwrap();
    // Rewind nothing: the offset of an O_APPEND file starts at 0, below the end.
    let out = Command::new(cat_nostd())
        .arg("a")
        .current_dir(dir.path())
        .stdout(file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "cat-nostd: a: input file is output file\n"
    );
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

/// A pipe as two std descriptors `(read, write)`, with `O_NONBLOCK` on the ends named.
fn pipe(nonblock_read: bool, nonblock_write: bool) -> (OwnedFd, OwnedFd) {
    let mut fds = [0; 2];
    // SAFETY: pipe2 writes two descriptor numbers into `fds`.
    assert_eq!(unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) }, 0);
    for (fd, nonblock) in [(fds[0], nonblock_read), (fds[1], nonblock_write)] {
        if nonblock {
            // SAFETY: `fd` was just opened; F_SETFL changes only its status flags.
            let set = unsafe { libc::fcntl(fd, libc::F_SETFL, libc::O_NONBLOCK) };
            assert_eq!(set, 0);
        }
    }
    // SAFETY: both numbers were just opened by pipe2 and are owned by nobody else.
    unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) }
}

/// Reads `r` to its end after a pause, so that a writer fills the pipe first.
fn slow_reader(r: OwnedFd) -> std::thread::JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(200));
        let mut all = Vec::new();
        std::fs::File::from(r).read_to_end(&mut all).unwrap();
        all
    })
}

/// Standard output is a non-blocking pipe that fills up: writes fail with EAGAIN, and cat-nostd
/// must wait for room (GNU cat fails there with `write error: Resource temporarily
/// unavailable`, so GNU cat is no reference here: the input file is).
#[test]
fn output_to_a_full_nonblocking_pipe_waits_for_room() {
    let dir = files();
    for args in [&["b"][..], &["a", "-", "b"]] {
        let (r, w) = pipe(false, true);
        let reader = slow_reader(r);
        let stdin = std::fs::File::open(dir.path().join("b")).unwrap();
        let status = run_to(&cat_nostd(), dir.path(), args, stdin.into(), w.into());
        assert_eq!(status, Some(0), "{args:?}");
        let got = reader.join().unwrap();
        let mut expected = Vec::new();
        for name in args {
            let name = if *name == "-" { "b" } else { name };
            expected.extend(std::fs::read(dir.path().join(name)).unwrap());
        }
        assert!(got == expected, "{args:?}: {} bytes arrived", got.len());
    }
}

/// Standard input is a non-blocking pipe that a slow writer feeds: reads fail with EAGAIN,
/// and cat-nostd must wait for data, into a pipe (splice) and into a file (read/write).
#[test]
fn input_from_a_slow_nonblocking_pipe_waits_for_data() {
    let dir = files();
    let data = pattern(300 * 1024, 5);
    for to_file in [false, true] {
        let (r, w) = pipe(true, false);
        let feeder = {
            let data = data.clone();
            std::thread::spawn(move || {
                let mut w = std::fs::File::from(w);
                for chunk in data.chunks(100 * 1024) {
                    std::thread::sleep(Duration::from_millis(50));
                    w.write_all(chunk).unwrap();
                }
            })
        };
        let got = if to_file {
            let path = dir.path().join("from-pipe");
            let file = std::fs::File::create(&path).unwrap();
            let status = run_to(&cat_nostd(), dir.path(), &[], r.into(), file.into());
            assert_eq!(status, Some(0));
            std::fs::read(&path).unwrap()
        } else {
            let out = Command::new(cat_nostd())
                .stdin(Stdio::from(r))
                .output()
                .unwrap();
            assert_eq!(out.status.code(), Some(0));
            out.stdout
        };
        feeder.join().unwrap();
        assert!(
            got == data,
            "to_file {to_file}: {} bytes arrived",
            got.len()
        );
    }
}

/// A reader that is gone: the write raises SIGPIPE, which ends cat-nostd as it ends GNU cat.
#[test]
fn a_closed_pipe_ends_it_with_sigpipe_like_gnu_cat() {
    if !gnu_cat() {
        return;
    }
    let dir = files();
    for program in [Path::new("cat"), &cat_nostd()] {
        for input in ["b", "-"] {
            let (r, w) = pipe(false, false);
            drop(r);
            let stdin = std::fs::File::open(dir.path().join("b")).unwrap();
            let status = Command::new(program)
                .arg(input)
                .current_dir(dir.path())
                .stdin(stdin)
                .stdout(w)
                .status()
                .unwrap();
            assert_eq!(
                status.signal(),
                Some(libc::SIGPIPE),
                "{} {input}: {status:?}",
                program.display()
            );
        }
    }
}

#[test]
fn output_to_dev_null_and_from_proc() {
    if !gnu_cat() {
        return;
    }
    let dir = files();
    let null = || std::fs::File::create("/dev/null").unwrap();
    let status = run_to(
        &cat_nostd(),
        dir.path(),
        &["b", "a"],
        Stdio::null(),
        null().into(),
    );
    assert_eq!(status, Some(0));
    // Files of /proc say they are empty to copy_file_range and sendfile; the read/write path
    // must still copy them. /proc/self/cmdline names the program that reads it.
    let out = run(&cat_nostd(), dir.path(), &["/proc/self/cmdline"], None);
    assert_eq!(out.status.code(), Some(0));
    let expected = format!("{}\0/proc/self/cmdline\0", cat_nostd().display());
    assert_eq!(String::from_utf8_lossy(&out.stdout), expected);
}

/// GNU cat stops when it cannot `fstat` its output (`cat: standard output: TEXT`, status 1):
/// without the output's identity, `cat x >> x` would not be caught.
#[test]
fn a_failed_fstat_of_the_output_stops_it_like_gnu_cat() {
    if !gnu_cat() {
        return;
    }
    let dir = files();
    // A closed standard output: fstat fails with EBADF, before any input is opened.
    let closed = |program: &Path| {
        Command::new("sh")
            .arg("-c")
            .arg(r#"exec "$0" a >&-"#)
            .arg(program)
            .current_dir(dir.path())
            .output()
            .unwrap()
    };
    let (ours, gnu) = (closed(&cat_nostd()), closed(Path::new("cat")));
    assert_eq!(ours.status.code(), gnu.status.code());
    assert_eq!(
        String::from_utf8_lossy(&ours.stderr),
        String::from_utf8_lossy(&gnu.stderr).replacen("cat:", "cat-nostd:", 1)
    );
    // statx(2) of the output fails once: the input that is the output is not copied into
    // itself. (`ulimit -f` bounds the damage of a cat that would.)
    if !system_tests::require_tool("strace", "strace") {
        return;
    }
    assert_a_into_a_fails_with(
        &dir,
        "statx",
        "cat-nostd: standard output: Input/output error\n",
    );
}

/// `cat-nostd a >> a` with the first `call` failing with `EIO` (strace's fault injection):
/// status 1, `stderr` exactly, and `a` unchanged. (`ulimit -f` bounds the damage of a cat that
/// would copy the file into itself.)
fn assert_a_into_a_fails_with(dir: &TempDir, call: &str, stderr: &str) {
    let path = dir.path().join("a");
    let before = std::fs::read(&path).unwrap();
    let out = Command::new("sh")
        .arg("-c")
        .arg(format!(
            r#"ulimit -f 256 && exec strace -qq -o /dev/null -e inject={call}:error=EIO:when=1 "$0" a >> a"#
        ))
        .arg(cat_nostd())
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{call}: {:?}", out.status);
    assert_eq!(String::from_utf8_lossy(&out.stderr), stderr, "{call}");
    assert_eq!(std::fs::read(&path).unwrap(), before, "{call}");
}

/// A failed `lseek` of the input that is the output counts as "not at its end", as GNU cat's
/// comparison of lseek's -1 with the size does: the file is refused, not copied into itself.
#[test]
fn a_failed_lseek_of_the_input_that_is_the_output_refuses_it() {
    if !system_tests::require_tool("strace", "strace") {
        return;
    }
    assert_a_into_a_fails_with(
        &files(),
        "lseek",
        "cat-nostd: a: input file is output file\n",
    );
}

/// Static, no segment both writable and executable, a stack that is not executable, and at
/// most 8,192 bytes on x86_64: the ceiling that holds its size, as for the other small programs.
#[test]
fn cat_nostd_is_a_static_executable_of_at_most_8192_bytes() {
    let data = std::fs::read(cat_nostd()).unwrap();
    system_tests::elf::check_static_executable(&data).unwrap();
    println!("cat-nostd: {} bytes", data.len());
    assert!(
        data.len() <= 8192,
        "cat-nostd: {} bytes, over its ceiling of 8,192",
        data.len()
    );
}
