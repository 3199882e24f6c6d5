//! The same inputs give the same bytes: two copies of the inputs made with different mtimes,
//! owners, creation order (so inode and directory order) and umask, packed from different
//! current directories, with the `--add` options in another order, another `TZ` and another
//! host name, give archives equal byte for byte, with `SOURCE_DATE_EPOCH` and without. And
//! the test can fail: one byte of one input, or another `SOURCE_DATE_EPOCH`, changes them.

use std::path::Path;
use std::process::Command;

use system_tests::fixtures::{BuildDir, gcc};
use system_tests::{is_root, run};

use super::common::{
    assert_success, blob_json, doctor_says_it_starts, layer_listing, member, scratch_pack, text,
};

/// How one copy of the inputs is made.
struct Copy {
    /// The umask it is made with.
    umask: &'static str,
    /// Whether its files are made in the reverse order.
    reverse: bool,
    /// The time every file gets (`touch -d`).
    mtime: &'static str,
    /// The owner every file gets, when the test runs as root.
    owner: &'static str,
}

/// Makes the inputs in `dir`: `prog` (the C hello), a tree `root/` (files, a hard link, a
/// symbolic link, an empty directory) and `extra.txt`, `extra2.txt`; with `tweak`, one byte of
/// `root/data/b.txt` differs.
fn make(dir: &Path, program: &Path, copy: &Copy, tweak: bool) {
    let b = if tweak { "bee" } else { "bea" };
    let mut steps = vec![
        "mkdir -p root/etc root/data/sub root/empty".to_string(),
        "echo conf > root/etc/app.conf".to_string(),
        "echo a > root/data/a.txt".to_string(),
        format!("echo {b} > root/data/b.txt"),
        "echo c > root/data/sub/c.txt".to_string(),
        "ln -s data/a.txt root/link".to_string(),
        "echo extra > extra.txt".to_string(),
        "echo extra2 > extra2.txt".to_string(),
        format!("cp {} prog", program.display()),
    ];
    if copy.reverse {
        // The directories first, the rest in the reverse order: other inodes, another order
        // in each directory.
        steps[1..].reverse();
    }
    // The hard link once its target is there, in either order.
    steps.push("ln root/data/a.txt root/data/hard".to_string());
    let mut script = format!("set -e; umask {}; ", copy.umask);
    script.push_str(&steps.join("; "));
    script.push_str(&format!(
        "; find . -exec touch -h -d '{}' {{}} +",
        copy.mtime
    ));
    if is_root() {
        script.push_str(&format!("; chown -R -h {} .", copy.owner));
    }
    let out = run(Command::new("sh").arg("-c").arg(&script).current_dir(dir));
    assert_success(&out, &format!("making the inputs: {script}"));
}

/// Packs the inputs of `dir` into `dir/out.tar`, from `dir` as the current directory, with the
/// `--add` options in the order `adds`, `TZ` `tz`, and `SOURCE_DATE_EPOCH` `epoch`; in a new
/// UTS namespace named `host` when root. Returns the digest it printed and the archive.
fn pack_in(
    dir: &Path,
    adds: [&str; 2],
    tz: &str,
    host: &str,
    epoch: Option<&str>,
) -> (String, Vec<u8>) {
    let mut cmd = if is_root() {
        let mut c = Command::new("unshare");
        c.args([
            "--uts",
            "sh",
            "-c",
            &format!("hostname {host} && exec \"$@\""),
            "sh",
        ]);
        c.arg(scratch_pack());
        c
    } else {
        Command::new(scratch_pack())
    };
    let _ = std::fs::remove_file(dir.join("out.tar"));
    cmd.current_dir(dir)
        .env("TZ", tz)
        .args([
            "-o",
            "out.tar",
            "--essentials",
            "--layers",
            "--root",
            "root",
        ])
        .args(["--add", adds[0], "--add", adds[1]])
        .args(["--env", "GREETING=hi", "--label", "b=2", "--label", "a=1"])
        .args(["./prog", "an argument"]);
    match epoch {
        Some(e) => cmd.env("SOURCE_DATE_EPOCH", e),
        None => cmd.env_remove("SOURCE_DATE_EPOCH"),
    };
    let out = run(&mut cmd);
    assert!(
        out.status.success(),
        "scratch-pack in {}: {}",
        dir.display(),
        text(&out.stderr)
    );
    (
        text(&out.stdout).trim().to_string(),
        std::fs::read(dir.join("out.tar")).unwrap(),
    )
}

const A: Copy = Copy {
    umask: "022",
    reverse: false,
    mtime: "2001-02-03 04:05:06",
    owner: "0:0",
};

const B: Copy = Copy {
    umask: "077",
    reverse: true,
    mtime: "2019-12-31 23:59:59",
    owner: "1234:5678",
};

const ADDS: [&str; 2] = ["extra.txt:/opt/extra.txt", "extra2.txt:/opt/extra2.txt"];

