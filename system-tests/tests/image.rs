//! The container image: the committed `Dockerfile` and the tasks `cargo make image` and
//! `cargo make image-save`, with Podman and with the docker CLI.
//!
//! Each test builds its image under a name unique to this test process and removes it when it
//! ends, also when it fails. On this project's CI machines Podman needs `.ci/setup-engine.sh`
//! sourced first (runc, cgroupfs, lower ulimits; DOCKER_HOST pointing the docker CLI at Podman).

use std::path::Path;
use std::process::{Command, Output};

use system_tests::{
    NOSTD_TARGET, PodmanStore, TempDir, TestImages, assert_success_with, cargo_make, engine_lock,
    engine_setup_hint, locked_run_flags, nostd_bin, path_without, require_tool, run, skip_or_fail,
    task_stdout, test_image_name, workspace_root,
};

const HELLO: &str = "Hello, world!\n";

/// Panics with the command's output, and how to set up Podman, unless it succeeded.
fn assert_success(out: &Output, what: &str) {
    assert_success_with(out, what, engine_setup_hint());
}

/// Whether `podman` can be used (else the test is skipped, or fails under CI).
fn podman_available() -> bool {
    require_tool("podman", "podman")
}

/// Whether the docker CLI is present and a daemon answers it: Docker's, or Podman's
/// Docker-compatible socket named by DOCKER_HOST.
fn docker_available() -> bool {
    if !require_tool("docker", "docker.io") {
        return false;
    }
    let answers = Command::new("docker")
        .arg("info")
        .output()
        .is_ok_and(|o| o.status.success());
    if !answers {
        skip_or_fail(&format!(
            "`docker info` fails: no daemon answers the docker CLI (DOCKER_HOST {}); \
             `source .ci/setup-engine.sh` serves Podman's Docker-compatible API for it",
            std::env::var("DOCKER_HOST").map_or("unset".into(), |h| format!("={h}"))
        ));
    }
    answers
}

/// `podman build --layers=false --tag NAME --file <workspace>/Dockerfile CONTEXT`: the committed
/// Dockerfile. Without the layer cache every build makes a new image, with an ID of its own: with
/// it, concurrent tests would share one image under several names, and Podman may then bring back
/// a name that another test has just removed (it rewrites an image's list of names as a whole).
fn podman_build(name: &str, context: &Path) {
    let out = run(Command::new("podman")
        .args(["build", "--layers=false", "--tag", name, "--file"])
        .arg(workspace_root().join("Dockerfile"))
        .arg(context));
    assert_success(&out, &format!("podman build of {name}"));
}

