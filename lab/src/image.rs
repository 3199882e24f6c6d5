//! Running a row's root as a real `FROM scratch` image: `COPY` of the root directory, entrypoint
//! `/hello`, built and run with the engine `scripts/engine.sh` picks, removed afterwards by a
//! guard (also when the build or the run fails).

use std::path::Path;
use std::process::{Command, Stdio};

use crate::report::Outcome;
use crate::workspace::output;

/// The build file of every lab image. The root directory is the build context, and this file
/// lives outside it, so the image holds exactly the root's files.
pub const CONTAINERFILE: &str = "FROM scratch\nCOPY . /\nENTRYPOINT [\"/hello\"]\n";

/// The image `name` of `engine`, removed when this is dropped (`rmi --force`; Docker also
/// removes the untagged parent images of its classic builder with it, and Podman builds without
/// intermediate images: `--layers=false`).
struct ImageGuard<'a> {
    engine: &'a str,
    name: String,
}

impl Drop for ImageGuard<'_> {
    fn drop(&mut self) {
        let _ = Command::new(self.engine)
            .args(["rmi", "--force", &self.name])
            .stdin(Stdio::null())
            .output();
    }
}

/// Builds the image `name` from `root` (with its build file written into `work`, a directory
/// outside `root`), runs it once with `ENGINE run --rm --network none`, and removes it. An image
/// that does not build is reported as not run (`n/a (podman build failed)`), its error on stderr.
pub fn run(engine: &str, name: &str, root: &Path, work: &Path) -> Result<Outcome, String> {
    let file = work.join(format!("{name}.Containerfile"));
    std::fs::write(&file, CONTAINERFILE)
        .map_err(|e| format!("cannot write {}: {e}", file.display()))?;
    let _guard = ImageGuard {
        engine,
        name: name.to_string(),
    };
    let mut build = Command::new(engine);
    build.arg("build");
    if engine == "podman" {
        build.arg("--layers=false");
    }
    let built = output(
        build
            .args(["--quiet", "--tag", name, "--file"])
            .arg(&file)
            .arg(root)
            .stdin(Stdio::null()),
    )?;
    if !built.status.success() {
        let why = String::from_utf8_lossy(&built.stderr).trim().to_string();
        eprintln!(
            "lab: `{engine} build` of {name} failed ({}): {why}",
            built.status
        );
        return Ok(Outcome::NotRun(format!("n/a ({engine} build failed)")));
    }
    let ran = output(
        Command::new(engine)
            .args(["run", "--rm", "--network", "none", name])
            .stdin(Stdio::null()),
    )?;
    Ok(Outcome::of(&ran))
}
