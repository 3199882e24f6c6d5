//! scratch-doctor's needs at run time against reality. For each case, a real program in a
//! Podman `FROM scratch` image of its closure (`scratch-doctor --copy-closure`): the doctor
//! names the need, for the host file and for the saved image (which it says starts, exit
//! status 0), and its "without it" text quotes the failure that `podman run` of the image then
//! shows; with the file added to the image the program does its job, and the doctor no longer
//! names the need. And each run traced (`--trace --copy-closure`, with `--check` where the run
//! reads no input): an image of that copy alone does the job in Podman, printing what the
//! program printed on this machine.
//!
//! The programs: coreutils' `whoami` (/etc/passwd), `id -gn` (/etc/group), `date` with `ENV
//! TZ=Asia/Shanghai` (the zone file), glibc's `iconv` (gconv modules), C programs built here
//! calling `tmpfile` (/tmp) and `pthread_cancel` (libgcc_s.so.1), a static Go program built
//! here with `CGO_ENABLED=0` (a CA bundle, the time zones, /etc/passwd; and built with
//! `-tags timetzdata`, no time-zone need, and its zone loads in the bare image), `openssl
//! verify` (OpenSSL's trust store), Perl (its modules) and Python 3 (its standard library).
//!
//! On this project's CI machines Podman needs `.ci/setup-engine.sh` sourced first (runc,
//! cgroupfs, lower ulimits); elsewhere `export CONTAINERS_CONF=$PWD/.ci/containers.conf`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use system_tests::fixtures::{BuildDir, gcc, go_build};
use system_tests::scratch_image;
use system_tests::{
    TempDir, TestImages, assert_success_with, engine_lock, engine_setup_hint, nostd_bin,
    require_tool, run, test_image_name,
};

/// One run of the image's program, and what the doctor and reality say of one need.
struct Run {
    /// The start of the need's line in the doctor's report (its `what`).
    need: &'static str,
    /// The arguments after the image (the command's arguments: the image has an ENTRYPOINT).
    args: Vec<String>,
    /// Standard input.
    stdin: &'static str,
    /// What the run prints without the file, which the doctor's "without it" text quotes.
    fails: &'static str,
    /// What it prints with the file.
    works: &'static str,
}

/// A case: a program, its runs, and how the files it needs are added to the image's root.
struct Case {
    name: &'static str,
    /// The program on this machine.
    program: PathBuf,
    /// Its path in the image: its own path for a program of the system; `/prog` for one
    /// built here (in a temporary directory, which must not bring /tmp into the image).
    at: &'static str,
    /// `ENV` lines of the Containerfile.
    env: &'static [&'static str],
    runs: Vec<Run>,
    /// Adds the files the program needs to the root.
    add: fn(&Path),
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn assert_success(out: &Output, what: &str) {
    assert_success_with(out, what, engine_setup_hint());
}

fn doctor(args: &[&std::ffi::OsStr]) -> Output {
    run(Command::new(nostd_bin("scratch-doctor")).args(args))
}

/// Copies the host file `path` to the same path under `root`, making the directories.
fn copy_in(root: &Path, path: &str) {
    let dest = root.join(path.trim_start_matches('/'));
    std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
    std::fs::copy(path, &dest).unwrap_or_else(|e| panic!("copy {path}: {e}"));
}

/// The `/etc/passwd` the images get: root alone.
const PASSWD: &str = "root:x:0:0:root:/root:/sbin/nologin\n";

/// Writes `contents` to `root` + `path`, making the directories.
fn write_in(root: &Path, path: &str, contents: &str) {
    let dest = root.join(path.trim_start_matches('/'));
    std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
    std::fs::write(&dest, contents).unwrap();
}

/// Copies the host directory `from` into `root` at the same path (`cp -a`), leaving out the
/// directories named in `without`.
fn copy_tree(root: &Path, from: &str, without: &[&str]) {
    let dest = root.join(from.trim_start_matches('/'));
    std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
    let out = run(Command::new("cp").arg("-a").arg(from).arg(&dest));
    assert!(out.status.success(), "cp -a {from}: {}", text(&out.stderr));
    for w in without {
        let _ = std::fs::remove_dir_all(dest.join(w));
    }
}

