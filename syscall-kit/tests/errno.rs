//! The error path of every wrapper, one row each (call, expected errno), as nolibc-test writes
//! its cases: the kernel's `-errno` must come back as that [`Errno`] (`src/errno.rs`), never as
//! a value, and the checks the kit makes before any system call give their documented error.

mod common;

use common::TempDir;
use syscall_kit::event::{self, EpollCreateFlags, EpollEvent, EpollFlags, EventfdFlags};
use syscall_kit::fs::{self, AtFlags, FileType, Mode, OFlags};
use syscall_kit::mm::{self, MapFlags, ProtFlags};
use syscall_kit::mount::{self, MountFlags, UnmountFlags};
use syscall_kit::net::{
    self, Domain, MsgFlags, Shutdown, SockOpt, SocketAddr, SocketFlags, SocketType,
};
use syscall_kit::ns::{self, CloneFlags, IdMap};
use syscall_kit::process::ptrace::{self, Options};
use syscall_kit::process::{
    CpuSet, IOV_MAX, RemoteRange, Resource, Rlimit, StrTable, WaitId, WaitOptions, process_vm_readv,
};
use syscall_kit::seccomp::{Abi, Action, AllowList, Filter, MAX_ALLOWED, MAX_UNLESS, Unless};
use syscall_kit::signal::{self, SfdFlags, SigSet};
use syscall_kit::time::{
    self, ClockId, Itimerspec, SleepFlags, Timeout, TimerSetFlags, TimerfdFlags, Timespec,
};
use syscall_kit::{BorrowedFd, Errno, OwnedFd, PATH_MAX, fd, io, process, raw};

/// Runs each `call => ERRNO` row, then fails listing every row whose result was not
/// `Err(Errno::ERRNO)`.
macro_rules! error_paths {
    ($($call:expr => $errno:ident;)*) => {{
        let mut wrong = Vec::new();
        $(
            let got = $call.map(|_| ());
            if got != Err(Errno::$errno) {
                wrong.push(format!(
                    "{} => {}: got {got:?}",
                    stringify!($call),
                    stringify!($errno)
                ));
            }
        )*
        assert!(wrong.is_empty(), "rows that failed:\n{}", wrong.join("\n"));
    }};
}

