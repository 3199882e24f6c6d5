//! `--closure` and `--copy-closure`: the interpreter and libraries of a dynamic program,
//! copied into an empty root where the program then runs (with `unshare`, and in a
//! `FROM scratch` image when a container engine is present); `DT_RUNPATH` with `$ORIGIN`; a
//! library that cannot be found; a loop of symbolic links; a `DT_RUNPATH` under `/proc`.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::{TempDir, gcc, run_doctor, status, texts};
use system_tests::{is_root, ldd, require_empty_root, require_tool, skip_or_fail};

/// A program that needs `libdoctor.so` through `DT_RUNPATH=$ORIGIN/../lib`: `(dir, program,
/// library)`, with `dir/bin/needs-lib` and `dir/lib/libdoctor.so`.
fn runpath_program() -> Option<(TempDir, PathBuf, PathBuf)> {
    let dir = TempDir::new("doctor-runpath");
    std::fs::create_dir_all(dir.path().join("lib")).unwrap();
    std::fs::create_dir_all(dir.path().join("bin")).unwrap();
    let lib = gcc(
        &dir.path().join("lib"),
        "lib.c",
        "libdoctor.so",
        &["-shared", "-fPIC", "-Wl,-soname,libdoctor.so"],
    )?;
    let lib_dir = format!("-L{}", dir.path().join("lib").display());
    let program = gcc(
        &dir.path().join("bin"),
        "needs_lib.c",
        "needs-lib",
        &[
            &lib_dir,
            "-Wl,--enable-new-dtags,-rpath,$ORIGIN/../lib",
            "-Wl,--no-as-needed",
            "-ldoctor",
        ],
    )?;
    Some((dir, program, lib))
}

/// The `host -> image` pairs of the closure lines of a text report.
fn closure_pairs(stdout: &str) -> Vec<(String, String)> {
    stdout
        .lines()
        .filter(|l| l.starts_with("    ") && l.contains(" -> "))
        .map(|l| {
            let (host, rest) = l.trim().split_once(" -> ").unwrap();
            let image = rest.split(" (").next().unwrap();
            (host.to_owned(), image.to_owned())
        })
        .collect()
}

#[test]
fn runpath_with_origin_is_followed_like_ldd() {
    let Some((_dir, program, _lib)) = runpath_program() else {
        return;
    };
    let out = run_doctor(&[Path::new("--closure"), &program]);
    let (stdout, stderr) = texts(&out);
    assert_eq!(status(&out), 0, "{stdout}{stderr}");
    assert!(stdout.contains("  runpath: $ORIGIN/../lib\n"), "{stdout}");
    assert!(stdout.contains("via DT_RUNPATH)"), "{stdout}");
    if require_tool("ldd", "libc-bin") {
        let mut ours: Vec<String> = closure_pairs(&stdout)
            .into_iter()
            .skip(1) // the program itself
            .map(|(host, _)| host)
            .collect();
        ours.sort();
        assert_eq!(ours, ldd(&program));
    }
}

#[test]
fn an_unresolvable_library_is_named_and_exits_1() {
    let Some((_dir, program, lib)) = runpath_program() else {
        return;
    };
    std::fs::remove_file(&lib).unwrap();
    let out = run_doctor(&[Path::new("--closure"), &program]);
    let (stdout, _) = texts(&out);
    assert_eq!(status(&out), 1, "{stdout}");
    let missing: Vec<&str> = stdout
        .lines()
        .filter(|l| l.trim_start().starts_with("missing: "))
        .collect();
    assert_eq!(missing.len(), 1, "{stdout}");
    assert!(
        missing[0].contains(&format!(
            "missing: libdoctor.so (needed by {}",
            program.display()
        )),
        "{}",
        missing[0]
    );
    assert!(stdout.contains("runs in FROM scratch with this closure: no: 1 missing"));
}

