//! What `docs/lab.md` says of the lab's results: which rows run and print `Hello, world!`, which
//! fail and with which error, hello-nostd's system calls and instructions, the sizes.

use lab::Outcome;
use lab::variants::{Adds, Expect, VARIANTS};

use crate::{can_run_images, can_run_roots, lab, ok_or_skip, row};

/// The rows `docs/lab.md` documents as running, and those it documents as failing.
const RUN: [usize; 5] = [1, 3, 4, 6, 9];
const FAIL: [usize; 4] = [2, 5, 7, 8];

#[test]
fn the_documented_rows_are_the_ones_the_variants_expect() {
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

#[test]
fn hello_nostd_runs_the_fewest_instructions_of_all_rows() {
    if !ok_or_skip(&lab().0.valgrind, "valgrind") {
        return;
    }
    let nostd = *row(1)
        .instructions
        .as_ref()
        .expect("hello-nostd's instructions");
    assert!(nostd > 0);
    let mut compared = 0;
    for r in &lab().1.rows[1..] {
        if let Ok(n) = r.instructions {
            assert!(n > nostd, "row {}: {n} <= {nostd}", r.variant.number);
            compared += 1;
        }
    }
    assert_eq!(compared, 7, "every row but 7 has a count");
}

#[test]
fn sizes_are_positive_and_images_hold_at_least_the_binary() {
    for r in &lab().1.rows {
        let n = r.variant.number;
        let binary = *r
            .binary_bytes
            .as_ref()
            .unwrap_or_else(|e| panic!("row {n}: {e}"));
        let image = *r
            .image_bytes
            .as_ref()
            .unwrap_or_else(|e| panic!("row {n}: {e}"));
        assert!(binary > 0, "row {n}");
        if r.variant.adds == Adds::Nothing {
            assert_eq!(image, binary, "row {n}: the binary is all its image holds");
        } else {
            assert!(
                image > binary,
                "row {n}: {image} bytes with its added files"
            );
        }
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
