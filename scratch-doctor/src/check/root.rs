//! The child's side of [`run_in`](super::run_in): in the namespaces it was born in, it makes the
//! root runc makes for a `FROM scratch` container, with `DIR` as its only content, and runs the
//! command there. Every step that fails is sent to the parent as a [`Step`] and an error, and
//! the child ends; the parent turns it into one line.
//!
//! The child may not allocate (the parent may be a program with threads, whose allocator's lock
//! another thread may hold at the fork): everything it needs is prepared in a [`Plan`], and the
//! paths it builds are [`StackPath`]s.
//!
//! The root, step by step (runc's `prepareRootfs` and `pivotRoot`, libcontainer/rootfs_linux.go,
//! with the mounts of its default spec, `runc spec`):
//!
//! 1. the id maps, when the child has a user namespace of its own (root inside is the caller);
//!    the host name;
//! 2. every mount of the namespace made private, so that nothing below is seen outside;
//! 3. `DIR` is the lower layer of an overlay whose upper layer is a tmpfs: the command may
//!    write anywhere, as in a container, and `DIR` is never changed. The tmpfs is mounted over
//!    `DIR` in this namespace only (the one directory known to exist), and the overlay reads
//!    `DIR` through the descriptor the parent opened before (`/proc/self/fd/N`), which reaches
//!    the directory under the tmpfs;
//! 4. in the overlay (so in the tmpfs, never in `DIR`): the mount points `proc`, `dev`, `sys`,
//!    then `/proc` (proc: nosuid, nodev, noexec), `/dev` (tmpfs: nosuid, strictatime, mode 755,
//!    64 MiB), `/dev/pts` (devpts: newinstance, ptmxmode 0666, mode 0620, gid 5 when there is
//!    no user namespace), `/dev/shm` (tmpfs: nosuid, noexec, nodev, mode 1777, 64 MiB),
//!    `/dev/mqueue` (mqueue), `/sys` (sysfs, read-only); runc's devices (`null`, `zero`,
//!    `full`, `random`, `urandom`, `tty`: made with `mknod` as root, bind-mounted from this
//!    machine's in a user namespace, where no device may be made), `/dev/ptmx` -> `pts/ptmx`,
//!    and the links `fd`, `stdin`, `stdout`, `stderr` to `/proc/self/fd…` (and `core` to
//!    `/proc/kcore` where this machine has one);
//! 5. `pivot_root(".", ".")` in the overlay, the old root unmounted with `MNT_DETACH`;
//! 6. runc's read-only paths (`/proc/bus`, `/proc/fs`, `/proc/irq`, `/proc/sys`,
//!    `/proc/sysrq-trigger`) and masked paths (`/proc/kcore`, `/proc/keys` … under `/dev/null`,
//!    `/proc/acpi`, `/proc/scsi`, `/sys/firmware` … under an empty read-only tmpfs);
//! 7. the umask 022, the working directory (made when missing, as runc does), standard input
//!    from `/dev/null`, standard output and error into the parent's pipes, no other descriptor
//!    (every one from 3 on is close-on-exec), every signal at its default action and none
//!    blocked; then `execve`, with a `PATH` search for a command without
//!    a `/`, as runc does.

use core::ffi::CStr;

use syscall_kit::fs::{self, AtFlags, FileType, Mode, OFlags};
use syscall_kit::io::{self, PollFd, PollFlags};
use syscall_kit::mount::{MountFlags, UnmountFlags, mount, pivot_root, umount2};
use syscall_kit::ns::{self, IdMap};
use syscall_kit::process::{self, ExecStrings};
use syscall_kit::signal::{self, SigSet};
use syscall_kit::text::Decimal;
use syscall_kit::time::Timeout;
use syscall_kit::{AsFd, BorrowedFd, Errno, RawFd, fd};

