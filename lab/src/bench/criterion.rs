//! The Criterion benchmarks of `bench/` (a workspace of its own): run with `cargo bench`, their
//! medians read from what Criterion writes, `criterion/GROUP/ID/new/estimates.json` in the
//! target directory.

use std::path::{Path, PathBuf};

use super::json::Json;
use super::run_to_stderr;
use super::table::{Row, Unit};
use crate::workspace::{cargo, root};

/// The size classes of the heap benchmark (`heap-class-N`, bytes).
pub const HEAP_CLASSES: [u64; 7] = [16, 64, 256, 1024, 4096, 16384, 65536];

/// The rows of the last run of the benchmarks `syscalls` and `heap` in `target`: `write` and
/// `getppid` through the kit against glibc (`libc`) and rustix; the kit's heap against glibc's.
pub fn rows(target: &Path) -> Result<Vec<Row>, String> {
    let median = |group: &str, id: &str| median_ns(target, group, id);
    let mut rows = Vec::new();
    for call in ["write", "getppid"] {
        for peer in ["libc", "rustix"] {
            rows.push(Row::new(
                format!("syscall {call} (ns/call)"),
                median(call, "kit")?,
                peer,
                median(call, peer)?,
                Some("1.00"),
                Unit::Ns,
            ));
        }
    }
    rows.push(Row::new(
        "heap mixed workload (ns/run)",
        median("heap-mixed", "kit")?,
        "glibc",
        median("heap-mixed", "glibc")?,
        Some("1.50"),
        Unit::Ns,
    ));
    for size in HEAP_CLASSES {
        let group = format!("heap-class-{size}");
        rows.push(Row::new(
            format!("heap class {size} B (ns/1000 alloc+free)"),
            median(&group, "kit")?,
            "glibc",
            median(&group, "glibc")?,
            Some("2.00"),
            Unit::Ns,
        ));
    }
    Ok(rows)
}

/// Criterion's options: a short warm-up and measurement (the bench runs a few minutes in all),
/// no plots.
pub const OPTIONS: [&str; 5] = ["--warm-up-time", "1", "--measurement-time", "3", "--noplot"];

/// `cargo bench --manifest-path bench/Cargo.toml --bench BENCH -- OPTIONS`, building into
/// `target` (the workspace's own target directory, as `cargo make bench` always has).
pub fn run(bench: &str, target: &Path) -> Result<(), String> {
    let mut cmd = cargo();
    cmd.args([
        "bench",
        "--manifest-path",
        "bench/Cargo.toml",
        "--bench",
        bench,
        "--",
    ])
    .args(OPTIONS)
    .env("CARGO_TARGET_DIR", target)
    .current_dir(root());
    run_to_stderr(&mut cmd, &format!("cargo bench --bench {bench}"))
}

/// `cargo build --release --manifest-path bench/Cargo.toml --example NAME` into `target`, and
/// the example's path.
pub fn build_example(name: &str, target: &Path) -> Result<PathBuf, String> {
    let mut cmd = cargo();
    cmd.args([
        "build",
        "--release",
        "--manifest-path",
        "bench/Cargo.toml",
        "--example",
        name,
    ])
    .env("CARGO_TARGET_DIR", target)
    .current_dir(root());
    run_to_stderr(&mut cmd, &format!("cargo build --example {name}"))?;
    Ok(target.join("release/examples").join(name))
}

/// The median, in nanoseconds, of the benchmark `GROUP/ID` of the last run in `target`.
pub fn median_ns(target: &Path, group: &str, id: &str) -> Result<f64, String> {
    let file = target
        .join("criterion")
        .join(group)
        .join(id)
        .join("new/estimates.json");
    let json = Json::read(&file)?;
    json.number(&["median", "point_estimate"])
}

#[cfg(test)]
mod tests {
    use super::Json;

    #[test]
    fn reads_the_median_point_estimate() {
        let text = r#"{"mean":{"confidence_interval":{"confidence_level":0.95,"lower_bound":90.1,"upper_bound":91.9},"point_estimate":91.0,"standard_error":0.4},"median":{"confidence_interval":{"confidence_level":0.95,"lower_bound":90.5,"upper_bound":91.2},"point_estimate":90.9,"standard_error":0.2},"median_abs_dev":null,"slope":null,"std_dev":null}"#;
        let json = Json::parse(text, "estimates.json").unwrap();
        assert_eq!(json.number(&["median", "point_estimate"]), Ok(90.9));
        assert!(json.number(&["median", "nothing"]).is_err());
    }
}
