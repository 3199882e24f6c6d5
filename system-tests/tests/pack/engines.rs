//! The images scratch-pack writes, loaded and run by the engines and read by the tools that
//! read images; each one also read by `scratch-doctor --image`, whose prediction (it starts;
//! the files it will look for) is held against what the run does.

use std::path::Path;
use std::process::Command;

use system_tests::fixtures::{BuildDir, gcc, go_build};
use system_tests::{
    TempDir, TestImages, engine_lock, nostd_bin, require_tool, run, skip_or_fail, workspace_root,
};

use super::common::{
    assert_says_hello, assert_success, blob_json, doctor_says_it_starts, image_name, layer_listing,
    member, packed, podman_load, podman_run, text,
};
use crate::args;

/// `podman image inspect --format FORMAT NAME`.
fn inspect(name: &str, format: &str) -> String {
    let out = run(Command::new("podman").args(["image", "inspect", "--format", format, name]));
    assert_success(&out, "podman image inspect");
    text(&out.stdout).trim().to_string()
}

/// The digest of the manifest `index.json` of `archive` names.
fn manifest_of(archive: &Path) -> serde_json::Value {
    let index: serde_json::Value = serde_json::from_slice(&member(archive, "index.json")).unwrap();
    blob_json(archive, index["manifests"][0]["digest"].as_str().unwrap())
}

