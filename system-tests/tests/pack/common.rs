//! What the tests of scratch-pack share: running it, reading what it wrote, the engine.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use system_tests::{assert_success_with, engine_setup_hint, nostd_bin, run, test_image_name};

/// scratch-pack, built for this machine.
pub fn scratch_pack() -> PathBuf {
    nostd_bin("scratch-pack")
}

/// Runs scratch-pack with `args`.
pub fn pack(args: &[&OsStr]) -> Output {
    run(Command::new(scratch_pack()).args(args))
}

/// `OsStr`s of anything path-like, for [`pack`].
#[macro_export]
macro_rules! args {
    ($($a:expr),* $(,)?) => {
        &[$(::std::ffi::OsStr::new(&$a)),*]
    };
}

pub fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Runs scratch-pack with `args`, which must write the image: exit status 0, the digest alone
/// on standard output, and every line of standard error its own (`scratch-pack: …`). Returns
/// the digest.
pub fn packed(args: &[&OsStr]) -> String {
    let out = pack(args);
    assert!(
        out.status.success(),
        "scratch-pack {args:?}: {}\n{}",
        out.status,
        text(&out.stderr)
    );
    let stdout = text(&out.stdout);
    let digest = stdout.trim_end().to_string();
    assert!(
        digest.starts_with("sha256:") && digest.len() == 71 && !digest.contains('\n'),
        "the digest alone on standard output: {stdout:?}"
    );
    for line in text(&out.stderr).lines() {
        assert!(line.starts_with("scratch-pack: "), "{line}");
    }
    digest
}

/// `scratch-doctor --image IMAGE [--platform P]`: it must say the image starts (exit status
/// 0, `starts: yes`).
pub fn doctor_says_it_starts(image: &Path, platform: Option<&str>) {
    let mut cmd = Command::new(nostd_bin("scratch-doctor"));
    cmd.arg("--image").arg(image);
    if let Some(p) = platform {
        cmd.args(["--platform", p]);
    }
    let out = run(&mut cmd);
    let report = text(&out.stdout);
    assert!(
        out.status.success() && report.lines().any(|l| l == "starts: yes"),
        "scratch-doctor --image {} says it does not start ({}):\n{report}{}",
        image.display(),
        out.status,
        text(&out.stderr)
    );
}

/// `localhost/hello-nostd-test-<pid>-<what>:latest`: the name of a test image, given with
/// `--tag` (fully qualified, so that the engines name it the same).
pub fn image_name(what: &str) -> String {
    format!("localhost/{}:latest", test_image_name(what))
}

pub fn assert_success(out: &Output, what: &str) {
    assert_success_with(out, what, engine_setup_hint());
}

/// `podman load -i IMAGE`, which must succeed.
pub fn podman_load(image: &Path) {
    let out = run(Command::new("podman")
        .args(["load", "--quiet", "--input"])
        .arg(image));
    assert_success(&out, "podman load");
}

/// `podman run --rm NAME ARGS...`, its output.
pub fn podman_run(name: &str, args: &[&str]) -> Output {
    run(Command::new("podman")
        .args(["run", "--rm", "--network", "none", name])
        .args(args))
}

/// Runs the image `name` (`podman run`, no argument) and asserts that it prints
/// `Hello, world!` (hello-nostd's line, and hello.c's), with `context` and its standard error
/// in the message otherwise.
pub fn assert_says_hello(name: &str, context: &str) {
    let out = podman_run(name, &[]);
    assert_eq!(
        text(&out.stdout),
        "Hello, world!\n",
        "{context}: {}",
        text(&out.stderr)
    );
}

/// The names in `dir` (a directory that must hold nothing else after a failure).
pub fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// The member `name` of the tar archive `archive`, read with GNU tar.
pub fn member(archive: &Path, name: &str) -> Vec<u8> {
    let out = run(Command::new("tar").arg("-xOf").arg(archive).arg(name));
    assert_success(&out, &format!("tar -xOf {} {name}", archive.display()));
    out.stdout
}

/// The JSON blob `digest` of the archive `archive`.
pub fn blob_json(archive: &Path, digest: &str) -> serde_json::Value {
    let bytes = member(
        archive,
        &format!("blobs/sha256/{}", digest.trim_start_matches("sha256:")),
    );
    serde_json::from_slice(&bytes).unwrap()
}

/// The listing `tar -tv` gives of the layer `digest` of `archive` (GNU tar, which reads gzip
/// and zstd itself): one line per entry.
pub fn layer_listing(archive: &Path, digest: &str, dir: &Path) -> Vec<String> {
    let blob = dir.join("layer");
    std::fs::write(
        &blob,
        member(
            archive,
            &format!("blobs/sha256/{}", digest.trim_start_matches("sha256:")),
        ),
    )
    .unwrap();
    let out = run(Command::new("tar")
        .args(["--numeric-owner", "--full-time", "-tvf"])
        .arg(&blob));
    assert_success(&out, "tar -tvf LAYER");
    text(&out.stdout).lines().map(str::to_string).collect()
}