/// A step of the child that can fail, sent to the parent with an index (which device, mount
/// point or path of its table) and the error.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Step {
    /// The parent ended before the child could set its parent-death signal.
    ParentGone,
    /// `prctl(PR_SET_PDEATHSIG)`.
    DeathSignal,
    /// `/proc/self/setgroups`.
    Setgroups,
    /// `/proc/self/uid_map`.
    UidMap,
    /// `/proc/self/gid_map`.
    GidMap,
    /// `sethostname`.
    Hostname,
    /// Every mount made private.
    Private,
    /// `DIR` opened again in the new mount namespace, and checked to be the one the parent
    /// opened.
    OpenDir,
    /// The tmpfs of the overlay's upper layer, over `DIR`.
    Staging,
    /// Opening that tmpfs, and checking it is the one mounted.
    OpenStaging,
    /// Its directories `upper`, `work`, `root`.
    Layers,
    /// The overlay.
    Overlay,
    /// Opening the overlay's root.
    OpenRoot,
    /// A mount point in the root, [`MOUNT_POINTS`]`[index]`.
    MountPoint,
    /// `/proc`.
    Proc,
    /// `/dev`.
    Dev,
    /// `/dev/pts`.
    DevPts,
    /// `/dev/shm`.
    Shm,
    /// `/dev/mqueue`.
    Mqueue,
    /// `/sys`.
    Sys,
    /// A device, [`DEVICES`]`[index]`.
    Device,
    /// `/dev/ptmx`.
    Ptmx,
    /// A link of `/dev`, [`DEV_LINKS`]`[index]`.
    DevLink,
    /// `fchdir` into the new root.
    EnterRoot,
    /// `pivot_root(".", ".")`.
    PivotRoot,
    /// `umount2(".", MNT_DETACH)` of the old root.
    DetachOldRoot,
    /// A read-only path, [`READ_ONLY_PATHS`]`[index]`.
    ReadOnly,
    /// A masked path, [`MASKED_PATHS`]`[index]`.
    Mask,
    /// The working directory.
    WorkingDirectory,
    /// Standard input, output and error.
    Stdio,
    /// `execve` of the command: not a failure of the runner, the command does not start.
    Exec,
}

impl Step {
    /// Every step, by its number.
    pub const ALL: [Step; 31] = [
        Step::ParentGone,
        Step::DeathSignal,
        Step::Setgroups,
        Step::UidMap,
        Step::GidMap,
        Step::Hostname,
        Step::Private,
        Step::OpenDir,
        Step::Staging,
        Step::OpenStaging,
        Step::Layers,
        Step::Overlay,
        Step::OpenRoot,
        Step::MountPoint,
        Step::Proc,
        Step::Dev,
        Step::DevPts,
        Step::Shm,
        Step::Mqueue,
        Step::Sys,
        Step::Device,
        Step::Ptmx,
        Step::DevLink,
        Step::EnterRoot,
        Step::PivotRoot,
        Step::DetachOldRoot,
        Step::ReadOnly,
        Step::Mask,
        Step::WorkingDirectory,
        Step::Stdio,
        Step::Exec,
    ];
}

/// The mount points made in the root: what runc mounts at the top of a `FROM scratch` root.
pub const MOUNT_POINTS: [&CStr; 3] = [c"proc", c"dev", c"sys"];

/// The devices of every container (runc's `AllowedDevices` with a path,
/// libcontainer/specconv/spec_linux.go): name in `/dev`, major, minor; mode 0666, owner root.
pub const DEVICES: [(&CStr, u32, u32); 6] = [
    (c"null", 1, 3),
    (c"zero", 1, 5),
    (c"full", 1, 7),
    (c"random", 1, 8),
    (c"urandom", 1, 9),
    (c"tty", 5, 0),
];

/// The links of `/dev` (runc's `setupDevSymlinks`): target, name. `core` -> `/proc/kcore`
/// follows when this machine has a `/proc/kcore`.
pub const DEV_LINKS: [(&CStr, &CStr); 5] = [
    (c"/proc/self/fd", c"fd"),
    (c"/proc/self/fd/0", c"stdin"),
    (c"/proc/self/fd/1", c"stdout"),
    (c"/proc/self/fd/2", c"stderr"),
    (c"/proc/kcore", c"core"),
];

