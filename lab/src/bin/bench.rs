//! `cargo make bench`: runs every performance comparison of the kit with its peers (see
//! [`lab::bench`]), prints one Markdown table of ratios and goals and writes it to
//! `target/bench/table.md`; `bench serve` (`cargo make bench-serve`) runs only the rows of
//! scratch-serve against nginx and writes `target/bench/serve.md`. Every missing tool is named
//! with its Debian package first.

use std::process::ExitCode;

use lab::bench;
use lab::workspace::target_dir;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let only_serve = match args.as_slice() {
        [] => false,
        [one] if one == "serve" => true,
        _ => {
            eprintln!(
                "usage: bench [serve]\n\nRuns every performance comparison and prints the table \
                 (also target/bench/table.md). Takes a few minutes. With `serve`, only the rows \
                 of scratch-serve against nginx (also target/bench/serve.md)."
            );
            return ExitCode::from(2);
        }
    };
    let tools: &[&str] = if only_serve {
        &bench::SERVE_TOOLS
    } else {
        &bench::TOOLS
    };
    let missing = bench::missing_tools(tools);
    if !missing.is_empty() {
        for m in &missing {
            eprintln!("bench: {m}");
        }
        return ExitCode::FAILURE;
    }
    let out = target_dir().join("bench");
    let rows = if only_serve {
        bench::run_serve(&out)
    } else {
        bench::run(&out)
    };
    let table = match rows.map(|rows| bench::table::markdown(&rows)) {
        Ok(table) => table,
        Err(e) => {
            eprintln!("bench: error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let file = out.join(if only_serve { "serve.md" } else { "table.md" });
    if let Err(e) = std::fs::write(&file, &table) {
        eprintln!("bench: error: cannot write {}: {e}", file.display());
        return ExitCode::FAILURE;
    }
    print!("{table}");
    println!();
    println!("{}", bench::machine());
    ExitCode::SUCCESS
}