/// The ID of the image `name`.
fn podman_image_id(name: &str) -> String {
    let out = run(Command::new("podman").args(["image", "inspect", "--format", "{{.Id}}", name]));
    assert_success(&out, "podman image inspect");
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// The value of a string field `"key":"value"` of compact JSON (enough for the small manifests
/// that the engines write).
fn json_string(json: &str, key: &str) -> String {
    let start = json
        .find(&format!("\"{key}\":\""))
        .unwrap_or_else(|| panic!("no \"{key}\" string in {json}"))
        + key.len()
        + 4;
    let len = json[start..].find('"').expect("end of the JSON string");
    json[start..start + len].to_string()
}

/// The strings of an array field `"key":["a","b"]` of compact JSON.
fn json_strings(json: &str, key: &str) -> Vec<String> {
    let start = json
        .find(&format!("\"{key}\":["))
        .unwrap_or_else(|| panic!("no \"{key}\" array in {json}"))
        + key.len()
        + 4;
    let len = json[start..].find(']').expect("end of the JSON array");
    json[start..start + len]
        .split(',')
        .filter(|s| !s.is_empty())
        .map(|s| s.trim_matches('"').to_string())
        .collect()
}

/// Unpacks the image archive `archive` into `dir` and returns, for each layer that its Docker
/// `manifest.json` lists (what `docker load` reads), the paths of the layer's entries as `tar`
/// lists them (a `./` prefix removed).
fn layer_entries(archive: &Path, dir: &Path) -> Vec<(std::path::PathBuf, Vec<String>)> {
    let out = run(Command::new("tar")
        .arg("-xf")
        .arg(archive)
        .arg("-C")
        .arg(dir));
    assert_success(&out, "tar -xf of the image archive");
    let manifest = std::fs::read_to_string(dir.join("manifest.json"))
        .expect("the archive has a manifest.json, which `docker load` needs");
    let config = json_string(&manifest, "Config");
    assert!(
        dir.join(&config).is_file(),
        "manifest.json names the config {config}, which is not in the archive"
    );
    json_strings(&manifest, "Layers")
        .into_iter()
        .map(|layer| {
            let path = dir.join(&layer);
            // GNU tar recognises compressed (gzip) layers by itself when reading a file.
            let out = run(Command::new("tar").arg("-tf").arg(&path));
            assert_success(&out, &format!("tar -tf of the layer {layer}"));
            let entries = String::from_utf8_lossy(&out.stdout)
                .lines()
                .map(|l| l.trim_start_matches("./").to_string())
                .filter(|l| !l.is_empty())
                .collect();
            (path, entries)
        })
        .collect()
}

#[test]
fn podman_builds_the_dockerfile_and_runs_it_read_only_without_capabilities_or_network() {
    let _engine = engine_lock();
    let _bin = nostd_bin("hello-nostd");
    if !podman_available() {
        return;
    }
    let name = test_image_name("podman");
    let _images = TestImages::new("podman", &[&name]);
    podman_build(&name, &workspace_root());

    let out = run(Command::new("podman")
        .args(["run", "--rm"])
        .args(locked_run_flags(None))
        .arg(&name));
    assert_success(&out, "podman run");
    assert_eq!(String::from_utf8_lossy(&out.stdout), HELLO);
}

/// The commands of docs/image.md, `docker build -t hello-nostd .` and
/// `docker run --rm hello-nostd`, from the workspace root (on CI through Podman's
/// Docker-compatible socket).
#[test]
fn docker_cli_builds_and_runs_the_image_with_the_documented_commands() {
    let _engine = engine_lock();
    let _bin = nostd_bin("hello-nostd");
    if !docker_available() {
        return;
    }
    let name = test_image_name("docker");
    let _images = TestImages::new("docker", &[&name]);

    let out = run(Command::new("docker")
        .args(["build", "-t", &name, "."])
        .current_dir(workspace_root()));
    assert_success(&out, "docker build");
    let out = run(Command::new("docker").args(["run", "--rm", &name]));
    assert_success(&out, "docker run");
    assert_eq!(String::from_utf8_lossy(&out.stdout), HELLO);
}

#[test]
fn image_holds_only_the_binary_runs_as_nobody_with_exec_form_entrypoint_and_has_oci_labels() {
    let _engine = engine_lock();
    let bin = nostd_bin("hello-nostd");
    if !podman_available() || !require_tool("tar", "tar") {
        return;
    }
    let name = test_image_name("contents");
    let _images = TestImages::new("podman", &[&name]);
    podman_build(&name, &workspace_root());

    // The filesystem: every entry of every layer, from the saved image.
    let tmp = TempDir::new("hello-nostd-image-contents");
    let archive = tmp.path().join("image.tar");
    let unpacked = tmp.path().join("unpacked");
    std::fs::create_dir(&unpacked).unwrap();
    let out = run(Command::new("podman")
        .args(["save", "--format", "docker-archive", "--output"])
        .arg(&archive)
        .arg(&name));
    assert_success(&out, "podman save");
    let layers = layer_entries(&archive, &unpacked);
    let all: Vec<&String> = layers.iter().flat_map(|(_, e)| e).collect();
    assert_eq!(all, ["hello"], "the image's files, over all its layers");

    // That one file is the binary, executable.
    let (layer, _) = layers.iter().find(|(_, e)| !e.is_empty()).unwrap();
    let out = run(Command::new("tar").arg("-xOf").arg(layer).arg("hello"));
    assert_success(&out, "tar -xOf hello");
    assert!(
        out.stdout == std::fs::read(&bin).unwrap(),
        "/hello in the image differs from {}",
        bin.display()
    );
    let out = run(Command::new("tar").arg("-tvf").arg(layer));
    let listing = String::from_utf8_lossy(&out.stdout);
    assert!(
        listing.starts_with("-rwxr-xr-x"),
        "/hello is not a regular file with mode 0755: {listing}"
    );

    // The config.
    let inspect = |format: &str| {
        let out = run(Command::new("podman").args(["image", "inspect", "--format", format, &name]));
        assert_success(&out, "podman image inspect");
        String::from_utf8_lossy(&out.stdout).trim_end().to_string()
    };
    assert_eq!(inspect("{{.Config.User}}"), "65534:65534");
    assert_eq!(inspect("{{json .Config.Entrypoint}}"), r#"["/hello"]"#);
    let label = |key: &str| inspect(&format!("{{{{index .Config.Labels \"{key}\"}}}}"));
    assert_eq!(label("org.opencontainers.image.title"), "hello-nostd");
    assert_ne!(label("org.opencontainers.image.description"), "");
    assert_eq!(label("org.opencontainers.image.licenses"), "MIT");
    // No source label: it would name a repository, and the project names none.
    let labels = inspect("{{json .Config.Labels}}");
    assert!(
        !labels.contains("org.opencontainers.image.source"),
        "the image names no source repository: {labels}"
    );
}

/// The control: the same packaging of a dynamically linked program cannot work, since its ELF
/// interpreter (the dynamic loader named in PT_INTERP) is missing from the image; execve fails
/// with ENOENT, which runc reports as `exec /hello: no such file or directory`.
#[test]
fn dynamically_linked_c_hello_in_a_scratch_image_fails_with_no_such_file_or_directory() {
    let _engine = engine_lock();
    if !podman_available() || !require_tool("gcc", "gcc") {
        return;
    }
    // The build context: the C program where the Dockerfile expects hello-nostd.
    let context = TempDir::new("hello-nostd-dynamic-context");
    let release = context
        .path()
        .join("target")
        .join(NOSTD_TARGET)
        .join("release");
    std::fs::create_dir_all(&release).unwrap();
    let bin = release.join("hello-nostd");
    let source = workspace_root().join("system-tests/fixtures/hello.c");
    let out = run(Command::new("gcc")
        .arg("-O2")
        .arg("-o")
        .arg(&bin)
        .arg(&source));
    assert_success(&out, "gcc (Debian packages gcc, libc6-dev)");

    // The program itself works, outside the image.
    let out = run(&mut Command::new(&bin));
    assert_success(&out, "the C hello on the host");
    assert_eq!(String::from_utf8_lossy(&out.stdout), HELLO);
    let interpreter = elf_interpreter(&bin).expect("gcc's output names an ELF interpreter");
    assert!(
        interpreter.starts_with("/lib"),
        "unexpected interpreter {interpreter}"
    );

    let name = test_image_name("dynamic");
    let _images = TestImages::new("podman", &[&name]);
    podman_build(&name, context.path());
    let out = run(Command::new("podman").args(["run", "--rm", "--network", "none", &name]));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success(),
        "the dynamically linked hello ran in a scratch image: {stderr}"
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout), "");
    assert!(
        stderr.contains("exec /hello: no such file or directory"),
        "podman run failed otherwise than with the missing interpreter {interpreter}: \
         {stderr}{}",
        engine_setup_hint()
    );
}

