//! `scratch-doctor --run-in DIR -- COMMAND` against reality: for each command, what the empty
//! root made of DIR gives (exit status, standard output, standard error) is what `podman run`
//! gives for an image `FROM scratch` + `COPY DIR /` (`--network none`, the same host name):
//! programs that work there (hello-nostd, a dynamic C hello with its closure, `ls`, `grep` of
//! `/proc/self/status`, `dd` from `/dev/urandom` to `/dev/null`, `hostname`, a shell that leaves
//! a process running), and programs that fail there alike (`whoami` without `/etc/passwd`, a
//! crash, a signal that process 1 ignores, a library found only under `/proc`, which
//! `--copy-closure` does not copy). As root, and unprivileged (`setpriv --reuid=65534`, in a
//! user namespace) for the commands whose output does not show the owners of this machine's
//! device files. After each run no process of it is left (each carries a marker in its
//! environment) and DIR is unchanged (a listing with modes, sizes and contents).
//!
//! What an engine adds and runc does not (`/etc/hostname`, `/etc/hosts`, Podman's `/run`)
//! is shown as the one difference of `ls /`.
//!
//! On this project's CI machines Podman needs `.ci/setup-engine.sh` sourced first; elsewhere
//! `export CONTAINERS_CONF=$PWD/.ci/containers.conf`.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use system_tests::leftovers::{listing, processes_with_env};
use system_tests::scratch_image::{Ran, build, podman_run};
use system_tests::{
    TempDir, TestImages, engine_lock, is_root, nostd_bin, require_empty_root, require_tool, run,
    test_image_name, workspace_root,
};

/// The host name of both runs (the runner's; Podman's is given with `--hostname`).
const HOSTNAME: &str = "scratch-doctor";

/// The `PATH` of both runs (Podman's default for an image without one).
const PATH: &str = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// `scratch-doctor --run-in root -- argv…` (as the user 65534 when `unprivileged`), with only
/// `PATH` and `marker` in its environment; its standard error ends with the status line, which
/// is taken off and read.
fn runner(root: &Path, argv: &[&str], unprivileged: bool, marker: &str) -> Ran {
    let mut cmd = if unprivileged {
        let mut c = Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(nostd_bin("scratch-doctor"));
        c
    } else {
        Command::new(nostd_bin("scratch-doctor"))
    };
    cmd.env_clear()
        .env("PATH", &PATH[5..])
        .env("RUN_IN_TEST_MARKER", marker);
    let out = run(cmd.arg("--run-in").arg(root).arg("--").args(argv));
    let stderr = text(&out.stderr);
    let what = format!("--run-in {argv:?}: {stderr}");
    let prefix = format!("scratch-doctor: in the empty root of {}: ", root.display());
    let (before, last) = match stderr.trim_end_matches('\n').rsplit_once('\n') {
        Some((before, last)) => (format!("{before}\n"), last.to_string()),
        None => (String::new(), stderr.trim_end_matches('\n').to_string()),
    };
    let status_text = last
        .strip_prefix(&prefix)
        .unwrap_or_else(|| panic!("{what}"));
    let status = if let Some(code) = status_text.strip_prefix("exit status ") {
        code.parse().unwrap()
    } else if let Some(sig) = status_text.strip_prefix("killed by signal ") {
        128 + sig.split(' ').next().unwrap().parse::<i32>().unwrap()
    } else {
        panic!("{what}")
    };
    let doctor_status = if status == 0 { 0 } else { 1 };
    assert_eq!(out.status.code(), Some(doctor_status), "{what}");
    Ran {
        status,
        stdout: text(&out.stdout),
        stderr: before,
    }
}

/// Runs `argv` in the empty root of `root` and in `image`, and checks both outcomes are the
/// same, that no process of the run is left and that `root` did not change.
fn same_as_podman(root: &Path, image: &str, argv: &[&str], unprivileged: bool) {
    let before = listing(root);
    static RUNS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = RUNS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let marker = format!("run-in-test-{}-{n}", std::process::id());
    let ours = runner(root, argv, unprivileged, &marker);
    let who = if unprivileged { "unprivileged" } else { "root" };
    assert_eq!(
        processes_with_env(&marker),
        Vec::<String>::new(),
        "{argv:?}: left running"
    );
    assert!(
        listing(root) == before,
        "{argv:?} ({who}): the directory changed"
    );
    let theirs = podman_run(image, argv, HOSTNAME, &[]);
    assert_eq!(
        ours, theirs,
        "{argv:?} ({who}): the empty root against podman run"
    );
}

