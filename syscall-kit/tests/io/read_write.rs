//! `read`, `pread`, `write`, `write_all`, `lseek` (with `SEEK_DATA` and `SEEK_HOLE`) and `pipe2` (`src/io/read_write.rs`), against the real
//! kernel.

use std::sync::atomic::{AtomicUsize, Ordering};

use crate::common::TempDir;
use syscall_kit::Errno;
use syscall_kit::fs::{self, Mode, OFlags};
use syscall_kit::io::{Whence, lseek, pipe2, pread, read, write, write_all};

#[test]
fn lseek_moves_the_offset_and_rejects_pipes() {
    let dir = TempDir::new("lseek");
    let path = dir.join("f");
    std::fs::write(&path, b"0123456789").unwrap();
    let fd = fs::open(&*path, OFlags::RDONLY, Mode::empty()).unwrap();
    assert_eq!(lseek(&fd, 4, Whence::Start), Ok(4));
    let mut b = [0u8; 3];
    assert_eq!(read(&fd, &mut b), Ok(3));
    assert_eq!(&b, b"456");
    assert_eq!(lseek(&fd, -2, Whence::Current), Ok(5));
    assert_eq!(lseek(&fd, -1, Whence::End), Ok(9));
    assert_eq!(lseek(&fd, -100, Whence::Start), Err(Errno::EINVAL));
    let (r, _w) = pipe2(OFlags::CLOEXEC).unwrap();
    assert_eq!(lseek(&r, 0, Whence::Current), Err(Errno::ESPIPE));
}

/// A file with data at its start and at 1 MiB, a hole between: `SEEK_DATA` and `SEEK_HOLE` find
/// them, and the end of the file counts as a hole.
#[test]
fn lseek_finds_the_data_and_the_holes_of_a_sparse_file() {
    const MIB: u64 = 1 << 20;
    let dir = TempDir::new("lseek-holes");
    let path = dir.join("sparse");
    {
        use std::os::unix::fs::FileExt;
        let f = std::fs::File::create(&path).unwrap();
        f.write_all_at(b"head", 0).unwrap();
        f.write_all_at(b"tail", MIB).unwrap();
    }
    let fd = fs::open(&*path, OFlags::RDONLY, Mode::empty()).unwrap();
    let st = fs::fstat(&fd).unwrap();
    assert!(
        st.blocks * 512 < MIB,
        "{path}: {} blocks of 512 bytes: the temporary directory's file system keeps no holes",
        st.blocks
    );
    assert_eq!(lseek(&fd, 0, Whence::Data), Ok(0));
    let hole = lseek(&fd, 0, Whence::Hole).unwrap();
    assert!((4..MIB).contains(&hole), "the first hole at {hole}");
    assert_eq!(lseek(&fd, hole as i64, Whence::Data), Ok(MIB));
    assert_eq!(lseek(&fd, MIB as i64, Whence::Hole), Ok(MIB + 4));
    // The offset moves: a read there reads the data.
    let mut b = [0u8; 4];
    assert_eq!(read(&fd, &mut b), Ok(0), "at the end (the last seek)");
    assert_eq!(lseek(&fd, hole as i64, Whence::Data), Ok(MIB));
    assert_eq!(read(&fd, &mut b), Ok(4));
    assert_eq!(&b, b"tail");
    assert_eq!(
        lseek(&fd, (MIB + 4) as i64, Whence::Data),
        Err(Errno::ENXIO)
    );
    assert_eq!(
        lseek(&fd, (MIB + 5) as i64, Whence::Hole),
        Err(Errno::ENXIO)
    );
}

#[test]
fn pread_reads_at_an_offset_without_moving_it_and_rejects_pipes() {
    let dir = TempDir::new("pread");
    let path = dir.join("f");
    std::fs::write(&path, b"0123456789").unwrap();
    let fd = fs::open(&*path, OFlags::RDONLY, Mode::empty()).unwrap();
    let mut b = [0u8; 3];
    assert_eq!(pread(&fd, &mut b, 6), Ok(3));
    assert_eq!(&b, b"678");
    // Fewer at the end of the file, none past it; the offset is where it was.
    assert_eq!(pread(&fd, &mut b, 8), Ok(2));
    assert_eq!(&b[..2], b"89");
    assert_eq!(pread(&fd, &mut b, 100), Ok(0));
    assert_eq!(lseek(&fd, 0, Whence::Current), Ok(0));
    assert_eq!(pread(&fd, &mut b, u64::MAX), Err(Errno::EINVAL));
    let (r, _w) = pipe2(OFlags::CLOEXEC).unwrap();
    assert_eq!(pread(&r, &mut b, 0), Err(Errno::ESPIPE));
}

