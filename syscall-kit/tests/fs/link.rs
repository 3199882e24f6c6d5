//! `readlinkat`/`readlink` and `symlinkat` (`src/fs/link.rs`), against the real kernel.

use crate::common::TempDir;
use crate::open_dir;
use syscall_kit::Errno;
use syscall_kit::fs;

#[test]
fn readlink_returns_the_target_and_cuts_it_to_the_buffer() {
    let dir = TempDir::new("readlink");
    let link = dir.join("link");
    std::os::unix::fs::symlink("../some/target", &link).unwrap();
    let mut buf = [0u8; 64];
    let n = fs::readlink(&*link, &mut buf).unwrap();
    assert_eq!(&buf[..n], b"../some/target");
    let mut short = [0u8; 4];
    assert_eq!(fs::readlink(&*link, &mut short), Ok(4));
    assert_eq!(&short, b"../s");

    let d = open_dir(dir.path().to_str().unwrap());
    let n = fs::readlinkat(&d, "link", &mut buf).unwrap();
    assert_eq!(&buf[..n], b"../some/target");
}

#[test]
fn readlink_of_a_file_is_einval_and_of_nothing_enoent() {
    let dir = TempDir::new("readlink-errors");
    let file = dir.join("file");
    std::fs::write(&file, b"x").unwrap();
    let mut buf = [0u8; 64];
    assert_eq!(fs::readlink(&*file, &mut buf), Err(Errno::EINVAL));
    assert_eq!(
        fs::readlink(&*dir.join("missing"), &mut buf),
        Err(Errno::ENOENT)
    );
}

#[test]
fn symlinkat_makes_a_link_readlink_reads_back() {
    let dir = TempDir::new("symlinkat");
    let d = open_dir(dir.path().to_str().unwrap());
    fs::symlinkat("../some/target", &d, "rel").unwrap();
    fs::symlinkat("/proc/self/fd", fs::CWD, &*dir.join("abs")).unwrap();
    let mut buf = [0u8; 64];
    let n = fs::readlinkat(&d, "rel", &mut buf).unwrap();
    assert_eq!(&buf[..n], b"../some/target");
    assert_eq!(
        std::fs::read_link(dir.join("abs")).unwrap(),
        std::path::Path::new("/proc/self/fd")
    );
    // A link is a name like any other: the same one again is EEXIST.
    assert_eq!(fs::symlinkat("x", &d, "rel"), Err(Errno::EEXIST));
}
