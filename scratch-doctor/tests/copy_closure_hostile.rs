//! `--copy-closure DIR` into a directory prepared in advance by someone hostile: symbolic links
//! on the way (`DIR/lib -> elsewhere`), a hard link to a file outside, a FIFO, a device, a
//! socket, a different file, at a destination. Each must be refused with one line (exit status
//! 2) and nothing outside `DIR` may change; an identical file is left alone (exit status 0);
//! `--force` replaces a different file by a new one, never writing through what is there.

mod common;

use std::collections::BTreeMap;
use std::os::unix::fs::{FileTypeExt, MetadataExt, PermissionsExt, symlink};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant, SystemTime};

use common::{TempDir, doctor, require_tool};

/// The program whose closure is copied: dynamic on any glibc system, with files under three
/// top directories (`/usr`, `/lib64`, `/lib` on Debian).
const PROGRAM: &str = "/usr/bin/true";

/// Far beyond what a copy of three files takes: a run still going then is hung (as the old
/// copy was on a FIFO, for ever), which fails the test; this is no timing assertion.
const HANG: Duration = Duration::from_secs(60);

/// The image paths of [`PROGRAM`]'s closure, from `--closure --json`.
fn closure_images() -> Vec<String> {
    let out = common::run_doctor(&["--closure", "--json", PROGRAM]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let images: Vec<String> = json["closure"]["objects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["image_path"].as_str().unwrap().to_owned())
        .collect();
    assert!(
        images.len() >= 2,
        "{PROGRAM} must be a dynamic program: {images:?}"
    );
    images
}

/// `DIR` (`root`) and, beside it on the same file system, `outside`: a file `victim` with its
/// contents and mode, and an empty directory `elsewhere`, which no copy may change.
struct Setup {
    tmp: TempDir,
    images: Vec<String>,
}

impl Setup {
    fn new(name: &str) -> Setup {
        let tmp = TempDir::new(name);
        std::fs::create_dir_all(tmp.path().join("root")).unwrap();
        std::fs::create_dir_all(tmp.path().join("outside/elsewhere")).unwrap();
        let victim = tmp.path().join("outside/victim");
        std::fs::write(&victim, b"precious, must not change\n").unwrap();
        std::fs::set_permissions(&victim, std::fs::Permissions::from_mode(0o640)).unwrap();
        Setup {
            tmp,
            images: closure_images(),
        }
    }

    fn root(&self) -> PathBuf {
        self.tmp.path().join("root")
    }

    fn outside(&self) -> PathBuf {
        self.tmp.path().join("outside")
    }

    /// `DIR` + `image` (an absolute image path).
    fn at(&self, image: &str) -> PathBuf {
        self.root().join(image.trim_start_matches('/'))
    }

    /// A library's image path (not the program's): the last object of the closure.
    fn library(&self) -> &str {
        self.images.last().unwrap()
    }

    /// Creates the directories above `image` in `DIR`.
    fn parents(&self, image: &str) -> PathBuf {
        let at = self.at(image);
        std::fs::create_dir_all(at.parent().unwrap()).unwrap();
        at
    }

    /// Runs `--copy-closure DIR [extra...] PROGRAM` to its end (a run that has not ended
    /// after [`HANG`] is killed and fails the test).
    fn copy(&self, extra: &[&str]) -> Run {
        let stderr_file = self.tmp.path().join("stderr");
        let mut child = Command::new(doctor())
            .arg("--copy-closure")
            .arg(self.root())
            .args(extra)
            .arg(PROGRAM)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&stderr_file).unwrap())
            .spawn()
            .unwrap();
        let start = Instant::now();
        let status = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break status;
            }
            if start.elapsed() > HANG {
                child.kill().unwrap();
                child.wait().unwrap();
                panic!(
                    "scratch-doctor --copy-closure {extra:?} hung (killed after {HANG:?}): {}",
                    std::fs::read_to_string(&stderr_file).unwrap()
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        let stderr = std::fs::read_to_string(&stderr_file).unwrap();
        std::fs::remove_file(&stderr_file).unwrap();
        let status = status
            .code()
            .unwrap_or_else(|| panic!("killed by a signal: {status:?}\n{stderr}"));
        Run { status, stderr }
    }

    /// Asserts that `run` refused exactly `images`, each for a reason containing `why`
    /// (with `{DIR}` for `DIR`), one line each and no other line, with exit status 2.
    fn assert_refused(&self, run: &Run, images: &[&str], why: &str) {
        assert_eq!(run.status, 2, "{}", run.stderr);
        let root = self.root().display().to_string();
        let why = why.replace("{DIR}", &root);
        let prefix = format!("scratch-doctor: {PROGRAM}: refusing to write {root}/");
        let mut refused: Vec<&str> = Vec::new();
        for line in run.stderr.lines() {
            let rest = line
                .strip_prefix(&prefix)
                .unwrap_or_else(|| panic!("not a refusal: {line}\n{}", run.stderr));
            let (rel, reason) = rest.split_once(": ").unwrap();
            assert!(reason.contains(&why), "{line}: want {why}");
            refused.push(rel);
        }
        let mut want: Vec<&str> = images.iter().map(|i| i.trim_start_matches('/')).collect();
        want.sort();
        refused.sort();
        assert_eq!(refused, want, "one line per refusal:\n{}", run.stderr);
    }

    /// Asserts that each of `images` is in `DIR`, a copy of its host file with its mode.
    fn assert_copied(&self, images: &[&str]) {
        for image in images {
            let host = host_path(image);
            let at = self.at(image);
            let meta = std::fs::symlink_metadata(&at).unwrap();
            assert!(meta.is_file(), "{}", at.display());
            assert_eq!(meta.nlink(), 1, "{}", at.display());
            assert_eq!(
                std::fs::read(&at).unwrap(),
                std::fs::read(&host).unwrap(),
                "{}",
                at.display()
            );
            let host_mode = std::fs::metadata(&host).unwrap().mode() & 0o777;
            assert_eq!(meta.mode() & 0o7777, host_mode, "{}", at.display());
        }
    }

    /// The images other than `refused`.
    fn others<'a>(&'a self, refused: &[&str]) -> Vec<&'a str> {
        self.images
            .iter()
            .map(String::as_str)
            .filter(|i| !refused.contains(i))
            .collect()
    }

    /// No temporary file is left anywhere in `DIR`.
    fn assert_no_temporary_file(&self) {
        for (path, _) in snapshot(&self.root()) {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            assert!(!name.contains(".scratch-doctor-"), "{}", path.display());
        }
    }
}

