//! Temporary directories and the root directory of each row: the binary as `/hello` plus the
//! files the row adds, from the closure `scratch-doctor --copy-closure` copies. Everything is
//! created under one [`Scratch`] directory, removed when it is dropped: on every return path,
//! including a failed step (the lab reports failures as errors, never by panicking).

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use system_tests::TempDir;

use crate::compile;
use crate::report::Outcome;
use crate::tools::namespaces;
use crate::variants::Adds;
use crate::workspace::{clean_env, output};

/// A temporary directory, removed with everything in it when dropped (system-tests' `TempDir`).
#[derive(Debug)]
pub struct Scratch(TempDir);

impl Scratch {
    /// Creates `$TMPDIR/PREFIX-PID-N`.
    pub fn new(prefix: &str) -> Result<Scratch, String> {
        TempDir::try_new(prefix).map(Scratch)
    }

    /// Its path.
    pub fn path(&self) -> &Path {
        self.0.path()
    }

    /// A new empty directory `NAME` inside it.
    pub fn dir(&self, name: &str) -> Result<PathBuf, String> {
        let dir = self.path().join(name);
        std::fs::create_dir_all(&dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        Ok(dir)
    }
}

/// A dynamic program's closure as `scratch-doctor --copy-closure DIR PROGRAM` copies it into
/// `dir`: the files' paths relative to `dir`, which are their paths in the image, sorted. The
/// program's own copy (at its host path) is left out: the lab puts the program at `/hello`.
pub fn copy_closure(program: &Path, dir: &Path) -> Result<Vec<PathBuf>, String> {
    let program = program
        .canonicalize()
        .map_err(|e| format!("cannot resolve {}: {e}", program.display()))?;
    let doctor = compile::scratch_doctor();
    let out = output(
        Command::new(&doctor)
            .arg("--copy-closure")
            .arg(dir)
            .arg(&program)
            .stdin(Stdio::null()),
    )?;
    if !out.status.success() {
        return Err(format!(
            "{} --copy-closure {} {} failed ({}):\n{}{}",
            doctor.display(),
            dir.display(),
            program.display(),
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    // The program keeps the (absolute) path it was named by.
    let own_copy = program.strip_prefix("/").unwrap_or(&program).to_path_buf();
    let mut files = files(dir)?;
    files.retain(|f| *f != own_copy);
    Ok(files)
}

/// Fills `root` with `binary` as `/hello` (mode 0755) and the files of `closure` (staged in
/// `staged`) that `adds` selects; `interpreter` is the binary's `PT_INTERP`.
pub fn assemble(
    root: &Path,
    binary: &Path,
    adds: Adds,
    staged: &Path,
    closure: &[PathBuf],
    interpreter: Option<&str>,
) -> Result<(), String> {
    copy_file(binary, &root.join("hello"))?;
    std::fs::set_permissions(root.join("hello"), std::fs::Permissions::from_mode(0o755))
        .map_err(|e| format!("cannot chmod {}/hello: {e}", root.display()))?;
    let interpreter = interpreter.map(|i| PathBuf::from(i.trim_start_matches('/')));
    for file in closure {
        let keep = match adds {
            Adds::Nothing => false,
            Adds::OnlyLibc => file.file_name().is_some_and(|n| n == "libc.so.6"),
            Adds::OnlyInterpreter => Some(file) == interpreter.as_ref(),
            Adds::Closure => true,
        };
        if keep {
            copy_file(&staged.join(file), &root.join(file))?;
        }
    }
    Ok(())
}

/// Copies a file's contents and permissions, creating the directories above `to`.
pub fn copy_file(from: &Path, to: &Path) -> Result<(), String> {
    if let Some(parent) = to.parent() {
        std::fs::create_dir_all(parent)
            .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    }
    std::fs::copy(from, to)
        .map(|_| ())
        .map_err(|e| format!("cannot copy {} to {}: {e}", from.display(), to.display()))
}

/// Copies the tree `from` (directories and regular files) into `to`.
pub fn copy_tree(from: &Path, to: &Path) -> Result<(), String> {
    for file in files(from)? {
        copy_file(&from.join(&file), &to.join(&file))?;
    }
    Ok(())
}

/// The regular files under `dir`, as paths relative to it, sorted.
pub fn files(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let mut found = Vec::new();
    let mut pending = vec![PathBuf::new()];
    while let Some(rel) = pending.pop() {
        let entries = std::fs::read_dir(dir.join(&rel))
            .map_err(|e| format!("cannot list {}: {e}", dir.join(&rel).display()))?;
        for entry in entries {
            let entry = entry.map_err(|e| format!("cannot list {}: {e}", dir.display()))?;
            let kind = entry
                .file_type()
                .map_err(|e| format!("cannot stat {}: {e}", entry.path().display()))?;
            let path = rel.join(entry.file_name());
            if kind.is_dir() {
                pending.push(path);
            } else if kind.is_file() {
                found.push(path);
            }
        }
    }
    found.sort();
    Ok(found)
}

/// Bytes of all regular files under `dir`: what an image of it holds.
pub fn bytes(dir: &Path) -> Result<u64, String> {
    let mut total = 0;
    for file in files(dir)? {
        let path = dir.join(file);
        total += std::fs::metadata(&path)
            .map_err(|e| format!("cannot stat {}: {e}", path.display()))?
            .len();
    }
    Ok(total)
}

/// Runs `/hello` in `root` as its root directory: `unshare --mount --pid --fork --root=ROOT
/// /hello` (plus a user namespace when not root), as `scripts/scratch-run.sh` does.
pub fn run(root: &Path) -> Result<Outcome, String> {
    let out = output(
        clean_env(&mut Command::new("unshare"))
            .args(namespaces())
            .arg(format!("--root={}", root.display()))
            .arg("/hello")
            .stdin(Stdio::null()),
    )?;
    Ok(Outcome::of(&out))
}