#[test]
fn write_to_a_read_only_fd_is_ebadf_and_read_of_a_directory_is_eisdir() {
    let fd = fs::open("/dev/null", OFlags::RDONLY, Mode::empty()).unwrap();
    assert_eq!(write(&fd, b"x"), Err(Errno::EBADF));
    let dir = TempDir::new("readdir");
    let d = fs::open(
        dir.path().to_str().unwrap(),
        OFlags::DIRECTORY,
        Mode::empty(),
    )
    .unwrap();
    assert_eq!(read(&d, &mut [0u8; 8]), Err(Errno::EISDIR));
}

#[test]
fn write_to_dev_full_is_enospc() {
    let full = fs::open("/dev/full", OFlags::WRONLY, Mode::empty()).unwrap();
    assert_eq!(write(&full, b"x"), Err(Errno::ENOSPC));
    assert_eq!(write_all(&full, b"x"), Err(Errno::ENOSPC));
    assert_eq!(
        write_all(&full, b""),
        Ok(()),
        "nothing to write: no call, no error"
    );
}

#[test]
fn write_to_a_pipe_without_reader_is_epipe() {
    // The test harness ignores SIGPIPE (as Rust's std runtime does), so the error is returned.
    let (r, w) = pipe2(OFlags::CLOEXEC).unwrap();
    drop(r);
    assert_eq!(write_all(&w, b"x"), Err(Errno::EPIPE));
}

#[test]
fn a_nonblocking_pipe_takes_a_partial_write_and_write_all_reports_eagain() {
    let (r, w) = pipe2(OFlags::CLOEXEC | OFlags::NONBLOCK).unwrap();
    let big = vec![0xabu8; 1 << 20];
    // The pipe holds 64 KiB by default: write(2) takes part of the buffer.
    let n = write(&w, &big).unwrap();
    assert!(n > 0 && n < big.len(), "partial write of {n} bytes");
    assert_eq!(write(&w, &big), Err(Errno::EAGAIN));
    assert_eq!(write_all(&w, &big), Err(Errno::EAGAIN));
    let mut buf = vec![0u8; n];
    let got = read(&r, &mut buf).unwrap();
    assert!(got > 0 && buf[..got].iter().all(|&b| b == 0xab));
}

static SIGNALS: AtomicUsize = AtomicUsize::new(0);

extern "C" fn count_signal(_: libc::c_int) {
    SIGNALS.fetch_add(1, Ordering::Relaxed);
}

/// `write_all` through a pipe whose reader is slow, while signals (installed without
/// `SA_RESTART`) interrupt the writer: the kernel returns partial counts and `EINTR`, and every
/// byte still arrives, in order.
#[test]
fn write_all_survives_partial_writes_and_eintr() {
    // SAFETY: (test): installs a handler that only increments an atomic.
    unsafe {
        let mut sa: libc::sigaction = std::mem::zeroed();
        sa.sa_sigaction = count_signal as extern "C" fn(libc::c_int) as usize;
        sa.sa_flags = 0; // no SA_RESTART: interrupted writes return early
        assert_eq!(libc::sigaction(libc::SIGUSR1, &sa, std::ptr::null_mut()), 0);
    }
    let (r, w) = pipe2(OFlags::CLOEXEC).unwrap();
    let data: Vec<u8> = (0..8 << 20).map(|i: u32| (i % 251) as u8).collect();
    let expected = data.clone();
    let (tid_tx, tid_rx) = std::sync::mpsc::channel();
    let writer = std::thread::spawn(move || {
        // SAFETY: (test): pthread_self has no preconditions.
        tid_tx.send(unsafe { libc::pthread_self() }).unwrap();
        let res = write_all(&w, &data);
        drop(w);
        res
    });
    let tid = tid_rx.recv().unwrap();
    let mut got = Vec::with_capacity(expected.len());
    let mut buf = vec![0u8; 4096];
    let mut reads = 0u64;
    loop {
        if reads.is_multiple_of(8) && got.len() < expected.len() {
            // SAFETY: (test): the writer thread is alive until it has written everything, and the
            // reader (this thread) has not seen end of file yet.
            unsafe { libc::pthread_kill(tid, libc::SIGUSR1) };
        }
        match read(&r, &mut buf) {
            Ok(0) => break,
            Ok(n) => got.extend_from_slice(&buf[..n]),
            Err(Errno::EINTR) => {}
            Err(e) => panic!("read: {e}"),
        }
        reads += 1;
    }
    assert_eq!(writer.join().unwrap(), Ok(()));
    assert!(got == expected, "all bytes arrive in order");
    assert!(
        SIGNALS.load(Ordering::Relaxed) > 0,
        "signals were delivered during the writes"
    );
}
