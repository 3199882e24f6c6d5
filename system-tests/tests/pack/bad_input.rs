//! Bad input: each one line on standard error (`scratch-pack: …`), nothing on standard output,
//! exit status 2, and nothing left where the image was to be written (no image, no temporary
//! file or directory). And the inputs that are not bad but need pax records (a name over 100
//! bytes, one that is not UTF-8, a link target over 100 bytes, a file over 8 GiB) packed and
//! read back by GNU tar.

use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use system_tests::fixtures::{BuildDir, go_build};
use system_tests::{TempDir, nostd_bin, require_root, require_tool, run};

use super::common::{
    assert_success, doctor_says_it_starts, layer_listing, listing, member, pack, packed,
    scratch_pack, text,
};
use crate::args;

/// Asserts that `out` is a refusal: exit status 2, nothing on standard output, one line on
/// standard error that starts `scratch-pack: ` and contains `says`; and that `dir` (where the
/// image was to be written) holds only `before`.
fn refused(out: &Output, says: &str, dir: &Path, before: &[String]) {
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(out.stdout.is_empty(), "{}", text(&out.stdout));
    assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
    assert!(stderr.starts_with("scratch-pack: "), "{stderr}");
    assert!(stderr.contains(says), "{says:?} in {stderr}");
    assert_eq!(listing(dir), before, "nothing left behind");
}

#[test]
fn every_bad_input_is_one_line_and_exit_status_2_with_nothing_left_behind() {
    let dir = TempDir::new("pack-bad");
    let d = dir.path();
    let hello = nostd_bin("hello-nostd");
    let p = |n: &str| d.join(n);
    std::fs::copy(&hello, p("noexec")).unwrap();
    set_mode(&p("noexec"), 0o644);
    std::fs::write(p("text"), "just text\n").unwrap();
    set_mode(&p("text"), 0o755);
    std::os::unix::fs::symlink("/nonexistent/file", p("dangling")).unwrap();
    std::os::unix::fs::symlink("loop", p("loop")).unwrap();
    std::fs::create_dir_all(p("root/sub")).unwrap();
    std::fs::write(p("root/sub/file"), "x").unwrap();
    // A socket in a tree to add.
    std::fs::create_dir_all(p("with-socket")).unwrap();
    let _socket = std::os::unix::net::UnixListener::bind(p("with-socket/sock")).unwrap();
    std::fs::create_dir_all(p("with-fifo")).unwrap();
    let out = run(Command::new("mkfifo").arg(p("with-fifo/fifo")));
    assert_success(&out, "mkfifo");
    let before = listing(d);
    let image = p("image.tar");

    let cases: Vec<(Vec<OsString>, &str)> = vec![
        (
            args!["-o", image, p("missing")].owned(),
            "missing: no such file or directory",
        ),
        (
            args!["-o", image, p("noexec")].owned(),
            "noexec: not executable (mode 0644)",
        ),
        (
            args!["-o", image, p("text")].owned(),
            "text: neither an ELF file nor a #! script",
        ),
        (
            args!["-o", image, d].owned(),
            ": a directory, not a program",
        ),
        (
            args![
                "-o",
                image,
                "--add",
                format!("{}:/d", p("dangling").display()),
                hello
            ]
            .owned(),
            "dangling: a symbolic link to nothing (it dangles)",
        ),
        (
            args![
                "-o",
                image,
                "--add",
                format!("{}:/l", p("loop").display()),
                hello
            ]
            .owned(),
            "loop: too many levels of symbolic links (a loop)",
        ),
        (
            args!["-o", image, "--root", p("with-socket"), hello].owned(),
            "sock: a socket: an image holds no devices, FIFOs or sockets (refused)",
        ),
        (
            args!["-o", image, "--root", p("with-fifo"), hello].owned(),
            "fifo: a FIFO: an image holds no devices, FIFOs or sockets (refused)",
        ),
        (
            args!["-o", image, "--add", "/dev/null:/null", hello].owned(),
            "--add /dev/null: a character device: an image holds no devices",
        ),
        (
            args!["-o", p("root/sub/image.tar"), "--root", p("root"), hello].owned(),
            "is inside --root",
        ),
        (args!["-o", hello, hello].owned(), "is inside PROGRAM"),
        (
            args!["-o", image, "--user", "nobody", hello].owned(),
            "--user nobody: the image has no /etc/passwd to find nobody in",
        ),
        (
            args!["-o", image, "--passwd", "--user", "alice", hello].owned(),
            "--user alice: the image's /etc/passwd has no user alice",
        ),
        (
            args!["-o", image, "--platform", "linux/arm64", hello].owned(),
            "--platform linux/arm64 does not match the program, which is for linux/amd64",
        ),
        (
            args!["-o", image, "--tz", "Europe/Nowhere", hello].owned(),
            "--tz Europe/Nowhere: no such zone in /usr/share/zoneinfo",
        ),
        (
            args![
                "-o",
                image,
                "--root",
                p("root"),
                "--add",
                format!("{}:/sub/file", p("text").display()),
                hello
            ]
            .owned(),
            "/sub/file: given twice",
        ),
        (
            args!["-o", image, "--compression", "xz", hello].owned(),
            "--compression xz",
        ),
        (args!["-o", image].owned(), "no PROGRAM given"),
        (
            args!["--bogus", "-o", image, hello].owned(),
            "unknown option --bogus",
        ),
        (
            args!["-o", image, "--trace", "--program-path", "/x", hello].owned(),
            "--program-path and --trace: a traced PROGRAM stays at its path on this machine",
        ),
        (
            args!["-o", image, "--timeout", "5s", hello].owned(),
            "--timeout needs --trace",
        ),
        (
            args!["-o", image, "--trace", "/bin/false"].owned(),
            "--trace: /bin/false exited with status 1",
        ),
    ];
    for (a, says) in &cases {
        let a: Vec<&OsStr> = a.iter().map(|s| s.as_os_str()).collect();
        refused(&pack(&a), says, d, &before);
    }
    // A bad SOURCE_DATE_EPOCH.
    let out = run(Command::new(scratch_pack())
        .env("SOURCE_DATE_EPOCH", "yesterday")
        .args(args!["-o", image, hello]));
    refused(
        &out,
        "SOURCE_DATE_EPOCH=yesterday: not a whole number of seconds",
        d,
        &before,
    );
    // A file that was there is not replaced by a failed run.
    std::fs::write(&image, "the old image").unwrap();
    let with_old = listing(d);
    refused(
        &pack(args!["-o", image, p("missing")]),
        "no such file",
        d,
        &with_old,
    );
    assert_eq!(std::fs::read(&image).unwrap(), b"the old image");
}

