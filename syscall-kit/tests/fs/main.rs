//! The tests of `syscall_kit::fs`: `open`/`openat`, `fchmod` and paths (`src/fs/mod.rs`) here,
//! the submodules' in files of the same names (`dir.rs`, `link.rs`, `memfd.rs`, `node.rs`, `openat2.rs`, `rename.rs`,
//! `stat.rs`, `unlink.rs`), as in `src/fs/`; against the real kernel.

#[path = "../common/mod.rs"]
mod common;

mod dir;
mod link;
mod memfd;
mod node;
mod openat2;
mod rename;
mod stat;
mod unlink;

use std::os::unix::fs::PermissionsExt;

use common::TempDir;
use syscall_kit::Errno;
use syscall_kit::fs::{self, CWD, Mode, OFlags};
use syscall_kit::io::{read, write_all};

/// The permission bits `bits` as a [`Mode`].
pub fn mode(bits: u32) -> Mode {
    Mode::from_bits_truncate(bits)
}

/// The directory at `path`, opened for reading its entries.
pub fn open_dir(path: &str) -> syscall_kit::OwnedFd {
    fs::open(path, OFlags::DIRECTORY | OFlags::RDONLY, Mode::empty()).unwrap()
}

fn mode644() -> Mode {
    Mode::from_bits_truncate(0o644)
}

#[test]
fn open_creates_writes_and_reads_back() {
    let dir = TempDir::new("open");
    let path = dir.join("f");
    let fd = fs::open(
        &*path,
        OFlags::CREAT | OFlags::WRONLY | OFlags::EXCL,
        mode644(),
    )
    .unwrap();
    write_all(&fd, b"syscall-kit").unwrap();
    fd.close().unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), b"syscall-kit");
    let meta =
        std::os::unix::fs::PermissionsExt::mode(&std::fs::metadata(&path).unwrap().permissions());
    assert_eq!(meta & 0o777, 0o644 & !umask());

    let fd = fs::open(&*path, OFlags::RDONLY, Mode::empty()).unwrap();
    let mut buf = [0u8; 64];
    let n = read(&fd, &mut buf).unwrap();
    assert_eq!(&buf[..n], b"syscall-kit");
    assert_eq!(read(&fd, &mut buf), Ok(0), "end of file");
}

fn umask() -> u32 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap()
        .lines()
        .find_map(|l| l.strip_prefix("Umask:"))
        .map(|v| u32::from_str_radix(v.trim(), 8).unwrap())
        .unwrap()
}

#[test]
fn open_reports_enoent_eexist_eisdir_enotdir() {
    let dir = TempDir::new("errors");
    let missing = dir.join("missing");
    assert_eq!(
        fs::open(&*missing, OFlags::RDONLY, Mode::empty()),
        Err(Errno::ENOENT)
    );

    let file = dir.join("file");
    std::fs::write(&file, b"x").unwrap();
    assert_eq!(
        fs::open(
            &*file,
            OFlags::CREAT | OFlags::EXCL | OFlags::WRONLY,
            mode644()
        ),
        Err(Errno::EEXIST)
    );
    let d = dir.path().to_str().unwrap();
    assert_eq!(
        fs::open(d, OFlags::WRONLY, Mode::empty()),
        Err(Errno::EISDIR)
    );
    assert_eq!(
        fs::open(&*format!("{file}/below"), OFlags::RDONLY, Mode::empty()),
        Err(Errno::ENOTDIR)
    );
    assert_eq!(
        fs::open(&*file, OFlags::DIRECTORY, Mode::empty()),
        Err(Errno::ENOTDIR)
    );
}