#[test]
fn error_paths() {
    let dir = TempDir::new("error-paths");
    let file = dir.join("file");
    std::fs::write(&file, b"x").unwrap();
    let file_below = format!("{file}/below");
    let missing = dir.join("missing");
    let with_nul = format!("{file}\0garbage");
    let too_long = "a/".repeat(PATH_MAX / 2);
    let d = dir.path().to_str().unwrap();
    let read_only = fs::open("/dev/null", OFlags::RDONLY, Mode::empty()).unwrap();
    let full = fs::open("/dev/full", OFlags::WRONLY, Mode::empty()).unwrap();
    let regular = fs::open(&*file, OFlags::RDONLY, Mode::empty()).unwrap();
    let (pipe_r, _pipe_w) = io::pipe2(OFlags::CLOEXEC).unwrap();
    let mut owned: OwnedFd = fs::open("/dev/null", OFlags::RDONLY, Mode::empty()).unwrap();
    // SAFETY: (test): far above any open descriptor; every call on it fails with EBADF.
    let never_open = unsafe { BorrowedFd::borrow_raw(1 << 20) };
    let execve = |path| Err::<(), _>(process::execve(path, &[c"x"], &[]));
    let execvp = |file, path| Err::<(), _>(process::execvp(file, &[c"x"], &[path]));
    let x: &'static [_; 2] = Box::leak(Box::new([c"x".as_ptr(), std::ptr::null()]));
    // SAFETY: (test): a null-terminated table of a static string, leaked: it lives, unchanged,
    // for the rest of the process.
    let x = unsafe { StrTable::from_ptr(x.as_ptr()) };
    let execve_table = |path| Err::<(), _>(process::execve(path, x, StrTable::EMPTY));
    std::fs::write(dir.join("not-executable"), b"").unwrap();
    let path_to_dir = std::ffi::CString::new(format!("PATH=/nonexistent:{d}")).unwrap();
    // A signal no test of this binary sends, blocked so that the wait below times out.
    let unsent = SigSet::empty().with(signal::SIGXFSZ);
    signal::sigprocmask(signal::How::Block, Some(&unsent)).unwrap();
    let mut buf = [0u8; 64];
    let bad_clock = ClockId::from_raw(100);
    let bad_time = Timespec {
        sec: 0,
        nsec: 1_000_000_000,
    };
    let bad_timer = Itimerspec {
        interval: Timespec::ZERO,
        value: bad_time,
    };
    let timer = time::timerfd_create(ClockId::MONOTONIC, TimerfdFlags::NONBLOCK).unwrap();
    let loopback = SocketAddr::parse(b"127.0.0.1:0").unwrap();
    let v6_loopback = SocketAddr::parse(b"[::1]:0").unwrap();
    let tcp = || net::socket(Domain::INET, SocketType::STREAM, SocketFlags::CLOEXEC, 0).unwrap();
    let (unconnected, bound) = (tcp(), tcp());
    net::bind(&bound, &loopback).unwrap();
    let taken = net::getsockname(&bound).unwrap();
    let refused = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        SocketAddr::parse(l.local_addr().unwrap().to_string().as_bytes()).unwrap()
    };
    let udp = net::socket(Domain::INET, SocketType::DGRAM, SocketFlags::CLOEXEC, 0).unwrap();
    let epoll = event::epoll_create1(EpollCreateFlags::CLOEXEC).unwrap();
    let eventfd = event::eventfd2(0, EventfdFlags::NONBLOCK).unwrap();
    let mut events = [EpollEvent::empty(); 1];
    // The test's parent (cargo): a process that is not this thread's tracee.
    let not_traced = process::getppid();
    let here = RemoteRange {
        addr: buf.as_ptr() as usize,
        len: 8,
    };
    let mut into = [0u8; 8];
    let too_many = vec![here; IOV_MAX + 1];
    let abi = Abi::native(&[0]);
    let trace =
        |abis: &[Abi<'_>]| Filter::new(abis, Action::Trace(0), Action::Allow, Action::Allow);

    error_paths! {
        // fs
        fs::open(&*missing, OFlags::RDONLY, Mode::empty()) => ENOENT;
        fs::open(&*file, OFlags::CREAT | OFlags::EXCL | OFlags::WRONLY, Mode::RUSR) => EEXIST;
        fs::open(d, OFlags::WRONLY, Mode::empty()) => EISDIR;
        fs::open(&*file_below, OFlags::RDONLY, Mode::empty()) => ENOTDIR;
        fs::open(&*file, OFlags::DIRECTORY, Mode::empty()) => ENOTDIR;
        fs::open(&*with_nul, OFlags::RDONLY, Mode::empty()) => EINVAL;
        fs::open(&*too_long, OFlags::RDONLY, Mode::empty()) => ENAMETOOLONG;
        fs::openat(never_open, "x", OFlags::RDONLY, Mode::empty()) => EBADF;
        fs::stat(&*missing) => ENOENT;
        fs::lstat(&*file_below) => ENOTDIR;
        fs::fstat(never_open) => EBADF;
        fs::statx(&regular, "x", AtFlags::SYMLINK_NOFOLLOW) => ENOTDIR;
        fs::statx(never_open, "x", AtFlags::SYMLINK_NOFOLLOW) => EBADF;
        fs::statx(fs::CWD, &*missing, AtFlags::SYMLINK_NOFOLLOW) => ENOENT;
        fs::statx(&regular, "", AtFlags::empty()) => ENOENT;
        fs::statx(&regular, "", AtFlags::REMOVEDIR) => EINVAL;
        fs::statx(fs::CWD, &*with_nul, AtFlags::empty()) => EINVAL;
        fs::fchmod(never_open, Mode::RUSR) => EBADF;
        fs::ftruncate(never_open, 0) => EBADF;
        fs::ftruncate(&regular, 0) => EINVAL;
        fs::ftruncate(&pipe_r, 0) => EINVAL;
        // fs::dir
        fs::mkdir(d, Mode::RUSR) => EEXIST;
        fs::mkdir(&*dir.join("missing/below"), Mode::RUSR) => ENOENT;
        fs::getdents64(&regular, &mut buf) => ENOTDIR;
        fs::getdents64(never_open, &mut buf) => EBADF;
        fs::getcwd(&mut [0u8; 1]) => ERANGE;
        fs::chdir(&*missing) => ENOENT;
        fs::chdir(&*file) => ENOTDIR;
        fs::chdir(&*with_nul) => EINVAL;
        fs::fchdir(&regular) => ENOTDIR;
        fs::fchdir(never_open) => EBADF;
        // fs::link
        fs::readlink(&*file, &mut buf) => EINVAL;
        fs::readlink(&*missing, &mut buf) => ENOENT;
        fs::symlinkat("x", fs::CWD, &*file) => EEXIST;
        fs::symlinkat("", fs::CWD, &*missing) => ENOENT;
        fs::symlinkat("x", never_open, "relative") => EBADF;
        fs::symlinkat("x", fs::CWD, &*file_below) => ENOTDIR;
        // fs::node
        fs::mknodat(fs::CWD, &*file, FileType::Fifo, Mode::RUSR, (0, 0)) => EEXIST;
        // fs::memfd (a name of 250 bytes is one too many; a flag the kernel does not know)
        fs::memfd_create(&[b'm'; 250][..], fs::MemfdFlags::empty()) => EINVAL;
        fs::memfd_create("x", fs::MemfdFlags::from_bits_retain(1 << 20)) => EINVAL;
        fs::memfd_create(&b"a\0b"[..], fs::MemfdFlags::empty()) => EINVAL;
        fs::mknodat(fs::CWD, &*missing, FileType::Directory, Mode::RUSR, (0, 0)) => EINVAL;
        fs::mknodat(fs::CWD, &*missing, FileType::CharDevice, Mode::RUSR, (1 << 12, 0)) => EINVAL;
        fs::mknodat(fs::CWD, &*file_below, FileType::Fifo, Mode::RUSR, (0, 0)) => ENOTDIR;
        // fs::unlink
        fs::unlinkat(fs::CWD, &*file, AtFlags::SYMLINK_NOFOLLOW) => EINVAL;
        // io
        io::read(never_open, &mut buf) => EBADF;
        io::write(&read_only, b"x") => EBADF;
        io::write(&full, b"x") => ENOSPC;
        io::write_all(&full, b"x") => ENOSPC;
        io::lseek(&pipe_r, 0, io::Whence::Current) => ESPIPE;
        io::lseek(&regular, -1, io::Whence::Start) => EINVAL;
        io::lseek(&regular, 1, io::Whence::Data) => ENXIO;
        io::lseek(&regular, 2, io::Whence::Hole) => ENXIO;
        io::sendfile(&regular, &regular, None, 1) => EBADF;
        io::splice(&regular, None, &full, None, 1, io::SpliceFlags::empty()) => EINVAL;
        io::copy_file_range(&pipe_r, None, &full, None, 1) => EINVAL;
        io::fcntl_getfl(never_open) => EBADF;
        io::fcntl_setfl(never_open, OFlags::NONBLOCK) => EBADF;
        // fd
        fd::dup(never_open) => EBADF;
        fd::dup2(never_open, &mut owned) => EBADF;
        // process
        process::wait4(-1, WaitOptions::empty()) => ECHILD;
        execve(c"/nonexistent/program") => ENOENT;
        execve(c"/") => EACCES;
        execvp(c"", c"PATH=/bin") => ENOENT;
        execvp(c"no-such-program-anywhere", c"PATH=/nonexistent:/bin") => ENOENT;
        execvp(c"not-executable", path_to_dir.as_c_str()) => EACCES;
        execve_table(c"/nonexistent/program") => ENOENT;
        execve_table(c"/") => EACCES;
        Err::<(), _>(process::execvp(c"", x, StrTable::EMPTY)) => ENOENT;
        process::wait4(i32::MAX, WaitOptions::NOHANG) => ECHILD;
        process::waitid(WaitId::Pid(i32::MAX), WaitOptions::EXITED) => ECHILD;
        process::waitid(WaitId::All, WaitOptions::empty()) => EINVAL;
        process::setpgid(i32::MAX, 0) => ESRCH;
        process::setpgid(0, -1) => EINVAL;
        process::getpgid(i32::MAX) => ESRCH;
        process::set_pdeathsig(1000) => EINVAL;
        process::tcsetpgrp(&read_only, 1) => ENOTTY;
        process::tcgetpgrp(never_open) => EBADF;
        process::setrlimit(Resource::NOFILE, &Rlimit { cur: 2, max: 1 }) => EINVAL;
        process::getrlimit(Resource::from_raw(1000)) => EINVAL;
        process::prlimit(i32::MAX, Resource::NOFILE, None) => ESRCH;
        process::sched_getaffinity(i32::MAX) => ESRCH;
        process::sched_setaffinity(0, &CpuSet::empty()) => EINVAL;
        process::pidfd_open(i32::MAX) => ESRCH;
        process::pidfd_open(0) => EINVAL;
        // SAFETY: (test): refused before any system call, so nothing is forked.
        unsafe { process::fork_with(CloneFlags::from_bits_retain(1)) } => EINVAL;
        // ns (this process's own namespaces: the maps of the first user namespace are written)
        ns::unshare(CloneFlags::from_bits_retain(1)) => EINVAL;
        ns::write_uid_map(&IdMap::one(0, 0)) => EPERM;
        ns::write_gid_map(&IdMap::one(0, 0)) => EPERM;
        // mount (the paths are looked up before the privilege is checked)
        mount::mount("", &*missing, "tmpfs", MountFlags::empty(), None) => ENOENT;
        mount::mount("", &*with_nul, "tmpfs", MountFlags::empty(), None) => EINVAL;
        mount::umount2(&*missing, UnmountFlags::empty()) => ENOENT;
        mount::umount2(d, UnmountFlags::from_bits_retain(0x100)) => EINVAL;
        // process::ptrace (a tracee's own error paths: tests/ptrace.rs)
        ptrace::seize(i32::MAX, Options::empty()) => ESRCH;
        ptrace::seize(process::getpid(), Options::empty()) => EPERM;
        ptrace::seize(not_traced, Options::from_bits_retain(1 << 30)) => EIO;
        ptrace::set_options(not_traced, Options::empty()) => ESRCH;
        ptrace::cont(not_traced, 0) => ESRCH;
        ptrace::syscall(not_traced, 0) => ESRCH;
        ptrace::detach(not_traced, 0) => ESRCH;
        ptrace::interrupt(not_traced) => ESRCH;
        ptrace::listen(not_traced) => ESRCH;
        ptrace::event_msg(not_traced) => ESRCH;
        ptrace::syscall_info(not_traced) => ESRCH;
        // process::vm
        process_vm_readv(i32::MAX, &mut into, &[here]) => ESRCH;
        process_vm_readv(process::getpid(), &mut into, &[RemoteRange { addr: 0, len: 8 }]) => EFAULT;
        process_vm_readv(process::getpid(), &mut into, &too_many) => EINVAL;
        // signal
        signal::set_ignored(signal::SIGKILL) => EINVAL;
        signal::set_default(signal::SIGSTOP) => EINVAL;
        signal::set_ignored(0) => EINVAL;
        signal::set_ignored(65) => EINVAL;
        signal::sigtimedwait(&unsent, Timeout::IMMEDIATE) => EAGAIN;
        signal::signalfd(&unsent, SfdFlags::from_bits_retain(1)) => EINVAL;
        signal::signalfd_read(never_open) => EBADF;
        signal::signalfd_read(&read_only) => EINVAL;
        signal::kill(i32::MAX, 0) => ESRCH;
        signal::kill(process::getpid(), 1000) => EINVAL;
        signal::tgkill(process::getpid(), i32::MAX, 0) => ESRCH;
        signal::tgkill(0, signal::gettid(), 0) => EINVAL;
        signal::tgkill(process::getpid(), signal::gettid(), 1000) => EINVAL;
        // mm
        // SAFETY: (test): neither SHARED nor PRIVATE: nothing is mapped.
        unsafe { mm::mmap(std::ptr::null_mut(), 4096, ProtFlags::READ, MapFlags::ANONYMOUS, None, 0) } => EINVAL;
        // SAFETY: (test): an unaligned address: nothing is unmapped.
        unsafe { mm::munmap(std::ptr::dangling_mut::<u8>(), 4096) } => EINVAL;
        // SAFETY: (test): an address in the kernel half cannot be granted; the break stays.
        unsafe { mm::brk((usize::MAX - 4095) as *mut u8) } => ENOMEM;
        // seccomp (checked before any system call)
        AllowList::new(&[0; MAX_ALLOWED + 1], Action::KillProcess) => E2BIG;
        AllowList::new(&[1 << 32], Action::KillProcess) => EINVAL;
        trace(&[abi, abi, abi]) => E2BIG;
        trace(&[Abi::native(&[0; MAX_ALLOWED + 1])]) => E2BIG;
        trace(&[abi, Abi::native(&[1 << 32])]) => EINVAL;
        trace(&[abi.unless(&[Unless { nr: 1, arg: 0, flag: 1 }])]) => EINVAL;
        trace(&[abi.unless(&[Unless { nr: 0, arg: 6, flag: 1 }])]) => EINVAL;
        trace(&[abi.unless(&[Unless { nr: 0, arg: 0, flag: 1 }; MAX_UNLESS + 1])]) => E2BIG;
        // time
        time::clock_gettime(bad_clock) => EINVAL;
        time::clock_nanosleep(ClockId::MONOTONIC, SleepFlags::empty(), &bad_time, None) => EINVAL;
        time::clock_nanosleep(bad_clock, SleepFlags::empty(), &Timespec::ZERO, None) => EINVAL;
        time::sleep(std::time::Duration::MAX) => EINVAL;
        time::timerfd_create(bad_clock, TimerfdFlags::empty()) => EINVAL;
        time::timerfd_settime(&timer, TimerSetFlags::empty(), &bad_timer) => EINVAL;
        time::timerfd_settime(&regular, TimerSetFlags::empty(), &Itimerspec::default()) => EINVAL;
        time::timerfd_gettime(never_open) => EBADF;
        time::timerfd_read(&timer) => EAGAIN;
        // net
        net::socket(Domain::from_raw(12345), SocketType::STREAM, SocketFlags::empty(), 0) => EAFNOSUPPORT;
        net::socket(Domain::INET, SocketType::STREAM, SocketFlags::empty(), 17) => EPROTONOSUPPORT;
        net::connect(&regular, &loopback) => ENOTSOCK;
        net::connect(tcp(), &refused) => ECONNREFUSED;
        net::connect(tcp(), &v6_loopback) => EAFNOSUPPORT;
        net::bind(tcp(), &taken) => EADDRINUSE;
        net::bind(&bound, &loopback) => EINVAL;
        net::bind(tcp(), &SocketAddr::parse(b"192.0.2.1:0").unwrap()) => EADDRNOTAVAIL;
        net::listen(never_open, 1) => EBADF;
        net::listen(&udp, 1) => EOPNOTSUPP;
        net::accept4(&unconnected, SocketFlags::empty()) => EINVAL;
        net::accept(&unconnected, SocketFlags::empty()) => EINVAL;
        net::accept(&regular, SocketFlags::empty()) => ENOTSOCK;
        net::accept(never_open, SocketFlags::empty()) => EBADF;
        net::getsockname(&regular) => ENOTSOCK;
        net::getpeername(&unconnected) => ENOTCONN;
        net::shutdown(&unconnected, Shutdown::Both) => ENOTCONN;
        net::getsockopt(&unconnected, SockOpt { level: 1, name: 12345 }) => ENOPROTOOPT;
        net::setsockopt(&regular, SockOpt::REUSEADDR, 1) => ENOTSOCK;
        net::setsockopt(&regular, SockOpt::REUSEPORT, 1) => ENOTSOCK;
        net::socket_error(never_open) => EBADF;
        net::send(&unconnected, b"x", MsgFlags::NOSIGNAL) => EPIPE;
        net::send(&unconnected, b"x", MsgFlags::NOSIGNAL | MsgFlags::MORE) => EPIPE;
        net::sendto(&udp, b"x", MsgFlags::empty(), None) => EDESTADDRREQ;
        net::recv(&udp, &mut buf, MsgFlags::DONTWAIT) => EAGAIN;
        net::recvfrom(&regular, &mut buf, MsgFlags::empty()) => ENOTSOCK;
        // event
        event::epoll_create1(EpollCreateFlags::from_bits_retain(1)) => EINVAL;
        event::epoll_add(&epoll, &epoll, EpollFlags::IN, 0) => EINVAL;
        event::epoll_add(&epoll, &regular, EpollFlags::IN, 0) => EPERM;
        event::epoll_del(&epoll, &eventfd) => ENOENT;
        event::epoll_mod(&regular, &eventfd, EpollFlags::IN, 0) => EINVAL;
        event::epoll_add(&epoll, &eventfd, EpollFlags::IN | EpollFlags::EXCLUSIVE | EpollFlags::ONESHOT, 0) => EINVAL;
        event::epoll_pwait(&regular, &mut events, Timeout::IMMEDIATE) => EINVAL;
        event::epoll_pwait(&epoll, &mut [], Timeout::IMMEDIATE) => EINVAL;
        event::eventfd2(0, EventfdFlags::from_bits_retain(0x10)) => EINVAL;
        event::eventfd_read(&eventfd) => EAGAIN;
        event::eventfd_write(&eventfd, u64::MAX) => EINVAL;
        // raw
        // SAFETY: (test): `close` of a number that is not open closes nothing.
        unsafe { raw::syscall1(raw::nr::CLOSE, 1 << 20) } => EBADF;
    }
    error_paths_in_a_mount_namespace();
}