/// The paths made read-only (the `readonlyPaths` of runc's default spec).
pub const READ_ONLY_PATHS: [&CStr; 5] = [
    c"/proc/bus",
    c"/proc/fs",
    c"/proc/irq",
    c"/proc/sys",
    c"/proc/sysrq-trigger",
];

/// The paths masked (the `maskedPaths` of runc's default spec): a file under `/dev/null`, a
/// directory under an empty read-only tmpfs; one this kernel lacks is left alone.
pub const MASKED_PATHS: [&CStr; 10] = [
    c"/proc/acpi",
    c"/proc/asound",
    c"/proc/kcore",
    c"/proc/keys",
    c"/proc/latency_stats",
    c"/proc/timer_list",
    c"/proc/timer_stats",
    c"/proc/sched_debug",
    c"/sys/firmware",
    c"/proc/scsi",
];

/// What the child needs, prepared by the parent before the fork.
pub struct Plan<'a> {
    /// `DIR`, open with `O_PATH` by the parent: what the child's `DIR` must be. (A
    /// descriptor opened before the new mount namespace names a mount of the parent's, on which
    /// the child can mount nothing: the child opens `DIR` again.)
    pub dir: BorrowedFd<'a>,
    /// `DIR` as given (the tmpfs of the upper layer is mounted over it, then opened by it).
    pub dir_path: &'a CStr,
    /// The working directory in the root.
    pub cwd: &'a CStr,
    /// The host name.
    pub hostname: &'a [u8],
    /// With a user namespace: the caller's effective user and group ids, which root inside is.
    pub ids: Option<(u32, u32)>,
    /// Whether this machine has `/proc/kcore` (then `/dev/core` links to it).
    pub kcore: bool,
    /// The read end of a pipe whose write end only the parent holds: its end means the
    /// parent is gone.
    pub alive: BorrowedFd<'a>,
    /// Where a failed step is reported.
    pub report: BorrowedFd<'a>,
    /// The write ends of the pipes of standard output and error.
    pub stdout: BorrowedFd<'a>,
    /// See `stdout`.
    pub stderr: BorrowedFd<'a>,
}

/// The record of a failed step: [`Step`], index, then the error's number (native order).
pub const REPORT_LEN: usize = 6;

/// Sends `step` (at `index`) failed with `e` to the parent, and ends the child.
fn fail(plan: &Plan<'_>, step: Step, index: usize, e: Errno) -> ! {
    let mut record = [0u8; REPORT_LEN];
    record[0] = step as u8;
    record[1] = index as u8;
    record[2..].copy_from_slice(&e.raw().to_ne_bytes());
    let _ = io::write_all(plan.report, &record);
    process::exit(127)
}

/// A path built on the stack: the child may not allocate.
pub struct StackPath {
    buf: [u8; 256],
    len: usize,
}

impl Default for StackPath {
    fn default() -> StackPath {
        StackPath::new()
    }
}

impl StackPath {
    /// An empty path.
    pub fn new() -> StackPath {
        StackPath {
            buf: [0; 256],
            len: 0,
        }
    }

    /// `/proc/self/fd/FD` followed by `rest` (`/name`, or nothing): the file open as `fd`, or a
    /// path below that directory, reached through the descriptor whatever its path.
    pub fn fd(fd: RawFd, rest: &[u8]) -> Result<StackPath, Errno> {
        let mut p = StackPath::new();
        p.push(b"/proc/self/fd/")?;
        p.push(Decimal::new(fd as u32).as_bytes())?;
        p.push(rest)?;
        Ok(p)
    }

    /// Appends `bytes`; [`Errno::ENAMETOOLONG`] when they do not fit with the NUL.
    pub fn push(&mut self, bytes: &[u8]) -> Result<(), Errno> {
        let end = self.len + bytes.len();
        let slot = self.buf.get_mut(self.len..end).filter(|_| end < 256);
        slot.ok_or(Errno::ENAMETOOLONG)?.copy_from_slice(bytes);
        self.len = end;
        Ok(())
    }