/// The ELF interpreter (PT_INTERP) of the program at `path`, if any, read by scratch-doctor's
/// library (the workspace's one ELF reader of it).
fn elf_interpreter(path: &Path) -> Option<String> {
    match scratch_doctor::inspect(&std::fs::read(path).unwrap()) {
        Ok(scratch_doctor::Program::Elf(facts)) => facts.interpreter,
        other => panic!("{}: not an ELF program: {other:?}", path.display()),
    }
}

#[test]
fn cargo_make_image_rejects_an_unknown_container_engine_with_one_error_line() {
    let out = run(cargo_make()
        .arg("image")
        .env("CONTAINER_ENGINE", "nonsense"));
    assert!(!out.status.success(), "cargo make image succeeded");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let errors: Vec<&str> = stderr.lines().filter(|l| l.starts_with("error:")).collect();
    assert_eq!(errors.len(), 1, "one error line expected in: {stderr}");
    assert!(
        errors[0].contains("CONTAINER_ENGINE=nonsense") && errors[0].contains("docker or podman"),
        "unclear error: {}",
        errors[0]
    );
}

#[test]
fn cargo_make_image_without_docker_or_podman_says_what_to_install_in_one_line() {
    let (_dir, path) = path_without(&["docker", "podman"]);
    let out = run(cargo_make()
        .arg("image")
        .env("PATH", &path)
        .env_remove("CONTAINER_ENGINE"));
    assert!(!out.status.success(), "cargo make image succeeded");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let errors: Vec<&str> = stderr.lines().filter(|l| l.starts_with("error:")).collect();
    assert_eq!(errors.len(), 1, "one error line expected in: {stderr}");
    for words in [
        "no container engine",
        "install Docker",
        "Podman",
        "cargo make scratch-run",
    ] {
        assert!(errors[0].contains(words), "no {words:?} in: {}", errors[0]);
    }
}

