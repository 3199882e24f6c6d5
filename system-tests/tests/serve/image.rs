//! The example image of `cargo make image-serve` (scripts/image-serve.sh) under Podman: healthy
//! by its `HEALTHCHECK` (scratch-probe against `--health-path`), serving its site on a published
//! port, then stopped by `podman stop` with status 0, a kept-alive connection closed after its
//! response was read whole.

use std::io::{BufReader, Write};
use std::net::TcpStream;
use std::process::Command;
use std::time::Duration;

use system_tests::{nostd_bin, require_tool};

use crate::{BOUND, closes, read_response};

/// Removes the container when dropped, even by a failing test.
struct Container(String);

impl Drop for Container {
    fn drop(&mut self) {
        let _ = Command::new("podman")
            .args(["rm", "--force", "--time", "0", &self.0])
            .output();
    }
}

/// Runs `podman ARGS`; its standard output, trimmed, after asserting that it succeeded.
fn podman(args: &[&str]) -> String {
    let out = Command::new("podman").args(args).output().unwrap();
    system_tests::assert_success_with(
        &out,
        &format!("podman {}", args.join(" ")),
        system_tests::engine_setup_hint(),
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

#[test]
fn the_example_image_is_healthy_serves_its_site_and_stops_with_status_0() {
    let _lock = system_tests::engine_lock();
    if !require_tool("podman", "podman") {
        return;
    }
    let image = system_tests::test_image_name("serve");
    let images = system_tests::TestImages::new("podman", &[&image]);
    // The binaries the script copies, built as `cargo make image-serve` builds them.
    let _ = (nostd_bin("scratch-serve"), nostd_bin("scratch-probe"));
    let build = Command::new(system_tests::workspace_root().join("scripts/image-serve.sh"))
        .env("CONTAINER_ENGINE", "podman")
        .env("SERVE_IMAGE", images.name())
        .output()
        .unwrap();
    system_tests::assert_success_with(&build, "image-serve.sh", system_tests::engine_setup_hint());

    // The image as built: the user nobody, the health check in exec form, nothing else run.
    let config = podman(&[
        "image",
        "inspect",
        "--format",
        "{{.Config.User}} {{.Config.Healthcheck.Test}}",
        images.name(),
    ]);
    assert_eq!(
        config,
        "65534:65534 [CMD /probe --timeout 2s http://127.0.0.1:8080/healthz]"
    );

    let name = format!("{image}-run");
    let run = Command::new("podman")
        .args([
            "run",
            "--detach",
            "--publish",
            "127.0.0.1::8080",
            "--name",
            &name,
            images.name(),
        ])
        .output()
        .unwrap();
    let container = Container(name);
    system_tests::assert_success_with(&run, "podman run", system_tests::engine_setup_hint());

    // `podman healthcheck run` runs the probe now. The server may not listen yet: retry a
    // bounded number of times (a bound, not a timed assertion).
    let healthy = (0..100).any(|_| {
        let ok = Command::new("podman")
            .args(["healthcheck", "run", &container.0])
            .output()
            .unwrap()
            .status
            .success();
        if !ok {
            std::thread::sleep(Duration::from_millis(100));
        }
        ok
    });
    assert!(
        healthy,
        "never healthy: {}",
        podman(&["logs", &container.0])
    );

    // The site, through the published port, on a connection that is kept alive.
    let port = podman(&["port", &container.0, "8080/tcp"]);
    let addr = port.rsplit_once(':').map(|(_, p)| p.to_string()).unwrap();
    let mut stream = TcpStream::connect(format!("127.0.0.1:{addr}")).unwrap();
    stream.set_read_timeout(Some(BOUND)).unwrap();
    let index = std::fs::read(system_tests::workspace_root().join("scratch-serve/site/index.html"))
        .unwrap();
    let mut r = BufReader::new(stream.try_clone().unwrap());
    for path in ["/", "/index.html"] {
        stream
            .write_all(format!("GET {path} HTTP/1.1\r\nHost: t\r\n\r\n").as_bytes())
            .unwrap();
        let response = read_response(&mut r, false).expect("a response");
        assert_eq!((response.status, &response.body), (200, &index), "{path}");
        assert_eq!(
            response.field("content-type"),
            Some("text/html;charset=utf-8")
        );
    }
    stream
        .write_all(b"GET /style.css HTTP/1.1\r\nHost: t\r\n\r\n")
        .unwrap();
    assert_eq!(read_response(&mut r, false).unwrap().status, 200);

    // SIGTERM: exit 0, the idle connection closed, with nothing sent on it after the responses.
    podman(&["stop", &container.0]);
    let exit = podman(&["inspect", "--format", "{{.State.ExitCode}}", &container.0]);
    assert_eq!(exit, "0", "{}", podman(&["logs", &container.0]));
    assert!(closes(&mut r), "the kept-alive connection is closed");
}