#[test]
fn hello_nostd_packed_runs_as_the_image_of_the_dockerfile_does() {
    let _lock = engine_lock();
    if !require_tool("podman", "podman") {
        return;
    }
    let (ours, theirs) = (image_name("pack-hello"), image_name("pack-dockerfile"));
    let _images = TestImages::new("podman", &[&ours, &theirs]);
    let dir = TempDir::new("pack-hello");
    let archive = dir.path().join("hello.tar");
    let hello = nostd_bin("hello-nostd");
    // The Dockerfile's place for it, /hello.
    let digest = packed(args![
        "-o",
        archive,
        "--program-path",
        "/hello",
        "--tag",
        ours,
        hello
    ]);
    doctor_says_it_starts(&archive, None);
    podman_load(&archive);
    // `cargo make image`'s script, under a test name.
    let build = run(Command::new(workspace_root().join("scripts/image.sh"))
        .env("CONTAINER_ENGINE", "podman")
        .env("HELLO_IMAGE", &theirs));
    assert_success(&build, "scripts/image.sh");
    let (a, b) = (podman_run(&ours, &[]), podman_run(&theirs, &[]));
    assert_eq!(text(&a.stdout), "Hello, world!\n", "{}", text(&a.stderr));
    assert_eq!(
        (text(&a.stdout), a.status.code()),
        (text(&b.stdout), b.status.code())
    );
    let config = "{{json .Config.Entrypoint}} {{.Config.User}}";
    assert_eq!(inspect(&ours, config), r#"["/hello"] 65534:65534"#);
    assert_eq!(inspect(&ours, config), inspect(&theirs, config));
    // The engine has the image under the digest scratch-pack printed.
    assert_eq!(inspect(&ours, "{{.Digest}}"), digest);
}

#[test]
fn a_dynamic_c_program_runs_from_its_image_which_holds_its_closure_and_no_more() {
    let _lock = engine_lock();
    if !require_tool("podman", "podman") {
        return;
    }
    let build = BuildDir::new("pack-dynamic");
    let Some(program) = gcc(build.path(), "hello.c") else {
        return;
    };
    let name = image_name("pack-dynamic");
    let _images = TestImages::new("podman", &[&name]);
    let archive = build.path().join("c.tar");
    packed(args!["-o", archive, "--tag", name, program]);
    doctor_says_it_starts(&archive, None);
    podman_load(&archive);
    assert_says_hello(&name, &name);

    // The files of the layer are the program at /hello and the closure scratch-doctor
    // --closure names, at its image paths: the same code computed both.
    let out = run(Command::new(nostd_bin("scratch-doctor"))
        .args(["--closure", "--json"])
        .arg(&program));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut want: Vec<String> = report["closure"]["objects"]
        .as_array()
        .unwrap()
        .iter()
        .skip(1)
        .map(|o| {
            o["image_path"]
                .as_str()
                .unwrap()
                .trim_start_matches('/')
                .to_string()
        })
        .collect();
    want.push("hello".into());
    want.sort();
    let manifest = manifest_of(&archive);
    let listing = layer_listing(
        &archive,
        manifest["layers"][0]["digest"].as_str().unwrap(),
        build.path(),
    );
    let mut files: Vec<String> = listing
        .iter()
        .filter(|l| l.starts_with('-'))
        .map(|l| l.rsplit(' ').next().unwrap().to_string())
        .collect();
    files.sort();
    assert_eq!(files, want);
}

#[test]
fn a_go_program_with_essentials_verifies_a_certificate_and_loads_zones_offline() {
    let _lock = engine_lock();
    if !require_tool("podman", "podman") {
        return;
    }
    let build = BuildDir::new("pack-go");
    let Some(program) = go_build(build.path(), "needs-go", "") else {
        return;
    };
    // A root of this machine's bundle, valid until 2035 (as the needs tests verify).
    let pem = std::fs::read_to_string("/etc/ssl/certs/ISRG_Root_X1.pem")
        .expect("the ISRG Root X1 certificate (Debian package ca-certificates)");
    let (bare, full, paris) = (
        image_name("pack-go-bare"),
        image_name("pack-go-essentials"),
        image_name("pack-go-paris"),
    );
    let _images = TestImages::new("podman", &[&bare, &full, &paris]);
    let dir = build.path();
    let (bare_tar, full_tar, paris_tar) = (
        dir.join("bare.tar"),
        dir.join("full.tar"),
        dir.join("paris.tar"),
    );
    packed(args!["-o", bare_tar, "--tag", bare, program]);
    packed(args![
        "-o",
        full_tar,
        "--tag",
        full,
        "--essentials",
        "--user",
        "nobody",
        program
    ]);
    packed(args![
        "-o",
        paris_tar,
        "--tag",
        paris,
        "--passwd",
        "--ca-certs",
        "--tz",
        "Europe/Paris",
        program
    ]);

    // The doctor's prediction: the bare image lacks a CA bundle, the zones and /etc/passwd;
    // with --essentials it names none of them.
    let needs = |archive: &Path| {
        let out = run(Command::new(nostd_bin("scratch-doctor"))
            .arg("--image")
            .arg(archive));
        assert!(out.status.success(), "{}", text(&out.stderr));
        text(&out.stdout)
    };
    let predicted = needs(&bare_tar);
    for need in [
        "/etc/ssl/certs/ca-certificates.crt (",
        "/usr/share/zoneinfo (",
        "/etc/passwd (",
    ] {
        assert!(predicted.contains(need), "{need} in {predicted}");
    }
    assert!(
        !needs(&full_tar).contains("needs at run time"),
        "{}",
        needs(&full_tar)
    );
    doctor_says_it_starts(&full_tar, None);
    doctor_says_it_starts(&paris_tar, None);

    for image in [&bare_tar, &full_tar, &paris_tar] {
        podman_load(image);
    }
    let says = |name: &str, args: &[&str]| {
        let out = podman_run(name, args);
        (out.status.code(), text(&out.stdout).trim().to_string())
    };
    // Reality: what the doctor said, each fails without its file; with them, each works.
    let verify = ["verify", pem.as_str()];
    assert_eq!(
        says(&bare, &verify),
        (
            Some(1),
            "error: x509: certificate signed by unknown authority".into()
        )
    );
    assert_eq!(
        says(&bare, &["zone", "Europe/Paris"]),
        (Some(1), "error: unknown time zone Europe/Paris".into())
    );
    assert_eq!(says(&bare, &["user"]).0, Some(1));
    assert_eq!(
        says(&full, &verify),
        (Some(0), "verified: ISRG Root X1".into())
    );
    assert_eq!(
        says(&full, &["zone", "Europe/Paris"]),
        (Some(0), "zone: Europe/Paris".into())
    );
    assert_eq!(
        says(&full, &["zone", "America/New_York"]),
        (Some(0), "zone: America/New_York".into())
    );
    assert_eq!(says(&full, &["user"]), (Some(0), "user: nobody".into()));
    assert_eq!(inspect(&full, "{{.Config.User}}"), "nobody");
    // --tz ZONES: those zones and no other.
    assert_eq!(
        says(&paris, &["zone", "Europe/Paris"]),
        (Some(0), "zone: Europe/Paris".into())
    );
    assert_eq!(
        says(&paris, &["zone", "America/New_York"]),
        (Some(1), "error: unknown time zone America/New_York".into())
    );
    assert_eq!(
        says(&paris, &verify),
        (Some(0), "verified: ISRG Root X1".into())
    );
}

/// Whether the docker CLI reaches a daemon (Podman's API on this project's machines).
fn docker_answers() -> bool {
    if !require_tool("docker", "docker.io") {
        return false;
    }
    let answers = Command::new("docker")
        .arg("info")
        .output()
        .is_ok_and(|o| o.status.success());
    if !answers {
        skip_or_fail("`docker info` fails: no daemon answers the docker CLI");
    }
    answers
}

#[test]
fn docker_load_skopeo_and_umoci_read_what_it_writes() {
    let _lock = engine_lock();
    if !docker_answers() || !require_tool("skopeo", "skopeo") || !require_tool("umoci", "umoci") {
        return;
    }
    let name = image_name("pack-docker");
    let _images = TestImages::new("podman", &[&name]);
    let dir = TempDir::new("pack-tools");
    let (archive, layout) = (dir.path().join("hello.tar"), dir.path().join("layout"));
    let hello = nostd_bin("hello-nostd");
    let digest = packed(args!["-o", archive, "--tag", name, hello]);
    let also = packed(args![
        "-o", layout, "--format", "oci-dir", "--tag", name, hello
    ]);
    assert_eq!(also, digest, "the same image in a layout directory");
    doctor_says_it_starts(&archive, None);
    doctor_says_it_starts(&layout, None);

    // docker load reads Docker's manifest.json beside index.json.
    let out = run(Command::new("docker")
        .args(["load", "--input"])
        .arg(&archive));
    assert_success(&out, "docker load");
    assert!(text(&out.stdout).contains(&name), "{}", text(&out.stdout));
    let out = run(Command::new("docker").args(["run", "--rm", "--network", "none", &name]));
    assert_eq!(
        text(&out.stdout),
        "Hello, world!\n",
        "{}",
        text(&out.stderr)
    );

    // skopeo: the digest, from the archive and from the directory.
    for source in [
        format!("oci-archive:{}", archive.display()),
        format!("oci:{}", layout.display()),
    ] {
        let out = run(Command::new("skopeo").args(["inspect", &source]));
        assert_success(&out, &format!("skopeo inspect {source}"));
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["Digest"], digest.as_str(), "{source}");
        assert_eq!(v["Architecture"], "amd64");
    }
    // skopeo copy to a layout, which umoci unpacks: the program is there, as it was packed.
    let copied = dir.path().join("copied");
    let out = run(Command::new("skopeo")
        .args(["copy", &format!("oci-archive:{}", archive.display())])
        .arg(format!("oci:{}:hello", copied.display())));
    assert_success(&out, "skopeo copy oci-archive: oci:");
    let bundle = dir.path().join("bundle");
    let out = run(Command::new("umoci")
        .args(["unpack", "--image"])
        .arg(format!("{}:hello", copied.display()))
        .arg(&bundle));
    assert_success(&out, "umoci unpack");
    let unpacked = bundle.join("rootfs/hello-nostd");
    assert!(std::fs::read(&unpacked).unwrap() == std::fs::read(&hello).unwrap());
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&unpacked).unwrap().permissions().mode() & 0o7777;
    assert_eq!(mode, 0o755);
    let config: serde_json::Value =
        serde_json::from_slice(&std::fs::read(bundle.join("config.json")).unwrap()).unwrap();
    assert_eq!(config["process"]["args"][0], "/hello-nostd");
    assert_eq!(config["process"]["user"]["uid"], 65534);
}