/// The image's root: the program's closure (`--copy-closure`), the program at `case.at`.
fn closure_root(case: &Case, root: &Path) {
    std::fs::create_dir(root).unwrap();
    let out = doctor(&[
        "--copy-closure".as_ref(),
        root.as_os_str(),
        case.program.as_os_str(),
    ]);
    assert!(
        out.status.success(),
        "scratch-doctor --copy-closure {}: {}",
        case.program.display(),
        text(&out.stderr)
    );
    let copied = root.join(case.program.strip_prefix("/").unwrap());
    if case.at != case.program.to_str().unwrap() {
        // A program built here: at /prog, and the directories of its temporary path gone.
        std::fs::rename(&copied, root.join(case.at.trim_start_matches('/'))).unwrap();
        let mut dir = copied.parent();
        while let Some(d) = dir.filter(|d| *d != root) {
            let _ = std::fs::remove_dir(d);
            dir = d.parent();
        }
    }
    assert!(!root.join("tmp").exists(), "the closure made /tmp");
}

/// `podman build` of `FROM scratch`, `COPY root /`, the case's `ENV` lines and its program as
/// `ENTRYPOINT`, in the context `ctx`.
fn build(case: &Case, ctx: &Path, name: &str) {
    let mut extra: Vec<String> = case.env.iter().map(|e| format!("ENV {e}")).collect();
    extra.push(format!("ENTRYPOINT [\"{}\"]", case.at));
    scratch_image::build(ctx, name, &extra);
}

/// The doctor's report on the image `name`, saved as an OCI archive in `dir`: it starts.
fn doctor_on_image(name: &str, dir: &Path) -> String {
    let archive = dir.join(format!("{name}.tar"));
    let out = run(Command::new("podman")
        .args(["save", "--quiet", "--format", "oci-archive", "--output"])
        .arg(&archive)
        .arg(name));
    assert_success(&out, "podman save");
    let out = doctor(&["--image".as_ref(), archive.as_os_str()]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}{}", text(&out.stderr));
    assert!(stdout.contains("\nstarts: yes\n"), "{stdout}");
    stdout
}

/// `podman run` of the image `name` with `run`'s arguments and input: what it printed.
fn podman_run(name: &str, run: &Run) -> String {
    let mut child = Command::new("timeout")
        .args([
            "300",
            "podman",
            "run",
            "--rm",
            "-i",
            "--network",
            "none",
            name,
        ])
        .args(&run.args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run podman");
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(run.stdin.as_bytes()).unwrap();
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    format!("{}{}", text(&out.stdout), text(&out.stderr))
}

/// The need's line in a report (the image's, unindented; a file's, indented by two).
fn need_line<'r>(report: &'r str, indent: &str, need: &str) -> Option<&'r str> {
    let start = format!("{indent}  {need}");
    report.lines().find(|l| l.starts_with(&start))
}

/// The case against reality: see the module's documentation.
fn check(case: Case) {
    let _engine = engine_lock();
    if !require_tool("podman", "podman") {
        return;
    }
    let ctx = TempDir::new(&format!("needs-{}", case.name));
    let root = ctx.path().join("root");
    closure_root(&case, &root);
    let bare = test_image_name(&format!("needs-{}-bare", case.name));
    let added = test_image_name(&format!("needs-{}-added", case.name));
    let _images = TestImages::new("podman", &[&bare, &added]);
    let saved = TempDir::new("needs-saved");

    // The host file: the need, for an image of its closure.
    let out = doctor(&["--closure".as_ref(), case.program.as_os_str()]);
    let host = text(&out.stdout);
    for r in &case.runs {
        // The host file's line has no TZ of the image: up to the calls.
        let what = r.need.split(", for ").next().unwrap_or(r.need);
        assert!(need_line(&host, "  ", what).is_some(), "{what}: {host}");
    }

    // The closure alone: the doctor predicts the failure, and the program fails so.
    build(&case, ctx.path(), &bare);
    let report = doctor_on_image(&bare, saved.path());
    for r in &case.runs {
        let line = need_line(&report, "", r.need).unwrap_or_else(|| {
            panic!("{}: the doctor names no {:?}:\n{report}", case.name, r.need)
        });
        let without = report
            .lines()
            .skip_while(|l| *l != line)
            .nth(1)
            .unwrap_or_default();
        assert!(
            without.starts_with("    without it: ") && without.contains(r.fails),
            "{}: the doctor predicts {:?}: {report}",
            case.name,
            r.fails
        );
        let seen = podman_run(&bare, r);
        assert!(
            seen.contains(r.fails) && !seen.contains(r.works),
            "{} {:?} in the bare image printed no {:?}: {seen}{}",
            case.name,
            r.args,
            r.fails,
            engine_setup_hint()
        );
    }

    // With the files: no need named, and the program does its job.
    (case.add)(&root);
    build(&case, ctx.path(), &added);
    let report = doctor_on_image(&added, saved.path());
    for r in &case.runs {
        assert!(
            need_line(&report, "", r.need).is_none(),
            "{}: the need is met: {report}",
            case.name
        );
        let seen = podman_run(&added, r);
        assert!(
            seen.contains(r.works) && !seen.contains(r.fails),
            "{} {:?} with the files printed no {:?}: {seen}",
            case.name,
            r.args,
            r.works
        );
    }

    traced(&case);
}

