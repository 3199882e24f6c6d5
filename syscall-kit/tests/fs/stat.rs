//! `statx` with `AtFlags`, and `fstat`, `stat` and `lstat` made with it (`src/fs/stat.rs`),
//! against the real kernel and `std::fs`'s metadata, error paths included.

use std::os::unix::fs::{MetadataExt, PermissionsExt};

use crate::common::TempDir;
use crate::open_dir;
use syscall_kit::fs::{self, AtFlags, CWD, DirEntries, FileType, Mode, OFlags, Stat};
use syscall_kit::{BorrowedFd, Errno};

/// Asserts that the kit's `st` and std's `meta` describe the same file in every field.
fn assert_same(st: &Stat, meta: &std::fs::Metadata, what: &str) {
    let mode = meta.permissions().mode();
    let kit = (
        st.size,
        st.permissions,
        st.ino,
        u64::from(st.nlink),
        st.uid,
        st.gid,
        u64::from(st.blksize),
        st.blocks,
        st.mtime,
        i64::from(st.mtime_nsec),
    );
    let std = (
        meta.size(),
        mode & 0o7777,
        meta.ino(),
        meta.nlink(),
        meta.uid(),
        meta.gid(),
        meta.blksize(),
        meta.blocks(),
        meta.mtime(),
        meta.mtime_nsec(),
    );
    assert_eq!(
        kit, std,
        "{what}: (size, permissions, ino, nlink, uid, gid, blksize, blocks, mtime, its nanoseconds)"
    );
    let ft = meta.file_type();
    let std_type = if ft.is_symlink() {
        FileType::Symlink
    } else if ft.is_dir() {
        FileType::Directory
    } else if ft.is_file() {
        FileType::Regular
    } else {
        FileType::Unknown
    };
    assert_eq!(st.file_type, std_type, "{what}");
    let dev = meta.dev();
    // glibc's gnu_dev_major/minor, as std's `dev` packs them.
    let (major, minor) = (
        ((dev >> 32) & 0xffff_f000) | ((dev >> 8) & 0xfff),
        ((dev >> 12) & 0xffff_ff00) | (dev & 0xff),
    );
    assert_eq!(st.dev, (major as u32, minor as u32), "{what}: dev");
}

/// A directory holding a file `f` of 12345 bytes, a directory `sub`, a link `link` to `f` and
/// a link `dangling` to a name that does not exist.
fn tree(name: &str) -> TempDir {
    let dir = TempDir::new(name);
    std::fs::write(dir.join("f"), vec![7u8; 12345]).unwrap();
    std::fs::create_dir(dir.join("sub")).unwrap();
    std::os::unix::fs::symlink("f", dir.join("link")).unwrap();
    std::os::unix::fs::symlink("missing", dir.join("dangling")).unwrap();
    dir
}

#[test]
fn statx_is_relative_to_the_directory_descriptor() {
    let dir = tree("statx-at");
    let d = open_dir(dir.path().to_str().unwrap());
    for name in ["f", "sub", "link", "dangling"] {
        let path = dir.path().join(name);
        let st = fs::statx(&d, name, AtFlags::SYMLINK_NOFOLLOW).unwrap();
        assert_same(&st, &std::fs::symlink_metadata(&path).unwrap(), name);
    }
    for name in ["f", "sub", "link"] {
        let path = dir.path().join(name);
        let st = fs::statx(&d, name, AtFlags::empty()).unwrap();
        assert_same(&st, &std::fs::metadata(&path).unwrap(), name);
    }
    assert_eq!(
        fs::statx(&d, "link", AtFlags::empty()).unwrap().file_type,
        FileType::Regular,
        "a link is followed without SYMLINK_NOFOLLOW"
    );
    let link = fs::statx(&d, "link", AtFlags::SYMLINK_NOFOLLOW).unwrap();
    assert_eq!((link.file_type, link.size), (FileType::Symlink, 1));
    // A dangling link: nothing to follow, but the link itself is there.
    assert_eq!(
        fs::statx(&d, "dangling", AtFlags::empty()),
        Err(Errno::ENOENT)
    );
    let dangling = fs::statx(&d, "dangling", AtFlags::SYMLINK_NOFOLLOW).unwrap();
    assert_eq!(
        (dangling.file_type, dangling.size),
        (FileType::Symlink, "missing".len() as u64)
    );
    // The same calls relative to the current directory (the package's, by cargo).
    let cwd = std::env::current_dir().unwrap();
    assert_same(
        &fs::statx(CWD, "Cargo.toml", AtFlags::empty()).unwrap(),
        &std::fs::metadata(cwd.join("Cargo.toml")).unwrap(),
        "Cargo.toml",
    );
}

#[test]
fn a_walk_is_one_statx_per_entry_relative_to_the_directory() {
    let dir = tree("statx-walk");
    let d = open_dir(dir.path().to_str().unwrap());
    let mut buf = [0u8; 1024];
    let mut seen = Vec::new();
    loop {
        let n = fs::getdents64(&d, &mut buf).unwrap();
        if n == 0 {
            break;
        }
        for e in DirEntries::new(&buf[..n]) {
            let st = fs::statx(&d, e.name, AtFlags::SYMLINK_NOFOLLOW).unwrap();
            if let Some(t) = e.file_type {
                assert_eq!(st.file_type, t, "{:?}", e.name);
            }
            // (Not `..`: on overlayfs, the parent's `d_ino` may be that of a lower layer.)
            if e.name != c".." {
                assert_eq!(st.ino, e.ino, "{:?}", e.name);
            }
            seen.push(e.name.to_str().unwrap().to_owned());
        }
    }
    seen.sort();
    assert_eq!(seen, [".", "..", "dangling", "f", "link", "sub"]);
}

