//! Owned descriptors close exactly once. One test in its own process: descriptor numbers are
//! process-wide, and other test threads would reuse them.


mod common;

use common::fd_is_open;
use syscall_kit::fs::{self, Mode, OFlags};
use syscall_kit::io::{read, write};
use syscall_kit::{BorrowedFd, Errno, OwnedFd, fd};

fn open_null() -> OwnedFd {
    fs::open("/dev/null", OFlags::RDWR, Mode::empty()).unwrap()
}

#[test]
fn owned_fds_close_exactly_once() {
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
