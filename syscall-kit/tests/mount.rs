//! `mount`, `umount2` and `pivot_root` (`src/mount/`), against the real kernel, in a child
//! that has a user and mount namespace of its own (see `common::in_namespaces`): root there,
//! so that the tests run as any user, and nothing they mount is seen outside.

mod common;

use common::{TempDir, in_namespaces_passes, read_into};
use syscall_kit::fs::{self, FileType, Mode, OFlags};
use syscall_kit::mount::{MountFlags, UnmountFlags, mount, pivot_root, umount2};
use syscall_kit::ns::CloneFlags;
use syscall_kit::{Errno, io};

/// A tmpfs mounted in the child's namespace holds what is written there, is a file system of
/// its own, and is not seen from this process, whose directory stays empty.
#[test]
fn a_tmpfs_is_seen_in_its_mount_namespace_only() {
    let dir = TempDir::new("mount-tmpfs");
    let m = dir.join("m");
    std::fs::create_dir(&m).unwrap();
    let file = format!("{m}/inside");
    let host_dev = fs::stat(&*m).unwrap().dev;
    let passed = in_namespaces_passes(CloneFlags::empty(), || {
        let flags = MountFlags::NOSUID | MountFlags::NODEV;
        if mount("tmpfs", &*m, "tmpfs", flags, Some(c"mode=700,size=1m")).is_err() {
            return 1;
        }
        match fs::stat(&*m) {
            Ok(st) if st.dev != host_dev && st.permissions == 0o700 => {}
            _ => return 2,
        }
        let created = fs::open(&*file, OFlags::WRONLY | OFlags::CREAT, Mode::RUSR);
        if created.and_then(|fd| io::write_all(&fd, b"x")).is_err() {
            return 3;
        }
        // The options are the file system's: one it does not know is EINVAL.
        if mount("tmpfs", &*m, "tmpfs", flags, Some(c"no-such-option")) != Err(Errno::EINVAL) {
            return 4;
        }
        0
    });
    if !passed {
        return;
    }
    assert_eq!(std::fs::read_dir(&m).unwrap().count(), 0, "{m} outside");
}

/// A bind mount shows a directory at a second place; a remount makes that place read-only (and
/// only it); `umount2` takes it away, refuses what is in use unless `DETACH`, and refuses a
/// directory that is not a mount point.
#[test]
fn bind_remount_read_only_and_umount2() {
    let dir = TempDir::new("mount-bind");
    let (src, dst) = (dir.join("src"), dir.join("dst"));
    std::fs::create_dir(&src).unwrap();
    std::fs::create_dir(&dst).unwrap();
    std::fs::write(format!("{src}/file"), b"source\n").unwrap();
    let through_dst = format!("{dst}/file");
    let new_in_src = format!("{src}/new");
    let new_in_dst = format!("{dst}/new2");
    in_namespaces_passes(CloneFlags::empty(), || {
        if mount(&*src, &*dst, "", MountFlags::BIND, None).is_err() {
            return 1;
        }
        let mut buf = [0u8; 16];
        if read_into(&through_dst, &mut buf) != Some(7) || buf.get(..7) != Some(b"source\n") {
            return 2;
        }
        let ro = MountFlags::REMOUNT | MountFlags::BIND | MountFlags::RDONLY;
        if mount("", &*dst, "", ro, None).is_err() {
            return 3;
        }
        let create = |path: &str| fs::open(path, OFlags::WRONLY | OFlags::CREAT, Mode::RUSR);
        if create(&new_in_dst).err() != Some(Errno::EROFS) {
            return 4;
        }
        if create(&new_in_src).is_err() {
            return 5;
        }
        // A descriptor open below it keeps it busy; DETACH takes it away all the same.
        let Ok(open) = fs::open(&*through_dst, OFlags::RDONLY, Mode::empty()) else {
            return 6;
        };
        if umount2(&*dst, UnmountFlags::empty()) != Err(Errno::EBUSY) {
            return 7;
        }
        if umount2(&*dst, UnmountFlags::DETACH).is_err() {
            return 8;
        }
        drop(open);
        if fs::stat(&*through_dst).err() != Some(Errno::ENOENT) {
            return 9;
        }
        if umount2(&*dst, UnmountFlags::empty()) != Err(Errno::EINVAL) {
            return 10;
        }
        0
    });
}

/// `pivot_root(".", ".")` in a tmpfs, then `umount2(".", DETACH)`, as runc does: the tmpfs is
/// `/`, the old root is gone (no `/proc` any more), and the current directory is `/`.
#[test]
fn pivot_root_makes_a_tmpfs_the_root() {
    let dir = TempDir::new("pivot-root");
    let new_root = dir.join("root");
    std::fs::create_dir(&new_root).unwrap();
    let marker = format!("{new_root}/marker");
    in_namespaces_passes(CloneFlags::empty(), || {
        if mount("tmpfs", &*new_root, "tmpfs", MountFlags::empty(), None).is_err() {
            return 1;
        }
        if fs::mkdir(&*marker, Mode::RUSR | Mode::WUSR | Mode::XUSR).is_err() {
            return 2;
        }
        if fs::chdir(&*new_root).is_err() {
            return 3;
        }
        if pivot_root(".", ".").is_err() {
            return 4;
        }
        if umount2(".", UnmountFlags::DETACH).is_err() {
            return 5;
        }
        if fs::chdir("/").is_err() {
            return 6;
        }
        if fs::stat("/marker").map(|st| st.file_type) != Ok(FileType::Directory) {
            return 7;
        }
        if fs::stat("/proc").err() != Some(Errno::ENOENT) {
            return 8;
        }
        let mut buf = [0u8; 64];
        if fs::getcwd(&mut buf).map(|c| c.to_bytes()) != Ok(b"/") {
            return 9;
        }
        0
    });
}