struct Run {
    status: i32,
    stderr: String,
}

/// The host file of an image path: the closure of [`PROGRAM`] maps each to itself.
fn host_path(image: &str) -> PathBuf {
    PathBuf::from(image)
}

/// What a file is, as a snapshot records it: type, permission bits, contents or target.
#[derive(Debug, PartialEq, Eq)]
enum Node {
    File(u32, u64, Vec<u8>),
    Dir(u32),
    Link(PathBuf),
    Other(u32, u64),
}

/// Every file under `dir` (`dir` included), never following a symbolic link.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Node> {
    let mut out = BTreeMap::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(p) = todo.pop() {
        let meta = std::fs::symlink_metadata(&p).unwrap();
        let mode = meta.mode() & 0o7777;
        let node = if meta.is_symlink() {
            Node::Link(std::fs::read_link(&p).unwrap())
        } else if meta.is_dir() {
            for e in std::fs::read_dir(&p).unwrap() {
                todo.push(e.unwrap().path());
            }
            Node::Dir(mode)
        } else if meta.is_file() {
            Node::File(mode, meta.nlink(), std::fs::read(&p).unwrap())
        } else {
            Node::Other(meta.mode(), meta.rdev())
        };
        out.insert(p, node);
    }
    out
}

/// The top directory of an image path (`lib` for `/lib/x86_64-linux-gnu/libc.so.6`).
fn top(image: &str) -> &str {
    image.trim_start_matches('/').split('/').next().unwrap()
}

