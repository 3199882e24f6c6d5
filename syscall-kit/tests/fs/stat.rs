//! `fstat`, `stat` and `lstat` (`src/fs/stat.rs`), against the real kernel.

use crate::common::TempDir;
use syscall_kit::Errno;
use syscall_kit::fs::{self, FileType, Mode, OFlags};

#[test]
fn fstat_reports_size_and_type() {
    let dir = TempDir::new("fstat");
    let file = dir.join("f");
    std::fs::write(&file, vec![7u8; 12345]).unwrap();
    let fd = fs::open(&*file, OFlags::RDONLY, Mode::empty()).unwrap();
    let st = fs::fstat(&fd).unwrap();
    let std_meta = std::fs::metadata(&file).unwrap();
    assert_eq!(st.size, 12345);
    assert_eq!(st.file_type, FileType::Regular);
    assert_eq!(st.ino, std::os::unix::fs::MetadataExt::ino(&std_meta));
    assert_eq!(st.nlink, 1);
    assert_eq!(st.uid, std::os::unix::fs::MetadataExt::uid(&std_meta));

    let d = fs::open(
        dir.path().to_str().unwrap(),
        OFlags::DIRECTORY,
        Mode::empty(),
    )
    .unwrap();
    assert_eq!(fs::fstat(&d).unwrap().file_type, FileType::Directory);
    let null = fs::open("/dev/null", OFlags::RDONLY, Mode::empty()).unwrap();
    assert_eq!(fs::fstat(&null).unwrap().file_type, FileType::CharDevice);
    let (r, _w) = syscall_kit::io::pipe2(OFlags::CLOEXEC).unwrap();
    assert_eq!(fs::fstat(&r).unwrap().file_type, FileType::Fifo);
}

#[test]
fn stat_follows_links_and_lstat_does_not() {
    let dir = TempDir::new("stat");
    let target = dir.join("target");
    std::fs::write(&target, b"12345").unwrap();
    let link = dir.join("link");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let st = fs::stat(&*link).unwrap();
    assert_eq!((st.file_type, st.size), (FileType::Regular, 5));
    let lst = fs::lstat(&*link).unwrap();
    assert_eq!(lst.file_type, FileType::Symlink);
    assert_eq!(lst.size, target.len() as u64);
    assert_eq!(fs::stat(&*dir.join("missing")), Err(Errno::ENOENT));
}

#[test]
fn fstat_of_a_descriptor_that_was_never_open_is_ebadf() {
    // SAFETY: (test): far above any open descriptor; the kernel reports EBADF.
    let never_open = unsafe { syscall_kit::BorrowedFd::borrow_raw(1 << 20) };
    assert_eq!(fs::fstat(never_open), Err(Errno::EBADF));
}
