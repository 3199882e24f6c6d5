//! Running one command with a deadline: spawned in a process group of its own, waited for until
//! the deadline, and killed with its whole group (strace and its tracees) when it expires. A run
//! killed this way is a hang; the deadline is generous and is not a timed assertion.

use std::io::Read;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// How a run ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ended {
    /// Exited with this status.
    Exit(i32),
    /// Killed by this signal.
    Signal(i32),
    /// Still running at the deadline, then killed.
    Hang,
}

impl std::fmt::Display for Ended {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Ended::Exit(code) => write!(f, "exit {code}"),
            Ended::Signal(sig) => write!(f, "killed by signal {sig}"),
            Ended::Hang => write!(f, "still running at the deadline"),
        }
    }
}

/// What a run left: how it ended, its standard output and error, and a digest of the files of
/// its directory afterwards.
#[derive(Clone, Debug)]
pub struct Outcome {
    /// How it ended.
    pub ended: Ended,
    /// Standard output (a pipe, or the file the command line redirects it to).
    pub stdout: Vec<u8>,
    /// Standard error.
    pub stderr: String,
    /// One line per file of the run's directory: path, type, mode, size, content hash.
    pub files: String,
}

/// Runs `cmd` (its stdin and stdout already set; stderr is captured here) until it ends or
/// `deadline` passes; returns how it ended, its stdout if it was piped, and its stderr.
pub fn run_until(mut cmd: Command, deadline: Duration) -> (Ended, Vec<u8>, String) {
    use std::os::unix::process::{CommandExt, ExitStatusExt};
    cmd.stderr(Stdio::piped()).process_group(0);
    let mut child: Child = cmd
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    let pid = child.id() as i32;
    let readers = [
        child.stdout.take().map(|mut s| {
            std::thread::spawn(move || {
                let mut buf = Vec::new();
                let _ = s.read_to_end(&mut buf);
                buf
            })
        }),
        child.stderr.take().map(|mut s| {
            std::thread::spawn(move || {
                let mut buf = Vec::new();
                let _ = s.read_to_end(&mut buf);
                buf
            })
        }),
    ];
    let (tx, rx) = mpsc::channel();
    let waiter = std::thread::spawn(move || {
        let status = child.wait().expect("wait for the run");
        let _ = tx.send(());
        status
    });
    let hung = rx.recv_timeout(deadline).is_err();
    if hung {
        // SAFETY: kill(2) reads and writes no memory of this process, so it cannot break memory
        // safety. The negative pid names the process group `process_group(0)` made for this run;
        // its leader is reaped by the waiter thread only once it has ended, so the group is still
        // this run's (a leader that ended at the very deadline leaves an empty or gone group).
        unsafe { libc::kill(-pid, libc::SIGKILL) };
    }
    let status = waiter.join().expect("waiter thread");
    let [out, err] = readers.map(|r| r.map(|t| t.join().expect("reader")).unwrap_or_default());
    let ended = if hung {
        Ended::Hang
    } else if let Some(sig) = status.signal() {
        Ended::Signal(sig)
    } else {
        Ended::Exit(status.code().expect("an exit status or a signal"))
    };
    (ended, out, String::from_utf8_lossy(&err).into_owned())
}

/// A digest of every file under `dir` except those named in `skip`, sorted by path: one line
/// each with the path, the type, the permission bits, the size and a hash of the contents (or
/// the target of a symbolic link).
pub fn files_digest(dir: &Path, skip: &[&str]) -> String {
    use std::os::unix::fs::PermissionsExt;
    let mut lines = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            lines.push(format!("{}: unreadable directory", d.display()));
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let rel = path
                .strip_prefix(dir)
                .unwrap_or(&path)
                .display()
                .to_string();
            if skip.contains(&rel.as_str()) {
                continue;
            }
            let Ok(meta) = path.symlink_metadata() else {
                continue;
            };
            let mode = meta.permissions().mode() & 0o7777;
            if meta.file_type().is_symlink() {
                let target = std::fs::read_link(&path).unwrap_or_default();
                lines.push(format!("{rel} -> {}", target.display()));
            } else if meta.is_dir() {
                lines.push(format!("{rel}/ {mode:o}"));
                stack.push(path);
            } else {
                let hash = std::fs::read(&path).map_or(0, |b| fnv1a(&b));
                lines.push(format!("{rel} {mode:o} {} {hash:016x}", meta.len()));
            }
        }
    }
    lines.sort();
    lines.join("\n")
}

/// The 64-bit FNV-1a hash of `bytes`.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}
