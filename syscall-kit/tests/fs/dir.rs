//! `mkdirat`/`mkdir`, `getdents64` with `DirEntries` and `getcwd` (`src/fs/dir.rs`), against the
//! real kernel, error paths included.

use std::collections::BTreeMap;
use std::os::unix::fs::PermissionsExt;

use crate::common::TempDir;
use crate::{mode, open_dir};
use syscall_kit::Errno;
use syscall_kit::fs::{self, DirEntries, FileType, Mode, OFlags};

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
