//! The program template, `templates/program/`, as a user gets it: copied out of this workspace
//! into a temporary directory and built there with a plain `cargo build --release`, its
//! dependencies taken by version as from crates.io, where `--config 'patch.crates-io.…'` puts
//! this repository's syscall-kit and syscall-kit-build (they are not published). The binary runs
//! and is a static executable; the same copy without `-C link-self-contained=no` stops with the
//! build helper's one-line fix, never the linker's `_start` error. Its `.cargo/config.toml` is
//! the architecture table's, and its `src/main.rs` is the kit README's example.
//!
//! The builds resolve the dependencies afresh, as a user's first build does: they need the
//! crates.io index (CI has it). They use the toolchain that runs the tests (rustup's
//! `RUSTUP_TOOLCHAIN`, which it sets for cargo's children, takes precedence over the template's
//! `rust-toolchain.toml`).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use syscall_kit_build::{Arch, missing_rustflags};
use system_tests::elf::{check_static_executable, header};
use system_tests::{
    TempDir, assert_success_with, cargo, run, template_cargo_config, template_dir, workspace_root,
};

/// The template's package name, and so its binary's.
const PROGRAM: &str = "my-program";

/// A copy of the template in a new temporary directory, outside the workspace; `edit` changes
/// its files before the build (`name`, text) -> text.
fn copy_template(edit: impl Fn(&str, String) -> String) -> TempDir {
    let tmp = TempDir::new("template");
    assert!(
        !tmp.path().starts_with(workspace_root()),
        "the copy must be outside the workspace: {}",
        tmp.path().display()
    );
    copy_dir(&template_dir(), tmp.path(), Path::new(""), &edit);
    tmp
}

/// Copies the files of `from` (not `target/`) into `to`, passing each through `edit` with its
/// path relative to the template.
fn copy_dir(from: &Path, to: &Path, rel: &Path, edit: &impl Fn(&str, String) -> String) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name();
        let rel = rel.join(&name);
        if entry.file_type().unwrap().is_dir() {
            if name != "target" {
                copy_dir(&entry.path(), &to.join(&name), &rel, edit);
            }
        } else {
            let text = std::fs::read_to_string(entry.path()).unwrap();
            std::fs::write(to.join(&name), edit(rel.to_str().unwrap(), text)).unwrap();
        }
    }
}

/// `cargo build --release` in `dir`, as a user runs it there: none of the environment of the
/// cargo that runs these tests that would change the build (its rustflags, target, target
/// directory, profile settings), only where cargo and rustup live, the registry and the
/// network settings; and the patches that take syscall-kit and syscall-kit-build from this
/// repository.
fn user_build(dir: &Path) -> Output {
    let mut cmd = cargo();
    cmd.arg("build").arg("--release").current_dir(dir);
    for krate in ["syscall-kit", "syscall-kit-build"] {
        let path = workspace_root().join(krate);
        cmd.arg("--config").arg(format!(
            "patch.crates-io.{krate}.path={:?}",
            path.to_str().unwrap()
        ));
    }
    const KEPT: [&str; 5] = [
        "CARGO_HOME",
        "CARGO_HTTP_",
        "CARGO_NET_",
        "CARGO_REGISTRIES_",
        "CARGO_REGISTRY_",
    ];
    for (name, _) in std::env::vars_os() {
        let name = name.to_string_lossy();
        let cargos = name.starts_with("CARGO") && !KEPT.iter().any(|k| name.starts_with(k));
        let rustc = name.starts_with("RUSTC") || name.starts_with("RUSTFLAGS");
        if cargos || rustc || name == "RUSTDOCFLAGS" {
            cmd.env_remove(&*name);
        }
    }
    run(&mut cmd)
}

/// Where a release build of the template puts its binary: the target of its
/// `.cargo/config.toml`, the x86_64 row's.
fn binary(dir: &Path) -> PathBuf {
    dir.join("target")
        .join(Arch::X86_64.triple())
        .join("release")
        .join(PROGRAM)
}

/// The text of the first fenced block of `doc` whose info string is `info` (` ```info `).
fn code_block<'a>(doc: &'a str, info: &str) -> Option<&'a str> {
    let fence = format!("```{info}\n");
    let start = doc.find(&fence)? + fence.len();
    let len = doc[start..].find("\n```")?;
    Some(&doc[start..start + len + 1])
}

#[test]
fn the_template_builds_outside_the_workspace_into_a_static_program_that_runs() {
    let copy = copy_template(|_, text| text);
    let out = user_build(copy.path());
    assert_success_with(&out, "cargo build --release of the template's copy", "");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stderr.contains("warning"),
        "the template builds without a warning:\n{stderr}"
    );

    let bin = binary(copy.path());
    let data = std::fs::read(&bin).unwrap_or_else(|e| panic!("{}: {e}", bin.display()));
    check_static_executable(&data).unwrap_or_else(|e| panic!("{}: {e}", bin.display()));
    let h = header(&data).unwrap();
    assert_eq!(
        (h.bits, h.machine),
        (Arch::X86_64.bits(), Arch::X86_64.e_machine())
    );

    // What its README shows: a file of two lines, and one that does not exist.
    std::fs::write(copy.path().join("two-lines"), "one\ntwo\n").unwrap();
    let out = run(Command::new(&bin)
        .args(["two-lines", "/nope"])
        .current_dir(copy.path()));
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert_eq!(stdout, "2 8 two-lines\n");
    assert_eq!(
        stderr,
        "my-program: /nope: ENOENT: No such file or directory\n"
    );
    assert_eq!(out.status.code(), Some(1), "a file it could not read");
    let readme = std::fs::read_to_string(template_dir().join("README.md")).unwrap();
    assert_eq!(
        code_block(&readme, "text"),
        Some(format!("{stdout}{stderr}").as_str()),
        "templates/program/README.md shows the output of `my-program two-lines /nope`"
    );
    let ok = run(Command::new(&bin).arg("two-lines").current_dir(copy.path()));
    assert_eq!(ok.status.code(), Some(0), "{ok:?}");
}