#[test]
fn a_path_with_an_interior_nul_is_rejected_before_any_syscall() {
    let dir = TempDir::new("nul");
    let file = dir.join("file");
    std::fs::write(&file, b"x").unwrap();
    // Were the path passed to the kernel, it would stop at the NUL and open `file`.
    let with_nul = format!("{file}\0garbage");
    assert_eq!(
        fs::open(&*with_nul, OFlags::RDONLY, Mode::empty()),
        Err(Errno::EINVAL)
    );
    assert_eq!(fs::stat(with_nul.as_bytes()), Err(Errno::EINVAL));
    // A &CStr is passed as it is.
    let c = std::ffi::CString::new(file.clone()).unwrap();
    assert!(fs::open(c.as_c_str(), OFlags::RDONLY, Mode::empty()).is_ok());
}

#[test]
fn a_path_of_path_max_bytes_is_rejected() {
    let long = "a/".repeat(2048);
    assert_eq!(fs::stat(&*long), Err(Errno::ENAMETOOLONG));
    assert_eq!(
        fs::open(&*long, OFlags::RDONLY, Mode::empty()),
        Err(Errno::ENAMETOOLONG)
    );
}

#[test]
fn openat_is_relative_to_the_directory_fd() {
    let dir = TempDir::new("openat");
    std::fs::write(dir.path().join("inner"), b"inside").unwrap();
    let d = fs::open(
        dir.path().to_str().unwrap(),
        OFlags::DIRECTORY | OFlags::RDONLY,
        Mode::empty(),
    )
    .unwrap();
    let fd = fs::openat(&d, "inner", OFlags::RDONLY, Mode::empty()).unwrap();
    let mut buf = [0u8; 16];
    let n = read(&fd, &mut buf).unwrap();
    assert_eq!(&buf[..n], b"inside");
    assert_eq!(
        fs::openat(&d, "nope", OFlags::RDONLY, Mode::empty()),
        Err(Errno::ENOENT)
    );
    // CWD is AT_FDCWD.
    assert!(fs::openat(CWD, "Cargo.toml", OFlags::RDONLY, Mode::empty()).is_ok());
}

#[test]
fn fchmod_sets_exact_bits_whatever_the_umask() {
    let dir = TempDir::new("fchmod");
    let file = dir.join("f");
    let fd = fs::open(&*file, OFlags::CREAT | OFlags::WRONLY, mode(0o600)).unwrap();
    fs::fchmod(&fd, mode(0o757)).unwrap();
    let bits = std::fs::metadata(&file).unwrap().permissions().mode() & 0o7777;
    assert_eq!(bits, 0o757);
    assert_eq!(fs::fstat(&fd).unwrap().permissions, 0o757);
    // SAFETY: (test): far above any open descriptor; the kernel reports EBADF.
    let never_open = unsafe { syscall_kit::BorrowedFd::borrow_raw(1 << 20) };
    assert_eq!(fs::fchmod(never_open, mode(0o644)), Err(Errno::EBADF));
}

/// `ftruncate` cuts a file and extends it with a hole: the size grows, the blocks do not, the
/// new bytes read as zeros, and the offset stays.
#[test]
fn ftruncate_cuts_and_extends_with_a_hole() {
    let dir = TempDir::new("ftruncate");
    let path = dir.join("f");
    std::fs::write(&path, b"0123456789").unwrap();
    let fd = fs::open(&*path, OFlags::RDWR, Mode::empty()).unwrap();
    fs::ftruncate(&fd, 4).unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), b"0123");
    const MIB: u64 = 1 << 20;
    fs::ftruncate(&fd, 64 * MIB).unwrap();
    let st = fs::fstat(&fd).unwrap();
    assert_eq!(st.size, 64 * MIB);
    assert!(
        st.blocks * 512 < MIB,
        "{} blocks: the extension is a hole",
        st.blocks
    );
    let mut b = [1u8; 4];
    assert_eq!(syscall_kit::io::pread(&fd, &mut b, 32 * MIB), Ok(4));
    assert_eq!(b, [0; 4]);
    assert_eq!(
        syscall_kit::io::lseek(&fd, 0, syscall_kit::io::Whence::Current),
        Ok(0)
    );
}
