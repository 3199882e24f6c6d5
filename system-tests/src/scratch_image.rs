//! Images `FROM scratch` made of a directory, built and run with Podman: what the tests that
//! compare a prediction of the doctor with a real engine run.
//!
//! On this project's CI machines Podman needs `.ci/setup-engine.sh` sourced first; elsewhere
//! `export CONTAINERS_CONF=$PWD/.ci/containers.conf`.

use std::path::Path;
use std::process::Command;

use crate::{assert_success_with, engine_setup_hint, run};

/// `podman build` in the context `ctx` of a Containerfile `FROM scratch`, `COPY root /` (the
/// directory `ctx/root` is the image's files) and the `extra` lines (`ENV …`, `ENTRYPOINT …`),
/// tagged `name`.
pub fn build(ctx: &Path, name: &str, extra: &[String]) {
    let mut file = String::from("FROM scratch\nCOPY root /\n");
    for line in extra {
        file.push_str(line);
        file.push('\n');
    }
    std::fs::write(ctx.join("Containerfile"), file).unwrap();
    let out = run(Command::new("podman")
        .args(["build", "--layers=false", "--tag", name, "--file"])
        .arg(ctx.join("Containerfile"))
        .arg(ctx));
    assert_success_with(
        &out,
        &format!("podman build of {name}"),
        engine_setup_hint(),
    );
}

/// What a run gave, as Podman reports it: the exit status (128 + N for signal N).
#[derive(Debug, PartialEq, Eq)]
pub struct Ran {
    /// The exit status.
    pub status: i32,
    /// Standard output, as text.
    pub stdout: String,
    /// Standard error, as text.
    pub stderr: String,
}

/// `podman run --rm --network none --hostname HOSTNAME` of `image` with `argv` as its command
/// and `env` (`K=V`) added to its environment, with at most 300 s.
pub fn podman_run(image: &str, argv: &[&str], hostname: &str, env: &[&str]) -> Ran {
    let mut cmd = Command::new("timeout");
    cmd.args([
        "300",
        "podman",
        "run",
        "--rm",
        "--network",
        "none",
        "--hostname",
        hostname,
    ]);
    for e in env {
        cmd.args(["--env", e]);
    }
    let out = run(cmd.arg(image).args(argv));
    Ran {
        status: out.status.code().expect("podman ended by a signal"),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}