/// `cargo make image-save` with Podman writes an OCI archive with a Docker manifest.json; the
/// image, removed from the store, comes back with `podman load` and runs under a new name.
#[test]
fn image_save_writes_an_archive_that_podman_load_restores_and_that_then_runs() {
    let _engine = engine_lock();
    let _bin = nostd_bin("hello-nostd");
    if !podman_available() || !require_tool("tar", "tar") {
        return;
    }
    let name = test_image_name("save");
    let renamed = test_image_name("loaded");
    let _images = TestImages::new("podman", &[&name, &renamed]);
    let tmp = TempDir::new("hello-nostd-image-save");
    let archive = tmp.path().join("hello-nostd.oci.tar");
    // An image of its own (see podman_build), which image-save saves as it is: its dependency,
    // the image task (which would build it again), is skipped.
    podman_build(&name, &workspace_root());
    let id = podman_image_id(&name);

    let out = run(cargo_make()
        .args([
            "--skip-tasks",
            "^(build|rustup-target|image)$",
            "image-save",
        ])
        .env("CONTAINER_ENGINE", "podman")
        .env("HELLO_IMAGE", &name)
        .env("HELLO_ARCHIVE", &archive));
    assert_success(&out, "cargo make image-save");
    let size = std::fs::metadata(&archive)
        .expect("image-save wrote no archive")
        .len();
    assert_eq!(
        task_stdout(&out),
        format!("{}: {size} bytes\n", archive.display()),
        "image-save should print the archive's path and size"
    );

    // An OCI image layout, with the manifest.json of `docker load` naming files of the archive.
    let out = run(Command::new("tar").arg("-tf").arg(&archive));
    let names = String::from_utf8_lossy(&out.stdout);
    for file in ["oci-layout", "index.json", "manifest.json"] {
        assert!(names.lines().any(|l| l == file), "no {file} in: {names}");
    }
    let unpacked = tmp.path().join("unpacked");
    std::fs::create_dir(&unpacked).unwrap();
    let files: Vec<String> = layer_entries(&archive, &unpacked)
        .into_iter()
        .flat_map(|(_, e)| e)
        .collect();
    assert_eq!(files, ["hello"]);

    // Remove the image from the store, load it back from the archive, run it under a new name.
    let out = run(Command::new("podman").args(["rmi", &name]));
    assert_success(&out, "podman rmi");
    let exists = run(Command::new("podman").args(["image", "exists", &id]));
    assert!(
        !exists.status.success(),
        "image {id} still exists after rmi"
    );
    let out = run(Command::new("podman")
        .arg("load")
        .arg("--input")
        .arg(&archive));
    assert_success(&out, "podman load");
    assert_eq!(
        podman_image_id(&name),
        id,
        "podman load restored another image"
    );
    let out = run(Command::new("podman").args(["tag", &name, &renamed]));
    assert_success(&out, "podman tag of the loaded image");
    let out = run(Command::new("podman").args(["run", "--rm", "--network", "none", &renamed]));
    assert_success(&out, "podman run of the loaded image");
    assert_eq!(String::from_utf8_lossy(&out.stdout), HELLO);
}

