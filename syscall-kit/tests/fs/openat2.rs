//! `openat2` with `OpenHow` and `ResolveFlags` (`src/fs/openat2.rs`), against the real kernel:
//! what each `RESOLVE_*` flag refuses and with which errno, and the error paths.

use std::os::unix::fs::symlink;

use crate::common::TempDir;
use crate::{mode, open_dir};
use syscall_kit::Errno;
use syscall_kit::fs::{self, CWD, FileType, Mode, OFlags, OpenHow, ResolveFlags};
use syscall_kit::io::read;
use syscall_kit::process::{self, Fork};
use syscall_kit::raw::nr;
use syscall_kit::seccomp::{self, Action};

/// `openat2` for reading with `resolve`.
fn how(resolve: ResolveFlags) -> OpenHow {
    OpenHow {
        flags: OFlags::RDONLY | OFlags::CLOEXEC,
        mode: Mode::empty(),
        resolve,
    }
}

/// The contents of the file open as `fd`.
fn contents(fd: &syscall_kit::OwnedFd) -> Vec<u8> {
    let mut buf = [0u8; 64];
    let n = read(fd, &mut buf).unwrap();
    buf[..n].to_vec()
}

/// `top/` holding `inside` ("in") and `sub/`, beside `outside` ("out"), and symbolic links in
/// `top/`: `abs` (absolute, to `outside`), `up` (`../outside`), `rel` (`sub/../inside`, staying
/// inside) and `subdir` (to `sub`).
struct Tree {
    dir: TempDir,
    top: syscall_kit::OwnedFd,
}

fn tree(name: &str) -> Tree {
    let dir = TempDir::new(name);
    let top = dir.path().join("top");
    std::fs::create_dir_all(top.join("sub")).unwrap();
    std::fs::write(top.join("inside"), b"in").unwrap();
    std::fs::write(dir.path().join("outside"), b"out").unwrap();
    symlink(dir.path().join("outside"), top.join("abs")).unwrap();
    symlink("../outside", top.join("up")).unwrap();
    symlink("sub/../inside", top.join("rel")).unwrap();
    symlink("sub", top.join("subdir")).unwrap();
    let top = open_dir(top.to_str().unwrap());
    Tree { dir, top }
}

#[test]
fn without_resolve_flags_openat2_is_openat() {
    let t = tree("openat2-plain");
    for path in ["inside", "rel", "abs", "up", "../outside", "sub/../inside"] {
        let fd = fs::openat2(&t.top, path, &how(ResolveFlags::empty())).unwrap();
        let want: &[u8] = if path.contains("inside") || path == "rel" {
            b"in"
        } else {
            b"out"
        };
        assert_eq!(contents(&fd), want, "{path}");
    }
    let outside = t.dir.join("outside");
    let fd = fs::openat2(CWD, &*outside, &how(ResolveFlags::empty())).unwrap();
    assert_eq!(contents(&fd), b"out");
}

#[test]
fn beneath_refuses_dotdot_absolute_paths_and_symlinks_that_leave_with_exdev() {
    let t = tree("openat2-beneath");
    let beneath = how(ResolveFlags::BENEATH);
    let outside = t.dir.join("outside");
    for path in ["../outside", "sub/../../outside", "abs", "up", &*outside] {
        assert_eq!(
            fs::openat2(&t.top, path, &beneath).map(drop),
            Err(Errno::EXDEV),
            "{path}"
        );
    }
    // What stays inside is opened, `..` and relative links included.
    for path in ["inside", "sub/../inside", "rel", "subdir/../inside"] {
        let fd = fs::openat2(&t.top, path, &beneath).unwrap();
        assert_eq!(contents(&fd), b"in", "{path}");
    }
}

#[test]
fn no_symlinks_refuses_any_symlink_with_eloop_but_opens_the_link_itself_with_o_path() {
    let t = tree("openat2-nosymlinks");
    let no_symlinks = how(ResolveFlags::BENEATH | ResolveFlags::NO_SYMLINKS);
    // As the last component, and as a directory on the way ("subdir/.." also passes `subdir`).
    for path in ["rel", "abs", "subdir/../inside", "subdir"] {
        assert_eq!(
            fs::openat2(&t.top, path, &no_symlinks).map(drop),
            Err(Errno::ELOOP),
            "{path}"
        );
    }
    assert_eq!(
        contents(&fs::openat2(&t.top, "inside", &no_symlinks).unwrap()),
        b"in"
    );
    let link_itself = OpenHow {
        flags: OFlags::PATH | OFlags::NOFOLLOW | OFlags::CLOEXEC,
        ..no_symlinks
    };
    let fd = fs::openat2(&t.top, "abs", &link_itself).unwrap();
    assert_eq!(fs::fstat(&fd).unwrap().file_type, FileType::Symlink);
}

#[test]
fn no_magiclinks_refuses_proc_self_exe_and_fd_links_with_eloop() {
    let no_magic = how(ResolveFlags::NO_MAGICLINKS);
    for path in ["/proc/self/exe", "/proc/self/fd/0"] {
        assert!(
            fs::openat2(CWD, path, &how(ResolveFlags::empty())).is_ok(),
            "{path}"
        );
        assert_eq!(
            fs::openat2(CWD, path, &no_magic).map(drop),
            Err(Errno::ELOOP),
            "{path}"
        );
    }
    // `/proc/self` is an ordinary symbolic link: followed.
    assert!(fs::openat2(CWD, "/proc/self/status", &no_magic).is_ok());
}

