//! `sendfile`, `splice` and `copy_file_range` (`src/io/copy.rs`), against the real kernel: the
//! data that arrives, the offsets that move, and the errors of misuse.

use crate::common::TempDir;
use syscall_kit::fs::{self, Mode, OFlags};
use syscall_kit::io::{
    SpliceFlags, Whence, copy_file_range, lseek, pipe2, read, sendfile, splice, write_all,
};
use syscall_kit::{Errno, OwnedFd};

/// 300 KiB of a pattern that repeats every 251 bytes, so misplaced bytes show.
fn pattern() -> Vec<u8> {
    (0..300 * 1024).map(|i: u32| (i % 251) as u8).collect()
}

fn file_with(dir: &TempDir, name: &str, data: &[u8]) -> (String, OwnedFd) {
    let path = dir.join(name);
    std::fs::write(&path, data).unwrap();
    let fd = fs::open(&*path, OFlags::RDONLY | OFlags::CLOEXEC, Mode::empty()).unwrap();
    (path, fd)
}

fn new_file(dir: &TempDir, name: &str, extra: OFlags) -> (String, OwnedFd) {
    let path = dir.join(name);
    let flags = OFlags::WRONLY | OFlags::CREAT | OFlags::TRUNC | OFlags::CLOEXEC | extra;
    let fd = fs::open(&*path, flags, Mode::RUSR | Mode::WUSR).unwrap();
    (path, fd)
}

#[test]
fn copy_file_range_copies_a_whole_file_and_moves_both_offsets() {
    let dir = TempDir::new("cfr");
    let data = pattern();
    let (_, src) = file_with(&dir, "src", &data);
    let (dst_path, dst) = new_file(&dir, "dst", OFlags::empty());
    let mut total = 0;
    loop {
        let n = copy_file_range(&src, None, &dst, None, 1 << 30).unwrap();
        if n == 0 {
            break;
        }
        total += n;
    }
    assert_eq!(total, data.len());
    assert_eq!(lseek(&src, 0, Whence::Current), Ok(data.len() as u64));
    assert_eq!(lseek(&dst, 0, Whence::Current), Ok(data.len() as u64));
    assert_eq!(std::fs::read(dst_path).unwrap(), data);
}

#[test]
fn copy_file_range_with_explicit_offsets_leaves_the_file_offsets_alone() {
    let dir = TempDir::new("cfr-off");
    let data = pattern();
    let (_, src) = file_with(&dir, "src", &data);
    let (dst_path, dst) = new_file(&dir, "dst", OFlags::empty());
    let (mut off_in, mut off_out) = (1000i64, 0i64);
    let n = copy_file_range(&src, Some(&mut off_in), &dst, Some(&mut off_out), 10).unwrap();
    assert_eq!(n, 10);
    assert_eq!((off_in, off_out), (1010, 10));
    assert_eq!(lseek(&src, 0, Whence::Current), Ok(0));
    assert_eq!(lseek(&dst, 0, Whence::Current), Ok(0));
    assert_eq!(std::fs::read(dst_path).unwrap(), &data[1000..1010]);
}

#[test]
fn copy_file_range_errors_ebadf_einval_and_append() {
    let dir = TempDir::new("cfr-err");
    let (_, src) = file_with(&dir, "src", b"abc");
    let (_, dst) = new_file(&dir, "dst", OFlags::empty());
    // A read-only descriptor as the output.
    assert_eq!(
        copy_file_range(&src, None, &src, None, 3),
        Err(Errno::EBADF)
    );
    // A pipe is not a regular file.
    let (r, _w) = pipe2(OFlags::CLOEXEC).unwrap();
    assert_eq!(copy_file_range(&r, None, &dst, None, 3), Err(Errno::EINVAL));
    // An output opened with O_APPEND (the shell's `>>`).
    let (_, app) = new_file(&dir, "app", OFlags::APPEND);
    assert_eq!(
        copy_file_range(&src, None, &app, None, 3),
        Err(Errno::EBADF)
    );
}

#[test]
fn sendfile_copies_a_file_into_a_pipe_and_advances_an_explicit_offset() {
    let dir = TempDir::new("sendfile");
    let (_, src) = file_with(&dir, "src", b"0123456789");
    let (r, w) = pipe2(OFlags::CLOEXEC).unwrap();
    let mut off = 3i64;
    assert_eq!(sendfile(&w, &src, Some(&mut off), 4), Ok(4));
    assert_eq!(off, 7);
    assert_eq!(
        lseek(&src, 0, Whence::Current),
        Ok(0),
        "file offset untouched"
    );
    assert_eq!(sendfile(&w, &src, None, 100), Ok(10));
    assert_eq!(sendfile(&w, &src, None, 100), Ok(0), "end of file");
    let mut buf = [0u8; 32];
    let n = read(&r, &mut buf).unwrap();
    assert_eq!(&buf[..n], b"34560123456789");
}

#[test]
fn sendfile_errors_ebadf_and_einval() {
    let dir = TempDir::new("sendfile-err");
    let (_, src) = file_with(&dir, "src", b"abc");
    let (r, w) = pipe2(OFlags::CLOEXEC).unwrap();
    // The output is read-only.
    assert_eq!(sendfile(&src, &src, None, 3), Err(Errno::EBADF));
    // The input is a pipe, which sendfile cannot read from.
    let (_, dst) = new_file(&dir, "dst", OFlags::empty());
    write_all(&w, b"x").unwrap();
    assert_eq!(sendfile(&dst, &r, None, 1), Err(Errno::EINVAL));
}

#[test]
fn splice_moves_file_to_pipe_to_file() {
    let dir = TempDir::new("splice");
    let data = pattern();
    let (_, src) = file_with(&dir, "src", &data);
    let (dst_path, dst) = new_file(&dir, "dst", OFlags::empty());
    let (r, w) = pipe2(OFlags::CLOEXEC).unwrap();
    let mut total = 0;
    loop {
        let n = splice(&src, None, &w, None, 1 << 20, SpliceFlags::empty()).unwrap();
        if n == 0 {
            break;
        }
        let mut left = n;
        while left > 0 {
            left -= splice(&r, None, &dst, None, left, SpliceFlags::empty()).unwrap();
        }
        total += n;
    }
    assert_eq!(total, data.len());
    assert_eq!(std::fs::read(dst_path).unwrap(), data);
}

#[test]
fn splice_errors_espipe_einval_and_eagain() {
    let dir = TempDir::new("splice-err");
    let (_, src) = file_with(&dir, "src", b"abc");
    let (_, dst) = new_file(&dir, "dst", OFlags::empty());
    let (r, w) = pipe2(OFlags::CLOEXEC).unwrap();
    // An offset for a pipe.
    let mut off = 0i64;
    assert_eq!(
        splice(&src, None, &w, Some(&mut off), 3, SpliceFlags::empty()),
        Err(Errno::ESPIPE)
    );
    // Neither end a pipe.
    assert_eq!(
        splice(&src, None, &dst, None, 3, SpliceFlags::empty()),
        Err(Errno::EINVAL)
    );
    // An empty pipe with SPLICE_F_NONBLOCK, while its write end is open.
    assert_eq!(
        splice(&r, None, &dst, None, 3, SpliceFlags::NONBLOCK),
        Err(Errno::EAGAIN)
    );
}