/// The traced copy: each run of the case under `scratch-doctor --trace --copy-closure --json`,
/// in an empty environment but the case's `ENV` and `PATH`, with `--check` (which says it works
/// in FROM scratch), or without it for a run that reads its input (`--check`'s runs read
/// `/dev/null`); then the copy alone as a `FROM scratch` image, whose program Podman runs with
/// the same arguments and input: it prints what it printed here, and that is its job.
fn traced(case: &Case) {
    for (i, r) in case.runs.iter().enumerate() {
        let ctx = TempDir::new(&format!("needs-{}-traced-{i}", case.name));
        let root = ctx.path().join("root");
        std::fs::create_dir(&root).unwrap();
        let check = r.stdin.is_empty();
        let mut cmd = Command::new(nostd_bin("scratch-doctor"));
        cmd.env_clear().env("PATH", "/usr/bin:/bin");
        for e in case.env {
            let (k, v) = e.split_once('=').unwrap();
            cmd.env(k, v);
        }
        cmd.args(["--trace", "--json", "--copy-closure"]).arg(&root);
        if check {
            cmd.arg("--check");
        }
        cmd.arg("--").arg(&case.program).args(&r.args);
        let out = with_input(&mut cmd, r.stdin);
        let stdout = text(&out.stdout);
        let what = format!(
            "--trace of {} {:?}: {}",
            case.name,
            r.args,
            text(&out.stderr)
        );
        assert_eq!(out.status.code(), Some(0), "{what}{stdout}");
        let (here, report) = stdout
            .trim_end_matches('\n')
            .rsplit_once('\n')
            .unwrap_or(("", &stdout));
        let here = format!("{here}\n");
        assert!(here.contains(r.works), "{what}: it printed {here}");
        if check {
            let report: serde_json::Value = serde_json::from_str(report).unwrap();
            assert_eq!(report["works"]["yes"], true, "{what}{report}");
        }
        let name = test_image_name(&format!("needs-{}-traced-{i}", case.name));
        let _images = TestImages::new("podman", &[&name]);
        let mut extra: Vec<String> = case.env.iter().map(|e| format!("ENV {e}")).collect();
        extra.push(format!("ENTRYPOINT [\"{}\"]", case.program.display()));
        scratch_image::build(ctx.path(), &name, &extra);
        let seen = podman_run(&name, r);
        assert_eq!(seen, here, "{what}: podman run of the traced copy");
    }
}

/// Runs `cmd` with `input` on its standard input.
fn with_input(cmd: &mut Command, input: &str) -> Output {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run scratch-doctor");
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(input.as_bytes()).unwrap();
    drop(stdin);
    child.wait_with_output().unwrap()
}

fn run_of(need: &'static str, args: &[&str], fails: &'static str, works: &'static str) -> Run {
    Run {
        need,
        args: args.iter().map(|a| a.to_string()).collect(),
        stdin: "",
        fails,
        works,
    }
}

#[test]
fn whoami_needs_etc_passwd() {
    check(Case {
        name: "whoami",
        program: "/usr/bin/whoami".into(),
        at: "/usr/bin/whoami",
        env: &[],
        runs: vec![run_of(
            "/etc/passwd (user names), for getpwuid",
            &[],
            "cannot find name for user ID 0",
            "root",
        )],
        add: |root| write_in(root, "/etc/passwd", PASSWD),
    });
}

#[test]
fn id_gn_needs_etc_group() {
    check(Case {
        name: "id",
        program: "/usr/bin/id".into(),
        at: "/usr/bin/id",
        env: &[],
        runs: vec![run_of(
            "/etc/group (group names)",
            &["-gn"],
            "cannot find name for group ID 0",
            "root",
        )],
        add: |root| write_in(root, "/etc/group", "root:x:0:\n"),
    });
}