#[test]
fn a_symbolic_link_for_a_top_directory_is_refused_and_nothing_is_written_through_it() {
    let tops: Vec<String> = {
        let mut t: Vec<String> = closure_images().iter().map(|i| top(i).to_owned()).collect();
        t.sort();
        t.dedup();
        t
    };
    for dir in ["lib", "lib64", "usr"] {
        assert!(
            tops.iter().any(|t| t == dir),
            "{PROGRAM}'s closure has nothing under /{dir}: {tops:?}"
        );
    }
    for t in &tops {
        // An absolute link and a relative one, both to the empty directory outside.
        for relative in [false, true] {
            let s = Setup::new("doctor-hostile-toplink");
            let target = if relative {
                PathBuf::from("../outside/elsewhere")
            } else {
                s.outside().join("elsewhere")
            };
            symlink(&target, s.root().join(t)).unwrap();
            let before = snapshot(&s.outside());
            let under: Vec<&str> = s
                .images
                .iter()
                .map(String::as_str)
                .filter(|i| top(i) == t)
                .collect();
            for extra in [&[][..], &["--force"][..]] {
                let run = s.copy(extra);
                s.assert_refused(&run, &under, &format!("{{DIR}}/{t} is a symbolic link"));
                assert_eq!(
                    snapshot(&s.outside()),
                    before,
                    "outside DIR, with {extra:?}"
                );
                s.assert_copied(&s.others(&under));
            }
            assert_eq!(std::fs::read_link(s.root().join(t)).unwrap(), target);
            s.assert_no_temporary_file();
        }
    }
}

#[test]
fn a_symbolic_link_deeper_on_the_way_or_a_file_for_a_directory_is_refused() {
    let s = Setup::new("doctor-hostile-deeplink");
    let lib = s.library().to_owned();
    let parent = Path::new(&lib).parent().unwrap();
    assert!(parent.components().count() >= 3, "{lib} is not two deep");
    let at = s.parents(&lib);
    let dir = at.parent().unwrap();
    std::fs::remove_dir(dir).unwrap();
    symlink(s.outside().join("elsewhere"), dir).unwrap();
    let before = snapshot(&s.outside());
    let run = s.copy(&[]);
    let shown = parent.display().to_string();
    s.assert_refused(&run, &[&lib], &format!("{{DIR}}{shown} is a symbolic link"));
    assert_eq!(snapshot(&s.outside()), before);

    // A regular file where a directory must be.
    std::fs::remove_file(dir).unwrap();
    std::fs::write(dir, b"not a directory").unwrap();
    let run = s.copy(&["--force"]);
    s.assert_refused(&run, &[&lib], &format!("{{DIR}}{shown} is not a directory"));
    assert_eq!(std::fs::read(dir).unwrap(), b"not a directory");
    s.assert_no_temporary_file();
}

