//! The first process: it checks everything it can before any request (the directory, `openat2`,
//! the `mime.types` file, the address), listens, starts the workers and watches them: a worker
//! that dies is started again; SIGTERM and SIGINT are passed on to them, and the server exits
//! once they are done.

use core::ffi::CStr;
use core::time::Duration;

use syscall_kit::fs::{self, Mode, OFlags, OpenHow, ResolveFlags};
use syscall_kit::net::{self, Domain, SockOpt, SocketAddr, SocketFlags, SocketType};
use syscall_kit::process::{self, Fork, Pid, Resource, Rlimit, WaitOptions};
use syscall_kit::signal::{self, How, SigSet};
use syscall_kit::text::{Buf, Decimal};
use syscall_kit::time::{self, ClockId, Timeout};
use syscall_kit::{Errno, OwnedFd};

use crate::mime::{self, Types};
use crate::options::{Balance, Options};
use crate::say::{self, fail, name, say};
use crate::worker::{self, Setup};

/// At most this many workers (`--workers`).
pub const MAX_WORKERS: usize = 256;

/// The exit status of a worker that could not start: the server stops.
pub const WORKER_START_FAILED: i32 = 3;

/// Descriptors a worker keeps besides its connections' (the standard three, the directory,
/// the listening sockets, epoll, the signals) with room to spare; each connection may hold a
/// second one, the file it sends, and a third for a moment, a sidecar looked at.
const RESERVED_FDS: u64 = 64;

/// A listening socket for `addr`, bound and listening.
fn listener(addr: &SocketAddr, reuseport: bool) -> Result<OwnedFd, (&'static [u8], Errno)> {
    let flags = SocketFlags::CLOEXEC | SocketFlags::NONBLOCK;
    let fd = net::socket(Domain::of(addr), SocketType::STREAM, flags, 0)
        .map_err(|e| (&b"socket"[..], e))?;
    net::set_reuseaddr(&fd, true).map_err(|e| (&b"setsockopt SO_REUSEADDR"[..], e))?;
    if reuseport {
        net::setsockopt(&fd, SockOpt::REUSEPORT, 1)
            .map_err(|e| (&b"setsockopt SO_REUSEPORT"[..], e))?;
    }
    net::bind(&fd, addr).map_err(|e| (&b"bind"[..], e))?;
    net::listen(&fd, 4096).map_err(|e| (&b"listen"[..], e))?;
    Ok(fd)
}

/// The monotonic clock's second.
fn now() -> u64 {
    time::clock_gettime(ClockId::MONOTONIC).map_or(0, |t| t.sec as u64)
}

/// Starts worker `index` as a new process; its id.
fn spawn(setup: &Setup<'_>, master: Pid) -> Result<Pid, Errno> {
    // SAFETY: the program has one thread; the child runs the worker (system calls on its own
    // stack and mappings) and ends with `exit`.
    match unsafe { process::fork() }? {
        Fork::Parent(pid) => Ok(pid),
        Fork::Child => {
            // A worker outlives no master: the master's end is its SIGTERM (and if the master
            // ended before that was set, the worker stops at once).
            if process::set_pdeathsig(signal::SIGTERM).is_err() || process::getppid() != master {
                process::exit(0);
            }
            process::exit(worker::run(setup))
        }
    }
}