/// `date` with `TZ=Asia/Shanghai` in the image: without the zone file it prints UTC, with no
/// error (`+%z`: +0000); with it, +0800.
#[test]
fn date_with_tz_needs_its_zone_file() {
    check(Case {
        name: "date",
        program: "/usr/bin/date".into(),
        at: "/usr/bin/date",
        env: &["TZ=Asia/Shanghai"],
        runs: vec![run_of(
            "/usr/share/zoneinfo (time zones), for tzset, localtime, localtime_r, TZ=Asia/Shanghai",
            &["+%z"],
            "+0000",
            "+0800",
        )],
        add: |root| copy_in(root, "/usr/share/zoneinfo/Asia/Shanghai"),
    });
}

#[test]
fn iconv_needs_glibcs_gconv_modules() {
    let gconv = "/usr/lib/x86_64-linux-gnu/gconv";
    if !Path::new(gconv).is_dir() {
        system_tests::skip_or_fail(&format!("no {gconv} (an x86_64 Debian's libc6)"));
        return;
    }
    let mut run = run_of(
        "/usr/lib/x86_64-linux-gnu/gconv (glibc's character set converters)",
        &["-f", "UTF-8", "-t", "ISO-8859-1"],
        "iconv: failed to start conversion processing",
        "caf",
    );
    run.stdin = "café\n";
    check(Case {
        name: "iconv",
        program: "/usr/bin/iconv".into(),
        at: "/usr/bin/iconv",
        env: &[],
        runs: vec![run],
        add: |root| {
            let gconv = "/usr/lib/x86_64-linux-gnu/gconv";
            for f in ["gconv-modules", "gconv-modules.cache", "ISO8859-1.so"] {
                copy_in(root, &format!("{gconv}/{f}"));
            }
        },
    });
}

#[test]
fn tmpfile_needs_tmp() {
    let dir = BuildDir::new("tmpfile");
    let Some(program) = gcc(dir.path(), "needs-tmpfile.c") else {
        return;
    };
    check(Case {
        name: "tmpfile",
        program,
        at: "/prog",
        env: &[],
        runs: vec![run_of(
            "/tmp (temporary files), for tmpfile",
            &[],
            "tmpfile: No such file or directory",
            "temporary file made",
        )],
        add: |root| {
            use std::os::unix::fs::PermissionsExt;
            std::fs::create_dir(root.join("tmp")).unwrap();
            std::fs::set_permissions(root.join("tmp"), std::fs::Permissions::from_mode(0o1777))
                .unwrap();
        },
    });
}

#[test]
fn pthread_cancel_needs_libgcc_s() {
    let dir = BuildDir::new("cancel");
    let Some(program) = gcc(dir.path(), "needs-cancel.c") else {
        return;
    };
    check(Case {
        name: "cancel",
        program,
        at: "/prog",
        env: &[],
        runs: vec![run_of(
            "libgcc_s.so.1 (thread cancellation and exit), for pthread_cancel",
            &[],
            "libgcc_s.so.1 must be installed for pthread_cancel to work",
            "cancelled",
        )],
        add: |root| {
            copy_in(root, "/lib/x86_64-linux-gnu/libgcc_s.so.1");
        },
    });
}

/// The certificate the Go program verifies against the system roots: a root of this
/// machine's bundle, valid until 2035.
const ISRG_ROOT: &str = "/etc/ssl/certs/ISRG_Root_X1.pem";

#[test]
fn a_static_go_program_needs_roots_zones_and_passwd() {
    if !require_tool("go", "golang-go") {
        return;
    }
    let pem = std::fs::read_to_string(ISRG_ROOT)
        .unwrap_or_else(|e| panic!("{ISRG_ROOT} (Debian package ca-certificates): {e}"));
    let dir = BuildDir::new("go");
    let Some(program) = go_build(dir.path(), "needs-go", "") else {
        return;
    };
    check(Case {
        name: "go",
        program,
        at: "/prog",
        env: &[],
        runs: vec![
            run_of(
                "/etc/ssl/certs/ca-certificates.crt (CA certificates, for TLS), for crypto/x509.loadSystemRoots",
                &["verify", &pem],
                "x509: certificate signed by unknown authority",
                "verified: ISRG Root X1",
            ),
            run_of(
                "/usr/share/zoneinfo (time zones, for time.LoadLocation), for time.LoadLocation",
                &["zone", "Asia/Shanghai"],
                "unknown time zone Asia/Shanghai",
                "zone: Asia/Shanghai",
            ),
            run_of(
                "/etc/passwd (user names), for os/user.current",
                &["user"],
                "user: Current requires cgo or $USER set in environment",
                "user: root",
            ),
        ],
        add: |root| {
            copy_in(root, "/etc/ssl/certs/ca-certificates.crt");
            copy_in(root, "/usr/share/zoneinfo/Asia/Shanghai");
            write_in(root, "/etc/passwd", PASSWD);
        },
    });
}