#[test]
fn a_hard_link_to_a_file_outside_is_refused_and_with_force_replaced_not_written_through() {
    let s = Setup::new("doctor-hostile-hardlink");
    let lib = s.library().to_owned();
    let at = s.parents(&lib);
    std::fs::hard_link(s.outside().join("victim"), &at).unwrap();
    let before = snapshot(&s.outside());
    let run = s.copy(&[]);
    s.assert_refused(&run, &[&lib], "it has 2 hard links");
    assert_eq!(snapshot(&s.outside()), before);
    assert_eq!(std::fs::metadata(&at).unwrap().nlink(), 2, "left as it was");
    s.assert_copied(&s.others(&[&lib]));

    let run = s.copy(&["--force"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert_eq!(snapshot(&s.outside()).len(), before.len());
    let victim = s.outside().join("victim");
    assert_eq!(
        std::fs::read(&victim).unwrap(),
        b"precious, must not change\n"
    );
    assert_eq!(
        std::fs::metadata(&victim).unwrap().mode() & 0o7777,
        0o640,
        "the victim's mode"
    );
    s.assert_copied(&s.images.iter().map(String::as_str).collect::<Vec<_>>());
    s.assert_no_temporary_file();
}

#[test]
fn a_fifo_at_a_destination_is_refused_without_hanging() {
    if !require_tool("mkfifo", "coreutils") {
        return;
    }
    let s = Setup::new("doctor-hostile-fifo");
    let lib = s.library().to_owned();
    let at = s.parents(&lib);
    let made = Command::new("mkfifo").arg(&at).status().unwrap();
    assert!(made.success());
    let before = snapshot(&s.outside());
    for extra in [&[][..], &["--force"][..]] {
        let run = s.copy(extra);
        s.assert_refused(&run, &[&lib], "it is a FIFO");
        assert!(
            std::fs::symlink_metadata(&at)
                .unwrap()
                .file_type()
                .is_fifo()
        );
    }
    assert_eq!(snapshot(&s.outside()), before);
    s.assert_copied(&s.others(&[&lib]));
    s.assert_no_temporary_file();
}

#[test]
fn a_socket_at_a_destination_is_refused() {
    let s = Setup::new("doctor-hostile-socket");
    let lib = s.library().to_owned();
    let at = s.parents(&lib);
    let _listener = std::os::unix::net::UnixListener::bind(&at).unwrap();
    for extra in [&[][..], &["--force"][..]] {
        let run = s.copy(extra);
        s.assert_refused(&run, &[&lib], "it is a socket");
        assert!(
            std::fs::symlink_metadata(&at)
                .unwrap()
                .file_type()
                .is_socket()
        );
    }
    s.assert_copied(&s.others(&[&lib]));
}

#[test]
fn a_device_node_at_a_destination_is_refused_and_neither_written_nor_chmoded() {
    if !system_tests::require_root("mknod of a character device")
        || !require_tool("mknod", "coreutils")
    {
        return;
    }
    let s = Setup::new("doctor-hostile-device");
    let lib = s.library().to_owned();
    let at = s.parents(&lib);
    // The numbers of /dev/null (1, 3): writing into it succeeds and loses the data, as the
    // old copy did, then made it executable.
    let made = Command::new("mknod")
        .args(["-m", "0666"])
        .arg(&at)
        .args(["c", "1", "3"])
        .status()
        .unwrap();
    assert!(made.success());
    let before = snapshot(&s.root());
    for extra in [&[][..], &["--force"][..]] {
        let run = s.copy(extra);
        s.assert_refused(&run, &[&lib], "it is a character device");
        let meta = std::fs::symlink_metadata(&at).unwrap();
        assert!(meta.file_type().is_char_device());
        assert_eq!((meta.mode() & 0o7777, meta.rdev()), (0o666, 0x103));
        assert_eq!(before.get(&at), snapshot(&s.root()).get(&at));
    }
    s.assert_copied(&s.others(&[&lib]));
}

/// The lines of `run`'s stderr that end with `reason`.
fn only(run: &Run, reason: &str) -> String {
    let lines: Vec<&str> = run.stderr.lines().filter(|l| l.ends_with(reason)).collect();
    lines.join("\n")
}

#[test]
fn a_symbolic_link_or_a_directory_at_a_destination_is_refused() {
    let s = Setup::new("doctor-hostile-destlink");
    let lib = s.library().to_owned();
    let program = s.images[0].clone();
    symlink(s.outside().join("victim"), s.parents(&lib)).unwrap();
    std::fs::create_dir_all(s.at(&program)).unwrap();
    let before = snapshot(&s.outside());
    for extra in [&[][..], &["--force"][..]] {
        let run = s.copy(extra);
        assert_eq!(run.status, 2, "{}", run.stderr);
        assert_eq!(run.stderr.lines().count(), 2, "{}", run.stderr);
        s.assert_refused(
            &Run {
                status: 2,
                stderr: only(&run, "it is a symbolic link"),
            },
            &[&lib],
            "it is a symbolic link",
        );
        s.assert_refused(
            &Run {
                status: 2,
                stderr: only(&run, "it is a directory"),
            },
            &[&program],
            "it is a directory",
        );
        assert_eq!(snapshot(&s.outside()), before);
    }
    s.assert_copied(&s.others(&[&lib, &program]));
}

#[test]
fn a_different_existing_file_is_refused_and_with_force_replaced() {
    let s = Setup::new("doctor-hostile-different");
    let lib = s.library().to_owned();
    let at = s.parents(&lib);
    std::fs::write(&at, b"some other file\n").unwrap();
    std::fs::set_permissions(&at, std::fs::Permissions::from_mode(0o600)).unwrap();
    let before = snapshot(&s.outside());
    let run = s.copy(&[]);
    s.assert_refused(
        &run,
        &[&lib],
        "a different file is there (--force replaces it)",
    );
    assert_eq!(std::fs::read(&at).unwrap(), b"some other file\n");
    assert_eq!(std::fs::metadata(&at).unwrap().mode() & 0o7777, 0o600);
    s.assert_copied(&s.others(&[&lib]));

    // The same contents with other permission bits is a different file too.
    let program = s.images[0].clone();
    let program_at = s.at(&program);
    std::fs::set_permissions(&program_at, std::fs::Permissions::from_mode(0o700)).unwrap();
    let run = s.copy(&[]);
    s.assert_refused(&run, &[&lib, &program], "a different file is there");
    assert_eq!(
        std::fs::metadata(&program_at).unwrap().mode() & 0o7777,
        0o700
    );

    let run = s.copy(&["--force"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    s.assert_copied(&s.images.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(snapshot(&s.outside()), before);
    s.assert_no_temporary_file();
}

#[test]
fn an_identical_existing_file_is_left_alone() {
    let s = Setup::new("doctor-hostile-identical");
    let run = s.copy(&[]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    // A date long past on every copied file: rewriting one would change it.
    let past = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000_000);
    let mut inodes = BTreeMap::new();
    for image in &s.images {
        let at = s.at(image);
        std::fs::File::options()
            .write(true)
            .open(&at)
            .unwrap()
            .set_modified(past)
            .unwrap();
        inodes.insert(image.clone(), std::fs::metadata(&at).unwrap().ino());
    }
    let before = snapshot(&s.root());
    let run = s.copy(&[]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert!(!run.stderr.contains("refusing"), "{}", run.stderr);
    assert_eq!(snapshot(&s.root()), before);
    for image in &s.images {
        let meta = std::fs::metadata(s.at(image)).unwrap();
        assert_eq!(meta.modified().unwrap(), past, "{image} was rewritten");
        assert_eq!(meta.ino(), inodes[image], "{image} was replaced");
    }
    s.assert_copied(&s.images.iter().map(String::as_str).collect::<Vec<_>>());
}

/// On a kernel without `openat2` (before Linux 5.6), here simulated by strace's fault
/// injection, the copy stops before writing anything, with one line that says why.
#[test]
fn without_openat2_the_copy_stops_with_one_line_naming_the_kernel_it_needs() {
    if !require_tool("strace", "strace") {
        return;
    }
    let s = Setup::new("doctor-hostile-enosys");
    let out = Command::new("strace")
        .args([
            "-f",
            "-qq",
            "-o",
            "/dev/null",
            "-e",
            "inject=openat2:error=ENOSYS",
        ])
        .arg(doctor())
        .arg("--copy-closure")
        .arg(s.root())
        .arg(PROGRAM)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("needs Linux 5.6 or later") && stderr.contains("ENOSYS"),
        "{stderr}"
    );
    assert_eq!(snapshot(&s.root()).len(), 1, "DIR stays empty");
}