#[test]
fn statx_with_empty_path_is_the_descriptor_itself() {
    let dir = tree("statx-empty");
    let link = dir.join("link");
    // An O_PATH descriptor of the link itself: not readable, but it can be looked at.
    let fd = fs::open(&*link, OFlags::PATH | OFlags::NOFOLLOW, Mode::empty()).unwrap();
    let st = fs::statx(&fd, "", AtFlags::EMPTY_PATH).unwrap();
    assert_same(&st, &std::fs::symlink_metadata(&link).unwrap(), "link");
    let (r, _w) = syscall_kit::io::pipe2(OFlags::CLOEXEC).unwrap();
    let st = fs::statx(&r, "", AtFlags::EMPTY_PATH).unwrap();
    assert_eq!(st.file_type, FileType::Fifo);
    // Without EMPTY_PATH an empty path names no file.
    assert_eq!(fs::statx(&r, "", AtFlags::empty()), Err(Errno::ENOENT));
    assert_eq!(fs::fstat(&r), Ok(st), "fstat is statx with EMPTY_PATH");
}

#[test]
fn statx_reports_its_errors() {
    let dir = tree("statx-errors");
    let d = open_dir(dir.path().to_str().unwrap());
    let file = fs::open(&*dir.join("f"), OFlags::RDONLY, Mode::empty()).unwrap();
    // SAFETY: (test): far above any open descriptor; the kernel reports EBADF.
    let never_open = unsafe { BorrowedFd::borrow_raw(1 << 20) };
    let nofollow = AtFlags::SYMLINK_NOFOLLOW;
    assert_eq!(fs::statx(&d, "missing", nofollow), Err(Errno::ENOENT));
    assert_eq!(fs::statx(&d, "f/below", nofollow), Err(Errno::ENOTDIR));
    assert_eq!(fs::statx(&file, "below", nofollow), Err(Errno::ENOTDIR));
    assert_eq!(fs::statx(never_open, "f", nofollow), Err(Errno::EBADF));
    assert_eq!(
        fs::statx(never_open, "", AtFlags::EMPTY_PATH),
        Err(Errno::EBADF)
    );
    assert_eq!(fs::statx(&d, "f", AtFlags::REMOVEDIR), Err(Errno::EINVAL));
    // Checked before any system call: the kernel would stop at the NUL and find `f`.
    assert_eq!(fs::statx(&d, "f\0x", nofollow), Err(Errno::EINVAL));
    // An absolute path does not look at `dirfd` at all.
    assert_eq!(
        fs::statx(never_open, "/", nofollow).map(|st| st.file_type),
        Ok(FileType::Directory)
    );
}

#[test]
fn blocks_count_what_is_allocated_in_512_byte_units() {
    let dir = TempDir::new("blocks");
    // A file of 1 GiB with nothing written: a hole, no block allocated for it.
    let sparse = dir.join("sparse");
    std::fs::File::create(&sparse)
        .unwrap()
        .set_len(1 << 30)
        .unwrap();
    let st = fs::stat(&*sparse).unwrap();
    assert_eq!(st.size, 1 << 30);
    assert!(st.blocks * 512 < st.size, "{} blocks for a hole", st.blocks);
    assert_eq!(st.blocks, std::fs::metadata(&sparse).unwrap().blocks());
    // Written bytes take blocks: bytes no file system compresses (xorshift), on the disk.
    let full = dir.join("full");
    let mut x = 0x9e37_79b9_7f4a_7c15u64;
    let bytes: Vec<u8> = (0..64 * 1024)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect();
    let mut f = std::fs::File::create(&full).unwrap();
    std::io::Write::write_all(&mut f, &bytes).unwrap();
    f.sync_all().unwrap();
    let st = fs::stat(&*full).unwrap();
    assert!(
        st.blocks * 512 >= 64 * 1024,
        "{} blocks for 64 KiB",
        st.blocks
    );
    assert_eq!(st.blocks, std::fs::metadata(&full).unwrap().blocks());
}

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
    assert_same(&st, &std_meta, "f");

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
fn the_modification_time_has_its_seconds_and_nanoseconds() {
    let dir = TempDir::new("mtime");
    let file = dir.join("f");
    let f = std::fs::File::create(&file).unwrap();
    // A time of the test's choosing, to the nanosecond (tmpfs and ext4 keep them all).
    let at = std::time::UNIX_EPOCH + std::time::Duration::new(1_700_000_000, 123_456_789);
    f.set_modified(at).unwrap();
    let fd = fs::open(&*file, OFlags::RDONLY, Mode::empty()).unwrap();
    let st = fs::fstat(&fd).unwrap();
    assert_eq!((st.mtime, st.mtime_nsec), (1_700_000_000, 123_456_789));
    f.set_modified(at + std::time::Duration::from_nanos(1))
        .unwrap();
    assert_eq!(fs::stat(&*file).unwrap().mtime_nsec, 123_456_790);
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