/// Owned arguments, for a list of cases.
trait Owned {
    fn owned(&self) -> Vec<OsString>;
}

impl Owned for [&OsStr] {
    fn owned(&self) -> Vec<OsString> {
        self.iter().map(|s| s.to_os_string()).collect()
    }
}

fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

/// A command run by root in a new mount namespace, with `setup` (shell) first: the mounts it
/// makes are gone with it.
fn in_mount_namespace(setup: &str, pack_args: &[&OsStr]) -> Output {
    let mut cmd = Command::new("unshare");
    cmd.args(["--mount", "--propagation", "private", "sh", "-c"])
        .arg(format!("{setup} && exec \"$@\""))
        .arg("sh")
        .arg(scratch_pack())
        .args(pack_args);
    run(&mut cmd)
}

#[test]
fn a_directory_loop_and_a_device_in_a_root_are_refused() {
    if !require_root("a bind mount (a directory loop) and mknod") {
        return;
    }
    let dir = TempDir::new("pack-loop");
    let d = dir.path();
    std::fs::create_dir_all(d.join("root/a/loop")).unwrap();
    std::fs::create_dir_all(d.join("dev-root")).unwrap();
    let out = run(Command::new("mknod")
        .arg(d.join("dev-root/null"))
        .args(["c", "1", "3"]));
    assert_success(&out, "mknod");
    let out_dir = d.join("out");
    std::fs::create_dir(&out_dir).unwrap();
    let image = out_dir.join("image.tar");
    let hello = nostd_bin("hello-nostd");
    let root = d.join("root");
    let out = in_mount_namespace(
        &format!(
            "mount --bind {} {}",
            root.display(),
            root.join("a/loop").display()
        ),
        args!["-o", image, "--root", root, hello],
    );
    refused(&out, "a/loop: a directory loop", &out_dir, &[]);
    let out = pack(args!["-o", image, "--root", d.join("dev-root"), hello]);
    refused(
        &out,
        "null: a character device: an image holds no devices",
        &out_dir,
        &[],
    );
}