/// Runs the server; returns the exit status.
pub fn run(o: &Options) -> i32 {
    // A write to a closed connection is an error of that call (sendfile has no MSG_NOSIGNAL).
    let _ = signal::set_ignored(signal::SIGPIPE);
    let watched = SigSet::empty()
        .with(signal::SIGTERM)
        .with(signal::SIGINT)
        .with(signal::SIGCHLD);
    if let Err(e) = signal::sigprocmask(How::Block, Some(&watched)) {
        fail(&[b"sigprocmask"], e);
    }

    let dir_name = o.dir.to_bytes();
    let mime_name = o.mime_types.map_or(&b""[..], CStr::to_bytes);
    let dir = fs::open(
        o.dir,
        OFlags::PATH | OFlags::DIRECTORY | OFlags::CLOEXEC,
        Mode::empty(),
    )
    .unwrap_or_else(|e| fail(&[dir_name], e));
    // Every path is resolved by openat2: without it (Linux before 5.6, or a seccomp filter that
    // refuses it) the server does not start, rather than resolve paths another way.
    let how = OpenHow {
        flags: OFlags::PATH | OFlags::DIRECTORY | OFlags::CLOEXEC,
        mode: Mode::empty(),
        resolve: ResolveFlags::BENEATH | ResolveFlags::NO_MAGICLINKS,
    };
    if let Err(e) = fs::openat2(&dir, c".", &how) {
        fail(&[b"openat2 (Linux 5.6 or later) of ", dir_name], e);
    }
    let types = match Types::load(o.mime_types) {
        Ok(t) => t,
        Err(mime::LoadError::Io(e)) => fail(&[b"--mime-types ", mime_name], e),
        Err(mime::LoadError::TooLarge) => {
            say(&[b"--mime-types ", mime_name, b": larger than 1 MiB"]);
            return say::START_FAILED;
        }
    };

    let workers = match o.workers {
        0 => process::sched_getaffinity(0).map_or(1, |set| set.count()),
        n => n,
    }
    .clamp(1, MAX_WORKERS);
    // Each worker its share of the connections, within its descriptors: the soft limit is
    // raised to the hard one first (a process may), as a server that holds many connections
    // needs.
    let mut per_worker = o.max_connections.div_ceil(workers);
    if let Ok(limit) = process::getrlimit(Resource::NOFILE) {
        let mut soft = limit.cur;
        if limit.cur < limit.max {
            let raised = Rlimit {
                cur: limit.max,
                max: limit.max,
            };
            if process::setrlimit(Resource::NOFILE, &raised).is_ok() {
                soft = limit.max;
            }
        }
        let room = (soft.saturating_sub(RESERVED_FDS) / 2).max(1);
        if (per_worker as u64) > room {
            per_worker = room as usize;
            say(&[
                b"note: at most ",
                Decimal::from_u64(room).as_bytes(),
                b" connections a worker, for its descriptor limit (RLIMIT_NOFILE ",
                Decimal::from_u64(soft).as_bytes(),
                b")",
            ]);
        }
    }

    // The listening sockets: one a worker (SO_REUSEPORT), or one for all; with port 0, the
    // port the kernel chose for the first.
    let reuseport = o.balance == Balance::ReusePort;
    let mut listeners: [Option<OwnedFd>; MAX_WORKERS] = [const { None }; MAX_WORKERS];
    let mut addr = o.listen;
    for (i, slot) in listeners
        .iter_mut()
        .take(if reuseport { workers } else { 1 })
        .enumerate()
    {
        let fd = listener(&addr, reuseport)
            .unwrap_or_else(|(what, e)| fail(&[what, b" ", addr.text().as_bytes()], e));
        if i == 0 {
            addr = net::getsockname(&fd).unwrap_or_else(|e| fail(&[b"getsockname"], e));
        }
        *slot = Some(fd);
    }

    let mut line = Buf::<128>::new();
    for part in [
        &b" on http://"[..],
        addr.text().as_bytes(),
        b"/ (",
        Decimal::new(workers as u32).as_bytes(),
        if workers == 1 {
            b" worker)"
        } else {
            b" workers)"
        },
    ] {
        line.push(part);
    }
    say(&[b"serving ", dir_name, line.as_bytes()]);

    let master = process::getpid();
    let setup = |i: usize| Setup {
        options: o,
        dir: &dir,
        types: &types,
        listener: listeners
            .get(if reuseport { i } else { 0 })
            .and_then(Option::as_ref)
            .unwrap_or_else(|| fail(&[b"no listening socket"], Errno::EINVAL)),
        max_connections: per_worker,
        number: i as u32 + 1,
    };
    let mut pids: [Pid; MAX_WORKERS] = [0; MAX_WORKERS];
    for (i, pid) in pids.iter_mut().take(workers).enumerate() {
        *pid = spawn(&setup(i), master).unwrap_or_else(|e| fail(&[b"fork"], e));
    }
    let pids = pids.get_mut(..workers).unwrap_or_default();
    supervise(pids, &watched, o.grace, |i| spawn(&setup(i), master))
}