/// A C program of the fixtures built with `gcc FLAGS` into `out`.
fn gcc(source: &Path, out: &Path, flags: &[&str]) {
    let result = run(Command::new("gcc")
        .args(flags)
        .arg("-o")
        .arg(out)
        .arg(source));
    assert!(
        result.status.success(),
        "gcc {}: {}",
        source.display(),
        text(&result.stderr)
    );
}

/// The root of the cases and its image.
struct Prepared {
    /// The build context, with `root/`.
    ctx: TempDir,
    /// The C hello's path here, which is its path in the root.
    hello: PathBuf,
    /// The image `FROM scratch` + `COPY root /`.
    image: String,
    /// Removes the image.
    _images: TestImages,
}

impl Prepared {
    /// The root of the cases (see [`context`]) and its image, named after `what`.
    fn new(what: &str) -> Option<Prepared> {
        let (ctx, hello) = context()?;
        let image = test_image_name(what);
        let images = TestImages::new("podman", &[&image]);
        build(ctx.path(), &image, &[]);
        Some(Prepared {
            ctx,
            hello,
            image,
            _images: images,
        })
    }

    fn root(&self) -> PathBuf {
        self.ctx.path().join("root")
    }
}

/// The root of the cases: the closures of the programs of [`PROGRAMS`] and of a dynamic C hello
/// (`--copy-closure`), hello-nostd as `/hello`, and scratch-doctor's static `run-in` fixture.
/// Returns the context (with `root/`), and the C hello's path, which is its path in the root.
fn context() -> Option<(TempDir, PathBuf)> {
    if !requirements() {
        return None;
    }
    let ctx = TempDir::new("run-in-context");
    std::fs::set_permissions(ctx.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let root = ctx.path().join("root");
    std::fs::create_dir(&root).unwrap();
    let build = ctx.path().join("build");
    std::fs::create_dir(&build).unwrap();
    let hello = build.join("hello");
    gcc(
        &workspace_root().join("system-tests/fixtures/hello.c"),
        &hello,
        &["-O2"],
    );
    let mut args = vec![
        "--copy-closure".as_ref(),
        root.as_os_str(),
        hello.as_os_str(),
    ];
    args.extend(PROGRAMS.iter().map(std::ffi::OsStr::new));
    let out = run(Command::new(nostd_bin("scratch-doctor")).args(&args));
    assert!(
        out.status.success(),
        "--copy-closure: {}",
        text(&out.stderr)
    );
    std::fs::copy(nostd_bin("hello-nostd"), root.join("hello")).unwrap();
    let fixture = workspace_root().join("scratch-doctor/tests/fixtures/run_in.c");
    gcc(&fixture, &root.join("run-in"), &["-static", "-O2"]);
    Some((ctx, hello))
}

/// What every test here needs: Podman, gcc, and an empty root (root or user namespaces).
fn requirements() -> bool {
    require_tool("podman", "podman") && require_tool("gcc", "gcc") && require_empty_root()
}

/// The programs of this machine whose closures the root holds.
const PROGRAMS: [&str; 8] = [
    "/bin/ls",
    "/bin/cat",
    "/bin/grep",
    "/bin/dd",
    "/bin/hostname",
    "/usr/bin/whoami",
    "/bin/sh",
    "/bin/sleep",
];

#[test]
fn the_empty_root_gives_what_podman_run_of_from_scratch_gives() {
    let _engine = engine_lock();
    let Some(prepared) = Prepared::new("run-in") else {
        return;
    };
    let (root, image) = (prepared.root(), &prepared.image);
    let hello = prepared.hello.to_str().unwrap();
    let status_fields = "^(Name|Umask|State|Tgid|Pid|PPid|Uid|Gid|NStgid|NSpid):";
    let cases: Vec<(Vec<&str>, bool)> = vec![
        (vec!["/hello"], true),
        (vec![hello], true),
        (
            vec!["/bin/grep", "-E", status_fields, "/proc/self/status"],
            true,
        ),
        (
            vec![
                "/bin/dd",
                "if=/dev/urandom",
                "of=/dev/null",
                "bs=16",
                "count=4",
                "status=noxfer",
            ],
            true,
        ),
        (vec!["/bin/hostname"], true),
        // Fails alike: no /etc/passwd in the image.
        (vec!["/usr/bin/whoami"], true),
        // Process 1 ends, the kernel ends the sleep it left; the output is the shell's.
        (
            vec!["/bin/sh", "-c", "/bin/sleep 1000 & echo started"],
            true,
        ),
        (vec!["/run-in", "segv"], true),
        (vec!["/run-in", "raise"], true),
        (vec!["/run-in", "write"], true),
        (vec!["/run-in", "where"], true),
        // The devices made with mknod, as runc does as root (unprivileged, this machine's
        // are bound in, owned by nobody there); times left out: /dev is mounted at each run.
        (
            vec![
                "/bin/ls",
                "-ln",
                "--time-style=+",
                "/dev",
                "/dev/pts",
                "/dev/shm",
            ],
            false,
        ),
        (
            vec!["/bin/ls", "-l", "--time-style=+", "/bin", "/lib64"],
            false,
        ),
    ];
    for (argv, unprivileged_too) in &cases {
        same_as_podman(&root, image, argv, false);
        if *unprivileged_too && is_root() && require_tool("setpriv", "util-linux") {
            same_as_podman(&root, image, argv, true);
        }
    }
}

/// What an engine adds and runc does not: Podman's `/etc` (`hostname`, `hosts`) and `/run`
/// (`.containerenv`) are the only names of `ls /` that the empty root lacks.
#[test]
fn the_files_the_engine_adds_are_the_one_difference_of_ls_root() {
    let _engine = engine_lock();
    let Some(prepared) = Prepared::new("run-in-ls") else {
        return;
    };
    let (root, image) = (prepared.root(), &prepared.image);
    let ours = runner(&root, &["/bin/ls", "-1", "/"], false, "ls-root");
    let theirs = podman_run(image, &["/bin/ls", "-1", "/"], HOSTNAME, &[]);
    let without_engine: String = theirs
        .stdout
        .lines()
        .filter(|l| !["etc", "run"].contains(l))
        .map(|l| format!("{l}\n"))
        .collect();
    assert_eq!(ours.stdout, without_engine, "podman's: {}", theirs.stdout);
    assert_ne!(ours.stdout, theirs.stdout, "podman adds /etc and /run");
    let ours = runner(&root, &["/bin/cat", "/etc/hostname"], false, "cat-hostname");
    assert_eq!(
        (ours.status, ours.stderr.as_str()),
        (1, "/bin/cat: /etc/hostname: No such file or directory\n")
    );
}

/// A library that the doctor finds only under `/proc/self/root` (a crafted `DT_RUNPATH`) is
/// missing from the closure, the verdict is no: the program fails in the empty root as in
/// `podman run`, with the loader's message.
#[test]
fn a_library_found_only_under_proc_is_missing_in_both() {
    let _engine = engine_lock();
    if !requirements() {
        return;
    }
    let ctx = TempDir::new("run-in-runpath-proc");
    std::fs::set_permissions(ctx.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let lib_dir = ctx.path().join("lib");
    std::fs::create_dir(&lib_dir).unwrap();
    let fixtures = workspace_root().join("scratch-doctor/tests/fixtures");
    gcc(
        &fixtures.join("lib.c"),
        &lib_dir.join("libdoctor.so"),
        &["-shared", "-fPIC", "-Wl,-soname,libdoctor.so"],
    );
    let program = ctx.path().join("needs-lib");
    let runpath = format!(
        "-Wl,--enable-new-dtags,-rpath,/proc/self/root{}",
        lib_dir.display()
    );
    let lib_flag = format!("-L{}", lib_dir.display());
    gcc(
        &fixtures.join("needs_lib.c"),
        &program,
        &[&lib_flag, &runpath, "-Wl,--no-as-needed", "-ldoctor"],
    );
    let root = ctx.path().join("root");
    std::fs::create_dir(&root).unwrap();
    let out = run(Command::new(nostd_bin("scratch-doctor"))
        .arg("--copy-closure")
        .arg(&root)
        .arg(&program));
    let report = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{report}");
    assert!(
        report.contains("runs in FROM scratch with this closure: no: 1 missing"),
        "{report}"
    );
    assert!(!root.join("proc").exists());
    let image = test_image_name("run-in-runpath-proc");
    let _images = TestImages::new("podman", &[&image]);
    build(ctx.path(), &image, &[]);
    let argv = [program.to_str().unwrap()];
    same_as_podman(&root, &image, &argv, false);
    let theirs = podman_run(&image, &argv, HOSTNAME, &[]);
    assert_eq!(theirs.status, 127, "{theirs:?}");
    assert!(
        theirs
            .stderr
            .contains("libdoctor.so: cannot open shared object file"),
        "{theirs:?}"
    );
}
