//! `cargo make bench`: runs every performance comparison of the kit with its peers (see
//! [`lab::bench`]), prints one Markdown table of ratios and goals and writes it to
//! `target/bench/table.md`. `bench SECTION...` runs only those sections
//! ([`lab::bench::SECTIONS`]) and writes `target/bench/SECTION.md` (sections joined by `-`):
//! `bench serve` (`cargo make bench-serve`) the rows of scratch-serve against nginx, in
//! `target/bench/serve.md`. Every missing tool of what runs is named with its Debian package
//! first.

use std::process::ExitCode;

use lab::bench;
use lab::workspace::target_dir;

fn main() -> ExitCode {
    let only: Vec<String> = std::env::args().skip(1).collect();
    if only.iter().any(|a| a.starts_with('-')) {
        eprintln!(
            "usage: bench [SECTION...]\n\nRuns every performance comparison (or those of the \
             sections named: {}) and prints the table (also target/bench/table.md, or \
             target/bench/SECTION.md). Takes a few minutes.",
            bench::SECTIONS.join(", ")
        );
        return ExitCode::from(2);
    }
    if let Some(bad) = bench::unknown_section(&only) {
        eprintln!("bench: {bad}");
        return ExitCode::from(2);
    }
    let missing = bench::missing_tools(&bench::tools_for(&only));
    if !missing.is_empty() {
        for m in &missing {
            eprintln!("bench: {m}");
        }
        return ExitCode::FAILURE;
    }
    let out = target_dir().join("bench");
    let table = match bench::run(&out, &only).map(|rows| bench::table::markdown(&rows)) {
        Ok(table) => table,
        Err(e) => {
            eprintln!("bench: error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let file = out.join(if only.is_empty() {
        "table.md".to_string()
    } else {
        format!("{}.md", only.join("-"))
    });
    if let Err(e) = std::fs::write(&file, &table) {
        eprintln!("bench: error: cannot write {}: {e}", file.display());
        return ExitCode::FAILURE;
    }
    print!("{table}");
    println!();
    println!("{}", bench::machine());
    ExitCode::SUCCESS
}
