//! `mkdirat`/`mkdir`, `getdents64` with `DirEntries`, `getcwd`, `chdir` and `fchdir`
//! (`src/fs/dir.rs`), against the real kernel, error paths included.

use std::collections::BTreeMap;
use std::ffi::{CStr, CString};
use std::os::unix::fs::PermissionsExt;

use crate::common::TempDir;
use crate::{mode, open_dir};
use syscall_kit::Errno;
use syscall_kit::fs::{self, AtFlags, DirEntries, FileType, Mode, OFlags};
use syscall_kit::process::{self, Fork};

#[test]
fn mkdir_creates_a_directory_and_reports_eexist_enoent_enotdir() {
    let dir = TempDir::new("mkdir");
    let sub = dir.join("sub");
    fs::mkdir(&*sub, mode(0o755)).unwrap();
    assert!(std::fs::metadata(&sub).unwrap().is_dir());
    assert_eq!(fs::mkdir(&*sub, mode(0o755)), Err(Errno::EEXIST));
    assert_eq!(
        fs::mkdir(&*dir.join("missing/below"), mode(0o755)),
        Err(Errno::ENOENT)
    );
    let file = dir.join("file");
    std::fs::write(&file, b"x").unwrap();
    assert_eq!(
        fs::mkdir(&*format!("{file}/below"), mode(0o755)),
        Err(Errno::ENOTDIR)
    );
}

#[test]
fn mkdirat_is_relative_to_the_directory_fd() {
    let dir = TempDir::new("mkdirat");
    let d = open_dir(dir.path().to_str().unwrap());
    fs::mkdirat(&d, "inner", mode(0o700)).unwrap();
    let meta = std::fs::metadata(dir.path().join("inner")).unwrap();
    assert!(meta.is_dir());
    assert_eq!(meta.permissions().mode() & 0o777, 0o700);
    assert_eq!(fs::mkdirat(&d, "inner", mode(0o700)), Err(Errno::EEXIST));
}

/// Every entry of the directory at `path`, read with a buffer of `buf_len` bytes.
fn list(path: &str, buf_len: usize) -> BTreeMap<String, Option<FileType>> {
    let d = open_dir(path);
    let mut buf = vec![0u8; buf_len];
    let mut names = BTreeMap::new();
    loop {
        let n = fs::getdents64(&d, &mut buf).unwrap();
        if n == 0 {
            return names;
        }
        for e in DirEntries::new(&buf[..n]) {
            let name = e.name.to_str().unwrap().to_owned();
            assert!(names.insert(name, e.file_type).is_none(), "listed twice");
        }
    }
}

#[test]
fn getdents64_lists_every_entry_with_its_type() {
    let dir = TempDir::new("getdents");
    std::fs::write(dir.path().join("file"), b"x").unwrap();
    std::fs::create_dir(dir.path().join("subdir")).unwrap();
    std::os::unix::fs::symlink("file", dir.path().join("link")).unwrap();
    for i in 0..100 {
        std::fs::write(dir.path().join(format!("many-{i:03}")), b"").unwrap();
    }
    let path = dir.path().to_str().unwrap();
    // A small buffer takes many calls; the result must be the same.
    for buf_len in [64 * 1024, 128] {
        let names = list(path, buf_len);
        assert_eq!(names.len(), 2 + 3 + 100, "{names:?}");
        assert!(names.contains_key(".") && names.contains_key(".."));
        // The temporary directory is on tmpfs or ext4 here, and both always report d_type
        // (`DirEntry::file_type` is `None` only for DT_UNKNOWN): every type must be there and
        // right, `.` and `..` included.
        for (name, want) in [
            (".", FileType::Directory),
            ("..", FileType::Directory),
            ("file", FileType::Regular),
            ("subdir", FileType::Directory),
            ("link", FileType::Symlink),
            ("many-042", FileType::Regular),
        ] {
            assert_eq!(
                names[name],
                Some(want),
                "{name} (file system without d_type?)"
            );
        }
        let std_names: std::collections::BTreeSet<_> = std::fs::read_dir(path)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        let ours: std::collections::BTreeSet<_> = names
            .keys()
            .filter(|n| *n != "." && *n != "..")
            .cloned()
            .collect();
        assert_eq!(ours, std_names);
    }
}

#[test]
fn getdents64_errors_enotdir_einval_ebadf() {
    let dir = TempDir::new("getdents-errors");
    let file = dir.join("file");
    std::fs::write(&file, b"x").unwrap();
    let f = fs::open(&*file, OFlags::RDONLY, Mode::empty()).unwrap();
    let mut buf = [0u8; 1024];
    assert_eq!(fs::getdents64(&f, &mut buf), Err(Errno::ENOTDIR));
    let d = open_dir(dir.path().to_str().unwrap());
    let mut tiny = [0u8; 8];
    assert_eq!(fs::getdents64(&d, &mut tiny), Err(Errno::EINVAL));
    // SAFETY: (test): far above any open descriptor; the kernel reports EBADF.
    let never_open = unsafe { syscall_kit::BorrowedFd::borrow_raw(1 << 20) };
    assert_eq!(fs::getdents64(never_open, &mut buf), Err(Errno::EBADF));
}

