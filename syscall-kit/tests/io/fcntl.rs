//! `fcntl_getfl` and `fcntl_setfl` (`src/io/fcntl.rs`), against the real kernel.

use syscall_kit::Errno;
use syscall_kit::fs::OFlags;
use syscall_kit::io::{fcntl_getfl, fcntl_setfl, pipe2, read};

#[test]
fn status_flags_read_and_set_nonblock() {
    let (r, w) = pipe2(OFlags::CLOEXEC).unwrap();
    let flags = fcntl_getfl(&w).unwrap();
    assert!(flags.contains(OFlags::WRONLY));
    assert!(!flags.contains(OFlags::NONBLOCK));
    fcntl_setfl(&r, fcntl_getfl(&r).unwrap() | OFlags::NONBLOCK).unwrap();
    assert!(fcntl_getfl(&r).unwrap().contains(OFlags::NONBLOCK));
    // Now a read of the empty pipe fails at once instead of blocking.
    assert_eq!(read(&r, &mut [0u8; 1]), Err(Errno::EAGAIN));
    fcntl_setfl(&r, OFlags::empty()).unwrap();
    assert!(!fcntl_getfl(&r).unwrap().contains(OFlags::NONBLOCK));
    drop(w);
    assert_eq!(read(&r, &mut [0u8; 1]), Ok(0));
}

#[test]
fn status_flags_of_a_closed_descriptor_are_ebadf() {
    let (r, _w) = pipe2(OFlags::CLOEXEC).unwrap();
    let n = r.as_raw_fd();
    drop(r);
    // SAFETY: (test): the number is closed: the calls must fail, not touch another file.
    let closed = unsafe { syscall_kit::BorrowedFd::borrow_raw(n) };
    assert_eq!(fcntl_getfl(closed), Err(Errno::EBADF));
    assert_eq!(fcntl_setfl(closed, OFlags::NONBLOCK), Err(Errno::EBADF));
}