/// The error paths that need the privilege of a mount namespace: each call runs in a child that
/// is root in a user and mount namespace of its own (`common::in_namespaces`), with a tmpfs
/// mounted at `m`, and sends back its result as a number (0 for success, the errno otherwise):
/// the child may not allocate. Then as [`error_paths!`].
macro_rules! error_paths_in_namespaces {
    ($setup:expr; $($call:expr => $errno:ident;)*) => {{
        let calls = [$(stringify!($call)),*];
        let expected = [$(Errno::$errno),*];
        let (r, w) = io::pipe2(OFlags::CLOEXEC).unwrap();
        let status = common::in_namespaces(CloneFlags::empty(), || {
            if $setup.is_err() {
                return 1;
            }
            let results = [$($call.map(|_| ()).err().map_or(0, Errno::raw)),*];
            for n in results {
                if io::write_all(&w, &n.to_ne_bytes()).is_err() {
                    return 2;
                }
            }
            0
        });
        drop(w);
        let Some(status) = status else { return };
        assert_eq!(status.exit_status(), Some(0), "{status:?} (1: the setup, 2: the pipe)");
        let mut got = Vec::new();
        let mut buf = [0u8; 256];
        loop {
            match io::read(&r, &mut buf) {
                Ok(0) => break,
                Ok(n) => got.extend_from_slice(&buf[..n]),
                Err(Errno::EINTR) => {}
                Err(e) => panic!("read: {e}"),
            }
        }
        assert_eq!(got.len(), 4 * calls.len(), "one result per row");
        let mut wrong = Vec::new();
        for ((call, want), n) in calls.iter().zip(expected).zip(got.chunks(4)) {
            let n = i32::from_ne_bytes(n.try_into().unwrap());
            if n != want.raw() {
                let got = if n == 0 { "Ok".to_string() } else { format!("{:?}", Errno::from_raw(n)) };
                wrong.push(format!("{call} => {want:?}: got {got}"));
            }
        }
        assert!(wrong.is_empty(), "rows that failed:\n{}", wrong.join("\n"));
    }};
}