#[test]
fn two_copies_of_the_inputs_give_the_same_bytes_and_one_changed_byte_does_not() {
    let build = BuildDir::new("pack-reproducible");
    let Some(program) = gcc(build.path(), "hello.c") else {
        return;
    };
    let (a, b) = (build.path().join("a"), build.path().join("b"));
    std::fs::create_dir_all(&a).unwrap();
    std::fs::create_dir_all(&b).unwrap();
    make(&a, &program, &A, false);
    make(&b, &program, &B, false);
    let reversed = [ADDS[1], ADDS[0]];

    let epoch = Some("1700000000");
    let (digest_a, bytes_a) = pack_in(&a, ADDS, "UTC", "host-a", epoch);
    let (digest_b, bytes_b) = pack_in(&b, reversed, "Asia/Tokyo", "host-b", epoch);
    assert_eq!(digest_a, digest_b);
    assert!(bytes_a == bytes_b, "the two archives differ");
    let archive = a.join("out.tar");
    doctor_says_it_starts(&archive, None);

    // What the rules say of what is in it: the one time, owner 0, modes from the execute bits.
    let index: serde_json::Value = serde_json::from_slice(&member(&archive, "index.json")).unwrap();
    let manifest = blob_json(&archive, index["manifests"][0]["digest"].as_str().unwrap());
    let config = blob_json(&archive, manifest["config"]["digest"].as_str().unwrap());
    assert_eq!(config["created"], "2023-11-14T22:13:20Z");
    let layers = manifest["layers"].as_array().unwrap();
    assert_eq!(layers.len(), 3, "--layers: base, libraries, program");
    let program_layer = layer_listing(
        &archive,
        layers[2]["digest"].as_str().unwrap(),
        build.path(),
    );
    // The gzip header: no time (MTIME 0), OS "unknown" (255), whatever machine wrote it.
    let gz = std::fs::read(build.path().join("layer")).unwrap();
    assert_eq!(gz[..4], [0x1f, 0x8b, 8, 0], "gzip, deflate, no flags");
    assert_eq!(gz[4..8], [0, 0, 0, 0], "MTIME 0");
    assert_eq!(gz[9], 255, "OS 255");
    // No pax records where ustar holds everything (short ASCII names): no atime, no ctime.
    let out = run(Command::new("gzip")
        .arg("-dc")
        .arg(build.path().join("layer")));
    assert_success(&out, "gzip -dc LAYER");
    let tar = out.stdout;
    for needle in [&b"PaxHeader"[..], b"atime=", b"ctime=", b"mtime="] {
        assert!(
            !tar.windows(needle.len()).any(|w| w == needle),
            "{} in the layer",
            String::from_utf8_lossy(needle)
        );
    }
    for line in &program_layer {
        assert!(line.contains(" 0/0 "), "owner 0/0: {line}");
        assert!(
            line.contains(" 2023-11-14 22:13:20 "),
            "the one time: {line}"
        );
    }
    let want_lines = [
        ("-rw-r--r--", "data/a.txt"),
        ("hrw-r--r--", "data/hard link to data/a.txt"),
        ("lrwxrwxrwx", "link -> data/a.txt"),
        ("drwxr-xr-x", "empty/"),
        ("-rwxr-xr-x", "prog"),
        ("-rw-r--r--", "opt/extra.txt"),
    ];
    for (mode, end) in want_lines {
        assert!(
            program_layer
                .iter()
                .any(|l| l.starts_with(mode) && l.ends_with(end)),
            "{mode} … {end} in {program_layer:#?}"
        );
    }
    // Sorted by path, each directory before what is in it.
    let names: Vec<&str> = program_layer
        .iter()
        .map(|l| l.split(" 2023-11-14 22:13:20 ").nth(1).unwrap())
        .map(|n| n.split(" link to ").next().unwrap())
        .map(|n| n.split(" -> ").next().unwrap().trim_end_matches('/'))
        .collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted);

    // Without SOURCE_DATE_EPOCH: the same bytes again, at 1970-01-01T00:00:01Z.
    let (digest_a1, bytes_a1) = pack_in(&a, ADDS, "UTC", "host-a", None);
    let (_, bytes_b1) = pack_in(&b, reversed, "UTC", "host-b", None);
    assert!(
        bytes_a1 == bytes_b1,
        "the two archives differ without SOURCE_DATE_EPOCH"
    );
    assert_ne!(
        digest_a1, digest_a,
        "another SOURCE_DATE_EPOCH, another image"
    );
    let index: serde_json::Value = serde_json::from_slice(&member(&archive, "index.json")).unwrap();
    let manifest = blob_json(&archive, index["manifests"][0]["digest"].as_str().unwrap());
    let config = blob_json(&archive, manifest["config"]["digest"].as_str().unwrap());
    assert_eq!(config["created"], "1970-01-01T00:00:01Z");

    // One byte of one file changed: other bytes, another digest. The test can fail.
    std::fs::remove_dir_all(&b).unwrap();
    std::fs::create_dir_all(&b).unwrap();
    make(&b, &program, &B, true);
    let (digest_b2, bytes_b2) = pack_in(&b, reversed, "UTC", "host-b", epoch);
    assert_ne!(digest_b2, digest_a);
    assert!(bytes_b2 != bytes_a);
}