    /// The path, NUL-terminated.
    pub fn as_c_str(&mut self) -> &CStr {
        if let Some(nul) = self.buf.get_mut(self.len) {
            *nul = 0;
        }
        CStr::from_bytes_with_nul(self.buf.get(..=self.len).unwrap_or(b"\0")).unwrap_or(c"")
    }
}

/// `/proc/self/fd/FD/name`, for a mount's target or source below a directory opened as `fd`.
fn below(fd: &impl AsFd, name: &CStr) -> Result<StackPath, Errno> {
    let mut p = StackPath::fd(fd.as_fd().as_raw_fd(), b"/")?;
    p.push(name.to_bytes())?;
    Ok(p)
}

/// Mounts `fstype` from `source` at `name` below `dir`, with `flags` and `data`.
fn mount_below(
    dir: &impl AsFd,
    name: &CStr,
    source: &CStr,
    fstype: &CStr,
    flags: MountFlags,
    data: Option<&CStr>,
) -> Result<(), Errno> {
    mount(source, below(dir, name)?.as_c_str(), fstype, flags, data)
}

/// Opens the directory `name` below `dir`, a symbolic link refused (`O_NOFOLLOW`).
fn open_dir_below(dir: &impl AsFd, name: &CStr) -> Result<syscall_kit::OwnedFd, Errno> {
    let flags = OFlags::PATH | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC;
    fs::openat(dir, name, flags, Mode::empty())
}

/// Runs the command `argv` with `env` in the root of `plan`; never returns (the command runs in
/// its place, or the child ends after reporting the step that failed).
pub fn child<'a, 'b>(plan: &Plan<'_>, argv: impl ExecStrings<'a>, env: impl ExecStrings<'b>) -> ! {
    let step = |step: Step, index: usize, r: Result<(), Errno>| {
        if let Err(e) = r {
            fail(plan, step, index, e)
        }
    };
    // Killed with the parent: then the PID namespace goes too. A parent gone before this is
    // seen on the pipe it held.
    step(
        Step::DeathSignal,
        0,
        process::set_pdeathsig(signal::SIGKILL),
    );
    let mut alive = [PollFd::new(plan.alive, PollFlags::IN)];
    if io::poll(&mut alive, Timeout::IMMEDIATE) != Ok(0) {
        fail(plan, Step::ParentGone, 0, Errno::ESRCH)
    }
    if let Some((uid, gid)) = plan.ids {
        step(Step::Setgroups, 0, ns::deny_setgroups());
        step(Step::UidMap, 0, ns::write_uid_map(&IdMap::one(0, uid)));
        step(Step::GidMap, 0, ns::write_gid_map(&IdMap::one(0, gid)));
    }
    step(Step::Hostname, 0, ns::sethostname(plan.hostname));
    // The modes below are the ones asked for.
    fs::umask(Mode::empty());
    let private = MountFlags::PRIVATE | MountFlags::REC;
    step(Step::Private, 0, mount(c"", c"/", c"", private, None));
    let root = make_overlay(plan);
    make_mounts(plan, &root);
    enter(plan, root);
    restrict(plan);
    fs::umask(Mode::from_bits_truncate(0o022));
    step(Step::WorkingDirectory, 0, working_directory(plan.cwd));
    step(Step::Stdio, 0, stdio(plan));
    // No descriptor of the doctor's but these three reaches the command (runc's
    // `CloseExecFrom(3)`).
    step(Step::Stdio, 2, fd::cloexec_from(3));
    // Every signal at its default action (an ignored one would stay ignored through execve),
    // none blocked. SIGKILL and SIGSTOP cannot be changed; 32 and 33 may be refused.
    for sig in 1..=64 {
        let _ = signal::set_default(sig);
    }
    step(Step::Stdio, 1, signal::set_mask(&SigSet::empty()).map(drop));
    let e = match argv.get(0) {
        Some(file) => process::execvp(file, argv, env),
        None => Errno::ENOENT,
    };
    fail(plan, Step::Exec, 0, e)
}

