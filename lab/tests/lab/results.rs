//! What `docs/lab.md` says of the lab's results, asserted: which rows run and print
//! `Hello, world!`, which fail and with which error, the system calls and instructions, the sizes.

use std::path::{Path, PathBuf};
use std::process::Command;

use lab::Outcome;
use lab::variants::{Adds, Build, Expect, VARIANTS};
use system_tests::TempDir;

use crate::{can_run_images, can_run_roots, lab, ok_or_skip, row};

/// The rows `docs/lab.md` documents as running, and those it documents as failing.
const RUN: [usize; 5] = [1, 3, 4, 6, 9];
const FAIL: [usize; 4] = [2, 5, 7, 8];

#[test]
fn the_rows_documented_to_run_are_1_3_4_6_9() {
    let runs: Vec<usize> = VARIANTS
        .iter()
        .filter(|v| v.expect == Expect::Runs)
        .map(|v| v.number)
        .collect();
    assert_eq!(runs, RUN);
    assert_eq!(lab().1.rows.len(), 9);
}

#[test]
fn rows_1_3_4_6_9_print_hello_in_an_empty_root_and_an_image() {
    // Outcome::Runs means: exit status 0 and exactly "Hello, world!\n" on stdout.
    if can_run_roots() {
        for n in RUN {
            assert_eq!(row(n).empty_root, Outcome::Runs, "row {n} in an empty root");
        }
    }
    if can_run_images() {
        for n in RUN {
            assert_eq!(row(n).image, Outcome::Runs, "row {n} in a scratch image");
        }
    }
}

/// The error of `outcome`, which must be a failure.
fn error(outcome: &Outcome, what: &str) -> String {
    match outcome {
        Outcome::Fails(e) => e.clone(),
        other => panic!("{what}: expected a failure, got {other:?}"),
    }
}

#[test]
fn rows_2_5_7_fail_because_execve_finds_no_interpreter() {
    for n in [2, 5, 7] {
        assert_eq!(row(n).variant.expect, Expect::InterpreterMissing);
        if can_run_roots() {
            // unshare reports the ENOENT of its execve.
            let e = error(&row(n).empty_root, &format!("row {n} in an empty root"));
            assert_eq!(
                e,
                "unshare: failed to execute /hello: No such file or directory"
            );
        }
        if can_run_images() {
            // The container runtime reports the same ENOENT in its own words.
            let e = error(&row(n).image, &format!("row {n} in a scratch image"));
            assert!(
                e.contains("exec /hello: no such file or directory"),
                "row {n} in a scratch image: {e}"
            );
        }
        if ok_or_skip(&lab().0.strace, "strace") && row(n).measured_in_root {
            assert_eq!(
                row(n).syscalls,
                Err("none (execve fails: ENOENT)".to_string()),
                "row {n}: the program never starts"
            );
        }
    }
}

#[test]
fn row_8_fails_because_the_loader_finds_no_libc() {
    let expected = "/hello: error while loading shared libraries: libc.so.6: cannot open shared \
                    object file: No such file or directory";
    if can_run_roots() {
        assert_eq!(
            error(&row(8).empty_root, "row 8 in an empty root"),
            expected
        );
    }
    if can_run_images() {
        let e = error(&row(8).image, "row 8 in a scratch image");
        assert!(e.contains(expected), "row 8 in a scratch image: {e}");
    }
}

#[test]
fn every_failure_is_documented_and_every_documented_failure_fails() {
    for r in &lab().1.rows {
        let n = r.variant.number;
        let outcomes = [
            (can_run_roots(), &r.empty_root, "empty root"),
            (can_run_images(), &r.image, "image"),
        ];
        for (measured, outcome, place) in outcomes {
            if !measured {
                continue;
            }
            match r.variant.expect.error_text() {
                None => assert_eq!(*outcome, Outcome::Runs, "row {n}, {place}"),
                Some(text) => {
                    assert!(FAIL.contains(&n), "row {n} documented to fail");
                    let e = error(outcome, &format!("row {n}, {place}")).to_lowercase();
                    assert!(e.contains(text), "row {n}, {place}: {e}");
                }
            }
        }
    }
}

