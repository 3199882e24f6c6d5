//! The scratch lab's own results, from one run of the lab shared by the tests of this binary
//! (`results.rs`, `doc.rs`), and the lab's handling of missing tools (`tools.rs`).
//!
//! The run needs gcc, musl-gcc, strace, valgrind, unshare and a container engine: a test whose
//! figures need a missing one says `SKIPPED: …` and why, and fails under `CI=true`.

mod doc;
mod results;
mod tools;

use std::sync::OnceLock;

use lab::Report;
use lab::tools::Tools;

/// The tools found, and the report of the one lab run of this test process.
fn lab() -> &'static (Tools, Report) {
    static LAB: OnceLock<(Tools, Report)> = OnceLock::new();
    LAB.get_or_init(|| {
        let tools = Tools::check();
        for missing in &tools.missing {
            system_tests::skip_or_fail(&format!("{missing}: the lab's figures that need it"));
        }
        let report = lab::run(&tools).unwrap_or_else(|e| panic!("the lab failed: {e}"));
        (tools, report)
    })
}

/// The row numbered `n`.
fn row(n: usize) -> &'static lab::Row {
    &lab().1.rows[n - 1]
}

/// Whether the empty-root runs were possible (else the caller skips, or fails under CI).
fn can_run_roots() -> bool {
    ok_or_skip(&lab().0.unshare, "unshare")
}

/// Whether a container engine ran the images.
fn can_run_images() -> bool {
    ok_or_skip(
        &lab().0.engine.as_ref().map(|_| ()).map_err(Clone::clone),
        "engine",
    )
}

/// `true` when `availability` is `Ok`; otherwise skips (or fails under CI) naming `what`.
fn ok_or_skip(availability: &Result<(), String>, what: &str) -> bool {
    match availability {
        Ok(()) => true,
        Err(why) => {
            system_tests::skip_or_fail(&format!("{what}: {why}"));
            false
        }
    }
}
