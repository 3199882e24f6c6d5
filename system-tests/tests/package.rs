//! syscall-kit and syscall-kit-build as they would be published (nothing is published from
//! here): `cargo package` makes both crates and builds each from its package alone, their
//! dependencies taken from the registry; each package holds what its users need and no
//! dependency by path; syscall-kit's docs.rs targets are the architecture table's.
//!
//! `cargo package` runs `--offline`: the registry cache holds syscall-kit's dependencies once
//! the workspace has been built, as it has when its tests run. `--allow-dirty` lets it package a
//! working tree with uncommitted changes, as during development.

use std::path::Path;
use std::process::Command;

use syscall_kit_build::Arch;
use system_tests::{TempDir, assert_success_with, cargo, run, workspace_root};

/// The published crates.
const CRATES: [&str; 2] = ["syscall-kit", "syscall-kit-build"];

/// `cargo package ARGS` in the workspace, offline, dirty tree allowed.
fn cargo_package(args: &[&str]) -> Command {
    let mut cmd = cargo();
    cmd.arg("package")
        .args(["--offline", "--allow-dirty"])
        .args(args)
        .current_dir(workspace_root());
    cmd
}

/// The files of `krate`'s package, as `cargo package --list` prints them.
fn listed(krate: &str) -> Vec<String> {
    let out = run(&mut cargo_package(&["-p", krate, "--list"]));
    assert_success_with(&out, &format!("cargo package -p {krate} --list"), "");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_string)
        .collect()
}

/// The files under `dir`, relative to `base`, with `/` between components.
fn files_under(base: &Path, dir: &Path) -> Vec<String> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(files_under(base, &path));
        } else {
            let rel = path.strip_prefix(base).unwrap();
            files.push(rel.to_str().unwrap().to_string());
        }
    }
    files
}

/// The `path = …` keys of dependency tables (`[dependencies.x]`, `[target.….dev-dependencies.y]`
/// …) of a manifest as `cargo package` writes it, each table's keys on lines of their own.
fn path_dependencies(manifest: &str) -> Vec<String> {
    let mut table = "";
    let mut found = Vec::new();
    for line in manifest.lines() {
        if line.starts_with('[') {
            table = line;
        } else if table.contains("dependencies") && line.trim_start().starts_with("path =") {
            found.push(format!("{table} {line}"));
        }
    }
    found
}

#[test]
fn both_crates_package_and_build_from_their_packages() {
    let target = TempDir::new("package-target");
    let mut cmd = cargo_package(&["-p", CRATES[0], "-p", CRATES[1], "--target-dir"]);
    cmd.arg(target.path());
    let out = run(&mut cmd);
    assert_success_with(
        &out,
        "cargo package -p syscall-kit -p syscall-kit-build",
        "\n(--offline: the registry cache needs syscall-kit's dependencies, as after `cargo build --workspace`)",
    );
    let version = env!("CARGO_PKG_VERSION");
    for krate in CRATES {
        let dir = target.path().join("package");
        let packaged = dir.join(format!("{krate}-{version}.crate"));
        assert!(packaged.is_file(), "{} was made", packaged.display());
        // The manifest as published: every dependency from the registry.
        let manifest = dir.join(format!("{krate}-{version}")).join("Cargo.toml");
        let manifest = std::fs::read_to_string(&manifest)
            .unwrap_or_else(|e| panic!("{}: {e}", manifest.display()));
        assert_eq!(
            path_dependencies(&manifest),
            Vec::<String>::new(),
            "{krate}'s published manifest depends on a path"
        );
    }
}

#[test]
fn each_package_holds_its_readme_license_and_what_its_users_need() {
    for krate in CRATES {
        let files = listed(krate);
        for needed in ["Cargo.toml", "README.md", "LICENSE", "src/lib.rs"] {
            assert!(
                files.iter().any(|f| f == needed),
                "{krate}'s package has {needed}: {files:?}"
            );
        }
    }
    // syscall-kit's tests use the workspace's helpers, which are not published.
    let kit = listed("syscall-kit");
    assert!(
        !kit.iter().any(|f| f.starts_with("tests/")),
        "syscall-kit's package leaves its tests out: {kit:?}"
    );
    // A program's build script links with syscall-kit-build's linker scripts (`LD_DIR`).
    let build = listed("syscall-kit-build");
    let root = workspace_root().join("syscall-kit-build");
    let scripts = files_under(&root, &root.join("ld"));
    assert!(scripts.len() >= 5, "the linker scripts: {scripts:?}");
    for script in scripts {
        assert!(
            build.contains(&script),
            "syscall-kit-build's package has {script}: {build:?}"
        );
    }
}

#[test]
fn the_kits_docs_rs_targets_are_the_architecture_table() {
    let manifest =
        std::fs::read_to_string(workspace_root().join("syscall-kit/Cargo.toml")).unwrap();
    let docs_rs = manifest
        .split("[package.metadata.docs.rs]\n")
        .nth(1)
        .expect("syscall-kit/Cargo.toml has [package.metadata.docs.rs]");
    let targets = docs_rs
        .split("targets = [")
        .nth(1)
        .and_then(|t| t.split(']').next())
        .expect("docs.rs targets = [ … ]");
    let targets: Vec<&str> = targets
        .split(',')
        .map(|t| t.trim().trim_matches('"'))
        .filter(|t| !t.is_empty())
        .collect();
    let table: Vec<&str> = Arch::ALL.iter().map(|a| a.triple()).collect();
    assert_eq!(targets, table, "syscall-kit's docs.rs targets");
    let default = format!("default-target = \"{}\"", Arch::X86_64.triple());
    assert!(
        docs_rs.lines().any(|l| l == default),
        "docs.rs builds the host's first: {default}"
    );
}

#[test]
fn a_dependency_by_path_is_found_in_a_published_manifest() {
    let manifest = "[lib]\npath = \"src/lib.rs\"\n\n[dependencies.a]\nversion = \"1\"\n\n\
                    [dev-dependencies.b]\npath = \"../b\"\n";
    assert_eq!(
        path_dependencies(manifest),
        ["[dev-dependencies.b] path = \"../b\""]
    );
}
