//! `cargo make lab`: runs the scratch lab, prints its Markdown table and writes it with the chart
//! to `target/lab/lab.md` and `target/lab/lab.svg`. With `--readme` (`cargo make lab-readme`) it
//! also rewrites the README's lab section and `docs/lab.svg`.
//!
//! Missing tools are named up front with their Debian packages; their figures say `n/a (no
//! TOOL)`. Under `CI=true` a missing tool fails the lab, and `--readme` always needs every tool.

use std::path::Path;
use std::process::ExitCode;

use lab::tools::Tools;
use lab::workspace::{root, target_dir};
use lab::{chart, readme, table};

const USAGE: &str = "usage: lab [--readme]

Builds Hello, world! nine ways, runs each in an empty root and a FROM scratch image,
measures it, prints the table and writes target/lab/lab.md and target/lab/lab.svg.
  --readme   also rewrite README.md's lab section and docs/lab.svg (needs every tool)
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let for_readme = match args.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        [] => false,
        ["--readme"] => true,
        ["-h" | "--help"] => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        _ => {
            eprint!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match lab_main(for_readme) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("lab: error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The lab; every temporary root and image is gone when this returns.
fn lab_main(for_readme: bool) -> Result<(), String> {
    let tools = Tools::check();
    for m in &tools.missing {
        eprintln!("lab: {m}: its figures say n/a");
    }
    let ci = std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");
    if !tools.missing.is_empty() && (ci || for_readme) {
        let why = if ci { "CI=true" } else { "--readme" };
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

    if for_readme {
        let path = root().join("README.md");
        let text = std::fs::read_to_string(&path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        write(&path, &readme::replace_section(&text, &markdown)?)?;
        write(&root().join("docs/lab.svg"), &svg)?;
        eprintln!("lab: updated README.md and docs/lab.svg");
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
