//! The multi-architecture image: `cargo make image-multiarch` builds one image per platform
//! of the architecture table (linux/amd64, linux/arm64/v8 …) and a manifest list of them with
//! Podman; the foreign ones run through qemu binfmt; `image-save-multiarch` writes them as one
//! OCI archive.

use std::process::{Command, Output};

use system_tests::{
    Arch, TempDir, cargo_make, locked_run_flags, nostd_bin_for, require_binfmt, require_tool, run,
    task_stdout,
};

const HELLO: &[u8] = b"Hello, world!\n";

fn podman(args: &[&str]) -> Output {
    run(Command::new("podman").args(args))
}

/// Removes the manifest list and the per-platform images of `name`, even when the test fails.
struct MultiArchImage {
    name: String,
}

impl Drop for MultiArchImage {
    fn drop(&mut self) {
        let _ = podman(&["manifest", "rm", &self.name]);
        for arch in Arch::ALL {
            let _ = podman(&["rmi", "--force", &tag_of(&self.name, arch)]);
        }
    }
}

/// The `platform` object of `arch`'s entry in a manifest list or index, without its braces or
/// white space, as Podman and skopeo write it: `"architecture":"arm","os":"linux","variant":"v6"`.
fn platform_entry(arch: Arch) -> String {
    let mut parts = arch.platform().trim_start_matches("linux/").split('/');
    let architecture = parts.next().unwrap();
    match parts.next() {
        Some(variant) => {
            format!(
                "\"architecture\":\"{architecture}\",\"os\":\"linux\",\"variant\":\"{variant}\""
            )
        }
        None => format!("\"architecture\":\"{architecture}\",\"os\":\"linux\""),
    }
}

/// `json`, a manifest list or an index without white space, has one entry for each row of the
/// table, with the row's platform (variant included), and no other.
fn assert_every_platform_once(json: &str) {
    assert_eq!(
        json.matches("\"platform\":").count(),
        Arch::ALL.len(),
        "every platform: {json}"
    );
    for arch in Arch::ALL {
        let entry = platform_entry(arch);
        assert_eq!(
            json.matches(&format!("{{{entry}}}")).count(),
            1,
            "{entry} in {json}"
        );
    }
}

/// The image of `arch` in the list `name`, as scripts/image-multiarch.sh tags it: the platform
/// less `linux/`, a `/` before a variant as `-` (`name:amd64`, `name:arm-v7`).
fn tag_of(name: &str, arch: Arch) -> String {
    let platform = arch.platform().trim_start_matches("linux/");
    format!("{name}:{}", platform.replace('/', "-"))
}

/// The `/hello` inside `image`, copied out of a container created from it, and what its ELF
/// header says: its class in bits (32 or 64), its `e_machine` and its `e_flags` (for arm, the
/// EABI version and float ABI). The image holds that one file.
fn elf_of_hello_in(image: &str) -> ((u8, u16, u32), Vec<u8>) {
    let dir = TempDir::new("multiarch-cp");
    let name = format!("hello-nostd-test-{}-cp", std::process::id());
    let created = podman(&["create", "--name", &name, image]);
    assert!(
        created.status.success(),
        "podman create {image}: {:?}",
        created
    );
    let dest = dir.path().join("root");
    let copied = podman(&["cp", &format!("{name}:/"), dest.to_str().unwrap()]);
    let _ = podman(&["rm", "--force", &name]);
    assert!(copied.status.success(), "podman cp: {copied:?}");
    // The engine adds its mount points (/dev, /proc, /sys, /etc …) as empty directories or
    // empty files; the one file with content is /hello.
    let with_content: Vec<String> = walk(&dest)
        .into_iter()
        .filter(|p| p.metadata().is_ok_and(|m| m.is_file() && m.len() > 0))
        .map(|p| p.strip_prefix(&dest).unwrap().display().to_string())
        .collect();
    assert_eq!(with_content, ["hello"], "{image}: files with content");
    let data = std::fs::read(dest.join("hello")).unwrap();
    let h = system_tests::elf::header(&data).expect("/hello is an ELF file");
    let elf = (h.bits, h.machine, h.flags);
    (elf, data)
}

/// Every path below `dir`, depth first, links not followed.
fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.symlink_metadata().unwrap().is_dir() {
            out.extend(walk(&path));
        }
        out.push(path);
    }
    out
}

