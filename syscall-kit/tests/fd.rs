//! `OwnedFd`, `BorrowedFd`, `dup`, `dup2`, `dup2_stdin`/`dup2_stdout`/`dup2_stderr` and `close`
//! (`src/fd.rs`), against the real kernel: owned descriptors close exactly once.
//!
//! Descriptor numbers are process-wide and these tests watch them (the lowest free number is
//! reused), so the tests of this file run one at a time ([`one_at_a_time`]) in a process of
//! their own (this test binary), where no other test opens descriptors meanwhile.

mod common;

use std::sync::{Mutex, MutexGuard};

use common::{TempDir, fd_is_open};
use syscall_kit::fs::{self, Mode, OFlags};
use syscall_kit::io::{read, write, write_all};
use syscall_kit::{AsFd, BorrowedFd, Errno, OwnedFd, fd, stderr};

/// Held by each test of this file for its whole run.
fn one_at_a_time() -> MutexGuard<'static, ()> {
    static SERIAL: Mutex<()> = Mutex::new(());
    SERIAL
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn open_null() -> OwnedFd {
    fs::open("/dev/null", OFlags::RDWR, Mode::empty()).unwrap()
}

#[test]
fn owned_fds_close_exactly_once() {
    let _serial = one_at_a_time();
    // Drop closes.
    let a = open_null();
    let n = a.as_raw_fd();
    assert!(fd_is_open(n));
    drop(a);
    assert!(!fd_is_open(n), "drop closes the descriptor");

    // A closed descriptor gives EBADF.
    // SAFETY: (test): `n` is closed and nothing in this process reopens it before the calls.
    let closed = unsafe { BorrowedFd::borrow_raw(n) };
    assert_eq!(read(closed, &mut [0u8; 1]), Err(Errno::EBADF));
    assert_eq!(write(closed, b"x"), Err(Errno::EBADF));
    assert_eq!(fs::fstat(closed), Err(Errno::EBADF));

    // The number is reused by the next open; the earlier owner, dropped, does not close it
    // again (that would close the new file).
    let b = open_null();
    assert_eq!(b.as_raw_fd(), n, "lowest free number is reused");
    assert!(fd_is_open(n));

    // close() reports the result and consumes the owner: no second close on drop.
    b.close().unwrap();
    assert!(!fd_is_open(n));
    let c = open_null();
    assert_eq!(c.as_raw_fd(), n);
    assert!(
        fd_is_open(n),
        "the earlier close did not close the reused number"
    );

    // into_raw_fd gives up ownership: nothing is closed.
    let raw = c.into_raw_fd();
    assert!(fd_is_open(raw));
    // SAFETY: (test): `raw` is open and owned by nobody since into_raw_fd.
    let d = unsafe { OwnedFd::from_raw_fd(raw) };
    fd::close(d).unwrap();
    assert!(!fd_is_open(raw));

    // Closing a number that is not open reports EBADF (through an owner made for the test).
    // SAFETY: (test): `raw` is closed; the owner's close is the only call on it.
    let bogus = unsafe { OwnedFd::from_raw_fd(raw) };
    assert_eq!(bogus.close(), Err(Errno::EBADF));

    // dup gives a new owned number for the same file.
    let e = open_null();
    let dup = fd::dup(&e).unwrap();
    assert_ne!(dup.as_raw_fd(), e.as_raw_fd());
    assert!(fd_is_open(dup.as_raw_fd()));
    let dn = dup.as_raw_fd();
    drop(dup);
    assert!(!fd_is_open(dn));
    assert!(
        fd_is_open(e.as_raw_fd()),
        "closing the duplicate leaves the original open"
    );
}

/// What `/proc/self/fd/N` points to: the file that descriptor N refers to.
fn target_of(fd: &impl AsFd) -> std::path::PathBuf {
    std::fs::read_link(format!("/proc/self/fd/{}", fd.as_fd().as_raw_fd())).unwrap()
}

