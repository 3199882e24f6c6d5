//! `unlinkat` with `AtFlags` (`src/fs/unlink.rs`), against the real kernel.

use std::os::unix::fs::symlink;

use crate::common::TempDir;
use crate::open_dir;
use syscall_kit::Errno;
use syscall_kit::fs::{self, AtFlags};

#[test]
fn unlinkat_removes_a_file_and_a_link_but_not_its_target() {
    let dir = TempDir::new("unlink");
    std::fs::write(dir.path().join("file"), "x").unwrap();
    std::fs::write(dir.path().join("target"), "t").unwrap();
    symlink("target", dir.path().join("link")).unwrap();
    let d = open_dir(dir.path().to_str().unwrap());
    fs::unlinkat(&d, "file", AtFlags::empty()).unwrap();
    fs::unlinkat(&d, "link", AtFlags::empty()).unwrap();
    assert!(!dir.path().join("file").exists());
    assert!(std::fs::symlink_metadata(dir.path().join("link")).is_err());
    assert_eq!(std::fs::read(dir.path().join("target")).unwrap(), b"t");
    assert_eq!(
        fs::unlinkat(&d, "file", AtFlags::empty()),
        Err(Errno::ENOENT)
    );
}

#[test]
fn removedir_removes_an_empty_directory_only() {
    let dir = TempDir::new("unlink-dir");
    std::fs::create_dir(dir.path().join("empty")).unwrap();
    std::fs::create_dir(dir.path().join("full")).unwrap();
    std::fs::write(dir.path().join("full/f"), "x").unwrap();
    std::fs::write(dir.path().join("file"), "x").unwrap();
    let d = open_dir(dir.path().to_str().unwrap());
    assert_eq!(
        fs::unlinkat(&d, "empty", AtFlags::empty()),
        Err(Errno::EISDIR)
    );
    assert_eq!(
        fs::unlinkat(&d, "file", AtFlags::REMOVEDIR),
        Err(Errno::ENOTDIR)
    );
    assert_eq!(
        fs::unlinkat(&d, "full", AtFlags::REMOVEDIR),
        Err(Errno::ENOTEMPTY)
    );
    // A flag of another `*at` call: refused, nothing removed.
    assert_eq!(
        fs::unlinkat(&d, "file", AtFlags::SYMLINK_NOFOLLOW),
        Err(Errno::EINVAL)
    );
    assert!(dir.path().join("file").exists());
    fs::unlinkat(&d, "empty", AtFlags::REMOVEDIR).unwrap();
    assert!(!dir.path().join("empty").exists());
    // SAFETY: (test): far above any open descriptor; the kernel reports EBADF.
    let never_open = unsafe { syscall_kit::BorrowedFd::borrow_raw(1 << 20) };
    assert_eq!(
        fs::unlinkat(never_open, "file", AtFlags::empty()),
        Err(Errno::EBADF)
    );
}