#[test]
fn the_manifest_list_holds_every_platform_and_each_runs_through_binfmt() {
    if !require_tool("podman", "podman")
        || !require_tool("skopeo", "skopeo")
        || !Arch::ALL.into_iter().all(require_binfmt)
    {
        return;
    }
    // Build the binaries first (the task would too; this reports a build failure here).
    for arch in Arch::ALL {
        nostd_bin_for(arch, "hello-nostd");
    }
    let image = MultiArchImage {
        name: format!("hello-nostd-test-{}-multiarch", std::process::id()),
    };
    let out = run(cargo_make()
        .arg("image-multiarch")
        .env("HELLO_IMAGE", &image.name)
        .env("CONTAINER_ENGINE", "podman"));
    assert!(
        out.status.success(),
        "image-multiarch: {}",
        String::from_utf8_lossy(&out.stderr)
    );

    let inspect = podman(&["manifest", "inspect", &image.name]);
    assert!(inspect.status.success(), "{inspect:?}");
    let list: String = String::from_utf8_lossy(&inspect.stdout)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    assert_every_platform_once(&list);

    // The list runs the host's (amd64) image; each tagged image holds its architecture's
    // binary, and the foreign ones run through qemu binfmt.
    let out = podman(&["run", "--rm", "--network", "none", &image.name]);
    assert_eq!(out.stdout, HELLO, "{out:?}");
    for arch in Arch::ALL {
        let tag = tag_of(&image.name, arch);
        // The image's /hello is this architecture's binary, byte for byte (armv7's and
        // armv6's headers are alike: only the bytes tell them apart); its header says so too.
        let (elf, data) = elf_of_hello_in(&tag);
        assert!(
            data == std::fs::read(nostd_bin_for(arch, "hello-nostd")).unwrap(),
            "{tag}: /hello is not target/{}/release/hello-nostd",
            arch.triple()
        );
        assert_eq!(
            elf,
            (arch.bits(), arch.e_machine(), arch.e_flags()),
            "{tag}: class, e_machine, e_flags"
        );
        // Locked down, but without the seccomp profile, which is for hello-nostd alone and not
        // for qemu-user running it. On the row's CPU where it names one (armv6, armv5):
        // binfmt_misc's qemu reads QEMU_CPU from the program's environment.
        let mut cmd = Command::new("podman");
        cmd.args(["run", "--rm"]).args(locked_run_flags(None));
        if let Some(cpu) = arch.qemu_cpu() {
            cmd.args(["--env", &format!("QEMU_CPU={cpu}")]);
        }
        let out = run(cmd.arg(&tag));
        assert_eq!(out.stdout, HELLO, "{tag}: {out:?}");
        assert_eq!(out.status.code(), Some(0), "{tag}");
    }

    // One OCI archive with all of them.
    let dir = TempDir::new("multiarch-save");
    let archive = dir.path().join("multi.oci.tar");
    let out = run(cargo_make()
        .arg("image-save-multiarch")
        .env("HELLO_IMAGE", &image.name)
        .env("HELLO_ARCHIVE", &archive));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        task_stdout(&out).trim_end().ends_with(" bytes"),
        "{}",
        task_stdout(&out)
    );
    let index = run(Command::new("tar")
        .arg("-xOf")
        .arg(&archive)
        .arg("index.json"));
    let index = String::from_utf8_lossy(&index.stdout).replace(char::is_whitespace, "");
    // The index names the list, whose blob names every platform's manifest.
    assert!(index.contains("\"manifests\""), "{index}");
    // skopeo, another reader of OCI archives, finds the index and every platform in it, each
    // once, with its variant.
    let raw = run(Command::new("skopeo")
        .args(["inspect", "--raw"])
        .arg(format!("oci-archive:{}", archive.display())));
    assert!(raw.status.success(), "skopeo inspect --raw: {raw:?}");
    let raw = String::from_utf8_lossy(&raw.stdout).replace(char::is_whitespace, "");
    assert!(
        raw.contains("\"mediaType\":\"application/vnd.oci.image.index.v1+json\""),
        "{raw}"
    );
    assert_every_platform_once(&raw);
    // And it loads back: `podman load` takes the host's platform from it, which runs.
    let loaded = podman(&["load", "--quiet", "--input", archive.to_str().unwrap()]);
    assert!(loaded.status.success(), "podman load: {loaded:?}");
    let id = String::from_utf8_lossy(&loaded.stdout)
        .trim()
        .rsplit(' ')
        .next()
        .unwrap()
        .to_string();
    let arch = podman(&["image", "inspect", "--format", "{{.Architecture}}", &id]);
    let out = podman(&["run", "--rm", "--network", "none", &id]);
    let _ = podman(&["rmi", "--force", &id]);
    assert_eq!(
        String::from_utf8_lossy(&arch.stdout).trim(),
        "amd64",
        "{arch:?}"
    );
    assert_eq!(out.stdout, HELLO, "{out:?}");
    let listing = run(Command::new("tar").arg("-tf").arg(&archive));
    let blobs = String::from_utf8_lossy(&listing.stdout)
        .lines()
        .filter(|l| l.starts_with("blobs/sha256/") && l.len() > "blobs/sha256/".len())
        .count();
    // 1 list + a (manifest, config, layer) per platform.
    let want = 1 + 3 * Arch::ALL.len();
    assert!(
        blobs >= want,
        "{blobs} blobs in the archive, {want} expected"
    );

    // scratch-doctor --image on it: this machine's image by default, each platform's with
    // --platform (its hello is that machine's static program: it starts), and an error that
    // lists the platforms for one the archive lacks.
    let doctor = |args: &[&str]| {
        run(Command::new(nostd_bin_for(Arch::X86_64, "scratch-doctor"))
            .args(args)
            .arg("--image")
            .arg(&archive))
    };
    let out = doctor(&[]);
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_eq!(out.status.code(), Some(0), "{text}{out:?}");
    assert!(text.contains("\nplatform: linux/amd64 (of "), "{text}");
    for arch in Arch::ALL {
        let out = doctor(&["--platform", arch.platform()]);
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}: {text}{out:?}",
            arch.platform()
        );
        assert!(
            text.contains(&format!("\nplatform: {} (of ", arch.platform()))
                && text.contains("\nstarts: yes\n"),
            "{text}"
        );
        // A foreign platform's: what this host does with it, which `podman run` of its tag
        // did above: i386 natively, the others through qemu, found by the kernel with
        // binfmt_misc's F flag.
        if arch == Arch::I686 {
            assert!(
                text.contains(": on this host: its i386 program runs natively (x86_64's 32-bit"),
                "{text}"
            );
        } else if arch != Arch::X86_64 {
            assert!(
                text.contains(": on this host: runs through ")
                    && text.contains("with F the kernel"),
                "{text}"
            );
        }
    }
    // A platform of no row of the table.
    let absent = "linux/sparc64";
    assert!(Arch::ALL.iter().all(|a| a.platform() != absent));
    let out = doctor(&["--platform", absent]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "no image for the platform {absent} here; the image has: "
        )) && Arch::ALL.iter().all(|a| stderr.contains(a.platform())),
        "{stderr}"
    );
}
