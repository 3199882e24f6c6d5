//! The workspace and its programs as the tests use them: the no_std programs, built once per
//! test process, the program template, and the `cargo make` tasks.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::arch::Arch;

/// The workspace root (the parent of this crate's directory).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("system-tests lives inside the workspace")
        .to_path_buf()
}

/// The program template a user copies to start a program of their own (`templates/program`:
/// its own project, not a member of this workspace).
pub fn template_dir() -> PathBuf {
    workspace_root().join("templates").join("program")
}

/// The template's `.cargo/config.toml`: the x86_64 row's [`Arch::config_toml`], which `cargo
/// xtask template-config` writes.
pub fn template_cargo_config() -> PathBuf {
    template_dir().join(".cargo").join("config.toml")
}

/// The cargo that runs these tests (`$CARGO`), else `cargo`.
pub fn cargo() -> Command {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}

/// Path of a no_std program of the workspace, built for x86_64 in release mode; see
/// [`nostd_bin_for`].
pub fn nostd_bin(name: &str) -> PathBuf {
    nostd_bin_for(Arch::X86_64, name)
}

/// Path of a no_std program of the workspace built for `arch` in release mode.
///
/// The first call for an architecture in a test process runs `cargo xtask build ARCH`, which
/// builds the no_std programs of that architecture (the list is the xtask's), so a test never
/// runs a stale binary; later calls reuse that build.
pub fn nostd_bin_for(arch: Arch, name: &str) -> PathBuf {
    use std::collections::HashMap;
    use std::sync::Mutex;
    static BUILT: Mutex<Option<HashMap<Arch, Result<(), String>>>> = Mutex::new(None);
    let mut built = BUILT.lock().unwrap_or_else(|e| e.into_inner());
    let result = built
        .get_or_insert_with(HashMap::new)
        .entry(arch)
        .or_insert_with(|| {
            let out = cargo()
                .args(["xtask", "build", arch.name()])
                .current_dir(workspace_root())
                .output()
                .map_err(|e| format!("cannot run cargo: {e}"))?;
            if out.status.success() {
                Ok(())
            } else {
                Err(String::from_utf8_lossy(&out.stderr).into_owned())
            }
        });
    if let Err(e) = result {
        panic!("`cargo xtask build {}` failed:\n{e}", arch.name());
    }
    let path = workspace_root()
        .join("target")
        .join(arch.triple())
        .join("release")
        .join(name);
    assert!(path.is_file(), "{} was not built", path.display());
    path
}

/// A `cargo make` command (the tasks of `Makefile.toml`) to run in the workspace root.
///
/// cargo-make writes its own `[cargo-make] …` log lines to stdout; [`task_stdout`] removes them.
pub fn cargo_make() -> Command {
    let mut cmd = cargo();
    cmd.arg("make").current_dir(workspace_root());
    cmd
}

/// The stdout of a `cargo make` run without cargo-make's own `[cargo-make] …` log lines (written
/// `[cargo-make][1] …` when cargo-make runs inside another cargo-make task, as under
/// `cargo make test`): what the tasks themselves printed.
pub fn task_stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout)
        .split_inclusive('\n')
        .filter(|l| !l.starts_with("[cargo-make]"))
        .collect()
}