#[test]
fn a_full_disk_mid_write_leaves_nothing_behind() {
    if !require_root("mounting a small tmpfs") {
        return;
    }
    let build = BuildDir::new("pack-full");
    // A program of megabytes, whose layer does not fit in 256 KiB.
    let Some(program) = go_build(build.path(), "needs-go", "") else {
        return;
    };
    let full = build.path().join("full");
    std::fs::create_dir(&full).unwrap();
    for format in ["oci-archive", "oci-dir"] {
        // The run that fills the disk is the shell's: its status and what the tmpfs holds
        // after it are written beside it; the command the namespace ends with is
        // `scratch-pack --version`, whose status is 0.
        let out = in_mount_namespace(
            &format!(
                "mount -t tmpfs -o size=256k tmpfs {0} && \
                 {{ {1} --format {format} -o {0}/image {2}; echo $? > {3}/status.txt; }}; \
                 ls -A {0} > {3}/left.txt",
                full.display(),
                scratch_pack().display(),
                program.display(),
                build.path().display()
            ),
            args!["--version"],
        );
        assert!(out.status.success(), "{}", text(&out.stderr));
        let status = std::fs::read_to_string(build.path().join("status.txt")).unwrap();
        assert_eq!(status.trim(), "2", "exit status 2 ({format})");
        let left = std::fs::read_to_string(build.path().join("left.txt")).unwrap();
        assert_eq!(left, "", "nothing left on the full file system ({format})");
        let stderr = text(&out.stderr);
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(
            stderr.starts_with("scratch-pack: cannot write ")
                && stderr.contains("ENOSPC: No space left on device"),
            "{stderr}"
        );
    }
}

/// The bytes of `path`'s name components.
fn os(bytes: &[u8]) -> PathBuf {
    PathBuf::from(OsStr::from_bytes(bytes))
}

#[test]
fn long_and_non_utf8_names_long_links_and_a_file_over_8_gib_are_pax_records() {
    if !require_tool("tar", "tar") {
        return;
    }
    let build = BuildDir::new("pack-pax");
    let b = build.path();
    let root = b.join("root");
    let deep = "d".repeat(120);
    let long_name = "n".repeat(200);
    std::fs::create_dir_all(root.join(&deep)).unwrap();
    std::fs::write(root.join(&deep).join("file"), "in a deep directory").unwrap();
    std::fs::write(root.join(&long_name), "a long name").unwrap();
    std::fs::write(root.join(os(b"caf\xe9")), "not UTF-8").unwrap();
    std::os::unix::fs::symlink(format!("{deep}/file"), root.join("long-link")).unwrap();
    // 8 GiB and one byte, all a hole: written as zeros, its size a pax record.
    let huge = b.join("huge");
    let out = run(Command::new("truncate")
        .args(["-s", "8589934593"])
        .arg(&huge));
    assert_success(&out, "truncate");
    let image = b.join("image.tar");
    let hello = nostd_bin("hello-nostd");
    packed(args![
        "-o",
        image,
        "--root",
        root,
        "--add",
        format!("{}:/huge", huge.display()),
        hello
    ]);
    doctor_says_it_starts(&image, None);

    let index: serde_json::Value = serde_json::from_slice(&member(&image, "index.json")).unwrap();
    let manifest =
        super::common::blob_json(&image, index["manifests"][0]["digest"].as_str().unwrap());
    let listing = layer_listing(&image, manifest["layers"][0]["digest"].as_str().unwrap(), b);
    let line = |end: &str| {
        listing
            .iter()
            .find(|l| l.ends_with(end))
            .unwrap_or_else(|| panic!("{end} in {listing:#?}"))
            .clone()
    };
    assert!(line(" huge").contains(" 8589934593 "), "{}", line(" huge"));
    assert!(line(&format!(" {deep}/file")).starts_with("-rw-r--r--"));
    assert!(line(&format!(" {long_name}")).starts_with("-rw-r--r--"));
    assert!(line(&format!(" long-link -> {deep}/file")).starts_with("lrwxrwxrwx"));
    // The name that is not UTF-8, byte for byte: extracted by GNU tar (the huge file left out).
    let out_dir = b.join("extracted");
    std::fs::create_dir(&out_dir).unwrap();
    let out = run(Command::new("tar")
        .arg("-xf")
        .arg(b.join("layer"))
        .arg("-C")
        .arg(&out_dir)
        .args(["--exclude", "huge"]));
    assert_success(&out, "tar -xf LAYER");
    assert_eq!(
        std::fs::read(out_dir.join(os(b"caf\xe9"))).unwrap(),
        b"not UTF-8"
    );
    assert_eq!(
        std::fs::read(out_dir.join(&deep).join("file")).unwrap(),
        b"in a deep directory"
    );
    assert_eq!(
        std::fs::read(out_dir.join(&long_name)).unwrap(),
        b"a long name"
    );
}