#[test]
fn dup2_redirects_an_owned_descriptor_and_the_same_number_is_a_no_op() {
    let _serial = one_at_a_time();
    let dir = TempDir::new("dup2");
    let path = dir.join("out");
    let file = fs::open(
        &*path,
        OFlags::CREAT | OFlags::WRONLY,
        Mode::from_bits_truncate(0o600),
    )
    .unwrap();
    let mut spare = fs::open("/dev/null", OFlags::WRONLY, Mode::empty()).unwrap();
    let n = spare.as_raw_fd();
    assert_eq!(target_of(&spare), std::path::Path::new("/dev/null"));

    fd::dup2(&file, &mut spare).unwrap();
    assert_eq!(spare.as_raw_fd(), n, "the number stays");
    assert_eq!(
        target_of(&spare),
        std::path::Path::new(&path),
        "it refers to the file now"
    );
    write_all(&spare, b"via dup2").unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), b"via dup2");

    // The same number: dup2(2) does nothing (dup3(2), under it, would say EINVAL).
    // SAFETY: (test): `spare` stays open for the call.
    let same = unsafe { BorrowedFd::borrow_raw(n) };
    assert_eq!(fd::dup2(same, &mut spare), Ok(()));
    write_all(&spare, b"!").unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), b"via dup2!");

    // A source that is not open: EBADF, and `spare` is left as it was.
    // SAFETY: (test): far above any open descriptor; the kernel reports EBADF.
    let never_open = unsafe { BorrowedFd::borrow_raw(1 << 20) };
    assert_eq!(fd::dup2(never_open, &mut spare), Err(Errno::EBADF));
    assert_eq!(target_of(&spare), std::path::Path::new(&path));
}

#[test]
fn dup2_stderr_redirects_descriptor_2_and_back() {
    let _serial = one_at_a_time();
    let dir = TempDir::new("dup2-stderr");
    let path = dir.join("err");
    let file = fs::open(
        &*path,
        OFlags::CREAT | OFlags::WRONLY | OFlags::CLOEXEC,
        Mode::from_bits_truncate(0o600),
    )
    .unwrap();
    let saved = fd::dup(stderr()).unwrap();
    let before = target_of(&stderr());

    fd::dup2_stderr(&file).unwrap();
    let written = write_all(stderr(), b"to the file\n");
    let now = target_of(&stderr());
    // Put standard error back before any assertion can fail and print to it.
    fd::dup2_stderr(&saved).unwrap();
    written.unwrap();
    assert_eq!(now, std::path::Path::new(&path));
    assert_eq!(std::fs::read(&path).unwrap(), b"to the file\n");
    assert_eq!(target_of(&stderr()), before, "standard error is back");

    // Descriptor 2 onto itself: nothing to do.
    assert_eq!(fd::dup2_stderr(stderr()), Ok(()));
    assert_eq!(target_of(&stderr()), before);
}

/// `cloexec_from(N)` marks every descriptor from N on close-on-exec (`/proc/self/fdinfo` shows
/// `O_CLOEXEC` in its flags) and closes none; the ones below N are untouched. In a child: the
/// flag is the whole process's, and other tests run programs meanwhile.
#[test]
fn cloexec_from_marks_the_descriptors_from_a_number_on() {
    let status = common::in_child_with(|| {
        let low = fs::open("/dev/null", OFlags::RDONLY, Mode::empty());
        let high = fs::open("/dev/null", OFlags::RDONLY, Mode::empty());
        let (Ok(low), Ok(high)) = (low, high) else {
            return 1;
        };
        if syscall_kit::fd::cloexec_from(high.as_raw_fd()).is_err() {
            return 2;
        }
        let cloexec = |fd: i32| {
            let mut path = *b"/proc/self/fdinfo/0000000000";
            let digits = syscall_kit::text::Decimal::new(fd as u32);
            let d = digits.as_bytes();
            let at = 18;
            path[at..at + d.len()].copy_from_slice(d);
            let path = &path[..at + d.len()];
            let mut buf = [0u8; 512];
            let n = common::read_into(std::str::from_utf8(path).unwrap_or(""), &mut buf)?;
            // "flags:\t0NNNNNNN": octal; O_CLOEXEC is 02000000.
            let text = &buf[..n];
            let line = text
                .split(|&b| b == b'\n')
                .find(|l| l.starts_with(b"flags:"))?;
            let octal = line.get(7..)?;
            let mut flags = 0u32;
            for &c in octal {
                flags = flags * 8 + u32::from(c.wrapping_sub(b'0'));
            }
            Some(flags & 0o2000000 != 0)
        };
        match (cloexec(low.as_raw_fd()), cloexec(high.as_raw_fd())) {
            (Some(false), Some(true)) => 0,
            _ => 3,
        }
    });
    assert_eq!(
        status.exit_status(),
        Some(0),
        "{status:?}: see the codes above"
    );
}