/// The overlay of `DIR` and a tmpfs (step 3 of the module's list); returns its root.
fn make_overlay(plan: &Plan<'_>) -> syscall_kit::OwnedFd {
    let lower = open_dir(plan).unwrap_or_else(|e| fail(plan, Step::OpenDir, 0, e));
    let dir = lower.as_raw_fd();
    let r = StackPath::fd(dir, b"").and_then(|mut over| {
        let flags = MountFlags::NOSUID | MountFlags::NODEV;
        mount(
            c"tmpfs",
            over.as_c_str(),
            c"tmpfs",
            flags,
            Some(c"mode=700"),
        )
    });
    if let Err(e) = r {
        fail(plan, Step::Staging, 0, e)
    }
    let staging =
        open_staging(plan, &lower).unwrap_or_else(|e| fail(plan, Step::OpenStaging, 0, e));
    for (i, name) in [c"upper", c"work", c"root"].into_iter().enumerate() {
        let mode = Mode::from_bits_truncate(0o755);
        if let Err(e) = fs::mkdirat(&staging, name, mode) {
            fail(plan, Step::Layers, i, e)
        }
    }
    let r = (|| {
        // "lowerdir=/proc/self/fd/D,upperdir=/proc/self/fd/T/upper,workdir=…/work"; the
        // paths are the descriptors', so that no byte of DIR's path needs escaping.
        let mut data = StackPath::new();
        data.push(b"lowerdir=")?;
        data.push(StackPath::fd(dir, b"")?.as_c_str().to_bytes())?;
        data.push(b",upperdir=")?;
        data.push(below(&staging, c"upper")?.as_c_str().to_bytes())?;
        data.push(b",workdir=")?;
        data.push(below(&staging, c"work")?.as_c_str().to_bytes())?;
        let target = &mut below(&staging, c"root")?;
        mount(
            c"overlay",
            target.as_c_str(),
            c"overlay",
            MountFlags::empty(),
            Some(data.as_c_str()),
        )
    })();
    if let Err(e) = r {
        fail(plan, Step::Overlay, 0, e)
    }
    let flags = OFlags::PATH | OFlags::DIRECTORY | OFlags::CLOEXEC;
    fs::openat(&staging, c"root", flags, Mode::empty())
        .unwrap_or_else(|e| fail(plan, Step::OpenRoot, 0, e))
}

/// `DIR` opened again by its path, in the child's mount namespace; refused ([`Errno::EXDEV`])
/// unless it is the directory the parent opened.
fn open_dir(plan: &Plan<'_>) -> Result<syscall_kit::OwnedFd, Errno> {
    let flags = OFlags::PATH | OFlags::DIRECTORY | OFlags::CLOEXEC;
    let dir = fs::open(plan.dir_path, flags, Mode::empty())?;
    let (now, before) = (fs::fstat(&dir)?, fs::fstat(plan.dir)?);
    if (now.dev, now.ino) == (before.dev, before.ino) {
        Ok(dir)
    } else {
        Err(Errno::EXDEV)
    }
}

/// The tmpfs just mounted over `DIR` (open as `lower`), opened through `DIR`'s path; refused
/// ([`Errno::EXDEV`]) unless it is that tmpfs: on another file system than `DIR`, empty, and
/// with `DIR`'s parent as its parent (so that a path changed since `DIR` was opened cannot
/// make the child write elsewhere).
fn open_staging(
    plan: &Plan<'_>,
    lower: &syscall_kit::OwnedFd,
) -> Result<syscall_kit::OwnedFd, Errno> {
    let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC;
    let staging = fs::open(plan.dir_path, flags, Mode::empty())?;
    let (st, under) = (fs::fstat(&staging)?, fs::fstat(lower)?);
    let parent = |fd: &dyn AsFd| fs::statx(fd.as_fd(), c"..", AtFlags::empty());
    let (p1, p2) = (parent(&staging)?, parent(lower)?);
    let mut buf = [0u8; 256];
    let mut names = 0;
    loop {
        let n = fs::getdents64(&staging, &mut buf)?;
        if n == 0 {
            break;
        }
        names += fs::DirEntries::new(buf.get(..n).unwrap_or_default()).count();
    }
    let ours = st.dev != under.dev && names == 2 && (p1.dev, p1.ino) == (p2.dev, p2.ino);
    if ours { Ok(staging) } else { Err(Errno::EXDEV) }
}

