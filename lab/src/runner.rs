//! The lab from start to end: build every variant, give each its root, run it there and in an
//! image, and measure it.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::report::{Figure, Outcome, Report, Row};
use crate::roots::{self, Scratch};
use crate::tools::Tools;
use crate::variants::{Adds, VARIANTS, Variant};
use crate::workspace::first_line;
use crate::{compile, elf, image, instructions, syscalls};

/// Runs the lab with the tools in `tools`: figures whose tool is missing say `n/a (no TOOL)`.
/// Every temporary directory and image is removed before this returns, also on an error.
pub fn run(tools: &Tools) -> Result<Report, String> {
    compile::cargo_builds()?;
    let scratch = Scratch::new("scratch-lab")?;
    // The C binaries are built for each run in its own directory: two labs at once (as in the
    // tests) never run a binary the other is rewriting.
    let bin_dir = scratch.dir("bin")?;
    let mut closures = Closures::default();
    let mut rows = Vec::new();
    for variant in VARIANTS {
        eprintln!("lab: row {}: {}", variant.number, variant.name);
        rows.push(row(variant, tools, &scratch, &bin_dir, &mut closures)?);
    }
    Ok(Report {
        rows,
        engine: tools.engine.clone().ok(),
        versions: versions(tools),
    })
}

/// The closures copied so far: binary, staging directory, files.
#[derive(Default)]
struct Closures(Vec<(PathBuf, PathBuf, Vec<PathBuf>)>);

impl Closures {
    /// The closure of `binary`, copied by scratch-doctor into a directory of `scratch` the first
    /// time it is asked for.
    fn of(&mut self, binary: &Path, scratch: &Scratch) -> Result<(PathBuf, Vec<PathBuf>), String> {
        if let Some((_, dir, files)) = self.0.iter().find(|(b, _, _)| b == binary) {
            return Ok((dir.clone(), files.clone()));
        }
        let dir = scratch.dir(&format!("closure-{}", self.0.len()))?;
        let files = roots::copy_closure(binary, &dir)?;
        self.0
            .push((binary.to_path_buf(), dir.clone(), files.clone()));
        Ok((dir, files))
    }
}

/// Builds, runs and measures one variant.
fn row(
    variant: Variant,
    tools: &Tools,
    scratch: &Scratch,
    bin_dir: &Path,
    closures: &mut Closures,
) -> Result<Row, String> {
    let binary = match compile::binary(variant.build, tools, bin_dir)? {
        Ok(binary) => binary,
        Err(why) => return Ok(unavailable(variant, &format!("n/a ({why})"))),
    };
    let data =
        std::fs::read(&binary).map_err(|e| format!("cannot read {}: {e}", binary.display()))?;
    let facts = elf::read(&data).map_err(|e| format!("{}: {e}", binary.display()))?;

    let root = scratch.dir(&format!("root-{}", variant.number))?;
    let (staged, closure) = if variant.adds == Adds::Nothing {
        (PathBuf::new(), Vec::new())
    } else {
        closures.of(&binary, scratch)?
    };
    roots::assemble(
        &root,
        &binary,
        variant.adds,
        &staged,
        &closure,
        facts.interpreter.as_deref(),
    )?;
    let image_bytes = roots::bytes(&root)?;

    let empty_root = match &tools.unshare {
        Ok(()) => roots::run(&root)?,
        Err(why) => Outcome::NotRun(format!("n/a ({why})")),
    };
    let image = match &tools.engine {
        Ok(engine) => {
            let name = format!("hello-nostd-lab-{}-{}", std::process::id(), variant.number);
            image::run(engine, &name, &root, scratch.path())?
        }
        Err(why) => Outcome::NotRun(format!("n/a ({why})")),
    };

    let in_root = variant.adds != Adds::Nothing;
    let work = scratch.dir(&format!("work-{}", variant.number))?;
    let syscalls = match (&tools.strace, &tools.unshare) {
        (Err(why), _) => Err(format!("n/a ({why})")),
        (Ok(()), Err(why)) if in_root => Err(format!("n/a ({why})")),
        _ if in_root => syscalls::in_root(&root, &work)?,
        _ => syscalls::on_host(&binary, &work)?,
    };
    let instructions = match (&tools.valgrind, &tools.unshare) {
        (Err(why), _) => Err(format!("n/a ({why})")),
        // The program never started: no instruction of it ran (valgrind, which loads programs
        // itself, stops at the same missing file: `m_ume.c: can't open interpreter`).
        _ if syscalls.as_ref().is_err_and(|e| e.starts_with("none")) => {
            Err("none (execve fails)".into())
        }
        (Ok(()), Err(why)) if in_root => Err(format!("n/a ({why})")),
        _ if in_root => {
            instructions::in_root(&root, &scratch.dir(&format!("vg-{}", variant.number))?)?
        }
        _ => instructions::on_host(&binary, &work)?,
    };
    Ok(Row {
        variant,
        binary_bytes: Ok(data.len() as u64),
        image_bytes: Ok(image_bytes),
        elf: Ok(facts),
        empty_root,
        image,
        syscalls,
        instructions,
        measured_in_root: in_root,
    })
}

/// A row whose binary cannot be built here: every figure says why.
fn unavailable(variant: Variant, why: &str) -> Row {
    let na = || -> Figure<u64> { Err(why.to_string()) };
    Row {
        variant,
        binary_bytes: na(),
        image_bytes: na(),
        elf: Err(why.to_string()),
        empty_root: Outcome::NotRun(why.to_string()),
        image: Outcome::NotRun(why.to_string()),
        syscalls: Err(why.to_string()),
        instructions: na(),
        measured_in_root: variant.adds != Adds::Nothing,
    }
}

/// `name version` of the kernel and of each tool that is present.
fn versions(tools: &Tools) -> Vec<String> {
    let run = |program: &str, args: &[&str]| -> Option<String> {
        Command::new(program)
            .args(args)
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| first_line(&o.stdout))
            .filter(|l| !l.is_empty())
    };
    let mut v = Vec::new();
    v.extend(run("uname", &["-sr"]));
    if tools.gcc.is_ok() {
        v.extend(run("gcc", &["-dumpfullversion"]).map(|x| format!("gcc {x}")));
    }
    v.extend(run("rustc", &["-V"]));
    if tools.strace.is_ok() {
        v.extend(run("strace", &["-V"]));
    }
    if tools.valgrind.is_ok() {
        v.extend(run("valgrind", &["--version"]));
    }
    if let Ok(engine) = &tools.engine {
        v.extend(run(engine, &["--version"]));
    }
    v
}
