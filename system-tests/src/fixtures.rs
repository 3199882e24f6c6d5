//! The programs the tests build from `system-tests/fixtures`: C with gcc, Go with `go build`,
//! in a [`BuildDir`] that is never under /tmp (a program's closure brings its directories into
//! an image: a program under /tmp would bring /tmp, and change what is tested).

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::{assert_success_with, require_tool, run, workspace_root};

/// A directory for the programs a test builds, under `target/` (or `/var/tmp` when the
/// workspace is under /tmp) and never under /tmp: the host file's closure holds the program at
/// its path, and a program under /tmp would bring /tmp into the image the doctor checks it
/// against. Removed on drop.
pub struct BuildDir(PathBuf);

impl BuildDir {
    /// `<base>/<what>-<pid>`, empty.
    pub fn new(what: &str) -> BuildDir {
        // Not under /tmp, wherever the workspace is (a clone in /tmp, as CI may make one): the
        // image of a program's closure holds the program's directories, and with them /tmp.
        let base = if workspace_root().starts_with("/tmp") {
            PathBuf::from("/var/tmp/hello-nostd-fixture-builds")
        } else {
            workspace_root().join("target/fixture-builds")
        };
        let dir = base.join(format!("{what}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        BuildDir(dir)
    }

    /// Its path.
    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for BuildDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A C program built from `system-tests/fixtures/SOURCE` into `dir`.
pub fn gcc(dir: &Path, source: &str) -> Option<PathBuf> {
    if !require_tool("gcc", "gcc") {
        return None;
    }
    let out_path = dir.join(source.trim_end_matches(".c"));
    let out = run(Command::new("gcc")
        .args(["-O2", "-o"])
        .arg(&out_path)
        .arg(workspace_root().join("system-tests/fixtures").join(source)));
    assert_success_with(&out, "gcc (Debian packages gcc, libc6-dev)", "");
    Some(out_path)
}

/// The Go program of `system-tests/fixtures/needs-go`, built static (`CGO_ENABLED=0`) and
/// stripped into `dir`, with `tags` (`-tags`); offline (`GOPROXY=off`: it imports only the
/// standard library), its build cache under `target/`.
pub fn go_build(dir: &Path, out: &str, tags: &str) -> Option<PathBuf> {
    if !require_tool("go", "golang-go") {
        return None;
    }
    let path = dir.join(out);
    let target = workspace_root().join("target/go");
    let result = run(Command::new("go")
        .current_dir(workspace_root().join("system-tests/fixtures/needs-go"))
        .env("CGO_ENABLED", "0")
        .env("GOPROXY", "off")
        .env("GOFLAGS", "-mod=mod")
        .env("HOME", &target)
        .env("GOPATH", target.join("path"))
        .env("GOCACHE", target.join("cache"))
        .args(["build", "-trimpath", "-ldflags=-s -w", "-tags", tags, "-o"])
        .arg(&path)
        .arg("."));
    assert_success_with(&result, "go build (Debian package golang-go)", "");
    Some(path)
}