/// Step 4 of the module's list: the mounts, devices and links of the root.
fn make_mounts(plan: &Plan<'_>, root: &syscall_kit::OwnedFd) {
    let step = |step: Step, index: usize, r: Result<(), Errno>| {
        if let Err(e) = r {
            fail(plan, step, index, e)
        }
    };
    for (i, name) in MOUNT_POINTS.into_iter().enumerate() {
        let made = match fs::mkdirat(root, name, Mode::from_bits_truncate(0o755)) {
            Ok(()) | Err(Errno::EEXIST) => open_dir_below(root, name).map(drop),
            Err(e) => Err(e),
        };
        step(Step::MountPoint, i, made);
    }
    let (nosuid, nodev, noexec) = (MountFlags::NOSUID, MountFlags::NODEV, MountFlags::NOEXEC);
    step(
        Step::Proc,
        0,
        mount_below(
            root,
            c"proc",
            c"proc",
            c"proc",
            nosuid | nodev | noexec,
            None,
        ),
    );
    let dev_flags = nosuid | MountFlags::STRICTATIME;
    let dev_data = Some(c"mode=755,size=65536k");
    step(
        Step::Dev,
        0,
        mount_below(root, c"dev", c"tmpfs", c"tmpfs", dev_flags, dev_data),
    );
    let dev = open_dir_below(root, c"dev").unwrap_or_else(|e| fail(plan, Step::Dev, 1, e));
    let mode755 = Mode::from_bits_truncate(0o755);
    // gid 5 is the tty group of the host; in a user namespace it is not mapped, and runc's
    // rootless spec leaves it out.
    let pts_data = if plan.ids.is_none() {
        c"newinstance,ptmxmode=0666,mode=0620,gid=5"
    } else {
        c"newinstance,ptmxmode=0666,mode=0620"
    };
    step(
        Step::DevPts,
        0,
        fs::mkdirat(&dev, c"pts", mode755).and_then(|()| {
            mount_below(
                &dev,
                c"pts",
                c"devpts",
                c"devpts",
                nosuid | noexec,
                Some(pts_data),
            )
        }),
    );
    step(
        Step::Shm,
        0,
        fs::mkdirat(&dev, c"shm", mode755).and_then(|()| {
            let data = Some(c"mode=1777,size=65536k");
            mount_below(
                &dev,
                c"shm",
                c"shm",
                c"tmpfs",
                nosuid | noexec | nodev,
                data,
            )
        }),
    );
    step(
        Step::Mqueue,
        0,
        fs::mkdirat(&dev, c"mqueue", mode755).and_then(|()| {
            mount_below(
                &dev,
                c"mqueue",
                c"mqueue",
                c"mqueue",
                nosuid | noexec | nodev,
                None,
            )
        }),
    );
    let sys_flags = nosuid | noexec | nodev | MountFlags::RDONLY;
    step(
        Step::Sys,
        0,
        mount_below(root, c"sys", c"sysfs", c"sysfs", sys_flags, None),
    );
    for (i, (name, major, minor)) in DEVICES.into_iter().enumerate() {
        let rw = Mode::from_bits_truncate(0o666);
        let made = match plan.ids {
            None => fs::mknodat(&dev, name, FileType::CharDevice, rw, (major, minor)),
            // No device may be made in a user namespace: this machine's, bound over a file.
            Some(_) => {
                fs::mknodat(&dev, name, FileType::Regular, Mode::empty(), (0, 0)).and_then(|()| {
                    let mut host = StackPath::new();
                    host.push(b"/dev/")?;
                    host.push(name.to_bytes())?;
                    let target = &mut below(&dev, name)?;
                    mount(
                        host.as_c_str(),
                        target.as_c_str(),
                        c"",
                        MountFlags::BIND,
                        None,
                    )
                })
            }
        };
        step(Step::Device, i, made);
    }
    step(Step::Ptmx, 0, fs::symlinkat(c"pts/ptmx", &dev, c"ptmx"));
    for (i, (target, name)) in DEV_LINKS.into_iter().enumerate() {
        if name == c"core" && !plan.kcore {
            continue;
        }
        step(Step::DevLink, i, fs::symlinkat(target, &dev, name));
    }
}

