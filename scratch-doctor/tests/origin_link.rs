//! A program called through a symbolic link whose `DT_RUNPATH` uses `$ORIGIN`: glibc takes
//! `$ORIGIN` from the real path here (`/proc/self/exe`), and in the image the program is a
//! regular file at the link's path, so the library must go beside that path there. Checked
//! against glibc: the link runs here, and its copied closure runs in an empty root.

mod common;

use std::path::Path;
use std::process::Command;

use common::{TempDir, gcc, run_doctor, status, texts};
use system_tests::{is_root, require_empty_root};

#[test]
fn a_linked_program_with_origin_runs_here_and_from_its_copied_closure() {
    let dir = TempDir::new("doctor-origin-link");
    let real = dir.path().join("real");
    std::fs::create_dir_all(real.join("lib")).unwrap();
    std::fs::create_dir_all(real.join("bin")).unwrap();
    std::fs::create_dir_all(dir.path().join("other/bin")).unwrap();
    let Some(_) = gcc(
        &real.join("lib"),
        "lib.c",
        "libdoctor.so",
        &["-shared", "-fPIC", "-Wl,-soname,libdoctor.so"],
    ) else {
        return;
    };
    let lib_dir = format!("-L{}", real.join("lib").display());
    let program = gcc(
        &real.join("bin"),
        "needs_lib.c",
        "needs-lib",
        &[
            &lib_dir,
            "-Wl,--enable-new-dtags,-rpath,$ORIGIN/../lib",
            "-Wl,--no-as-needed",
            "-ldoctor",
        ],
    )
    .unwrap();
    let link = dir.path().join("other/bin/needs-lib");
    std::os::unix::fs::symlink(&program, &link).unwrap();
    // glibc here: $ORIGIN is real/bin, so the link runs (other/lib does not exist).
    let here = Command::new(&link).output().unwrap();
    assert!(
        here.status.success(),
        "{}",
        String::from_utf8_lossy(&here.stderr)
    );

    let out = run_doctor(&[Path::new("--closure"), &link]);
    let (stdout, stderr) = texts(&out);
    assert_eq!(status(&out), 0, "{stdout}{stderr}");
    let image_lib = dir.path().join("other/lib/libdoctor.so");
    assert!(
        stdout.contains(&format!(" -> {} (libdoctor.so", image_lib.display())),
        "the library beside the link in the image: {stdout}"
    );

    let root = TempDir::new("doctor-origin-link-root");
    let out = run_doctor(&[Path::new("--copy-closure"), root.path(), &link]);
    assert_eq!(status(&out), 0, "{:?}", texts(&out));
    if !require_empty_root() {
        return;
    }
    std::fs::create_dir(root.path().join("proc")).unwrap();
    let mut cmd = Command::new("unshare");
    if !is_root() {
        cmd.args(["--user", "--map-root-user"]);
    }
    let ran = cmd
        .args(["--mount-proc", "--mount", "--pid", "--fork"])
        .arg(format!("--root={}", root.path().display()))
        .arg(&link)
        .output()
        .unwrap();
    assert!(
        ran.status.success(),
        "the copied closure, run at the link's path: {}",
        String::from_utf8_lossy(&ran.stderr)
    );
}