/// Watches the workers `pids` until they are all gone after SIGTERM or SIGINT; starts again a
/// worker that ends before (with `respawn`). Returns the exit status.
fn supervise(
    pids: &mut [Pid],
    watched: &SigSet,
    grace: Duration,
    respawn: impl Fn(usize) -> Result<Pid, Errno>,
) -> i32 {
    // Once stopping: the second by which the workers must be gone, and whether one was killed.
    let mut deadline: Option<u64> = None;
    let mut status = 0;
    // Workers that ended in a row within a second of the one before: a worker that cannot run
    // is not started again without end.
    let (mut last_death, mut streak) = (0, 0);
    loop {
        let wait = match deadline {
            Some(at) => Timeout::After(Duration::from_secs(at.saturating_sub(now()).max(1))),
            None => Timeout::Forever,
        };
        match signal::sigtimedwait(watched, wait) {
            Ok(info) if info.signo() == signal::SIGCHLD => {}
            Ok(_) => {
                if deadline.is_none() {
                    // The workers finish within the grace period; a little more for them to
                    // exit, then they are killed.
                    deadline = Some(now() + grace.as_secs() + 2);
                    for &pid in pids.iter().filter(|&&p| p > 0) {
                        let _ = signal::kill(pid, signal::SIGTERM);
                    }
                }
            }
            Err(Errno::EAGAIN) => {
                for &pid in pids.iter().filter(|&&p| p > 0) {
                    let _ = signal::kill(pid, signal::SIGKILL);
                    status = 1;
                }
                if status == 1 {
                    say(&[b"a worker did not stop within the grace period: killed"]);
                }
            }
            Err(_) => {}
        }
        // Every worker that ended.
        while let Ok(Some((pid, how))) = process::wait4(-1, WaitOptions::NOHANG) {
            let Some(i) = pids.iter().position(|&p| p == pid) else {
                continue;
            };
            if let Some(p) = pids.get_mut(i) {
                *p = 0;
            }
            if deadline.is_some() {
                continue;
            }
            if how.exit_status() == Some(WORKER_START_FAILED) {
                // Said by the worker; the others stop too.
                for &pid in pids.iter().filter(|&&p| p > 0) {
                    let _ = signal::kill(pid, signal::SIGTERM);
                }
                return say::START_FAILED;
            }
            let mut why = Buf::<64>::new();
            match (how.exit_status(), how.terminating_signal()) {
                (Some(code), _) => {
                    why.push(b"exited with status ");
                    why.push(Decimal::new(code as u32).as_bytes());
                }
                (_, Some(sig)) => {
                    why.push(b"killed by signal ");
                    why.push(Decimal::new(sig as u32).as_bytes());
                }
                _ => {
                    why.push(b"ended");
                }
            }
            let t = now();
            streak = if t <= last_death + 1 { streak + 1 } else { 0 };
            last_death = t;
            if streak >= 10 {
                say(&[b"workers keep ending: stopping"]);
                for &pid in pids.iter().filter(|&&p| p > 0) {
                    let _ = signal::kill(pid, signal::SIGTERM);
                }
                return say::START_FAILED;
            }
            say(&[b"worker ", why.as_bytes(), b": starting another"]);
            match respawn(i) {
                Ok(new) => {
                    if let Some(p) = pids.get_mut(i) {
                        *p = new;
                    }
                }
                Err(e) => say(&[b"fork: ", name(e).as_bytes()]),
            }
        }
        if deadline.is_some() && pids.iter().all(|&p| p == 0) {
            return status;
        }
    }
}
