//! `renameat2` with `RenameFlags` (`src/fs/rename.rs`), against the real kernel.

use std::os::unix::fs::symlink;

use crate::common::TempDir;
use crate::open_dir;
use syscall_kit::Errno;
use syscall_kit::fs::{self, CWD, RenameFlags};

fn read(dir: &TempDir, name: &str) -> String {
    std::fs::read_to_string(dir.path().join(name)).unwrap()
}

#[test]
fn plain_rename_replaces_and_moves_between_directories() {
    let dir = TempDir::new("rename-plain");
    std::fs::write(dir.path().join("a"), "A").unwrap();
    std::fs::write(dir.path().join("b"), "B").unwrap();
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    let d = open_dir(dir.path().to_str().unwrap());
    fs::renameat2(&d, "a", &d, "b", RenameFlags::empty()).unwrap();
    assert_eq!(read(&dir, "b"), "A");
    assert!(!dir.path().join("a").exists());
    let sub = open_dir(&dir.join("sub"));
    fs::renameat2(&d, "b", &sub, "moved", RenameFlags::empty()).unwrap();
    assert_eq!(read(&dir, "sub/moved"), "A");
    // By path from the current directory.
    let (from, to) = (dir.join("sub/moved"), dir.join("back"));
    fs::renameat2(CWD, &*from, CWD, &*to, RenameFlags::empty()).unwrap();
    assert_eq!(read(&dir, "back"), "A");
}

#[test]
fn noreplace_refuses_an_existing_name_with_eexist_even_a_dangling_link() {
    let dir = TempDir::new("rename-noreplace");
    std::fs::write(dir.path().join("new"), "new").unwrap();
    std::fs::write(dir.path().join("old"), "old").unwrap();
    symlink("nowhere", dir.path().join("dangling")).unwrap();
    let d = open_dir(dir.path().to_str().unwrap());
    for existing in ["old", "dangling"] {
        assert_eq!(
            fs::renameat2(&d, "new", &d, existing, RenameFlags::NOREPLACE),
            Err(Errno::EEXIST),
            "{existing}"
        );
    }
    assert_eq!(read(&dir, "old"), "old");
    assert_eq!(read(&dir, "new"), "new");
    fs::renameat2(&d, "new", &d, "free", RenameFlags::NOREPLACE).unwrap();
    assert_eq!(read(&dir, "free"), "new");
    assert!(!dir.path().join("new").exists());
}

#[test]
fn a_link_as_newpath_is_replaced_not_followed() {
    let dir = TempDir::new("rename-link");
    std::fs::write(dir.path().join("target"), "target").unwrap();
    std::fs::write(dir.path().join("new"), "new").unwrap();
    symlink("target", dir.path().join("link")).unwrap();
    let d = open_dir(dir.path().to_str().unwrap());
    fs::renameat2(&d, "new", &d, "link", RenameFlags::empty()).unwrap();
    assert_eq!(read(&dir, "target"), "target");
    let meta = std::fs::symlink_metadata(dir.path().join("link")).unwrap();
    assert!(meta.is_file(), "the link itself was replaced");
    assert_eq!(read(&dir, "link"), "new");
}

#[test]
fn exchange_swaps_two_names_and_needs_both() {
    let dir = TempDir::new("rename-exchange");
    std::fs::write(dir.path().join("a"), "A").unwrap();
    std::fs::create_dir(dir.path().join("b")).unwrap();
    let d = open_dir(dir.path().to_str().unwrap());
    fs::renameat2(&d, "a", &d, "b", RenameFlags::EXCHANGE).unwrap();
    assert!(dir.path().join("a").is_dir());
    assert_eq!(read(&dir, "b"), "A");
    assert_eq!(
        fs::renameat2(&d, "b", &d, "missing", RenameFlags::EXCHANGE),
        Err(Errno::ENOENT)
    );
}

#[test]
fn error_paths_einval_enoent_ebadf() {
    let dir = TempDir::new("rename-errors");
    std::fs::write(dir.path().join("a"), "A").unwrap();
    let d = open_dir(dir.path().to_str().unwrap());
    assert_eq!(
        fs::renameat2(
            &d,
            "a",
            &d,
            "b",
            RenameFlags::NOREPLACE | RenameFlags::EXCHANGE
        ),
        Err(Errno::EINVAL)
    );
    assert_eq!(
        fs::renameat2(&d, "a", &d, "b", RenameFlags::from_bits_retain(1 << 20)),
        Err(Errno::EINVAL)
    );
    assert_eq!(
        fs::renameat2(&d, "missing", &d, "b", RenameFlags::empty()),
        Err(Errno::ENOENT)
    );
    // SAFETY: (test): far above any open descriptor; the kernel reports EBADF.
    let never_open = unsafe { syscall_kit::BorrowedFd::borrow_raw(1 << 20) };
    assert_eq!(
        fs::renameat2(never_open, "a", &d, "b", RenameFlags::empty()),
        Err(Errno::EBADF)
    );
    assert_eq!(
        fs::renameat2(&d, "a\0x", &d, "b", RenameFlags::empty()),
        Err(Errno::EINVAL)
    );
    assert_eq!(read(&dir, "a"), "A");
}
