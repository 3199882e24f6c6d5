//! The generated figures of README.md and docs/ (the sections between
//! `<!-- figures:NAME:begin … -->` and `<!-- figures:NAME:end -->`, written by
//! `cargo make figures`) are what a fresh measurement gives: `cargo xtask figures --check`
//! builds the programs, measures them (strace, tini, Podman) and compares every section with
//! its document. A figure of a tool (rustc, tini, Podman) whose version differs from the one the
//! document names is not compared, as `tests/arch.rs` leaves out the byte counts of the
//! architecture table; the rest always is. A section whose tool is missing is skipped with a
//! `SKIPPED:` line, or under `CI=true` fails.

use std::process::Command;

#[test]
fn every_generated_figure_of_the_documents_is_a_fresh_measurements() {
    let out = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
        .args(["xtask", "figures", "--check"])
        .current_dir(system_tests::workspace_root())
        .output()
        .expect("cargo runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    // The SKIPPED: lines, the notes and the count, as the test's own output.
    eprint!("{stderr}");
    assert!(
        out.status.success(),
        "the generated figures are not a fresh measurement's (`cargo make figures` rewrites \
         them; `cargo xtask figures --check` compares them):\n{stderr}"
    );
}