#[test]
fn zstd_and_uncompressed_layers_load_and_run() {
    let _lock = engine_lock();
    if !require_tool("podman", "podman") {
        return;
    }
    let names = [image_name("pack-zstd"), image_name("pack-none")];
    let _images = TestImages::new("podman", &[&names[0], &names[1]]);
    let dir = TempDir::new("pack-compression");
    let hello = nostd_bin("hello-nostd");
    for (name, how, media_type) in [
        (
            &names[0],
            "zstd",
            "application/vnd.oci.image.layer.v1.tar+zstd",
        ),
        (&names[1], "none", "application/vnd.oci.image.layer.v1.tar"),
    ] {
        let archive = dir.path().join(format!("{how}.tar"));
        packed(args![
            "-o",
            archive,
            "--compression",
            how,
            "--tag",
            name,
            hello
        ]);
        assert_eq!(manifest_of(&archive)["layers"][0]["mediaType"], media_type);
        doctor_says_it_starts(&archive, None);
        podman_load(&archive);
        assert_says_hello(name, how);
    }
}

#[test]
fn two_programs_packed_with_layers_share_their_base_and_library_layers() {
    let _lock = engine_lock();
    if !require_tool("podman", "podman") {
        return;
    }
    let build = BuildDir::new("pack-layers");
    let (Some(one), Some(two)) = (
        gcc(build.path(), "hello.c"),
        gcc(build.path(), "needs-tmpfile.c"),
    ) else {
        return;
    };
    let names = [image_name("pack-layers-one"), image_name("pack-layers-two")];
    let _images = TestImages::new("podman", &[&names[0], &names[1]]);
    let mut layers = Vec::new();
    for (name, program, split) in [
        (&names[0], &one, true),
        (&names[1], &two, true),
        (&names[1], &two, false),
    ] {
        let archive = build.path().join(format!("{}.tar", layers.len()));
        let mut a = vec![
            "-o".as_ref(),
            archive.as_os_str(),
            "--tag".as_ref(),
            name.as_ref(),
            "--essentials".as_ref(),
        ];
        if split {
            a.push("--layers".as_ref());
        }
        a.push(program.as_os_str());
        packed(&a);
        doctor_says_it_starts(&archive, None);
        let digests: Vec<String> = manifest_of(&archive)["layers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["digest"].as_str().unwrap().to_string())
            .collect();
        if split {
            podman_load(&archive);
        }
        layers.push(digests);
    }
    assert_eq!(layers[0].len(), 3, "base, libraries, program");
    assert_eq!(
        layers[0][..2],
        layers[1][..2],
        "the same base and libraries"
    );
    assert_ne!(layers[0][2], layers[1][2], "another program");
    assert_eq!(layers[2].len(), 1, "one layer without --layers");
    assert!(!layers[0].contains(&layers[2][0]));
    // The engine stores the shared layers once: the two images' first two layers are one.
    let rootfs = |name: &str| -> Vec<String> {
        serde_json::from_str(&inspect(name, "{{json .RootFS.Layers}}")).unwrap()
    };
    let (a, b) = (rootfs(&names[0]), rootfs(&names[1]));
    assert_eq!(a[..2], b[..2]);
    assert_ne!(a[2], b[2]);
    let out = podman_run(&names[1], &[]);
    assert_eq!(
        text(&out.stdout).trim(),
        "temporary file made",
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn the_config_options_reach_the_engine_as_given() {
    let _lock = engine_lock();
    if !require_tool("podman", "podman") {
        return;
    }
    let name = image_name("pack-config");
    let _images = TestImages::new("podman", &[&name]);
    let dir = TempDir::new("pack-config");
    let archive = dir.path().join("config.tar");
    let out = run(Command::new(super::common::scratch_pack())
        .env("SOURCE_DATE_EPOCH", "1700000000")
        .args(args![
            "-o",
            archive,
            "--tag",
            name,
            "--user",
            "1000:1000",
            "--env",
            "GREETING=hi",
            "--env",
            "EMPTY=",
            "--workdir",
            "/work",
            "--label",
            "org.example.b=2",
            "--label",
            "org.example.a=1",
            "--expose",
            "8080",
            "--expose",
            "53/udp",
            "--stop-signal",
            "SIGINT",
            nostd_bin("hello-nostd"),
            "an argument"
        ]));
    assert_success(&out, "scratch-pack with every config option");
    doctor_says_it_starts(&archive, None);
    podman_load(&archive);
    let config = "{{json .Config.Entrypoint}} {{json .Config.Cmd}} {{.Config.User}} \
                  {{.Config.WorkingDir}} {{.Config.StopSignal}} {{.Created.UTC}}";
    assert_eq!(
        inspect(&name, config),
        r#"["/hello-nostd","an argument"] null 1000:1000 /work SIGINT 2023-11-14 22:13:20 +0000 UTC"#
    );
    let env: Vec<String> = serde_json::from_str(&inspect(&name, "{{json .Config.Env}}")).unwrap();
    assert!(env.contains(&"GREETING=hi".to_string()), "{env:?}");
    assert!(env.contains(&"EMPTY=".to_string()), "{env:?}");
    let labels: serde_json::Value =
        serde_json::from_str(&inspect(&name, "{{json .Config.Labels}}")).unwrap();
    assert_eq!(labels["org.example.a"], "1");
    assert_eq!(labels["org.example.b"], "2");
    let ports: serde_json::Value =
        serde_json::from_str(&inspect(&name, "{{json .Config.ExposedPorts}}")).unwrap();
    let mut ports: Vec<&String> = ports.as_object().unwrap().keys().collect();
    ports.sort();
    assert_eq!(ports, ["53/udp", "8080/tcp"]);
    // hello-nostd ignores its argument; it runs as 1000 in /work, which the runtime makes.
    assert_says_hello(&name, &name);
}

#[test]
fn a_copy_closure_tree_given_with_root_holds_the_same_libraries_once() {
    let build = BuildDir::new("pack-copy-closure");
    let Some(program) = gcc(build.path(), "hello.c") else {
        return;
    };
    let tree = build.path().join("closure");
    std::fs::create_dir(&tree).unwrap();
    let out = run(Command::new(nostd_bin("scratch-doctor"))
        .arg("--copy-closure")
        .arg(&tree)
        .arg(&program));
    assert_success(&out, "scratch-doctor --copy-closure");
    let archive = build.path().join("image.tar");
    packed(args!["-o", archive, "--root", tree, program]);
    doctor_says_it_starts(&archive, None);
    let listing = layer_listing(
        &archive,
        manifest_of(&archive)["layers"][0]["digest"]
            .as_str()
            .unwrap(),
        build.path(),
    );
    let libc: Vec<&String> = listing
        .iter()
        .filter(|l| l.ends_with("/libc.so.6"))
        .collect();
    assert_eq!(libc.len(), 1, "{listing:#?}");

    // A copy that differs from the closure's library by one byte is refused, in one line.
    let copy = listing
        .iter()
        .find_map(|l| {
            l.split(' ')
                .next_back()
                .filter(|p| p.ends_with("/libc.so.6"))
        })
        .unwrap();
    let copy = tree.join(copy);
    let mut bytes = std::fs::read(&copy).unwrap();
    bytes[1000] ^= 1;
    std::fs::write(&copy, bytes).unwrap();
    let out = super::common::pack(args!["-o", archive, "--root", tree, program]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("/libc.so.6: given twice, by the closure of "),
        "{stderr}"
    );
    assert!(stderr.contains(" and by --root "), "{stderr}");
}

#[test]
fn scratch_pack_packed_by_itself_runs_in_its_image_and_writes_the_same_bytes_there() {
    let _lock = engine_lock();
    if !require_tool("podman", "podman") {
        return;
    }
    let name = image_name("pack-itself");
    let _images = TestImages::new("podman", &[&name]);
    let dir = TempDir::new("pack-itself");
    let d = dir.path();
    let archive = d.join("scratch-pack.tar");
    packed(args![
        "-o",
        archive,
        "--tag",
        name,
        super::common::scratch_pack()
    ]);
    doctor_says_it_starts(&archive, None);
    podman_load(&archive);

    // hello-nostd packed here, and packed again in the container (FROM scratch, scratch-pack
    // alone in it), from a directory mounted at /work: the same bytes.
    let work = d.join("work");
    std::fs::create_dir(&work).unwrap();
    std::fs::copy(nostd_bin("hello-nostd"), work.join("hello-nostd")).unwrap();
    let here = packed(args!["-o", d.join("here.tar"), work.join("hello-nostd")]);
    let out = run(Command::new("podman")
        .args([
            "run",
            "--rm",
            "--network",
            "none",
            "--user",
            "0:0",
            "--volume",
        ])
        .arg(format!("{}:/work", work.display()))
        .args([&name, "-o", "/work/there.tar", "/work/hello-nostd"]));
    assert_success(&out, "scratch-pack in its own image");
    assert_eq!(text(&out.stdout).trim(), here);
    assert!(
        std::fs::read(work.join("there.tar")).unwrap()
            == std::fs::read(d.join("here.tar")).unwrap(),
        "the archive written in the container differs from the one written here"
    );
}