/// `cargo make run` with CONTAINER_ENGINE=podman: the build and image tasks, then `podman run`.
#[test]
fn cargo_make_run_builds_the_image_with_podman_and_runs_it() {
    let _engine = engine_lock();
    let _bin = nostd_bin("hello-nostd");
    if !podman_available() {
        return;
    }
    let name = test_image_name("run");
    let _images = TestImages::new("podman", &[&name]);
    let out = run(cargo_make()
        .arg("run")
        .env("CONTAINER_ENGINE", "podman")
        .env("HELLO_IMAGE", &name));
    assert_success(&out, "cargo make run");
    // The build task reports the binary's size first; the program's line comes last, once.
    let stdout = task_stdout(&out);
    assert!(stdout.ends_with(HELLO), "stdout: {stdout:?}");
    assert_eq!(stdout.matches(HELLO).count(), 1, "stdout: {stdout:?}");
    let exists = run(Command::new("podman").args(["image", "exists", &name]));
    assert!(
        exists.status.success(),
        "cargo make run made no image {name}"
    );
}

/// What makes an image's digest, as `podman image inspect` shows it: its ID (the digest of its
/// config), its creation time and its history's times, in seconds since the epoch.
#[derive(Debug, PartialEq, Eq)]
struct ImageIdentity {
    id: String,
    created: String,
    history: String,
}

fn podman_identity(store: &PodmanStore, name: &str) -> ImageIdentity {
    let inspect = |format: &str| {
        let out = run(store
            .apply(Command::new("podman").args(["image", "inspect", "--format", format, name])));
        assert_success(&out, "podman image inspect");
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    };
    ImageIdentity {
        id: inspect("{{.Id}}"),
        created: inspect("{{.Created.Unix}}"),
        history: inspect("{{range .History}}{{.Created.Unix}} {{end}}"),
    }
}

/// `cargo make image` with Podman into `store`, the image named `name`, from the binary already
/// built; the image's identity.
fn cargo_make_image_with_podman(store: &PodmanStore, name: &str) -> ImageIdentity {
    let out = run(store.apply(
        cargo_make()
            .args(["--skip-tasks", "^(build|rustup-target)$", "image"])
            .env("CONTAINER_ENGINE", "podman")
            .env("HELLO_IMAGE", name),
    ));
    assert_success(&out, &format!("cargo make image of {name}"));
    podman_identity(store, name)
}

/// `cargo make image` twice gives the same image, ID and all: no time of the build is written in
/// its config or its history (they hold SOURCE_DATE_EPOCH, scripts/source-date-epoch.sh). Each
/// build is a real one, into an empty image store of its own: in the machine's store an image
/// of the same binary (`cargo make run` builds one) would have the same ID, and the build would
/// only add a name to it. The binary's modification time changes in between, as on another
/// machine (`--timestamp` sets every file's time in the layer).
#[test]
fn reproducible_cargo_make_image_twice_with_podman_gives_the_same_image_id() {
    let _engine = engine_lock();
    let bin = nostd_bin("hello-nostd");
    if !podman_available() {
        return;
    }
    let epoch = run(&mut Command::new(
        workspace_root().join("scripts/source-date-epoch.sh"),
    ));
    assert_success(&epoch, "scripts/source-date-epoch.sh");
    let epoch = String::from_utf8_lossy(&epoch.stdout).trim().to_string();

    let name = "localhost/hello-nostd-reproducible:latest";
    let first_store = PodmanStore::new("reproducible-1");
    let first = cargo_make_image_with_podman(&first_store, name);
    assert_eq!(first_store.images(), [name], "the first store");
    // The binary as a build on another machine leaves it: the same bytes, another time.
    std::fs::File::options()
        .write(true)
        .open(&bin)
        .and_then(|f| f.set_modified(std::time::SystemTime::now()))
        .unwrap_or_else(|e| panic!("cannot set the time of {}: {e}", bin.display()));

    let second_store = PodmanStore::new("reproducible-2");
    assert!(second_store.images().is_empty(), "a new store holds images");
    let second = cargo_make_image_with_podman(&second_store, name);

    assert_eq!(first, second, "two builds of the same binary");
    assert_eq!(first.created, epoch, "the image's creation time: {first:?}");
    let steps: Vec<&str> = first.history.split_whitespace().collect();
    assert!(!steps.is_empty(), "no history: {first:?}");
    assert!(
        steps.iter().all(|t| *t == epoch),
        "the history's times, SOURCE_DATE_EPOCH {epoch} expected: {first:?}"
    );
}