/// A library that is there but cannot be opened (here a loop of links: `ELOOP`, on which the
/// loader stops too) is one line naming it and status 2, not a "missing" in the verdict: only
/// `ENOENT` and `ENOTDIR` mean not there.
#[test]
fn a_loop_of_symbolic_links_is_reported_not_followed_forever() {
    let Some((_dir, program, lib)) = runpath_program() else {
        return;
    };
    std::fs::remove_file(&lib).unwrap();
    let other = lib.with_file_name("libother.so");
    std::os::unix::fs::symlink(&other, &lib).unwrap();
    std::os::unix::fs::symlink(&lib, &other).unwrap();
    let out = run_doctor(&[Path::new("--closure"), &program]);
    let (stdout, stderr) = texts(&out);
    assert_eq!(status(&out), 2, "{stdout}{stderr}");
    assert!(!stdout.contains("missing"), "{stdout}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("libdoctor.so: ELOOP: Too many levels of symbolic links"),
        "{stderr}"
    );
    // The same loop as the program itself.
    let dir = TempDir::new("doctor-loop");
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    std::os::unix::fs::symlink(&b, &a).unwrap();
    std::os::unix::fs::symlink(&a, &b).unwrap();
    let out = run_doctor(&[&a]);
    assert_eq!(status(&out), 2);
    assert_eq!(
        texts(&out).1,
        format!(
            "scratch-doctor: {}: cannot read: ELOOP: Too many levels of symbolic links\n",
            a.display()
        )
    );
}

/// Runs `program` (a path inside `root`) with `root` as `/`; with `proc`, a `/proc` is
/// mounted there as container engines do (`root` must hold a `proc` directory).
fn run_in_root(root: &Path, program: &str, proc: bool) -> Output {
    let mut cmd = Command::new("unshare");
    if !is_root() {
        cmd.args(["--user", "--map-root-user"]);
    }
    if proc {
        cmd.arg("--mount-proc");
    }
    cmd.args(["--mount", "--pid", "--fork"])
        .arg(format!("--root={}", root.display()))
        .arg(program)
        .output()
        .unwrap()
}

/// Every regular file under `dir`, as paths relative to it.
fn files_under(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let e = e.unwrap();
            let t = e.file_type().unwrap();
            assert!(!t.is_symlink(), "symbolic links are followed, not copied");
            if t.is_dir() {
                todo.push(e.path());
            } else {
                let rel = e.path().strip_prefix(dir).unwrap().display().to_string();
                out.push(format!("/{rel}"));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn copy_closure_of_a_dynamic_hello_runs_in_an_empty_root() {
    let Some(f) = common::fixtures() else { return };
    let root = TempDir::new("doctor-root");
    let out = run_doctor(&[Path::new("--copy-closure"), root.path(), &f.dynamic]);
    let (stdout, stderr) = texts(&out);
    assert_eq!(status(&out), 0, "{stdout}{stderr}");
    assert!(stderr.contains("warning: libraries a program opens itself with dlopen(3)"));
    let mut images: Vec<String> = closure_pairs(&stdout).into_iter().map(|(_, i)| i).collect();
    images.sort();
    assert_eq!(files_under(root.path()), images, "{stdout}");
    // Without the copy, exec fails in the empty root: the interpreter is missing.
    let bare = TempDir::new("doctor-bare-root");
    std::fs::copy(&f.dynamic, bare.path().join("hello")).unwrap();
    if !require_empty_root() {
        return;
    }
    let failed = run_in_root(bare.path(), "/hello", false);
    assert!(!failed.status.success());
    let ran = run_in_root(root.path(), f.dynamic.to_str().unwrap(), false);
    assert_eq!(
        String::from_utf8_lossy(&ran.stdout),
        "Hello from C\n",
        "stderr: {}",
        String::from_utf8_lossy(&ran.stderr)
    );
    assert!(ran.status.success());
}

/// glibc finds the program's `$ORIGIN` through `/proc/self/exe`: container engines mount
/// `/proc`, so the test does too (without it, the `$ORIGIN` directories are dropped and the
/// library is not found, which the doctor's note says).
#[test]
fn copy_closure_keeps_runpath_origin_working() {
    let Some((_dir, program, _lib)) = runpath_program() else {
        return;
    };
    let root = TempDir::new("doctor-runpath-root");
    let out = run_doctor(&[Path::new("--copy-closure"), root.path(), &program]);
    assert_eq!(status(&out), 0, "{:?}", texts(&out));
    if !require_empty_root() {
        return;
    }
    assert!(texts(&out).0.contains("/proc/self/exe"), "the $ORIGIN note");
    std::fs::create_dir(root.path().join("proc")).unwrap();
    let ran = run_in_root(root.path(), program.to_str().unwrap(), true);
    assert!(
        ran.status.success(),
        "{}",
        String::from_utf8_lossy(&ran.stderr)
    );
}

/// The container engine to use: docker when a daemon answers, else podman.
fn engine() -> Option<&'static str> {
    let works = |e: &str| {
        Command::new(e)
            .arg("info")
            .output()
            .is_ok_and(|o| o.status.success())
    };
    if works("docker") {
        Some("docker")
    } else if works("podman") {
        Some("podman")
    } else {
        skip_or_fail("no container engine answers (docker info, podman info)");
        None
    }
}

#[test]
fn copy_closure_of_a_dynamic_hello_runs_in_a_from_scratch_image() {
    let Some(f) = common::fixtures() else { return };
    let Some(engine) = engine() else { return };
    let context = TempDir::new("doctor-image");
    let root = context.path().join("root");
    std::fs::create_dir(&root).unwrap();
    let out = run_doctor(&[Path::new("--copy-closure"), &root, &f.dynamic]);
    assert_eq!(status(&out), 0, "{:?}", texts(&out));
    std::fs::write(
        context.path().join("Containerfile"),
        format!(
            "FROM scratch\nCOPY root /\nENTRYPOINT [\"{}\"]\n",
            f.dynamic.display()
        ),
    )
    .unwrap();
    let tag = format!("scratch-doctor-test-{}", std::process::id());
    struct Remove<'a>(&'a str, &'a str);
    impl Drop for Remove<'_> {
        fn drop(&mut self) {
            let _ = Command::new(self.0).args(["rmi", "-f", self.1]).output();
        }
    }
    let _remove = Remove(engine, &tag);
    let build = Command::new(engine)
        .args(["build", "-q", "-t", &tag, "-f"])
        .arg(context.path().join("Containerfile"))
        .arg(context.path())
        .output()
        .unwrap();
    assert!(
        build.status.success(),
        "{engine} build: {}",
        String::from_utf8_lossy(&build.stderr)
    );
    let run = Command::new(engine)
        .args(["run", "--rm", "--network", "none", &tag])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&run.stdout),
        "Hello from C\n",
        "{engine} run: {}",
        String::from_utf8_lossy(&run.stderr)
    );
}