#[test]
fn in_root_resolves_slash_and_dotdot_at_the_directory() {
    let t = tree("openat2-inroot");
    let in_root = how(ResolveFlags::IN_ROOT);
    // `/inside`, `../../inside` and the link `up` (`../outside`) all stay in `top`.
    for path in ["/inside", "../../inside", "/sub/../../inside"] {
        let fd = fs::openat2(&t.top, path, &in_root).unwrap();
        assert_eq!(contents(&fd), b"in", "{path}");
    }
    assert_eq!(
        fs::openat2(&t.top, "up", &in_root).map(drop),
        Err(Errno::ENOENT),
        "top/outside does not exist"
    );
}

#[test]
fn no_xdev_refuses_to_cross_a_mount_with_exdev() {
    let t = tree("openat2-noxdev");
    let no_xdev = how(ResolveFlags::NO_XDEV);
    assert_eq!(
        contents(&fs::openat2(&t.top, "sub/../inside", &no_xdev).unwrap()),
        b"in"
    );
    // `/proc` is a mount of its own; reaching it (its root included) crosses into it.
    let root = open_dir("/");
    for path in ["proc", "proc/version"] {
        assert_eq!(
            fs::openat2(&root, path, &no_xdev).map(drop),
            Err(Errno::EXDEV),
            "{path}"
        );
        assert!(fs::openat2(&root, path, &how(ResolveFlags::empty())).is_ok());
    }
}

#[test]
fn creates_with_o_excl_and_sets_the_mode() {
    let dir = TempDir::new("openat2-create");
    let d = open_dir(dir.path().to_str().unwrap());
    let create = OpenHow {
        flags: OFlags::WRONLY | OFlags::CREAT | OFlags::EXCL | OFlags::NOFOLLOW | OFlags::CLOEXEC,
        mode: mode(0o600),
        resolve: ResolveFlags::BENEATH | ResolveFlags::NO_SYMLINKS,
    };
    let fd = fs::openat2(&d, "new", &create).unwrap();
    let st = fs::fstat(&fd).unwrap();
    assert_eq!((st.file_type, st.permissions), (FileType::Regular, 0o600));
    assert_eq!(
        fs::openat2(&d, "new", &create).map(drop),
        Err(Errno::EEXIST)
    );
    // O_CREAT does not follow a dangling link out of the directory either.
    symlink(dir.path().join("elsewhere"), dir.path().join("dangling")).unwrap();
    assert_eq!(
        fs::openat2(&d, "dangling", &create).map(drop),
        Err(Errno::EEXIST)
    );
    assert!(!dir.path().join("elsewhere").exists());
}

#[test]
fn error_paths_einval_ebadf_enoent_enotdir() {
    let dir = TempDir::new("openat2-errors");
    std::fs::write(dir.path().join("file"), b"x").unwrap();
    let d = open_dir(dir.path().to_str().unwrap());
    // A mode without O_CREAT: openat ignores it, openat2 refuses it.
    let mode_without_creat = OpenHow {
        mode: mode(0o644),
        ..how(ResolveFlags::empty())
    };
    assert_eq!(
        fs::openat2(&d, "file", &mode_without_creat).map(drop),
        Err(Errno::EINVAL)
    );
    // A resolve bit the kernel does not know.
    let unknown = how(ResolveFlags::from_bits_retain(1 << 40));
    assert_eq!(
        fs::openat2(&d, "file", &unknown).map(drop),
        Err(Errno::EINVAL)
    );
    // BENEATH with IN_ROOT: contradictory.
    let both = how(ResolveFlags::BENEATH | ResolveFlags::IN_ROOT);
    assert_eq!(fs::openat2(&d, "file", &both).map(drop), Err(Errno::EINVAL));
    let plain = how(ResolveFlags::BENEATH);
    assert_eq!(
        fs::openat2(&d, "missing", &plain).map(drop),
        Err(Errno::ENOENT)
    );
    assert_eq!(
        fs::openat2(&d, "file/below", &plain).map(drop),
        Err(Errno::ENOTDIR)
    );
    // SAFETY: (test): far above any open descriptor; the kernel reports EBADF.
    let never_open = unsafe { syscall_kit::BorrowedFd::borrow_raw(1 << 20) };
    assert_eq!(
        fs::openat2(never_open, "file", &plain).map(drop),
        Err(Errno::EBADF)
    );
    // An interior NUL is refused before the call.
    assert_eq!(
        fs::openat2(&d, "file\0x", &plain).map(drop),
        Err(Errno::EINVAL)
    );
}

/// A kernel without `openat2` (before Linux 5.6) answers `ENOSYS`; here a seccomp filter in a
/// forked child answers it for every call but `exit_group`, and the wrapper must pass it on.
#[test]
fn a_kernel_without_openat2_gives_enosys() {
    // SAFETY: the child makes raw system calls through the kit only (no allocation, no locks:
    // the test process has other threads) and ends the process.
    match unsafe { process::fork() }.expect("fork") {
        Fork::Child => {
            if seccomp::allow_only(&[nr::EXIT_GROUP], Action::Errno(Errno::ENOSYS)).is_err() {
                process::exit(3);
            }
            match fs::openat2(CWD, c"/", &how(ResolveFlags::BENEATH)) {
                Err(Errno::ENOSYS) => process::exit(0),
                _ => process::exit(4),
            }
        }
        Fork::Parent(pid) => {
            let status = crate::common::wait_for(pid);
            assert_eq!(status.exit_status(), Some(0), "{status:?} (3: no filter)");
        }
    }
}