/// Built with `-tags timetzdata`, the Go program carries the zones: the doctor names no
/// time-zone need, and the zone loads in an image of the program alone.
#[test]
fn a_go_program_with_tzdata_embedded_needs_no_zone_files() {
    let _engine = engine_lock();
    if !require_tool("podman", "podman") {
        return;
    }
    let dir = BuildDir::new("go-tzdata");
    let Some(program) = go_build(dir.path(), "needs-go-tzdata", "timetzdata") else {
        return;
    };
    let out = doctor(&[program.as_os_str()]);
    let report = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{report}");
    assert!(
        report.contains("\n    /etc/passwd (user names), for os/user.current")
            && !report.contains("/usr/share/zoneinfo"),
        "{report}"
    );
    let ctx = TempDir::new("needs-go-tzdata-ctx");
    std::fs::create_dir(ctx.path().join("root")).unwrap();
    std::fs::copy(&program, ctx.path().join("root/prog")).unwrap();
    let name = test_image_name("needs-go-tzdata");
    let _images = TestImages::new("podman", &[&name]);
    let case = Case {
        name: "go-tzdata",
        program,
        at: "/prog",
        env: &[],
        runs: Vec::new(),
        add: |_| {},
    };
    build(&case, ctx.path(), &name);
    let saved = TempDir::new("needs-saved");
    let report = doctor_on_image(&name, saved.path());
    assert!(!report.contains("/usr/share/zoneinfo"), "{report}");
    let seen = podman_run(&name, &run_of("", &["zone", "Asia/Shanghai"], "", ""));
    assert!(seen.contains("zone: Asia/Shanghai"), "{seen}");
}

/// `openssl verify` of a root certificate given on its input: trusted only through OpenSSL's
/// default trust store, which the closure does not have.
#[test]
fn openssl_verify_needs_its_trust_store() {
    let pem = std::fs::read_to_string(ISRG_ROOT)
        .unwrap_or_else(|e| panic!("{ISRG_ROOT} (Debian package ca-certificates): {e}"));
    let mut run = run_of(
        "/usr/lib/ssl/cert.pem (OpenSSL's CA certificates, for TLS)",
        &["verify"],
        "error 18 at 0 depth lookup: self-signed certificate",
        "stdin: OK",
    );
    run.stdin = Box::leak(pem.into_boxed_str());
    check(Case {
        name: "openssl",
        program: "/usr/bin/openssl".into(),
        at: "/usr/bin/openssl",
        env: &[],
        runs: vec![run],
        add: |root| {
            let dest = root.join("usr/lib/ssl/cert.pem");
            std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
            std::fs::copy("/etc/ssl/certs/ca-certificates.crt", dest).unwrap();
        },
    });
}

#[test]
fn perl_needs_its_modules() {
    check(Case {
        name: "perl",
        program: "/usr/bin/perl".into(),
        at: "/usr/bin/perl",
        env: &[],
        runs: vec![run_of(
            "Perl's modules (the directories of @INC, such as Debian's /usr/lib/x86_64-linux-gnu/perl-base)",
            &["-e", "use strict; print qq(perl works\n)"],
            "Can't locate strict.pm in @INC",
            "perl works",
        )],
        add: |root| copy_tree(root, "/usr/lib/x86_64-linux-gnu/perl-base", &[]),
    });
}

#[test]
fn python_needs_its_standard_library() {
    let python = "/usr/bin/python3.11";
    if !Path::new(python).exists() {
        system_tests::skip_or_fail(&format!("no {python} (Debian 12's package python3.11)"));
        return;
    }
    check(Case {
        name: "python",
        program: python.into(),
        at: "/usr/bin/python3.11",
        env: &[],
        runs: vec![run_of(
            "/usr/lib/python3.11 (Python's standard library), for python3.11",
            &["-c", "print('python works')"],
            "Could not find platform independent libraries <prefix>",
            "python works",
        )],
        add: |root| copy_tree(root, "/usr/lib/python3.11", &["test", "__pycache__"]),
    });
}
