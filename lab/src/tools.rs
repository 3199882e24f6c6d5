//! The tools the lab uses, checked up front. A missing one is named with the Debian package that
//! provides it, and the figures that need it say `n/a (no TOOL)`; under `CI=true` the lab fails
//! instead (see `main.rs`).

use std::process::{Command, Stdio};

/// Whether a tool can be used: `Err` holds the short reason the table shows (`no strace`).
pub type Availability = Result<(), String>;

/// The availability of every tool of the lab.
#[derive(Clone, Debug)]
pub struct Tools {
    /// `gcc` (package gcc): rows 2, 3, 7, 8, 9.
    pub gcc: Availability,
    /// `musl-gcc` (package musl-tools): row 4.
    pub musl_gcc: Availability,
    /// `strace` (package strace): the system calls.
    pub strace: Availability,
    /// `valgrind` (package valgrind): the instructions.
    pub valgrind: Availability,
    /// `unshare` (package util-linux) able to create mount and PID namespaces: empty roots.
    pub unshare: Availability,
    /// The container engine, `docker` or `podman` (chosen by `scripts/engine.sh`).
    pub engine: Result<String, String>,
    /// Every missing tool, with its package, in one line each.
    pub missing: Vec<String>,
}

/// The Debian package of each tool the lab can use.
pub const PACKAGES: [(&str, &str); 5] = [
    ("gcc", "gcc"),
    ("musl-gcc", "musl-tools"),
    ("strace", "strace"),
    ("valgrind", "valgrind"),
    ("unshare", "util-linux"),
];

impl Tools {
    /// Looks for every tool.
    pub fn check() -> Tools {
        let mut missing = Vec::new();
        let mut find = |tool: &str| -> Availability {
            if on_path(tool) {
                return Ok(());
            }
            let package = PACKAGES
                .iter()
                .find(|(t, _)| *t == tool)
                .map_or("?", |(_, p)| p);
            missing.push(format!("`{tool}` not found (Debian package {package})"));
            Err(format!("no {tool}"))
        };
        let gcc = find("gcc");
        let musl_gcc = find("musl-gcc");
        let strace = find("strace");
        let valgrind = find("valgrind");
        let mut unshare = find("unshare");
        if unshare.is_ok()
            && let Err(why) = probe_unshare()
        {
            missing.push(format!(
                "`unshare` cannot create mount and PID namespaces here: {why}"
            ));
            unshare = Err("unshare not permitted".into());
        }
        let engine = engine();
        if let Err(why) = &engine {
            missing.push(format!(
                "no container engine: {why} (Debian package podman, or Docker)"
            ));
        }
        Tools {
            gcc,
            musl_gcc,
            strace,
            valgrind,
            unshare,
            engine: engine.map_err(|_| "no engine".to_string()),
            missing,
        }
    }
}

/// Whether `tool` is found on `PATH`.
pub fn on_path(tool: &str) -> bool {
    which(tool).is_some()
}

/// The path of the executable `tool` on `PATH`.
pub fn which(tool: &str) -> Option<std::path::PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(tool))
        .find(|file| {
            std::fs::metadata(file).is_ok_and(|m| {
                use std::os::unix::fs::PermissionsExt;
                m.is_file() && m.permissions().mode() & 0o111 != 0
            })
        })
}

/// The `unshare` options that give a program its own root: new mount and PID namespaces, and as
/// a non-root user a user namespace mapping the caller to root in it (as `scripts/scratch-run.sh`).
pub fn namespaces() -> Vec<&'static str> {
    let mut args = Vec::new();
    if !system_tests::is_root() {
        args.extend(["--user", "--map-root-user"]);
    }
    args.extend(["--mount", "--pid", "--fork"]);
    args
}

/// Runs `true` in new namespaces: some machines forbid unprivileged user namespaces.
fn probe_unshare() -> Result<(), String> {
    let out = Command::new("unshare")
        .args(namespaces())
        .arg("true")
        .stdin(Stdio::null())
        .output()
        .map_err(|e| e.to_string())?;
    if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).trim().to_string())
    }
}

/// The engine `scripts/engine.sh --or-none` picks (`CONTAINER_ENGINE` forces one).
fn engine() -> Result<String, String> {
    let script = crate::workspace::root().join("scripts/engine.sh");
    let out = Command::new(&script)
        .arg("--or-none")
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run {}: {e}", script.display()))?;
    let name = String::from_utf8_lossy(&out.stdout).trim().to_string();
    match name.as_str() {
        "docker" | "podman" if out.status.success() => Ok(name),
        "none" => Err("neither docker nor podman found".into()),
        _ => Err(String::from_utf8_lossy(&out.stderr).trim().to_string()),
    }
}
