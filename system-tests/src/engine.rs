//! The container engine in the tests: one test at a time ([`engine_lock`]), images that are
//! removed afterwards ([`TestImages`]), and the flags of a locked-down run
//! ([`locked_run_flags`], from `seccomp/run-locked.args`).

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::build::workspace_root;

/// The file of the locked-down `run` flags, shared with `scripts/run-locked.sh`.
const RUN_LOCKED_ARGS: &str = "seccomp/run-locked.args";

/// The arguments in `seccomp/run-locked.args`, comments and blank lines left out.
fn run_locked_args() -> Vec<String> {
    let file = workspace_root().join(RUN_LOCKED_ARGS);
    std::fs::read_to_string(&file)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", file.display()))
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_string)
        .collect()
}

/// The arguments of `ENGINE run --rm` of a locked-down run, before the image
/// (`seccomp/run-locked.args`, as `cargo make run-locked` runs it): `--read-only`,
/// `--cap-drop ALL`, `--network none`, no new privileges, the user nobody, and the seccomp
/// profile `profile` in its `seccomp=` option, or no seccomp option at all with `None` (for
/// programs the committed profile is not for, such as qemu-user running a foreign binary).
pub fn locked_run_flags(profile: Option<&Path>) -> Vec<String> {
    let args = run_locked_args();
    let mut flags = Vec::new();
    let mut i = 0;
    while i < args.len() {
        if args[i] == "--security-opt" && args.get(i + 1).is_some_and(|o| o.starts_with("seccomp="))
        {
            if let Some(profile) = profile {
                flags.push(args[i].clone());
                flags.push(format!("seccomp={}", profile.display()));
            }
            i += 2;
        } else {
            flags.push(args[i].clone());
            i += 1;
        }
    }
    flags
}

/// The seccomp profile of `seccomp/run-locked.args` (the committed one), as an absolute path.
pub fn committed_profile() -> PathBuf {
    let profile = run_locked_args()
        .into_iter()
        .find_map(|a| a.strip_prefix("seccomp=").map(str::to_string))
        .unwrap_or_else(|| panic!("no seccomp= argument in {RUN_LOCKED_ARGS}"));
    workspace_root().join(profile)
}

/// A hint for failures on machines whose Podman needs this project's CI settings (empty when
/// `CONTAINERS_CONF` is set, as `.ci/setup-engine.sh` does).
pub fn engine_setup_hint() -> &'static str {
    if std::env::var_os("CONTAINERS_CONF").is_none() {
        "\n(hint: on a machine whose Podman needs runc and lower ulimits, such as this project's \
         CI, run `source .ci/setup-engine.sh` first)"
    } else {
        ""
    }
}

/// Serialises the tests of a test process that use the container engine. Podman's image store
/// is not safe for concurrent builds and removals of images with the same layers: a build may
/// fail with `creating image "…": layer not known` when another test's `rmi` deletes a layer it
/// is reusing. Take it first in a test, so that it is released last, after the [`TestImages`]
/// guard has removed the images.
pub fn engine_lock() -> std::sync::MutexGuard<'static, ()> {
    static LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    LOCK.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A name for an image of this test run: `hello-nostd-test-<pid>-<what>`.
pub fn test_image_name(what: &str) -> String {
    format!("hello-nostd-test-{}-{what}", std::process::id())
}

/// Images a test creates, removed when the guard is dropped, even by a failing test: the named
/// ones, and the untagged images that appeared in the store meanwhile (the intermediate images
/// of a build with the layer cache) unless an image still uses them. Tagged images that others
/// built meanwhile are left alone. Create it after taking [`engine_lock`].
pub struct TestImages {
    engine: &'static str,
    names: Vec<String>,
    before: Vec<String>,
}

impl TestImages {
    /// A guard for the images `names` of `engine` (`podman` or `docker`).
    pub fn new(engine: &'static str, names: &[&str]) -> TestImages {
        TestImages {
            engine,
            names: names.iter().map(|n| n.to_string()).collect(),
            before: untagged_image_ids(engine),
        }
    }

    /// The first name given to [`TestImages::new`].
    pub fn name(&self) -> &str {
        &self.names[0]
    }
}

/// The IDs of the untagged images in the store of `engine`, intermediate ones included.
fn untagged_image_ids(engine: &str) -> Vec<String> {
    Command::new(engine)
        .args([
            "images",
            "--all",
            "--quiet",
            "--no-trunc",
            "--filter",
            "dangling=true",
        ])
        .output()
        .map(|o| {
            String::from_utf8_lossy(&o.stdout)
                .lines()
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

impl Drop for TestImages {
    fn drop(&mut self) {
        for name in &self.names {
            let _ = Command::new(self.engine)
                .args(["rmi", "--force", name])
                .output();
        }
        // Without --force, children before parents: a few rounds remove a chain of them.
        for _ in 0..8 {
            let new: Vec<String> = untagged_image_ids(self.engine)
                .into_iter()
                .filter(|id| !self.before.contains(id))
                .collect();
            if new.is_empty() {
                break;
            }
            for id in new {
                let _ = Command::new(self.engine).args(["rmi", &id]).output();
            }
        }
    }
}

/// A Podman image store of its own, in a temporary directory (removed on drop): Podman reads
/// the store's place from the `storage.conf` that `CONTAINERS_STORAGE_CONF` names, so a command
/// given [`PodmanStore::apply`] sees only the images built in it. A test that must know that a
/// build is a real one, and not a name added to an identical image already in the machine's
/// store (one that `cargo make run` built from the same binary, say), builds in one of these.
/// The `vfs` driver needs no mount, so the directory is removed as it is.
pub struct PodmanStore {
    dir: crate::TempDir,
    conf: PathBuf,
}

impl PodmanStore {
    /// An empty store under `$TMPDIR/podman-store-<what>-…`.
    pub fn new(what: &str) -> PodmanStore {
        let dir = crate::TempDir::new(&format!("podman-store-{what}"));
        let conf = dir.path().join("storage.conf");
        let text = format!(
            "[storage]\ndriver = \"vfs\"\ngraphroot = \"{}\"\nrunroot = \"{}\"\n",
            dir.path().join("root").display(),
            dir.path().join("run").display()
        );
        std::fs::write(&conf, text)
            .unwrap_or_else(|e| panic!("cannot write {}: {e}", conf.display()));
        PodmanStore { dir, conf }
    }

    /// `cmd` with its Podman using this store.
    pub fn apply<'c>(&self, cmd: &'c mut Command) -> &'c mut Command {
        cmd.env("CONTAINERS_STORAGE_CONF", &self.conf)
    }

    /// The names of the images in the store (`podman images`), as `NAME:TAG` lines.
    pub fn images(&self) -> Vec<String> {
        let out = self
            .apply(Command::new("podman").args(["images", "--format", "{{.Repository}}:{{.Tag}}"]))
            .output()
            .unwrap_or_else(|e| panic!("cannot run podman images: {e}"));
        assert!(
            out.status.success(),
            "podman images in the store {}: {}",
            self.dir.path().display(),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(str::to_string)
            .collect()
    }
}
