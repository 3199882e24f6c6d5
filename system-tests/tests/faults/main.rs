//! Faults: every program of the workspace under injected system-call errors and real ones, each
//! run ending in a clean recovery or a clean error, never a wrong success, a panic, a crash or
//! a hang (docs/faults.md).
//!
//! - `matrix.rs`: strace lists each case's system calls (`cases.rs`); each plausible error
//!   (`errnos.rs`) is injected with `strace -e inject=` into the 1st, 2nd, 3rd and every call;
//!   `classify.rs` compares each run with the fault-free one; `run.rs` runs with a deadline.
//! - `real.rs`: full filesystem, file-size and address-space limits, `/dev/full`, closed
//!   descriptors, a deleted working directory, an unreadable `/etc/ld.so.cache`.
//! - `table.rs`: the table of docs/faults.md, generated from both and compared with a fresh run.
//!
//! Shared helpers of their own (not in `system_tests`): running with a deadline and a digest
//! of a directory's files (`run.rs`).

mod cases;
mod classify;
mod errnos;
mod matrix;
mod real;
mod run;
mod table;

use std::path::PathBuf;
use std::sync::OnceLock;

use system_tests::{nostd_bin, require_tool};

/// The directory of the no_std programs, built for this test process; `None` when strace or
/// prlimit is missing outside CI (the tests are skipped).
fn bin_dir() -> Option<PathBuf> {
    if !require_tool("strace", "strace") || !require_tool("prlimit", "util-linux") {
        return None;
    }
    let hello = nostd_bin("hello-nostd");
    Some(
        hello
            .parent()
            .expect("the programs' directory")
            .to_path_buf(),
    )
}

/// The matrix, run once per test process (the doc-table test reads it too).
fn matrix() -> Option<&'static matrix::Report> {
    static REPORT: OnceLock<Option<matrix::Report>> = OnceLock::new();
    REPORT
        .get_or_init(|| bin_dir().map(|bin| matrix::run_matrix(&bin)))
        .as_ref()
}

/// The real faults, run once per test process.
fn real_faults() -> Option<&'static Vec<real::Result>> {
    static RESULTS: OnceLock<Option<Vec<real::Result>>> = OnceLock::new();
    RESULTS
        .get_or_init(|| bin_dir().and_then(|bin| real::run_all(&bin)))
        .as_ref()
}

#[test]
fn every_injected_fault_ends_in_a_clean_recovery_or_a_clean_error() {
    let Some(report) = matrix() else { return };
    let text = report.text();
    println!("{text}");
    let [_, _, _, _, defects] = report.totals();
    assert_eq!(
        defects, 0,
        "{defects} defects in the fault matrix (each above with the command that reproduces it)"
    );
}

#[test]
fn every_real_fault_ends_in_its_expected_clean_error() {
    let Some(results) = real_faults() else { return };
    let text = real::text(results);
    println!("{text}");
    let failed = results.iter().filter(|r| !r.passed).count();
    assert_eq!(failed, 0, "{failed} real faults did not end as expected");
}

/// docs/faults.md holds the table of a fresh run: the same command lines, calls, defects, real
/// faults and results (see `table.rs`). `FAULTS_DOC=write` rewrites it first.
#[test]
fn the_fault_table_of_the_docs_is_a_fresh_run() {
    let Some(report) = matrix() else { return };
    let real = real_faults().map(Vec::as_slice);
    let fresh = table::markdown(report, real);
    let root = system_tests::workspace_root();
    let generated = root.join("target/faults/table.md");
    std::fs::create_dir_all(generated.parent().unwrap()).unwrap();
    std::fs::write(&generated, &fresh).unwrap();
    let path = root.join(table::PATH);
    let mut doc =
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    if std::env::var("FAULTS_DOC").is_ok_and(|v| v == "write") {
        doc = table::replace_section(&doc, &fresh).unwrap();
        std::fs::write(&path, &doc).unwrap();
    }
    let committed = table::section(&doc).unwrap();
    let (c_matrix, c_real) = table::shape(committed);
    let (f_matrix, f_real) = table::shape(&fresh);
    assert_eq!(
        c_matrix,
        f_matrix,
        "the matrix of {} is not a fresh run's (written to {}); rewrite it with `FAULTS_DOC=write CI=true cargo test -p system-tests --test faults`",
        table::PATH,
        generated.display()
    );
    assert_eq!(c_real.len(), f_real.len(), "real faults of {}", table::PATH);
    for (c, f) in c_real.iter().zip(&f_real) {
        if f[3].starts_with("not run") {
            assert_eq!(c[..3], f[..3], "real fault of {}", table::PATH);
        } else {
            assert_eq!(
                c,
                f,
                "real fault of {} (fresh table in {})",
                table::PATH,
                generated.display()
            );
        }
    }
}
