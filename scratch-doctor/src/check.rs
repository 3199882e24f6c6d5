//! `check`: does a program work in a `FROM scratch` container, not only start? [`run_in`]
//! runs a command in an empty root made of a directory alone (a closure that `--copy-closure`
//! copied, say) as runc makes the root of a `FROM scratch` container, with no engine, and
//! captures what it did: its exit status (or signal), standard output and standard error
//! ([`Outcome`]). [`first_difference`] compares two outcomes, the program's on this machine and
//! in the empty root, and names the first difference in one line ([`verdict`]: `works in FROM
//! scratch: yes`, or `no` with it).
//!
//! The root ([`root`], which holds the child's steps in order):
//!
//! - namespaces: a new mount, PID, network, IPC and UTS namespace, and a user namespace when
//!   the caller is not root (root inside is the caller outside); the command is process 1 of
//!   its PID namespace, as in a container without an init, and when it ends (or is killed at
//!   the time limit) the kernel kills whatever it left running;
//! - `DIR` as `/`, through an overlay whose upper layer is a tmpfs: the command may write
//!   anywhere, as in a container, and nothing of `DIR` is ever changed (no mount point is made
//!   in it; the few the root needs are made in the tmpfs);
//! - `/proc`, `/dev` (runc's devices, `ptmx`, `pts`, `shm`, `mqueue`, the `fd`, `stdin`,
//!   `stdout`, `stderr` links) and a read-only `/sys`, as runc's default spec mounts them, and
//!   its read-only and masked paths;
//! - the host name of [`Options::hostname`], the umask 022, the working directory
//!   [`Options::cwd`] (made when missing, in the tmpfs), standard input from `/dev/null`, every
//!   signal at its default action; then the command, found through the `PATH` of its
//!   environment when it has no `/`.
//!
//! What an engine adds and runc does not is not made: `/etc/hosts`, `/etc/hostname`,
//! `/etc/resolv.conf` (Docker and Podman bind-mount them), Podman's `/run/.containerenv`, a
//! cgroup file system at `/sys/fs/cgroup`, the engine's capabilities, seccomp profile and
//! resource limits. As root, the command keeps root's capabilities: this is a prediction of
//! what the program does in `FROM scratch`, not a sandbox.
//!
//! The library does no I/O but here: this module makes system calls through syscall-kit, and
//! its `fork_with` is the one `unsafe` call of the library.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::ffi::CStr;
use core::time::Duration;

use syscall_kit::fs::{self, Mode, OFlags};
use syscall_kit::io::{self, PollFd, PollFlags};
use syscall_kit::ns::CloneFlags;
use syscall_kit::process::{self, ExecStrings, Fork, Pid, WaitOptions};
use syscall_kit::signal::{self, Signal};
use syscall_kit::time::{self, ClockId, Timeout, Timespec};
use syscall_kit::{AsFd, Errno, OwnedFd};

mod compare;
pub mod root;

pub use compare::{first_difference, status_text, verdict, verdict_line};

use root::{Plan, REPORT_LEN, Step};

/// The host name of the empty root, unless [`Options::hostname`] says otherwise.
pub const DEFAULT_HOSTNAME: &[u8] = b"scratch-doctor";

/// How much of each of standard output and standard error an [`Outcome`] keeps: the rest is
/// read, counted ([`Captured::total`]) and dropped, so that a program that writes without end
/// until its time limit cannot fill the memory.
pub const OUTPUT_LIMIT: usize = 16 << 20;

/// How the command is run.
#[derive(Clone, Copy, Debug)]
pub struct Options<'a> {
    /// Its working directory in the root (made when missing).
    pub cwd: &'a CStr,
    /// The host name of its UTS namespace.
    pub hostname: &'a [u8],
    /// The time it may take: past it, it is killed with `SIGKILL` (and with it every process of
    /// its PID namespace), and the outcome is [`Status::TimedOut`]. `None`: no limit.
    pub timeout: Option<Duration>,
}

