//! What the runtime does with the images of `--init` and `--healthcheck`: `podman stop` of a
//! program that never handles SIGTERM ends by the signal scratch-init forwards (exit status
//! 143), where the same image without `--init` is killed after the stop time-out (137); the
//! health check runs scratch-probe in the container, healthy while the server answers and
//! unhealthy once it stops.
//!
//! The long-running program is scratch-probe `--serve`, which answers HTTP until a `GET /stop`
//! and has no signal handler of its own.

use std::process::Command;
use std::time::Duration;

use system_tests::{TempDir, TestImages, engine_lock, nostd_bin, require_tool, run};

use super::common::{assert_success, doctor_says_it_starts, image_name, packed, podman_load, text};
use crate::args;

/// A container removed (by name) when dropped, even by a failing test.
struct Container(String);

impl Drop for Container {
    fn drop(&mut self) {
        let _ = Command::new("podman")
            .args(["rm", "--force", "--time", "0", &self.0])
            .output();
    }
}

/// `podman run --detach --name NAME IMAGE`.
fn start(image: &str) -> Container {
    let name = format!(
        "{}-run",
        image.trim_start_matches("localhost/").replace(':', "-")
    );
    let out = run(Command::new("podman").args([
        "run",
        "--detach",
        "--network",
        "none",
        "--name",
        &name,
        image,
    ]));
    let container = Container(name);
    assert_success(&out, "podman run --detach");
    container
}

/// `podman stop --time SECONDS` of `c`, then its exit status as Podman records it.
fn stop(c: &Container, seconds: &str) -> String {
    let out = run(Command::new("podman").args(["stop", "--time", seconds, &c.0]));
    assert_success(&out, "podman stop");
    let out =
        run(Command::new("podman").args(["inspect", "--format", "{{.State.ExitCode}}", &c.0]));
    text(&out.stdout).trim().to_string()
}

#[test]
fn an_init_image_stops_by_the_forwarded_sigterm_and_one_without_is_killed() {
    let _lock = engine_lock();
    if !require_tool("podman", "podman") {
        return;
    }
    let (with, without) = (image_name("pack-init"), image_name("pack-no-init"));
    let _images = TestImages::new("podman", &[&with, &without]);
    let dir = TempDir::new("pack-init");
    let probe = nostd_bin("scratch-probe");
    for (name, init) in [(&with, true), (&without, false)] {
        let archive = dir.path().join(format!("{init}.tar"));
        let mut a: Vec<&std::ffi::OsStr> = args!["-o", archive, "--tag", name].to_vec();
        if init {
            a.push("--init".as_ref());
        }
        a.extend(args![probe, "--serve", "127.0.0.1:8080"]);
        packed(&a);
        doctor_says_it_starts(&archive, None);
        podman_load(&archive);
    }
    let c = start(&with);
    // The probe as PID 1 would ignore SIGTERM; as scratch-init's child it dies of it, and
    // scratch-init exits with 128 + 15.
    assert_eq!(stop(&c, "30"), "143");
    let c = start(&without);
    // PID 1 with no handler: SIGTERM is dropped, Podman kills it after the time-out.
    assert_eq!(stop(&c, "1"), "137");
}

#[test]
fn a_healthcheck_image_is_healthy_then_unhealthy_once_its_server_stops() {
    let _lock = engine_lock();
    if !require_tool("podman", "podman") {
        return;
    }
    let name = image_name("pack-health");
    let _images = TestImages::new("podman", &[&name]);
    let dir = TempDir::new("pack-health");
    let archive = dir.path().join("health.tar");
    packed(args![
        "-o",
        archive,
        "--tag",
        name,
        "--healthcheck",
        "http://127.0.0.1:8080/health",
        nostd_bin("scratch-probe"),
        "--serve",
        "127.0.0.1:8080"
    ]);
    doctor_says_it_starts(&archive, None);
    podman_load(&archive);
    let out = run(Command::new("podman").args([
        "image",
        "inspect",
        "--format",
        "{{json .HealthCheck.Test}}",
        &name,
    ]));
    assert_eq!(
        text(&out.stdout).trim(),
        r#"["CMD","/scratch-probe","http://127.0.0.1:8080/health"]"#
    );
    let c = start(&name);
    let check = || run(Command::new("podman").args(["healthcheck", "run", &c.0]));
    // The server may not listen yet: tried again, a bounded number of times (which only keeps
    // a server that never answers from hanging the suite), no time asserted.
    let healthy = (0..300).any(|_| {
        let ok = check().status.success();
        if !ok {
            std::thread::sleep(Duration::from_millis(100));
        }
        ok
    });
    assert!(healthy, "never healthy: {:?}", check());
    let out = run(Command::new("podman").args([
        "exec",
        &c.0,
        "/scratch-probe",
        "http://127.0.0.1:8080/stop",
    ]));
    assert_success(&out, "podman exec /scratch-probe …/stop");
    let after = check();
    assert_eq!(after.status.code(), Some(1), "{after:?}");
    let out =
        run(Command::new("podman").args(["inspect", "--format", "{{.State.Health.Status}}", &c.0]));
    assert_eq!(text(&out.stdout).trim(), "unhealthy");
}
