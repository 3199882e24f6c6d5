//! `scratch-doctor --image`: its prediction against reality. Each case is an image built with
//! Podman from a committed Containerfile (`fixtures/doctor-images/CASE.Containerfile`), saved
//! as an OCI archive, a docker archive and an OCI layout directory; the doctor's verdict on
//! each must be the same, and the error it predicts must be what `podman run` of the image
//! prints (an image it says starts must print its output). Then bad input: each one line on
//! standard error and exit status 2.
//!
//! On this project's CI machines Podman needs `.ci/setup-engine.sh` sourced first (runc,
//! cgroupfs, lower ulimits); elsewhere `export CONTAINERS_CONF=$PWD/.ci/containers.conf`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use system_tests::{
    TempDir, TestImages, assert_success_with, engine_lock, engine_setup_hint, nostd_bin,
    require_tool, run, test_image_name, workspace_root,
};

const HELLO: &str = "Hello, world!\n";

/// The formats `podman save` writes that the doctor reads (their layers are plain tar).
const FORMATS: [&str; 3] = ["oci-archive", "docker-archive", "oci-dir"];

/// Saves the image `name` into `dir` in every [`FORMATS`], and pushes it to OCI layouts with
/// gzip and with zstd layers (`podman push --compression-format`); returns what each is and
/// its path.
fn save_all(name: &str, dir: &Path) -> Vec<(String, PathBuf)> {
    let mut saved = Vec::new();
    for format in FORMATS {
        let path = dir.join(format);
        let out = run(Command::new("podman")
            .args(["save", "--quiet", "--format", format, "--output"])
            .arg(&path)
            .arg(name));
        assert_success(&out, &format!("podman save --format {format}"));
        saved.push((format.to_string(), path));
    }
    for compression in ["gzip", "zstd"] {
        let path = dir.join(format!("oci-{compression}"));
        let out = run(Command::new("podman")
            .args(["push", "--quiet", "--compression-format", compression, name])
            .arg(format!("oci:{}", path.display())));
        assert_success(
            &out,
            &format!("podman push --compression-format {compression}"),
        );
        saved.push((format!("oci layout, {compression} layers"), path));
    }
    saved
}

fn assert_success(out: &Output, what: &str) {
    assert_success_with(out, what, engine_setup_hint());
}