/// How the command ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// It exited with this status.
    Exited(i32),
    /// A signal ended it.
    Killed(Signal),
    /// It did not start: `execve` failed in the root with this error (`ENOENT`: not there, or
    /// its interpreter is not; `EACCES` …).
    NotStarted(Errno),
    /// It was still running at the time limit, and was killed.
    TimedOut(Duration),
}

/// What a stream of the command held.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Captured {
    /// The bytes, the first [`OUTPUT_LIMIT`] of them.
    pub bytes: Vec<u8>,
    /// How many bytes the command wrote in all.
    pub total: u64,
}

/// What the command did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    /// How it ended.
    pub status: Status,
    /// Its standard output.
    pub stdout: Captured,
    /// Its standard error.
    pub stderr: Captured,
}

/// A failure of the runner itself (not of the command): one line, its cause, and what to do
/// when that is known.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunError(pub String);

impl core::fmt::Display for RunError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Runs `argv` (`argv[0]` is the program, found through the `PATH` of `env` when it has no
/// `/`) with the environment `env` in the empty root made of the directory `dir` (see the
/// module), and returns what it did, or why the root could not be made.
pub fn run_in<'a, 'b>(
    dir: &CStr,
    argv: impl ExecStrings<'a>,
    env: impl ExecStrings<'b>,
    options: &Options<'_>,
) -> Result<Outcome, RunError> {
    let shown = dir.to_string_lossy();
    let fail = |what: &str, e: Errno| RunError(format!("{what}: {e}"));
    let dir_fd = fs::open(
        dir,
        OFlags::PATH | OFlags::DIRECTORY | OFlags::CLOEXEC,
        Mode::empty(),
    )
    .map_err(|e| fail(&format!("cannot open the directory {shown}"), e))?;
    let euid = process::geteuid();
    let ids = (euid != 0).then(|| (euid, process::getegid()));
    let pipe = || io::pipe2(OFlags::CLOEXEC).map_err(|e| fail("cannot make a pipe", e));
    let (out_r, out_w) = pipe()?;
    let (err_r, err_w) = pipe()?;
    let (report_r, report_w) = pipe()?;
    let (alive_r, alive_w) = pipe()?;
    let plan = Plan {
        dir: dir_fd.as_fd(),
        dir_path: dir,
        cwd: options.cwd,
        hostname: options.hostname,
        ids,
        kcore: fs::stat(c"/proc/kcore").is_ok(),
        alive: alive_r.as_fd(),
        report: report_w.as_fd(),
        stdout: out_w.as_fd(),
        stderr: err_w.as_fd(),
    };
    let mut namespaces = CloneFlags::NEWNS
        | CloneFlags::NEWPID
        | CloneFlags::NEWNET
        | CloneFlags::NEWIPC
        | CloneFlags::NEWUTS;
    if ids.is_some() {
        namespaces |= CloneFlags::NEWUSER;
    }
    // SAFETY: the child runs `root::child`, which allocates nothing and takes no lock (every
    // string it needs is in `plan`, prepared above), so it may start from a process with other
    // threads; it ends in `execve` or `exit`.
    #[allow(unsafe_code)]
    let forked = unsafe { process::fork_with(namespaces) };
    let pid = match forked {
        Ok(Fork::Child) => {
            // Only the parent holds the write end: its end tells the child the parent is gone.
            drop(alive_w);
            root::child(&plan, argv, env)
        }
        Ok(Fork::Parent(pid)) => pid,
        Err(e) => return Err(RunError(namespace_problem(namespaces, e))),
    };
    drop((out_w, err_w, report_w, alive_r));
    let watched = Watched {
        pid,
        stdout: out_r,
        stderr: err_r,
        report: report_r,
    };
    let result = watch(&watched, options.timeout);
    // Whatever happened, the child is reaped: killed first if the watch failed.
    if result.is_err() {
        let _ = signal::kill(pid, signal::SIGKILL);
    }
    let status = reap(pid);
    drop(alive_w);
    let watch = result?;
    let status = status.map_err(|e| fail("cannot wait for the command", e))?;
    if let Some((step, index, e)) = watch.report {
        if step == Step::Exec {
            return Ok(Outcome {
                status: Status::NotStarted(e),
                stdout: watch.stdout,
                stderr: watch.stderr,
            });
        }
        return Err(RunError(format!(
            "cannot run in the empty root of {shown}: {}: {e}{}",
            step_name(step, index, options, ids),
            hint(step, e, ids.is_some())
        )));
    }
    let status = match (
        watch.timed_out,
        status.exit_status(),
        status.terminating_signal(),
    ) {
        (Some(limit), _, _) => Status::TimedOut(limit),
        (None, Some(code), _) => Status::Exited(code),
        (None, None, Some(sig)) => Status::Killed(sig),
        (None, None, None) => {
            return Err(RunError(format!("the command ended with {status:?}")));
        }
    };
    Ok(Outcome {
        status,
        stdout: watch.stdout,
        stderr: watch.stderr,
    })
}

/// The child and the parent's ends of its pipes.
struct Watched {
    pid: Pid,
    stdout: OwnedFd,
    stderr: OwnedFd,
    report: OwnedFd,
}

/// What [`watch`] saw.
struct Watch {
    stdout: Captured,
    stderr: Captured,
    /// The step that failed, its index and error, as the child reported it.
    report: Option<(Step, usize, Errno)>,
    /// The time limit, when the command was killed at it.
    timed_out: Option<Duration>,
}

/// Reads the child's output, error and report until all three end and the child has ended,
/// killing it with `SIGKILL` at `timeout`.
fn watch(w: &Watched, timeout: Option<Duration>) -> Result<Watch, RunError> {
    let fail = |what: &str, e: Errno| RunError(format!("{what}: {e}"));
    let ended = process::pidfd_open(w.pid).map_err(|e| {
        fail(
            "cannot watch the command (pidfd_open, Linux 5.3 and later)",
            e,
        )
    })?;
    let now = || time::clock_gettime(ClockId::MONOTONIC);
    let start = now().map_err(|e| fail("cannot read the clock", e))?;
    let deadline = timeout.and_then(|t| start.checked_add(t));
    let mut seen = Watch {
        stdout: Captured::default(),
        stderr: Captured::default(),
        report: None,
        timed_out: None,
    };
    let mut report = Vec::new();
    // Open: stdout, stderr, report, and the child not yet ended.
    let mut open = [true; 4];
    let mut buf = [0u8; 64 * 1024];
    while open.iter().any(|&o| o) {
        let fds = [
            w.stdout.as_fd(),
            w.stderr.as_fd(),
            w.report.as_fd(),
            ended.as_fd(),
        ];
        let mut polled: Vec<(usize, PollFd<'_>)> = fds
            .iter()
            .enumerate()
            .filter(|(i, _)| open[*i])
            .map(|(i, fd)| (i, PollFd::new(*fd, PollFlags::IN)))
            .collect();
        let wait = match (deadline, seen.timed_out) {
            (Some(d), None) => {
                let left = now().map_err(|e| fail("cannot read the clock", e))?;
                Timeout::After(remaining(d, left))
            }
            _ => Timeout::Forever,
        };
        let mut pollfds: Vec<PollFd<'_>> = polled.iter().map(|(_, p)| *p).collect();
        match io::poll(&mut pollfds, wait) {
            Ok(0) => {
                // The time limit: process 1 killed, and with it its PID namespace.
                signal::kill(w.pid, signal::SIGKILL)
                    .map_err(|e| fail("cannot kill the command at its time limit", e))?;
                seen.timed_out = timeout;
                continue;
            }
            Ok(_) => {}
            Err(Errno::EINTR) => continue,
            Err(e) => return Err(fail("cannot wait for the command (poll)", e)),
        }
        for ((i, _), p) in polled.iter_mut().zip(&pollfds) {
            if p.revents().is_empty() {
                continue;
            }
            if *i == 3 {
                open[3] = false;
                continue;
            }
            let n = match io::read(fds[*i], &mut buf) {
                Ok(n) => n,
                Err(Errno::EINTR) => continue,
                Err(e) => return Err(fail("cannot read the command's output", e)),
            };
            let got = buf.get(..n).unwrap_or_default();
            match *i {
                0 => keep(&mut seen.stdout, got),
                1 => keep(&mut seen.stderr, got),
                _ => report.extend_from_slice(got),
            }
            if n == 0 {
                open[*i] = false;
            }
        }
    }
    if let Some(record) = report.get(..REPORT_LEN) {
        let step = Step::ALL.get(usize::from(record[0])).copied();
        let errno = i32::from_ne_bytes([record[2], record[3], record[4], record[5]]);
        seen.report = step.map(|s| (s, usize::from(record[1]), Errno::from_raw(errno)));
    }
    Ok(seen)
}

/// The time from `now` to `deadline`, zero when it is past.
fn remaining(deadline: Timespec, now: Timespec) -> Duration {
    deadline.saturating_duration_since(now)
}

/// Appends `got` to `to`, up to [`OUTPUT_LIMIT`] bytes kept; counts it all.
fn keep(to: &mut Captured, got: &[u8]) {
    to.total += got.len() as u64;
    let room = OUTPUT_LIMIT.saturating_sub(to.bytes.len());
    to.bytes
        .extend_from_slice(got.get(..room.min(got.len())).unwrap_or_default());
}

/// Waits for the child `pid` (again after `EINTR`).
fn reap(pid: Pid) -> Result<process::WaitStatus, Errno> {
    loop {
        match process::wait4(pid, WaitOptions::empty()) {
            Ok(Some((_, status))) => return Ok(status),
            Ok(None) => return Err(Errno::ECHILD),
            Err(Errno::EINTR) => {}
            Err(e) => return Err(e),
        }
    }
}

/// The one line for `clone(2)` refusing `namespaces` with `e`.
fn namespace_problem(namespaces: CloneFlags, e: Errno) -> String {
    let mut names = Vec::new();
    for (flag, name) in [
        (CloneFlags::NEWUSER, "CLONE_NEWUSER"),
        (CloneFlags::NEWNS, "CLONE_NEWNS"),
        (CloneFlags::NEWPID, "CLONE_NEWPID"),
        (CloneFlags::NEWNET, "CLONE_NEWNET"),
        (CloneFlags::NEWIPC, "CLONE_NEWIPC"),
        (CloneFlags::NEWUTS, "CLONE_NEWUTS"),
    ] {
        if namespaces.contains(flag) {
            names.push(name);
        }
    }
    let what = if namespaces.contains(CloneFlags::NEWUSER) {
        "this system refuses user namespaces to unprivileged users: run as root, or allow them \
         (Debian: sysctl kernel.unprivileged_userns_clone=1; everywhere: \
         user.max_user_namespaces above 0; Ubuntu: kernel.apparmor_restrict_unprivileged_userns=0)"
    } else {
        "root may not make namespaces here (in a container, its engine's seccomp profile and \
         capabilities refuse them)"
    };
    match e {
        Errno::EPERM | Errno::ENOSPC | Errno::EACCES => format!(
            "cannot make the namespaces of the empty root: clone({}): {e}: {what}",
            names.join(" | ")
        ),
        _ => format!(
            "cannot make the namespaces of the empty root: clone({}): {e}",
            names.join(" | ")
        ),
    }
}

/// What the child was doing at `step` (and `index` of its table).
fn step_name(step: Step, index: usize, options: &Options<'_>, ids: Option<(u32, u32)>) -> String {
    let name = |table: &[&CStr]| {
        table
            .get(index)
            .map_or_else(|| "?".into(), |c| c.to_string_lossy().into_owned())
    };
    match step {
        Step::ParentGone => "the doctor ended while the root was being made".into(),
        Step::DeathSignal => "prctl(PR_SET_PDEATHSIG)".into(),
        Step::Setgroups => "write /proc/self/setgroups in its user namespace".into(),
        Step::UidMap => format!(
            "write /proc/self/uid_map (root inside is user ID {} outside)",
            ids.map_or(0, |i| i.0)
        ),
        Step::GidMap => format!(
            "write /proc/self/gid_map (root inside is group ID {} outside)",
            ids.map_or(0, |i| i.1)
        ),
        Step::Hostname => "sethostname in its UTS namespace".into(),
        Step::Private => "make the mounts of its mount namespace private".into(),
        Step::OpenDir => "open the directory again in its mount namespace".into(),
        Step::Staging => {
            "mount a tmpfs over the directory in its mount namespace (the overlay's upper \
             layer; the directory itself is not changed)"
                .into()
        }
        Step::OpenStaging => "open the tmpfs mounted over the directory".into(),
        Step::Layers => format!(
            "make the directory {} of the overlay in the tmpfs",
            ["upper", "work", "root"].get(index).unwrap_or(&"?")
        ),
        Step::Overlay => "mount an overlay with the directory as its lower layer".into(),
        Step::OpenRoot => "open the root".into(),
        Step::MountPoint => format!(
            "make the mount point /{} (it must be a directory, or absent)",
            name(&root::MOUNT_POINTS)
        ),
        Step::Proc => "mount proc at /proc".into(),
        Step::Dev => "mount a tmpfs at /dev".into(),
        Step::DevPts => "mount devpts at /dev/pts".into(),
        Step::Shm => "mount a tmpfs at /dev/shm".into(),
        Step::Mqueue => "mount mqueue at /dev/mqueue".into(),
        Step::Sys => "mount sysfs at /sys".into(),
        Step::Device => {
            let device = root::DEVICES.get(index).map(|d| d.0);
            let how = if ids.is_some() {
                "bind-mount this machine's"
            } else {
                "mknod"
            };
            format!(
                "{how} /dev/{}",
                device.map_or("?".into(), |d| d.to_string_lossy())
            )
        }
        Step::Ptmx => "make the link /dev/ptmx -> pts/ptmx".into(),
        Step::DevLink => {
            let link = root::DEV_LINKS.get(index);
            link.map_or_else(
                || "make a link of /dev".into(),
                |(target, name)| {
                    format!(
                        "make the link /dev/{} -> {}",
                        name.to_string_lossy(),
                        target.to_string_lossy()
                    )
                },
            )
        }
        Step::EnterRoot => "change into the root".into(),
        Step::PivotRoot => "pivot_root into the root".into(),
        Step::DetachOldRoot => "unmount the old root (MNT_DETACH)".into(),
        Step::ReadOnly => format!("make {} read-only", name(&root::READ_ONLY_PATHS)),
        Step::Mask => format!("mask {}", name(&root::MASKED_PATHS)),
        Step::WorkingDirectory => format!(
            "change to the working directory {}",
            options.cwd.to_string_lossy()
        ),
        Step::Stdio if index == 0 => "set up standard input, output and error".into(),
        Step::Stdio if index == 1 => "unblock the signals".into(),
        Step::Stdio => {
            "mark the descriptors from 3 on close-on-exec (close_range, Linux 5.11 and later)"
                .into()
        }
        Step::Exec => "execve".into(),
    }
}

/// What to do about `e` at `step`, when it is known (`; …`), else nothing.
fn hint(step: Step, e: Errno, user_namespace: bool) -> &'static str {
    match (step, e, user_namespace) {
        (Step::Overlay, Errno::EINVAL | Errno::EPERM, true) => {
            "; an overlay in a user namespace needs Linux 5.11 or later: run as root on an \
             older kernel"
        }
        (Step::Overlay, Errno::EINVAL, _) => {
            "; overlayfs cannot use the directory's file system as a lower layer: copy it to \
             another file system (ext4, xfs, tmpfs, btrfs …)"
        }
        (Step::Proc | Step::Sys, Errno::EPERM, true) => {
            "; a user namespace may mount proc and sysfs only where this machine's are fully \
             visible (nothing mounted over their files, as in some containers): run as root"
        }
        (Step::OpenStaging | Step::OpenDir, Errno::EXDEV, _) => {
            "; the directory's path no longer leads to the directory opened before (it was \
             moved or replaced meanwhile)"
        }
        (Step::MountPoint, Errno::ELOOP | Errno::ENOTDIR, _) => {
            "; the directory has a file or symbolic link there, where runc mounts a file system"
        }
        _ => "",
    }
}

#[cfg(test)]
mod tests;
