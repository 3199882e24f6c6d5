//! `memfd_create` (`src/fs/memfd.rs`), against the real kernel.

use syscall_kit::AsFd;
use syscall_kit::fs::{self, FileType, MemfdFlags, OFlags};
use syscall_kit::io::{self, Whence, pread, write_all};

/// A new file in memory: regular, empty, written and read back through its descriptor, named
/// in `/proc/self/fd` as `/memfd:NAME`, and closed on `execve` with `CLOEXEC` only.
#[test]
fn memfd_create_makes_an_anonymous_regular_file() {
    let fd = fs::memfd_create("captured", MemfdFlags::CLOEXEC).unwrap();
    let st = fs::fstat(&fd).unwrap();
    assert_eq!((st.file_type, st.size), (FileType::Regular, 0));
    write_all(&fd, b"hello\nworld\n").unwrap();
    assert_eq!(fs::fstat(&fd).unwrap().size, 12);
    let mut buf = [0u8; 32];
    let n = pread(&fd, &mut buf, 6).unwrap();
    assert_eq!(&buf[..n], b"world\n");
    assert_eq!(io::lseek(&fd, 0, Whence::Current), Ok(12));
    let raw = fd.as_fd().as_raw_fd();
    let link = std::fs::read_link(format!("/proc/self/fd/{raw}")).unwrap();
    assert!(
        link.to_string_lossy().starts_with("/memfd:captured"),
        "{link:?}"
    );
    // Opened read-write; O_CLOEXEC (0o2000000) in the flags of /proc/self/fdinfo with
    // MemfdFlags::CLOEXEC only.
    let status = io::fcntl_getfl(&fd).unwrap();
    assert!(status.contains(OFlags::RDWR), "{status:?}");
    let inherited = fs::memfd_create("inherited", MemfdFlags::empty()).unwrap();
    assert!(cloexec(raw));
    assert!(!cloexec(inherited.as_fd().as_raw_fd()));
}

/// Whether the descriptor `fd` of this process is close-on-exec, from `/proc/self/fdinfo`.
fn cloexec(fd: i32) -> bool {
    let info = std::fs::read_to_string(format!("/proc/self/fdinfo/{fd}")).unwrap();
    let flags = info
        .lines()
        .find_map(|l| l.strip_prefix("flags:"))
        .map(|v| u32::from_str_radix(v.trim(), 8).unwrap())
        .unwrap();
    flags & 0o2000000 != 0
}