#[test]
fn hello_nostd_makes_the_fewest_syscalls_of_all_rows() {
    if !ok_or_skip(&lab().0.strace, "strace") {
        return;
    }
    let nostd = row(1)
        .syscalls
        .as_ref()
        .expect("hello-nostd's system calls");
    assert_eq!(nostd, &["write", "exit_group"]);
    let mut compared = 0;
    for r in &lab().1.rows[1..] {
        if let Ok(calls) = &r.syscalls {
            assert!(
                calls.len() > nostd.len(),
                "row {}: {calls:?}",
                r.variant.number
            );
            compared += 1;
        }
    }
    // Every row but 7 (which never starts) has a count.
    assert_eq!(compared, 7);
}

/// The calls of a row that ran under strace (else the test is skipped, or fails under CI).
fn calls(n: usize) -> &'static [String] {
    row(n)
        .syscalls
        .as_ref()
        .unwrap_or_else(|e| panic!("row {n}: {e}"))
}

#[test]
fn the_system_calls_are_those_the_lab_doc_explains() {
    if !ok_or_skip(&lab().0.strace, "strace") || !can_run_roots() {
        return;
    }
    // Row 4: musl's whole start-up is `arch_prctl` and `set_tid_address`; stdio asks whether
    // standard output is a terminal (`ioctl`) and writes with one `writev`.
    assert_eq!(
        calls(4),
        [
            "arch_prctl",
            "set_tid_address",
            "ioctl",
            "writev",
            "exit_group"
        ]
    );
    // Row 8: with no ld.so.cache in the root the loader probes every default directory for
    // libc.so.6; those probes are most of its calls.
    let probes = calls(8)
        .iter()
        .filter(|c| *c == "openat" || *c == "newfstatat")
        .count();
    assert!(
        2 * probes > calls(8).len(),
        "row 8: {probes} openat/newfstatat of {} calls: {:?}",
        calls(8).len(),
        calls(8)
    );
    // Row 9: the same probing before the loader finds libc.so.6: more calls than row 2, whose
    // loader reads the host's ld.so.cache.
    assert!(
        calls(9).len() > calls(2).len(),
        "row 9 makes {} calls, row 2 {}",
        calls(9).len(),
        calls(2).len()
    );
    // Each row that runs ends with `exit_group`, and prints its line with one write.
    for n in [1, 3, 4, 6, 9] {
        assert_eq!(
            calls(n).last().map(String::as_str),
            Some("exit_group"),
            "row {n}"
        );
        let writes = calls(n)
            .iter()
            .filter(|c| *c == "write" || *c == "writev")
            .count();
        assert_eq!(writes, 1, "row {n}: {:?}", calls(n));
    }
}

#[test]
fn hello_nostd_runs_the_fewest_instructions_of_all_rows() {
    if !ok_or_skip(&lab().0.valgrind, "valgrind") {
        return;
    }
    let nostd = *row(1)
        .instructions
        .as_ref()
        .expect("hello-nostd's instructions");
    // An exact count, the same on every run of the same program with the same path and
    // environment: measure it again.
    let bin = hello_nostd();
    let work = TempDir::new("lab-test-callgrind");
    let again = lab::instructions::on_host(&bin, work.path())
        .expect("run callgrind")
        .expect("a callgrind total");
    assert_eq!(again, nostd, "hello-nostd's instructions, measured twice");
    let mut compared = 0;
    for r in &lab().1.rows[1..] {
        if let Ok(n) = r.instructions {
            assert!(n > nostd, "row {}: {n} <= {nostd}", r.variant.number);
            compared += 1;
        }
    }
    assert_eq!(compared, 7, "every row but 7 has a count");
}

/// hello-nostd as the lab runs it (built by the lab run).
fn hello_nostd() -> PathBuf {
    let tools = &lab().0;
    let work = TempDir::new("lab-test-bin");
    lab::compile::binary(Build::HelloNostd, tools, work.path())
        .expect("hello-nostd's path")
        .expect("hello-nostd is built by cargo")
}