/// Called by [`error_paths`] after its table, not run as a test of its own: its child would be
/// reaped by that table's `wait4(-1)` row, which expects no child.
fn error_paths_in_a_mount_namespace() {
    let dir = TempDir::new("error-paths-ns");
    let d = dir.path().to_str().unwrap();
    let m = dir.join("m");
    std::fs::create_dir(&m).unwrap();
    let file = dir.join("file");
    std::fs::write(&file, b"x").unwrap();
    let missing = dir.join("missing");
    let device = dir.join("m/null");
    let (uid, gid) = (process::geteuid(), process::getegid());
    error_paths_in_namespaces! {
        mount::mount("tmpfs", &*m, "tmpfs", MountFlags::empty(), None);
        mount::mount("none", &*m, "no-such-file-system", MountFlags::empty(), None) => ENODEV;
        mount::mount(&*missing, &*m, "", MountFlags::BIND, None) => ENOENT;
        mount::mount("", &*file, "", MountFlags::PRIVATE, None) => EINVAL;
        mount::mount("", d, "", MountFlags::REMOUNT, None) => EINVAL;
        mount::umount2(d, UnmountFlags::empty()) => EINVAL;
        mount::pivot_root(&*missing, &*missing) => ENOENT;
        mount::pivot_root(d, d) => EINVAL;
        mount::pivot_root(&*m, &*file) => ENOTDIR;
        ns::sethostname(b"not-this-machine") => EPERM;
        ns::write_uid_map(&IdMap::one(0, uid)) => EPERM;
        ns::write_gid_map(&IdMap::one(0, gid)) => EPERM;
        ns::deny_setgroups() => EPERM;
        fs::mknodat(fs::CWD, &*device, FileType::CharDevice, Mode::RUSR, (1, 3)) => EPERM;
    }
}
