//! The lab table of `docs/lab.md` is the lab's: same rows, same programs, same runs and failures.
//! Counts that vary between machines (bytes, system calls, instructions) are not compared.

use lab::doc::{self, shapes_of_report, shapes_of_table};
use lab::table;

use crate::lab;

/// The document that holds the lab table, `docs/lab.md`.
fn doc_text() -> String {
    let path = lab::workspace::root().join(doc::PATH);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn the_doc_table_has_the_rows_runs_and_failures_of_a_fresh_run() {
    let text = doc_text();
    let section = doc::section(&text).expect("the lab section of docs/lab.md");
    let committed = shapes_of_table(section);
    assert_eq!(
        committed.len(),
        9,
        "rows of the lab table of docs/lab.md:\n{section}"
    );
    for shape in &committed {
        assert_ne!(
            shape.empty_root, "n/a",
            "the committed table is complete: {shape:?}"
        );
        assert_ne!(
            shape.image, "n/a",
            "the committed table is complete: {shape:?}"
        );
    }
    let fresh = shapes_of_report(&lab().1);
    for (c, f) in committed.iter().zip(&fresh) {
        assert_eq!(
            (&c.number, &c.program),
            (&f.number, &f.program),
            "row order and names"
        );
        // A column this machine could not measure (n/a; skipped or failed in lab()) is not compared.
        if f.empty_root != "n/a" {
            assert_eq!(c.empty_root, f.empty_root, "row {}: empty root", c.number);
        }
        if f.image != "n/a" {
            assert_eq!(c.image, f.image, "row {}: scratch image", c.number);
        }
    }
    assert!(
        text.contains("![scratch lab chart](lab.svg)"),
        "docs/lab.md shows the chart beside it"
    );
    assert!(
        lab::workspace::root().join(doc::CHART).is_file(),
        "docs/lab.svg is committed (cargo make lab-doc)"
    );
}

#[test]
fn the_table_of_a_run_reads_back_as_that_run() {
    let (_, report) = lab();
    let markdown = table::markdown(report);
    assert_eq!(shapes_of_table(&markdown), shapes_of_report(report));
    let svg = lab::chart::svg(report).expect("chart");
    assert!(svg.starts_with("<svg"), "{}", &svg[..svg.len().min(80)]);
    for r in &report.rows {
        assert!(
            svg.contains(r.variant.short),
            "the chart labels {}",
            r.variant.short
        );
    }
}