/// The bytes of the file at `path` (symbolic links followed).
fn file_bytes(path: &Path) -> u64 {
    std::fs::metadata(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .len()
}

/// The bytes of the binary of `build` as the lab builds it: the cargo-built programs where
/// cargo left them, the C ones built again into a directory of their own (the same compiler,
/// flags and source give the same file).
fn built_bytes(build: Build) -> u64 {
    let work = TempDir::new("lab-test-bin");
    let bin = lab::compile::binary(build, &lab().0, work.path())
        .unwrap_or_else(|e| panic!("{build:?}: {e}"))
        .unwrap_or_else(|why| panic!("{build:?}: {why}"));
    file_bytes(&bin)
}

/// A figure that must have been measured.
fn measured(figure: &lab::Figure<u64>, what: &str) -> u64 {
    *figure.as_ref().unwrap_or_else(|e| panic!("{what}: {e}"))
}

#[test]
fn binary_bytes_are_the_size_of_the_file_the_lab_built() {
    for r in &lab().1.rows {
        let n = r.variant.number;
        let binary = measured(&r.binary_bytes, &format!("row {n}"));
        assert_eq!(binary, built_bytes(r.variant.build), "row {n}");
    }
}

#[test]
fn image_bytes_are_the_binary_plus_the_files_the_row_adds() {
    let rows = &lab().1.rows;
    // The files rows 7 to 9 add, on this machine: the interpreter row 2 names, and the
    // libc.so.6 that gcc links against.
    let interpreter = row(2)
        .elf
        .as_ref()
        .ok()
        .and_then(|e| e.interpreter.clone())
        .expect("row 2's ELF interpreter");
    let libc = Command::new("gcc")
        .arg("-print-file-name=libc.so.6")
        .output()
        .expect("run gcc");
    let libc = PathBuf::from(String::from_utf8_lossy(&libc.stdout).trim());
    assert!(libc.is_absolute(), "gcc found no libc.so.6: {libc:?}");
    let (interpreter, libc) = (file_bytes(Path::new(&interpreter)), file_bytes(&libc));
    for r in rows {
        let n = r.variant.number;
        let binary = measured(&r.binary_bytes, &format!("row {n}"));
        let image = measured(&r.image_bytes, &format!("row {n}"));
        let added = match r.variant.adds {
            Adds::Nothing => 0,
            Adds::OnlyLibc => libc,
            Adds::OnlyInterpreter => interpreter,
            Adds::Closure => libc + interpreter,
        };
        assert_eq!(image, binary + added, "row {n}: {:?}", r.variant.adds);
    }
}

#[test]
fn static_rows_need_nothing_and_dynamic_rows_name_the_loader_and_libc() {
    for r in &lab().1.rows {
        let n = r.variant.number;
        let elf = r.elf.as_ref().unwrap_or_else(|e| panic!("row {n}: {e}"));
        if [1, 3, 4, 6].contains(&n) {
            assert_eq!(elf.interpreter, None, "row {n}");
            assert!(elf.needed.is_empty(), "row {n}: {:?}", elf.needed);
        } else {
            assert_eq!(
                elf.interpreter.as_deref(),
                Some("/lib64/ld-linux-x86-64.so.2"),
                "row {n}"
            );
            assert!(
                elf.needed.iter().any(|l| l == "libc.so.6"),
                "row {n}: {:?}",
                elf.needed
            );
        }
    }
}

#[test]
fn rows_7_to_9_hold_what_they_say() {
    // The file sizes of row 9's closure are those of rows 7 and 8's single added files.
    let added =
        |n: usize| row(n).image_bytes.clone().unwrap() - row(n).binary_bytes.clone().unwrap();
    assert_eq!(added(9), added(7) + added(8));
    for n in [7, 8, 9] {
        assert!(row(n).measured_in_root, "row {n}");
    }
}

#[test]
fn the_lab_leaves_no_temporary_root_and_no_image() {
    let (tools, _) = lab();
    // The lab's directories are $TMPDIR/scratch-lab-<pid>-<n>, its images hello-nostd-lab-<pid>-<n>.
    let prefix = format!("scratch-lab-{}-", std::process::id());
    let left: Vec<_> = std::fs::read_dir(std::env::temp_dir())
        .expect("list the temp dir")
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with(&prefix))
        .map(|e| e.path())
        .collect();
    assert!(left.is_empty(), "left behind: {left:?}");
    if let Ok(engine) = &tools.engine {
        let out = std::process::Command::new(engine)
            .args(["images", "--format", "{{.Repository}}"])
            .output()
            .expect("list images");
        assert!(out.status.success(), "{engine} images: {:?}", out);
        let images = String::from_utf8_lossy(&out.stdout);
        let name = format!("hello-nostd-lab-{}-", std::process::id());
        assert!(!images.contains(&name), "images left behind: {images}");
    } else {
        can_run_images();
    }
}