fn doctor(args: &[&std::ffi::OsStr]) -> Output {
    run(Command::new(nostd_bin("scratch-doctor")).args(args))
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// The build context every case's Containerfile takes its files from: the static hello
/// (`hello`, and `noexec` without execute bits, and `foreign` with another machine in its ELF
/// header; `linked-rel/bin/` with it and the link `rel` -> `hello`, `linked-abs/bin/abs` ->
/// `/hello`), the C hello dynamically
/// linked (`dynamic`), its ELF interpreter (`interp`), its closure (`root/`), a `#!/bin/sh`
/// script (`run.sh`, and `crlf.sh` with CRLF line ends). Returns it and the interpreter's path.
fn context() -> Option<(TempDir, String)> {
    if !require_tool("gcc", "gcc") {
        return None;
    }
    let dir = TempDir::new("doctor-image-context");
    let p = |n: &str| dir.path().join(n);
    let hello = nostd_bin("hello-nostd");
    std::fs::copy(&hello, p("hello")).unwrap();
    std::fs::copy(&hello, p("noexec")).unwrap();
    set_mode(&p("noexec"), 0o644);
    // The same program for IA-64 (e_machine 50, bytes 18-19 of the ELF header): exec fails
    // with ENOEXEC on any x86_64 machine, since qemu-user has no IA-64 emulator and so no
    // binfmt_misc entry takes it. (A machine of the project's table, ppc64le say, has an
    // entry once CI registers qemu's: the patched x86_64 code then runs under qemu-ppc64le,
    // and never ends.)
    let mut foreign = std::fs::read(&hello).unwrap();
    foreign[18..20].copy_from_slice(&50u16.to_le_bytes());
    std::fs::write(p("foreign"), foreign).unwrap();
    set_mode(&p("foreign"), 0o755);
    std::fs::write(p("run.sh"), "#!/bin/sh\necho hello\n").unwrap();
    set_mode(&p("run.sh"), 0o755);
    std::fs::write(p("crlf.sh"), "#!/bin/sh\r\necho hello\r\n").unwrap();
    set_mode(&p("crlf.sh"), 0o755);
    std::fs::create_dir_all(p("linked-rel/bin")).unwrap();
    std::fs::copy(&hello, p("linked-rel/bin/hello")).unwrap();
    std::os::unix::fs::symlink("hello", p("linked-rel/bin/rel")).unwrap();
    std::fs::create_dir_all(p("linked-abs/bin")).unwrap();
    std::os::unix::fs::symlink("/hello", p("linked-abs/bin/abs")).unwrap();
    let out = run(Command::new("gcc")
        .arg("-O2")
        .arg("-o")
        .arg(p("dynamic"))
        .arg(workspace_root().join("system-tests/fixtures/hello.c")));
    assert_success(&out, "gcc (Debian packages gcc, libc6-dev)");
    let interp = match scratch_doctor::inspect(&std::fs::read(p("dynamic")).unwrap()) {
        Ok(scratch_doctor::Program::Elf(f)) => f.interpreter.expect("gcc's output has PT_INTERP"),
        other => panic!("gcc wrote no ELF program: {other:?}"),
    };
    std::fs::copy(&interp, p("interp")).unwrap();
    let out = run(Command::new("gcc")
        .args(["-static", "-O2", "-o"])
        .arg(p("unlink-listed"))
        .arg(workspace_root().join("system-tests/fixtures/unlink-listed.c")));
    assert_success(&out, "gcc -static (Debian packages gcc, libc6-dev)");
    std::fs::write(p("interp.list"), format!("{interp}\n")).unwrap();
    // `newer`: the C hello needing GLIBC_9.99 where it needs GLIBC_2.34 (glibc 2.34 and later
    // give __libc_start_main that version): the first occurrence is in its dynamic string
    // table, which its version requirements name.
    let mut newer = std::fs::read(p("dynamic")).unwrap();
    let at = newer
        .windows(10)
        .position(|w| w == b"GLIBC_2.34")
        .expect("the C hello needs GLIBC_2.34 (glibc 2.34 or later)");
    newer[at..at + 10].copy_from_slice(b"GLIBC_9.99");
    std::fs::write(p("newer"), newer).unwrap();
    set_mode(&p("newer"), 0o755);
    std::fs::create_dir(p("root")).unwrap();
    let out = doctor(&[
        "--copy-closure".as_ref(),
        p("root").as_os_str(),
        p("dynamic").as_os_str(),
    ]);
    assert!(
        out.status.success(),
        "scratch-doctor --copy-closure: {}",
        text(&out.stderr)
    );
    // The directory of libc.so.6 in the closure, for the opaque-directory case.
    let libdir = find(&p("root"), "libc.so.6").expect("libc.so.6 in the closure");
    let libdir = libdir.parent().unwrap().strip_prefix(p("root")).unwrap();
    std::fs::write(p("libdir.list"), format!("/{}/\n", libdir.display())).unwrap();
    // `hwcaps-root`: the closure with libc.so.6 only in the glibc-hwcaps/x86-64-v2
    // subdirectory of its directory, where glibc's loader looks first on a CPU of that level.
    let out = run(Command::new("cp")
        .arg("-a")
        .arg(p("root"))
        .arg(p("hwcaps-root")));
    assert_success(&out, "cp -a");
    let v2 = p("hwcaps-root").join(libdir).join("glibc-hwcaps/x86-64-v2");
    std::fs::create_dir_all(&v2).unwrap();
    let libc = p("hwcaps-root").join(libdir).join("libc.so.6");
    std::fs::rename(&libc, v2.join("libc.so.6")).unwrap();
    Some((dir, interp))
}

/// The first file named `name` under `dir`.
fn find(dir: &Path, name: &str) -> Option<PathBuf> {
    for e in std::fs::read_dir(dir).ok()?.flatten() {
        let path = e.path();
        if e.file_name() == name {
            return Some(path);
        }
        if e.file_type().is_ok_and(|t| t.is_dir())
            && let Some(found) = find(&path, name)
        {
            return Some(found);
        }
    }
    None
}

fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

/// What a case's image does.
enum Expect {
    /// It starts and prints this.
    Starts(&'static str),
    /// It starts, prints this, and the doctor found its command at this path (a symbolic
    /// link resolved).
    StartsAt(&'static str, &'static str),
    /// It does not, and the runtime prints this.
    Fails(&'static str),
}

/// Builds the image of `case`, saves it in every format, and checks the doctor's verdict on
/// each against `podman run`.
fn check(case: &str, expect: Expect) {
    check_on(case, None, expect);
}

/// `podman build` of `case`'s Containerfile as `name`, with the build arguments `INTERP` and
/// `BASE` (when given).
fn build(case: &str, name: &str, ctx: &Path, interp: &str, base: Option<&str>) {
    let file = workspace_root().join(format!(
        "system-tests/fixtures/doctor-images/{case}.Containerfile"
    ));
    let mut cmd = Command::new("podman");
    cmd.args(["build", "--layers=false", "--build-arg"])
        .arg(format!("INTERP={interp}"));
    if let Some(base) = base {
        cmd.arg("--build-arg").arg(format!("BASE={base}"));
    }
    let out = run(cmd.args(["--tag", name, "--file"]).arg(&file).arg(ctx));
    assert_success(&out, &format!("podman build of {case}"));
}

/// [`check`] for the image of `case` built on the image of the case `base` (its layers below
/// the new one).
fn check_on(case: &str, base: Option<&str>, expect: Expect) {
    let _engine = engine_lock();
    if !require_tool("podman", "podman") {
        return;
    }
    let Some((ctx, interp)) = context() else {
        return;
    };
    let name = test_image_name(&format!("doctor-{case}"));
    let base_name = test_image_name(&format!("doctor-{case}-base"));
    let _images = TestImages::new("podman", &[&name, &base_name]);
    if let Some(base) = base {
        build(base, &base_name, ctx.path(), &interp, None);
    }
    build(
        case,
        &name,
        ctx.path(),
        &interp,
        base.map(|_| base_name.as_str()),
    );

    let saved = TempDir::new("doctor-image-saved");
    for (format, path) in save_all(&name, saved.path()) {
        let out = doctor(&["--image".as_ref(), path.as_os_str()]);
        let stdout = text(&out.stdout);
        let what = format!("{case}, {format}:\n{stdout}{}", text(&out.stderr));
        assert_eq!(
            stdout.lines().filter(|l| l.starts_with("starts: ")).count(),
            1,
            "one verdict line: {what}"
        );
        match expect {
            Expect::Starts(_) | Expect::StartsAt(..) => {
                assert_eq!(out.status.code(), Some(0), "{what}");
                assert!(stdout.contains("\nstarts: yes\n"), "{what}");
                if let Expect::StartsAt(_, program) = expect {
                    assert!(
                        stdout.contains(&format!("\nprogram: {program}\n")),
                        "{what}"
                    );
                }
            }
            Expect::Fails(error) => {
                assert_eq!(out.status.code(), Some(1), "{what}");
                assert!(
                    stdout.contains(&format!("\nruntime error: {error}\n")),
                    "the doctor predicts {error:?}: {what}"
                );
            }
        }
    }

    // Bounded (timeout(1), coreutils): a program that never ends fails the case, not CI.
    let out = run(Command::new("timeout").args([
        "300",
        "podman",
        "run",
        "--rm",
        "--network",
        "none",
        &name,
    ]));
    let all = format!("{}{}", text(&out.stdout), text(&out.stderr));
    match expect {
        Expect::Starts(output) | Expect::StartsAt(output, _) => {
            assert_success(&out, &format!("podman run of {case}"));
            assert_eq!(text(&out.stdout), output, "{case}");
        }
        Expect::Fails(error) => {
            assert!(!out.status.success(), "{case} started: {all}");
            assert!(
                all.contains(error),
                "podman run of {case} printed no {error:?}: {all}{}",
                engine_setup_hint()
            );
        }
    }
}

#[test]
fn static_hello_starts() {
    check("static-hello", Expect::Starts(HELLO));
}

#[test]
fn dynamic_hello_with_its_closure_starts() {
    check("dynamic-closure", Expect::Starts(HELLO));
}

/// libc.so.6 only under `glibc-hwcaps/x86-64-v2`: the loader finds it there on a CPU of that
/// level, which the container's `/proc/cpuinfo` (the host's) shows, and the doctor reads the
/// host's `/proc` for it. On a CPU below that level the loader does not look there.
#[test]
fn a_library_only_under_glibc_hwcaps_is_found_on_this_cpu() {
    let expect = if system_tests::loader_searches_x86_64_v2() {
        Expect::Starts(HELLO)
    } else {
        Expect::Fails(
            "/hello: error while loading shared libraries: libc.so.6: cannot open shared object file: No such file or directory",
        )
    };
    check("dynamic-hwcaps", expect);
}

#[test]
fn a_command_found_through_path_starts() {
    check("path-lookup", Expect::Starts(HELLO));
}

#[test]
fn an_entrypoint_that_is_a_relative_symlink_starts() {
    check("symlink-relative", Expect::StartsAt(HELLO, "/bin/hello"));
}

#[test]
fn an_entrypoint_that_is_an_absolute_symlink_starts() {
    check("symlink-absolute", Expect::StartsAt(HELLO, "/hello"));
}

#[test]
fn a_script_with_crlf_line_ends() {
    check(
        "script-crlf",
        Expect::Fails("exec /run.sh: no such file or directory"),
    );
}

#[test]
fn an_interpreter_deleted_by_a_whiteout_in_a_later_layer() {
    check_on(
        "whiteout-interpreter",
        Some("dynamic-closure"),
        Expect::Fails("exec /hello: no such file or directory"),
    );
}

#[test]
fn an_opaque_directory_hiding_libc() {
    check_on(
        "opaque-libdir",
        Some("dynamic-closure"),
        Expect::Fails(
            "/hello: error while loading shared libraries: libc.so.6: cannot open shared object file: No such file or directory",
        ),
    );
}

#[test]
fn a_binary_needing_a_newer_glibc_than_the_images() {
    check(
        "glibc-too-new",
        Expect::Fails(
            "/hello: /lib/x86_64-linux-gnu/libc.so.6: version `GLIBC_9.99' not found (required by /hello)",
        ),
    );
}

#[test]
fn dynamic_hello_without_its_interpreter() {
    check(
        "dynamic-no-interpreter",
        Expect::Fails("exec /hello: no such file or directory"),
    );
}

#[test]
fn dynamic_hello_without_libc() {
    check(
        "dynamic-no-libc",
        Expect::Fails(
            "/hello: error while loading shared libraries: libc.so.6: cannot open shared object file: No such file or directory",
        ),
    );
}

#[test]
fn a_file_without_execute_bit() {
    check(
        "no-exec-bit",
        Expect::Fails("exec: \"/hello\": permission denied"),
    );
}

#[test]
fn shell_form_cmd_without_a_shell() {
    check(
        "shell-form-cmd",
        Expect::Fails("exec: \"/bin/sh\": stat /bin/sh: no such file or directory"),
    );
}

#[test]
fn user_by_name_without_passwd() {
    check(
        "user-nobody",
        Expect::Fails("unable to find user nobody: no matching entries in passwd file"),
    );
}

#[test]
fn a_foreign_architecture_elf() {
    check(
        "foreign-arch",
        Expect::Fails("exec /hello: exec format error"),
    );
}

#[test]
fn a_script_whose_interpreter_is_missing() {
    check(
        "script-no-interpreter",
        Expect::Fails("exec /run.sh: no such file or directory"),
    );
}

#[test]
fn a_command_in_no_path_directory() {
    check(
        "not-in-path",
        Expect::Fails("exec: \"hello\": executable file not found in $PATH"),
    );
}

/// `scratch-doctor --image PATH` on bad input: exit status 2, one line on standard error
/// naming the problem, nothing on standard output.
fn assert_input_error(path: &Path, problem: &str) {
    let out = doctor(&["--image".as_ref(), path.as_os_str()]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{}: {stderr}", path.display());
    assert_eq!(text(&out.stdout), "", "{}", path.display());
    assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
    assert!(
        stderr.starts_with(&format!("scratch-doctor: {}: ", path.display()))
            && stderr.contains(problem),
        "wanted {problem:?}: {stderr}"
    );
}

#[test]
fn bad_input_is_one_line_and_exit_status_2() {
    let dir = TempDir::new("doctor-image-bad");
    let p = |n: &str| dir.path().join(n);
    assert_input_error(&p("missing"), "no such file or directory");
    std::fs::write(p("empty"), "").unwrap();
    assert_input_error(&p("empty"), "empty file");
    // A FIFO with no writer: refused at once, not waited on (open with O_NONBLOCK).
    let fifo = std::ffi::CString::new(p("fifo").into_os_string().into_encoded_bytes()).unwrap();
    // SAFETY: (test) a NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o644) }, 0);
    assert_input_error(&p("fifo"), "neither a directory nor a regular file");
    // Bytes of no format (a fixed pseudo-random sequence).
    let mut x: u32 = 2463534242;
    let random: Vec<u8> = (0..8192)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x as u8
        })
        .collect();
    std::fs::write(p("random"), random).unwrap();
    assert_input_error(&p("random"), "not an image archive");
    if require_tool("tar", "tar") {
        std::fs::write(p("hello.txt"), "hello\n").unwrap();
        let out = run(Command::new("tar")
            .arg("-cf")
            .arg(p("text.tar"))
            .arg("-C")
            .arg(dir.path())
            .arg("hello.txt"));
        assert_success(&out, "tar -cf");
        assert_input_error(
            &p("text.tar"),
            "neither index.json nor manifest.json: not an OCI image layout or a docker save archive",
        );
    }
    // A directory that is not a layout.
    std::fs::create_dir(p("dir")).unwrap();
    assert_input_error(&p("dir"), "neither index.json nor manifest.json");
}

/// A real image, corrupted: a flipped byte in a layer is a digest mismatch, a truncated
/// archive is truncated; each one line and exit status 2, never a verdict.
#[test]
fn a_corrupt_or_truncated_saved_image_is_an_input_error() {
    let _engine = engine_lock();
    if !require_tool("podman", "podman") {
        return;
    }
    let Some((ctx, interp)) = context() else {
        return;
    };
    let name = test_image_name("doctor-corrupt");
    let _images = TestImages::new("podman", &[&name]);
    build("static-hello", &name, ctx.path(), &interp, None);
    let saved = TempDir::new("doctor-image-corrupt");
    let layout = saved.path().join("layout");
    let archive = saved.path().join("image.tar");
    for (format, path) in [("oci-dir", &layout), ("oci-archive", &archive)] {
        let out = run(Command::new("podman")
            .args(["save", "--quiet", "--format", format, "--output"])
            .arg(path)
            .arg(&name));
        assert_success(&out, "podman save");
    }
    // The layer is the largest blob; flip a byte in its middle.
    let largest: PathBuf = std::fs::read_dir(layout.join("blobs/sha256"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .max_by_key(|p| p.metadata().unwrap().len())
        .unwrap();
    let mut bytes = std::fs::read(&largest).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x55;
    std::fs::write(&largest, bytes).unwrap();
    assert_input_error(&layout, "digest mismatch");

    let len = std::fs::metadata(&archive).unwrap().len();
    let f = std::fs::OpenOptions::new()
        .write(true)
        .open(&archive)
        .unwrap();
    f.set_len(len / 2).unwrap();
    assert_input_error(&archive, "truncated");
}

/// The project's own image (the workspace's Dockerfile: hello-nostd as `USER 65534:65534`),
/// saved by `scripts/image-save.sh` as an OCI archive with a Docker `manifest.json` beside its
/// `index.json` (the layout `docker save` writes since Docker 25): it starts, as that user.
#[test]
fn the_projects_own_image_saved_by_image_save_starts() {
    let _engine = engine_lock();
    let _bin = nostd_bin("hello-nostd");
    if !require_tool("podman", "podman") {
        return;
    }
    let name = test_image_name("doctor-own");
    let _images = TestImages::new("podman", &[&name]);
    let out = run(Command::new("podman")
        .args(["build", "--layers=false", "--tag", &name, "--file"])
        .arg(workspace_root().join("Dockerfile"))
        .arg(workspace_root()));
    assert_success(&out, "podman build of the Dockerfile");
    let dir = TempDir::new("doctor-own-image");
    let archive = dir.path().join("hello.oci.tar");
    let out = run(Command::new(workspace_root().join("scripts/image-save.sh"))
        .env("HELLO_IMAGE", &name)
        .env("HELLO_ARCHIVE", &archive)
        .env("CONTAINER_ENGINE", "podman"));
    assert_success(&out, "scripts/image-save.sh");
    let out = doctor(&["--image".as_ref(), archive.as_os_str()]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}{}", text(&out.stderr));
    assert!(
        stdout.contains("\nuser: 65534:65534 (uid 65534, gid 65534)\n")
            && stdout.contains("\nstarts: yes\n"),
        "{stdout}"
    );
}

/// The docker CLI (a Docker daemon, or on CI Podman's Docker-compatible socket named by
/// DOCKER_HOST): `docker build` of two cases and `docker save` (the classic archive of
/// `manifest.json` and `<id>/layer.tar`); the doctor's verdicts are the same, and the image it
/// says starts prints its output under `docker run`. (Through Podman 4.3's compatible API
/// `docker run` of a container that fails to start prints no runtime error, see
/// docs/troubleshooting.md: the failing case's runtime error is checked with Podman above.)
#[test]
fn docker_save_archives_get_the_same_verdicts() {
    let _engine = engine_lock();
    if !require_tool("docker", "docker.io") {
        return;
    }
    let answers = Command::new("docker")
        .arg("info")
        .output()
        .is_ok_and(|o| o.status.success());
    if !answers {
        system_tests::skip_or_fail(
            "`docker info` fails: no daemon answers the docker CLI; `source .ci/setup-engine.sh` serves Podman's Docker-compatible API for it",
        );
        return;
    }
    let Some((ctx, interp)) = context() else {
        return;
    };
    let saved = TempDir::new("doctor-docker-saved");
    for (case, expect) in [
        ("static-hello", Expect::Starts(HELLO)),
        (
            "dynamic-no-libc",
            Expect::Fails(
                "/hello: error while loading shared libraries: libc.so.6: cannot open shared object file: No such file or directory",
            ),
        ),
    ] {
        let name = test_image_name(&format!("doctor-docker-{case}"));
        let _images = TestImages::new("docker", &[&name]);
        let out = run(Command::new("docker")
            .args(["build", "--build-arg"])
            .arg(format!("INTERP={interp}"))
            .args(["-t", &name, "-f"])
            .arg(workspace_root().join(format!(
                "system-tests/fixtures/doctor-images/{case}.Containerfile"
            )))
            .arg(ctx.path()));
        assert_success(&out, &format!("docker build of {case}"));
        let archive = saved.path().join(format!("{case}.tar"));
        let out = run(Command::new("docker")
            .args(["save", "--output"])
            .arg(&archive)
            .arg(&name));
        assert_success(&out, "docker save");
        let out = doctor(&["--image".as_ref(), archive.as_os_str()]);
        let stdout = text(&out.stdout);
        match expect {
            Expect::Fails(error) => {
                assert_eq!(out.status.code(), Some(1), "{stdout}");
                assert!(
                    stdout.contains(&format!("\nruntime error: {error}\n")),
                    "{stdout}"
                );
            }
            Expect::Starts(output) | Expect::StartsAt(output, _) => {
                assert_eq!(out.status.code(), Some(0), "{stdout}");
                let ran = run(Command::new("docker").args(["run", "--rm", &name]));
                assert_success(&ran, "docker run");
                assert_eq!(text(&ran.stdout), output);
            }
        }
    }
}
