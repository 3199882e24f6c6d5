//! `cargo make lab`: runs the scratch lab, prints its Markdown table and writes it with the chart
//! to `target/lab/lab.md` and `target/lab/lab.svg`. With `--doc` (`cargo make lab-doc`) it also
//! rewrites the lab table of `docs/lab.md` and the chart `docs/lab.svg`.
//!
//! Missing tools are named up front with their Debian packages; their figures say `n/a (no
//! TOOL)`. Under `CI=true` a missing tool fails the lab, and `--doc` always needs every tool.

use std::path::Path;
use std::process::ExitCode;

use lab::tools::Tools;
use lab::workspace::{root, target_dir};
use lab::{chart, doc, table};

const USAGE: &str = "usage: lab [--doc]

Builds Hello, world! nine ways, runs each in an empty root and a FROM scratch image,
measures it, prints the table and writes target/lab/lab.md and target/lab/lab.svg.
  --doc      also rewrite the lab table of docs/lab.md and docs/lab.svg (needs every tool)
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let for_doc = match args.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        [] => false,
        ["--doc"] => true,
        ["-h" | "--help"] => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        _ => {
            eprint!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match lab_main(for_doc) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("lab: error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The lab; every temporary root and image is gone when this returns.
fn lab_main(for_doc: bool) -> Result<(), String> {
    let tools = Tools::check();
    for m in &tools.missing {
        eprintln!("lab: {m}: its figures say n/a");
    }
    let ci = std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");
    if !tools.missing.is_empty() && (ci || for_doc) {
        let why = if ci { "CI=true" } else { "--doc" };
        return Err(format!(
            "{why} and {} tool(s) missing: {}",
            tools.missing.len(),
            tools.missing.join("; ")
        ));
    }

    let report = lab::run(&tools)?;
    let markdown = table::markdown(&report);
    let svg = chart::svg(&report)?;
    let out = target_dir().join("lab");
    write(&out.join("lab.md"), &markdown)?;
    write(&out.join("lab.svg"), &svg)?;
    print!("{markdown}");
    eprintln!("lab: wrote {0}/lab.md and {0}/lab.svg", out.display());

    if for_doc {
        let path = root().join(doc::PATH);
        let text = std::fs::read_to_string(&path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        write(&path, &doc::replace_section(&text, &markdown)?)?;
        write(&root().join(doc::CHART), &svg)?;
        eprintln!("lab: updated {} and {}", doc::PATH, doc::CHART);
    }
    Ok(())
}

/// Writes `text` to `path`, creating its directory.
fn write(path: &Path, text: &str) -> Result<(), String> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    std::fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
}