/// Step 5 of the module's list: `root` becomes `/`, the old root goes.
fn enter(plan: &Plan<'_>, root: syscall_kit::OwnedFd) {
    let step = |step: Step, r: Result<(), Errno>| {
        if let Err(e) = r {
            fail(plan, step, 0, e)
        }
    };
    step(Step::EnterRoot, fs::fchdir(&root));
    step(Step::PivotRoot, pivot_root(c".", c"."));
    // The old root is stacked on the new one, and is the current directory: detached lazily.
    step(Step::DetachOldRoot, umount2(c".", UnmountFlags::DETACH));
    step(Step::EnterRoot, fs::chdir(c"/"));
    drop(root);
}

/// Step 6 of the module's list: runc's read-only and masked paths, in the new root.
fn restrict(plan: &Plan<'_>) {
    let kept = MountFlags::NOSUID | MountFlags::NODEV | MountFlags::NOEXEC;
    for (i, path) in READ_ONLY_PATHS.into_iter().enumerate() {
        let bound = mount(path, path, c"", MountFlags::BIND | MountFlags::REC, None);
        let r = bound.and_then(|()| {
            let ro = MountFlags::REMOUNT | MountFlags::BIND | MountFlags::RDONLY | kept;
            mount(path, path, c"", ro, None)
        });
        match r {
            Ok(()) | Err(Errno::ENOENT) => {}
            Err(e) => fail(plan, Step::ReadOnly, i, e),
        }
    }
    for (i, path) in MASKED_PATHS.into_iter().enumerate() {
        let r = match fs::stat(path) {
            Ok(st) if st.file_type == FileType::Directory => {
                mount(c"tmpfs", path, c"tmpfs", MountFlags::RDONLY, None)
            }
            Ok(_) => mount(c"/dev/null", path, c"", MountFlags::BIND, None),
            Err(e) => Err(e),
        };
        match r {
            Ok(()) | Err(Errno::ENOENT) => {}
            Err(e) => fail(plan, Step::Mask, i, e),
        }
    }
}

/// Changes to `cwd`, making it and its parents first when missing (mode 0755), as runc does.
fn working_directory(cwd: &CStr) -> Result<(), Errno> {
    match fs::chdir(cwd) {
        Err(Errno::ENOENT) => {}
        other => return other,
    }
    let bytes = cwd.to_bytes();
    let mut path = StackPath::new();
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'/' && i > 0 {
            match fs::mkdir(path.as_c_str(), Mode::from_bits_truncate(0o755)) {
                Ok(()) | Err(Errno::EEXIST) => {}
                Err(e) => return Err(e),
            }
        }
        path.push(&[b])?;
    }
    match fs::mkdir(path.as_c_str(), Mode::from_bits_truncate(0o755)) {
        Ok(()) | Err(Errno::EEXIST) => {}
        Err(e) => return Err(e),
    }
    fs::chdir(cwd)
}

/// Standard input from the root's `/dev/null`; output and error into the parent's pipes.
fn stdio(plan: &Plan<'_>) -> Result<(), Errno> {
    let null = fs::open(c"/dev/null", OFlags::RDWR | OFlags::CLOEXEC, Mode::empty())?;
    fd::dup2_stdin(&null)?;
    fd::dup2_stdout(plan.stdout)?;
    fd::dup2_stderr(plan.stderr)
}
