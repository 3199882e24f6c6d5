//! Namespaces and mounts (`syscall_kit::ns`, `syscall_kit::mount`), on every architecture (each
//! has numbers of its own for `unshare`, `mount`, `umount2`, `pivot_root`, `sethostname`), each
//! case in a child, which reports the step that failed and its error through a pipe; nothing
//! is seen outside it.
//!
//! - A user namespace: the child is nobody there until it writes its id maps, then root.
//! - A mount and UTS namespace: the child names its host, mounts a tmpfs over this program's
//!   directory, makes it its root with `pivot_root` and lets the old root go. As root it needs no
//!   user namespace; otherwise it makes one first.
//!
//! What this system cannot do is skipped with the reason, never passed: qemu-user runs the
//! program with threads of its own, and `unshare(CLONE_NEWUSER)` refuses a process with several
//! threads (`EINVAL`; qemu 7.2 refuses `clone(2)` with namespace flags too); a system may refuse
//! user namespaces to unprivileged users (`EPERM`, `ENOSPC`).

use alloc::format;
use alloc::vec::Vec;

use syscall_kit::fs::{self, FileType, Mode, OFlags};
use syscall_kit::io::{pipe2, read, write_all};
use syscall_kit::mount::{MountFlags, UnmountFlags, mount, pivot_root, umount2};
use syscall_kit::ns::{self, CloneFlags, IdMap};
use syscall_kit::process::{self, Fork, WaitOptions};
use syscall_kit::{Errno, OwnedFd};

use super::support::self_path;
use crate::TestResult;

/// A child's report of the step that failed: its number, and the error.
struct Report<'a> {
    pipe: &'a OwnedFd,
}

impl Report<'_> {
    /// Sends step `step` failed with `e` to the parent and ends the child.
    fn failed(&self, step: u8, e: Errno) -> ! {
        let mut record = [step, 0, 0, 0, 0];
        record[1..].copy_from_slice(&e.raw().to_ne_bytes());
        let _ = write_all(self.pipe, &record);
        process::exit(1)
    }

    /// `r`, or the end of the child with step `step` failed.
    fn step<T>(&self, step: u8, r: Result<T, Errno>) -> T {
        r.unwrap_or_else(|e| self.failed(step, e))
    }
}