/// A `DT_RUNPATH` under `/proc/self/root` finds the library on this machine, but `/proc` in a
/// container is the runtime's: the library is missing, with the reason, the verdict is no, and
/// nothing is written under `DIR/proc`. (That the program then fails in a `FROM scratch` image
/// is shown by system-tests/tests/run_in.rs.)
#[test]
fn a_runpath_under_proc_is_no_with_the_reason_and_nothing_is_copied_there() {
    let dir = TempDir::new("doctor-runpath-proc");
    std::fs::create_dir_all(dir.path().join("lib")).unwrap();
    let Some(_lib) = gcc(
        &dir.path().join("lib"),
        "lib.c",
        "libdoctor.so",
        &["-shared", "-fPIC", "-Wl,-soname,libdoctor.so"],
    ) else {
        return;
    };
    let lib_dir = dir.path().join("lib");
    let runpath = format!(
        "-Wl,--enable-new-dtags,-rpath,/proc/self/root{}",
        lib_dir.display()
    );
    let Some(program) = gcc(
        dir.path(),
        "needs_lib.c",
        "needs-lib",
        &[
            &format!("-L{}", lib_dir.display()),
            &runpath,
            "-Wl,--no-as-needed",
            "-ldoctor",
        ],
    ) else {
        return;
    };
    let root = dir.path().join("root");
    std::fs::create_dir(&root).unwrap();
    let out = run_doctor(&[Path::new("--copy-closure"), &root, &program]);
    let (stdout, stderr) = texts(&out);
    assert_eq!(status(&out), 1, "{stdout}{stderr}");
    let hidden = format!(
        "/proc/self/root{}/libdoctor.so: under /proc, where the container runtime mounts its \
         own proc file system in every container: a file the image holds there is hidden, so \
         nothing is copied there",
        lib_dir.display()
    );
    let missing = stdout
        .lines()
        .find(|l| l.starts_with("    missing: libdoctor.so (needed by "))
        .unwrap_or_else(|| panic!("no missing line: {stdout}"));
    assert!(missing.ends_with(&hidden), "{missing}");
    assert!(
        stdout.contains("\n  runs in FROM scratch with this closure: no: 1 missing\n"),
        "{stdout}"
    );
    assert!(!root.join("proc").exists(), "DIR/proc was written");
}