#[test]
fn without_link_self_contained_no_the_build_stops_with_the_fix_before_the_linker() {
    const FLAG: &str = "'-C', 'link-self-contained=no', ";
    let copy = copy_template(|name, text| {
        if name == ".cargo/config.toml" {
            assert!(text.contains(FLAG), "{name} passes {FLAG}:\n{text}");
            text.replace(FLAG, "")
        } else {
            text
        }
    });
    let out = user_build(copy.path());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "the build fails:\n{stderr}");
    let fix = missing_rustflags(Arch::X86_64.triple(), "").unwrap();
    let errors: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("error: my-program"))
        .collect();
    assert_eq!(
        errors,
        [format!("error: {PROGRAM}@0.1.0: {fix}")],
        "one line with the fix:\n{stderr}"
    );
    assert!(
        fix.contains("`rustflags = [\"-C\", \"link-self-contained=no\"]`")
            && fix.contains(".cargo/config.toml"),
        "it says what to add, and where: {fix}"
    );
    // The linker's errors: `multiple definition of _start` (cc), `duplicate symbol: _start`
    // (rust-lld), after `linking with … failed`.
    for linker in ["linking with", "multiple definition", "duplicate symbol"] {
        assert!(
            !stderr.contains(linker),
            "the linker never ran ({linker:?}):\n{stderr}"
        );
    }
    let start: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains("_start") && !errors.contains(l))
        .collect();
    assert!(start.is_empty(), "only the fix names `_start`: {start:?}");
    // docs/troubleshooting.md quotes the line as cargo prints it.
    let doc = std::fs::read_to_string(workspace_root().join("docs/troubleshooting.md")).unwrap();
    assert!(
        doc.contains(errors[0]),
        "docs/troubleshooting.md quotes `{}`",
        errors[0]
    );
}

#[test]
fn without_panic_abort_the_build_stops_with_the_fix_first() {
    let copy = copy_template(|name, text| {
        if name == "Cargo.toml" {
            assert!(
                text.contains("panic = \"abort\"\n"),
                "{name} sets panic = \"abort\":\n{text}"
            );
            text.replace("panic = \"abort\"\n", "")
        } else {
            text
        }
    });
    let out = user_build(copy.path());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "the build fails:\n{stderr}");
    let first_error = stderr
        .lines()
        .find(|l| l.starts_with("error"))
        .unwrap_or_else(|| panic!("an error line:\n{stderr}"));
    assert_eq!(
        first_error,
        "error: syscall-kit's main! needs `panic = \"abort\"` in [profile.dev] and \
         [profile.release] of the program's Cargo.toml (a no_std program has no unwinder)",
        "the fix comes first:\n{stderr}"
    );
    // docs/troubleshooting.md names it.
    let doc = std::fs::read_to_string(workspace_root().join("docs/troubleshooting.md")).unwrap();
    assert!(
        doc.contains("main! needs `panic = \"abort\"`"),
        "docs/troubleshooting.md names it"
    );
}

#[test]
fn the_templates_configuration_is_the_architecture_tables_and_its_versions_the_kits() {
    let config = std::fs::read_to_string(template_cargo_config()).unwrap();
    assert_eq!(
        config,
        Arch::X86_64.config_toml(),
        "templates/program/.cargo/config.toml is not the table's: `cargo xtask template-config` rewrites it"
    );
    let toolchain = std::fs::read_to_string(template_dir().join("rust-toolchain.toml")).unwrap();
    let targets = format!("targets = [\"{}\"]", Arch::X86_64.triple());
    assert!(
        toolchain.lines().any(|l| l == targets),
        "rust-toolchain.toml has `{targets}`:\n{toolchain}"
    );
    // The template depends by version on the kit as this workspace versions it.
    let manifest = std::fs::read_to_string(template_dir().join("Cargo.toml")).unwrap();
    let version = env!("CARGO_PKG_VERSION");
    for dependency in [
        format!("syscall-kit = {{ version = \"{version}\", features = [\"alloc\"] }}"),
        format!("syscall-kit-build = \"{version}\""),
    ] {
        assert!(
            manifest.lines().any(|l| l == dependency),
            "templates/program/Cargo.toml has `{dependency}`"
        );
    }
    assert!(
        manifest.contains(&format!("name = \"{PROGRAM}\"")),
        "the package is {PROGRAM}"
    );
}

#[test]
fn the_kits_readme_example_is_the_templates_program() {
    let readme = std::fs::read_to_string(workspace_root().join("syscall-kit/README.md")).unwrap();
    let main = std::fs::read_to_string(template_dir().join("src/main.rs")).unwrap();
    let example = code_block(&readme, "rust,ignore")
        .expect("syscall-kit/README.md has a ```rust,ignore block, the template's program");
    assert_eq!(
        readme.find("```rust"),
        readme.find("```rust,ignore"),
        "the example is the README's first Rust block"
    );
    assert_eq!(
        example, main,
        "syscall-kit/README.md's example is templates/program/src/main.rs, which the template test builds and runs"
    );
}

#[test]
fn a_code_block_is_found_by_its_info_string() {
    let doc = "a\n```sh\nls\n```\n\n```text\none\ntwo\n```\n";
    assert_eq!(code_block(doc, "text"), Some("one\ntwo\n"));
    assert_eq!(code_block(doc, "sh"), Some("ls\n"));
    assert_eq!(code_block(doc, "rust"), None);
}