/// Runs `child`, which ends the process, in a new process with a [`Report`] to this one; returns `Ok(None)` when it
/// ended with status 0, `Ok(Some((step, errno)))` for the step it reports failed.
fn in_child(child: impl FnOnce(&Report<'_>)) -> Result<Option<(u8, Errno)>, alloc::string::String> {
    let (r, w) = pipe2(OFlags::CLOEXEC).map_err(|e| format!("pipe2: {e}"))?;
    // SAFETY: single-threaded program; the child runs `child`, which ends the process.
    let pid = match unsafe { process::fork() }.map_err(|e| format!("fork: {e}"))? {
        Fork::Child => {
            drop(r);
            child(&Report { pipe: &w });
            // Each child ends itself: a fall-through is a failure of the case.
            process::exit(99)
        }
        Fork::Parent(pid) => pid,
    };
    drop(w);
    let mut record = [0u8; 5];
    let got = read(&r, &mut record).map_err(|e| format!("read: {e}"))?;
    let (_, status) = process::wait4(pid, WaitOptions::empty())
        .map_err(|e| format!("wait4: {e}"))?
        .ok_or("wait4 without NOHANG returned no child")?;
    if got == 0 {
        check!(
            status.exit_status() == Some(0),
            "the child ended with {status:?}"
        );
        return Ok(None);
    }
    let errno = i32::from_ne_bytes([record[1], record[2], record[3], record[4]]);
    Ok(Some((record[0], Errno::from_raw(errno))))
}

/// The answer of `unshare` with a user namespace on a system that gives none (see the module).
fn no_user_namespace(e: Errno) -> bool {
    matches!(e, Errno::EINVAL | Errno::EPERM | Errno::ENOSPC)
}

/// Why a user namespace was refused, for the skip line.
fn why_none(e: Errno) -> alloc::string::String {
    format!(
        "no user namespace here (unshare(CLONE_NEWUSER): {e}): under qemu-user this program has \
         qemu's threads, which unshare(CLONE_NEWUSER) refuses; elsewhere the system refuses \
         them to unprivileged users"
    )
}

/// The steps of [`user_namespace_maps`]'s child.
const USER_STEPS: [&str; 5] = [
    "unshare(NEWUSER)",
    "ids before the maps are the overflow ids",
    "map_ids",
    "ids after the maps are 0",
    "read /proc/self/uid_map",
];

pub fn user_namespace_maps() -> TestResult {
    let (uid, gid) = (process::geteuid(), process::getegid());
    let expected = format!("{:>10} {uid:>10} {:>10}\n", 0, 1);
    let failed = in_child(|report| {
        report.step(0, ns::unshare(CloneFlags::NEWUSER));
        if process::getuid() == 0 || process::getgid() == 0 {
            report.failed(1, Errno::EINVAL);
        }
        report.step(2, ns::map_ids(IdMap::one(0, uid), IdMap::one(0, gid)));
        if process::getuid() != 0 || process::geteuid() != 0 || process::getegid() != 0 {
            report.failed(3, Errno::EINVAL);
        }
        let mut buf = [0u8; 64];
        let fd = report.step(
            4,
            fs::open("/proc/self/uid_map", OFlags::RDONLY, Mode::empty()),
        );
        let n = report.step(4, read(&fd, &mut buf));
        if buf.get(..n) != Some(expected.as_bytes()) {
            report.failed(4, Errno::EINVAL);
        }
        process::exit(0)
    })?;
    match failed {
        None => Ok(()),
        Some((0, e)) if no_user_namespace(e) => crate::skip(why_none(e)),
        Some((step, e)) => {
            let step = USER_STEPS.get(usize::from(step)).copied().unwrap_or("?");
            Err(format!("{step}: {e}").into())
        }
    }
}

/// The steps of [`mount_namespace_pivot_root`]'s child.
const MOUNT_STEPS: [&str; 13] = [
    "unshare",
    "map_ids",
    "sethostname",
    "read /proc/sys/kernel/hostname",
    "mount / private",
    "mount tmpfs",
    "mkdir marker",
    "chdir",
    "pivot_root(\".\", \".\")",
    "umount2(\".\", DETACH)",
    "chdir /",
    "stat /marker",
    "stat /proc (gone with the old root)",
];

pub fn mount_namespace_pivot_root() -> TestResult {
    let path = self_path().to_bytes();
    let dir: Vec<u8> = match path.iter().rposition(|&b| b == b'/') {
        Some(0) => b"/".to_vec(),
        Some(i) => path[..i].to_vec(),
        None => b".".to_vec(),
    };
    let mut marker = dir.clone();
    marker.extend_from_slice(b"/marker");
    let (uid, gid) = (process::geteuid(), process::getegid());
    let root = uid == 0;
    let failed = in_child(|report| {
        let mut namespaces = CloneFlags::NEWNS | CloneFlags::NEWUTS;
        if !root {
            namespaces |= CloneFlags::NEWUSER;
        }
        report.step(0, ns::unshare(namespaces));
        if !root {
            report.step(1, ns::map_ids(IdMap::one(0, uid), IdMap::one(0, gid)));
        }
        report.step(2, ns::sethostname(b"kit-selftest"));
        let mut name = [0u8; 80];
        let fd = report.step(
            3,
            fs::open("/proc/sys/kernel/hostname", OFlags::RDONLY, Mode::empty()),
        );
        let n = report.step(3, read(&fd, &mut name));
        if name.get(..n) != Some(b"kit-selftest\n") {
            report.failed(3, Errno::EINVAL);
        }
        report.step(
            4,
            mount("", "/", "", MountFlags::PRIVATE | MountFlags::REC, None),
        );
        report.step(
            5,
            mount("tmpfs", &dir[..], "tmpfs", MountFlags::empty(), None),
        );
        report.step(6, fs::mkdir(&marker[..], Mode::RUSR | Mode::XUSR));
        report.step(7, fs::chdir(&dir[..]));
        report.step(8, pivot_root(".", "."));
        report.step(9, umount2(".", UnmountFlags::DETACH));
        report.step(10, fs::chdir("/"));
        if report.step(11, fs::stat("/marker")).file_type != FileType::Directory {
            report.failed(11, Errno::ENOTDIR);
        }
        match fs::stat("/proc") {
            Err(Errno::ENOENT) => process::exit(0),
            Ok(_) => report.failed(12, Errno::EEXIST),
            Err(e) => report.failed(12, e),
        }
    })?;
    match failed {
        None => Ok(()),
        Some((0, e)) if !root && no_user_namespace(e) => crate::skip(why_none(e)),
        Some((step, e)) => {
            let step = MOUNT_STEPS.get(usize::from(step)).copied().unwrap_or("?");
            Err(format!("{step}: {e}").into())
        }
    }
}