#[test]
fn dir_entries_stop_at_a_malformed_record() {
    // A record claiming 200 bytes in a 24-byte buffer, then one claiming 0 bytes.
    let mut buf = [0u8; 24];
    buf[16..18].copy_from_slice(&200u16.to_ne_bytes());
    assert_eq!(DirEntries::new(&buf).count(), 0);
    let zero = [0u8; 24];
    assert_eq!(DirEntries::new(&zero).count(), 0);
    assert_eq!(DirEntries::new(&[]).count(), 0);
}

#[test]
fn getcwd_is_the_current_directory_and_erange_when_too_small() {
    let mut buf = [0u8; syscall_kit::PATH_MAX];
    let cwd = fs::getcwd(&mut buf).unwrap();
    assert_eq!(
        cwd.to_str().unwrap(),
        std::env::current_dir().unwrap().to_str().unwrap()
    );
    let mut tiny = [0u8; 1];
    assert_eq!(fs::getcwd(&mut tiny), Err(Errno::ERANGE));
}

/// What [`chdir_and_fchdir_in_a_child`] checks, in a child process (the current directory is
/// the whole process's, and the test process runs other tests in threads): 0 when all hold,
/// else the number of the first check that failed. It makes system calls through the kit only
/// (no allocation, no lock).
fn chdir_checks(dir: &CStr, real_dir: &[u8]) -> i32 {
    let mut buf = [0u8; syscall_kit::PATH_MAX];
    // 1, 2: chdir, then a relative path starts from there.
    if fs::chdir(dir).is_err() {
        return 1;
    }
    let Ok(f) = fs::open(c"sub/f", OFlags::RDONLY, Mode::empty()) else {
        return 2;
    };
    // 3: and reads what the parent wrote.
    let mut got = [0u8; 16];
    if syscall_kit::io::read(&f, &mut got) != Ok(6) || &got[..6] != b"inside" {
        return 3;
    }
    // 4: getcwd is the directory.
    if fs::getcwd(&mut buf).map(CStr::to_bytes) != Ok(real_dir) {
        return 4;
    }
    // 5, 6: a relative chdir, then fchdir back through an O_PATH descriptor of the directory.
    let Ok(here) = fs::open(c".", OFlags::PATH | OFlags::DIRECTORY, Mode::empty()) else {
        return 5;
    };
    if fs::chdir(c"sub").is_err() || fs::statx(fs::CWD, c"f", AtFlags::empty()).is_err() {
        return 6;
    }
    // 7: fchdir returns to it.
    if fs::fchdir(&here).is_err() || fs::getcwd(&mut buf).map(CStr::to_bytes) != Ok(real_dir) {
        return 7;
    }
    // 8-11: the errors, and the current directory stays where it was.
    if fs::chdir(c"missing") != Err(Errno::ENOENT) {
        return 8;
    }
    if fs::chdir(c"sub/f") != Err(Errno::ENOTDIR) {
        return 9;
    }
    if fs::fchdir(&f) != Err(Errno::ENOTDIR) {
        return 10;
    }
    // SAFETY: (test): far above any open descriptor; the kernel reports EBADF.
    let never_open = unsafe { syscall_kit::BorrowedFd::borrow_raw(1 << 20) };
    if fs::fchdir(never_open) != Err(Errno::EBADF) {
        return 11;
    }
    if fs::getcwd(&mut buf).map(CStr::to_bytes) != Ok(real_dir) {
        return 12;
    }
    0
}

#[test]
fn chdir_and_fchdir_in_a_child() {
    let dir = TempDir::new("chdir");
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    std::fs::write(dir.path().join("sub/f"), b"inside").unwrap();
    let path = CString::new(dir.path().to_str().unwrap()).unwrap();
    // getcwd gives the path without symbolic links.
    let real = std::fs::canonicalize(dir.path()).unwrap();
    let real = real.to_str().unwrap().as_bytes();
    // SAFETY: (test): the child runs `chdir_checks`, which makes system calls through the kit
    // only (no allocation, no lock: the test process has other threads), and exits.
    match unsafe { process::fork() }.expect("fork") {
        Fork::Child => process::exit(chdir_checks(&path, real)),
        Fork::Parent(pid) => {
            let status = crate::common::wait_for(pid);
            assert_eq!(
                status.exit_status(),
                Some(0),
                "{status:?}: the number of the check of chdir_checks that failed"
            );
        }
    }
}
