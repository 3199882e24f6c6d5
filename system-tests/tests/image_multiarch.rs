//! The multi-architecture image: `cargo make image-multiarch` builds one image per platform
//! (linux/amd64, linux/arm64, linux/riscv64) and a manifest list of the three with Podman; the
//! foreign ones run through qemu binfmt; `image-save-multiarch` writes them as one OCI archive.

use std::process::{Command, Output};

use object::Endianness;
use object::read::elf::{ElfFile64, FileHeader};
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
            let tag = format!(
                "{}:{}",
                self.name,
                arch.platform().trim_start_matches("linux/")
            );
            let _ = podman(&["rmi", "--force", &tag]);
        }
    }
}

/// The `e_machine` of the `/hello` inside `image`, copied out of a container created from it.
fn e_machine_of_hello_in(image: &str) -> u16 {
    let dir = TempDir::new("multiarch-cp");
    let name = format!("hello-nostd-test-{}-cp", std::process::id());
    let created = podman(&["create", "--name", &name, image]);
    assert!(
        created.status.success(),
        "podman create {image}: {:?}",
        created
    );
    let dest = dir.path().join("hello");
    let copied = podman(&["cp", &format!("{name}:/hello"), dest.to_str().unwrap()]);
    let _ = podman(&["rm", "--force", &name]);
    assert!(copied.status.success(), "podman cp: {copied:?}");
    let data = std::fs::read(&dest).unwrap();
    let file = ElfFile64::<Endianness>::parse(&*data).expect("/hello is a 64-bit ELF");
    file.elf_header().e_machine(file.endian())
}

#[test]
fn the_manifest_list_holds_three_platforms_that_each_run_through_binfmt() {
    if !require_tool("podman", "podman")
        || !require_binfmt(Arch::AARCH64)
        || !require_binfmt(Arch::RISCV64)
    {
        return;
    }
    // Build the three binaries first (the task would too; this reports a build failure here).
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
    assert_eq!(
        list.matches("\"platform\":").count(),
        3,
        "three platforms: {list}"
    );
    for arch in Arch::ALL {
        let platform = arch.platform().trim_start_matches("linux/");
        assert!(
            list.contains(&format!("\"architecture\":\"{platform}\",\"os\":\"linux\"")),
            "{platform} in {list}"
        );
    }

    // The list runs the host's (amd64) image; each tagged image holds its architecture's
    // binary, and the foreign ones run through qemu binfmt.
    let out = podman(&["run", "--rm", "--network", "none", &image.name]);
    assert_eq!(out.stdout, HELLO, "{out:?}");
    for arch in Arch::ALL {
        let tag = format!(
            "{}:{}",
            image.name,
            arch.platform().trim_start_matches("linux/")
        );
        assert_eq!(e_machine_of_hello_in(&tag), arch.e_machine(), "{tag}");
        // Locked down, but without the seccomp profile, which is for hello-nostd alone and not
        // for qemu-user running it.
        let out = run(Command::new("podman")
            .args(["run", "--rm"])
            .args(locked_run_flags(None))
            .arg(&tag));
        assert_eq!(out.stdout, HELLO, "{tag}: {out:?}");
        assert_eq!(out.status.code(), Some(0), "{tag}");
    }

    // One OCI archive with all three.
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
    // The index names the list, whose blob names the three platforms' manifests.
    assert!(index.contains("\"manifests\""), "{index}");
    let listing = run(Command::new("tar").arg("-tf").arg(&archive));
    let blobs = String::from_utf8_lossy(&listing.stdout)
        .lines()
        .filter(|l| l.starts_with("blobs/sha256/") && l.len() > "blobs/sha256/".len())
        .count();
    // 1 list + 3 × (manifest, config, layer).
    assert!(blobs >= 10, "{blobs} blobs in the archive");
}
