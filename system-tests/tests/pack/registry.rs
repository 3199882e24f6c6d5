//! A real registry: Debian's `docker-registry` (the CNCF distribution registry), started on
//! loopback by the test. What scratch-pack writes is pushed with `skopeo copy`, the digest the
//! registry reports for the tag is the one scratch-pack printed, and `podman pull` + `run` from
//! there works; for a multi-platform index of the ten hellos too, each platform pulled and run.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use system_tests::{
    Arch, TempDir, TestImages, engine_lock, nostd_bin, nostd_bin_for, require_binfmt, require_tool,
    run,
};

use super::common::{
    assert_says_hello, assert_success, doctor_says_it_starts, image_name, member, packed,
    podman_load, text,
};
use crate::args;

/// A registry on a loopback port, killed (by its process ID) and its storage removed on drop.
struct Registry {
    child: Child,
    port: u16,
    _dir: TempDir,
}

impl Registry {
    fn start() -> Registry {
        let dir = TempDir::new("pack-registry");
        // A free port: bound, then let go for the registry.
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let config = dir.path().join("config.yml");
        std::fs::write(
            &config,
            format!(
                "version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    \
                 rootdirectory: {}\nhttp:\n  addr: 127.0.0.1:{port}\n",
                dir.path().join("data").display()
            ),
        )
        .unwrap();
        let child = Command::new("docker-registry")
            .arg("serve")
            .arg(&config)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("run docker-registry");
        let mut registry = Registry {
            child,
            port,
            _dir: dir,
        };
        // Tried until it listens or exits; the bound (a minute of tries) only keeps a registry
        // that does neither from hanging the suite: no time is asserted.
        let mut up = false;
        for _ in 0..6000 {
            if TcpStream::connect(("127.0.0.1", port)).is_ok() {
                up = true;
                break;
            }
            if registry.child.try_wait().is_ok_and(|s| s.is_some()) {
                break;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        assert!(
            up,
            "docker-registry does not listen on 127.0.0.1:{port} ({:?})",
            registry.child.try_wait()
        );
        registry
    }

    /// `127.0.0.1:PORT/pack/NAME:TAG`.
    fn reference(&self, name_tag: &str) -> String {
        format!("127.0.0.1:{}/pack/{name_tag}", self.port)
    }

    /// The digest the registry reports for `name:tag` (`Docker-Content-Digest` of a `HEAD` of
    /// its manifest), asked over HTTP here, not through a tool.
    fn digest(&self, name: &str, tag: &str) -> String {
        let mut s = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        let accept = "application/vnd.oci.image.index.v1+json, \
                      application/vnd.oci.image.manifest.v1+json, \
                      application/vnd.docker.distribution.manifest.list.v2+json, \
                      application/vnd.docker.distribution.manifest.v2+json";
        write!(
            s,
            "HEAD /v2/pack/{name}/manifests/{tag} HTTP/1.1\r\nHost: 127.0.0.1\r\n\
             Accept: {accept}\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut response = String::new();
        s.read_to_string(&mut response).unwrap();
        assert!(response.starts_with("HTTP/1.1 200"), "{response}");
        response
            .lines()
            .find_map(|l| {
                let (k, v) = l.split_once(':')?;
                k.eq_ignore_ascii_case("Docker-Content-Digest")
                    .then(|| v.trim().to_string())
            })
            .unwrap_or_else(|| panic!("no Docker-Content-Digest: {response}"))
    }
}

impl Drop for Registry {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `skopeo copy [--all] oci-archive:ARCHIVE docker://REFERENCE --dest-tls-verify=false`.
fn push(archive: &Path, reference: &str, all: bool) {
    let mut cmd = Command::new("skopeo");
    cmd.arg("copy");
    if all {
        cmd.arg("--all");
    }
    let out = run(cmd
        .arg(format!("oci-archive:{}", archive.display()))
        .arg(format!("docker://{reference}"))
        .arg("--dest-tls-verify=false"));
    assert_success(&out, "skopeo copy oci-archive: docker://");
}

/// `podman pull --tls-verify=false [--platform P] REFERENCE`.
fn pull(reference: &str, platform: Option<&str>) {
    let mut cmd = Command::new("podman");
    cmd.args(["pull", "--quiet", "--tls-verify=false"]);
    if let Some(p) = platform {
        cmd.args(["--platform", p]);
    }
    let out = run(cmd.arg(reference));
    assert_success(&out, &format!("podman pull {reference}"));
}

fn tools() -> bool {
    require_tool("podman", "podman")
        && require_tool("skopeo", "skopeo")
        && require_tool("docker-registry", "docker-registry")
}

#[test]
fn the_registry_reports_the_digest_scratch_pack_printed_and_podman_pulls_and_runs_it() {
    let _lock = engine_lock();
    if !tools() {
        return;
    }
    let registry = Registry::start();
    let reference = registry.reference("hello:1");
    let _images = TestImages::new("podman", &[&reference]);
    let dir = TempDir::new("pack-push");
    let archive = dir.path().join("hello.tar");
    let digest = packed(args!["-o", archive, nostd_bin("hello-nostd")]);
    doctor_says_it_starts(&archive, None);
    push(&archive, &reference, false);
    assert_eq!(registry.digest("hello", "1"), digest);
    pull(&reference, None);
    assert_says_hello(&reference, &reference);
}

/// Packs the hello of each architecture of `arches` into `archive` with `--append`, in that
/// order, each with the scratch-init of its architecture; returns the last digest printed.
fn pack_all(archive: &Path, name: &str, arches: &[Arch]) -> String {
    let mut digest = String::new();
    for arch in arches {
        digest = packed(args![
            "--append",
            "-o",
            archive,
            "--platform",
            arch.platform(),
            "--tag",
            name,
            "--init",
            "--init-binary",
            nostd_bin_for(*arch, "scratch-init"),
            nostd_bin_for(*arch, "hello-nostd")
        ]);
    }
    digest
}

#[test]
fn ten_platforms_in_one_index_whatever_the_order_each_pulled_and_run() {
    let _lock = engine_lock();
    if !tools() || !Arch::ALL.into_iter().all(require_binfmt) {
        return;
    }
    let name = image_name("pack-multi");
    let registry = Registry::start();
    let reference = registry.reference("multi:1");
    let _images = TestImages::new("podman", &[&name, &reference]);
    let dir = TempDir::new("pack-multi");
    let (a, b) = (dir.path().join("a.tar"), dir.path().join("b.tar"));
    let mut reversed = Arch::ALL.to_vec();
    reversed.reverse();
    let digest = pack_all(&a, &name, &Arch::ALL);
    assert_eq!(pack_all(&b, &name, &reversed), digest);
    assert!(
        std::fs::read(&a).unwrap() == std::fs::read(&b).unwrap(),
        "the order of the --append runs changed the archive"
    );
    // Again for one platform: it replaces the one there, and nothing changes.
    assert_eq!(pack_all(&b, &name, &[Arch::AARCH64]), digest);

    // index.json names one index of the ten images, as Docker writes a multi-platform image.
    let index: serde_json::Value = serde_json::from_slice(&member(&a, "index.json")).unwrap();
    assert_eq!(index["manifests"][0]["digest"], digest.as_str());
    let out = run(Command::new("skopeo")
        .args(["inspect", "--raw"])
        .arg(format!("oci-archive:{}", a.display())));
    assert_success(&out, "skopeo inspect --raw");
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut platforms: Vec<String> = list["manifests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            let p = &m["platform"];
            let mut s = format!(
                "{}/{}",
                p["os"].as_str().unwrap(),
                p["architecture"].as_str().unwrap()
            );
            if let Some(v) = p["variant"].as_str() {
                s.push('/');
                s.push_str(v);
            }
            s
        })
        .collect();
    platforms.sort();
    let mut want: Vec<String> = Arch::ALL.iter().map(|a| a.platform().to_string()).collect();
    want.sort();
    assert_eq!(platforms, want);
    for arch in Arch::ALL {
        doctor_says_it_starts(&a, Some(arch.platform()));
    }

    // podman load takes this machine's image from the index.
    podman_load(&a);
    assert_says_hello(&name, &name);

    // The registry: the index's digest, and each platform pulled and run (through qemu-user),
    // scratch-init as its PID 1 running the hello.
    push(&a, &reference, true);
    assert_eq!(registry.digest("multi", "1"), digest);
    for arch in Arch::ALL {
        pull(&reference, Some(arch.platform()));
        let mut cmd = Command::new("podman");
        cmd.args(["run", "--rm", "--network", "none"]);
        if let Some(cpu) = arch.qemu_cpu() {
            cmd.args(["--env", &format!("QEMU_CPU={cpu}")]);
        }
        let out = run(cmd.arg(&reference));
        assert_eq!(
            text(&out.stdout),
            "Hello, world!\n",
            "{}: {}",
            arch.name(),
            text(&out.stderr)
        );
    }
}
