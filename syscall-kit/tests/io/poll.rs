//! `poll` (`src/io/poll.rs`), against the real kernel.

use std::time::Duration;
use syscall_kit::fs::OFlags;

use syscall_kit::io::{PollFd, PollFlags, pipe2, poll, write_all};
use syscall_kit::time::Timeout;
use syscall_kit::{AsFd, Errno};

use crate::common::WAIT_BOUND;

#[test]
fn poll_times_out_then_sees_data_and_a_closed_descriptor() {
    let (r, w) = pipe2(OFlags::CLOEXEC).unwrap();
    let mut fds = [PollFd::new(r.as_fd(), PollFlags::IN)];
    assert_eq!(
        poll(&mut fds, Timeout::After(Duration::from_millis(10))),
        Ok(0),
        "empty pipe: time-out"
    );
    assert!(fds[0].revents().is_empty());
    write_all(&w, b"x").unwrap();
    assert_eq!(poll(&mut fds, WAIT_BOUND), Ok(1));
    assert!(fds[0].revents().contains(PollFlags::IN));
    let mut out = [PollFd::new(w.as_fd(), PollFlags::OUT)];
    assert_eq!(poll(&mut out, Timeout::IMMEDIATE), Ok(1));
    assert!(out[0].revents().contains(PollFlags::OUT));
    drop(r);
    assert_eq!(poll(&mut out, Timeout::IMMEDIATE), Ok(1));
    assert!(out[0].revents().contains(PollFlags::ERR), "reader gone");
    let n = w.as_raw_fd();
    drop(w);
    // SAFETY: (test): the number is closed; poll only reports it as invalid.
    let closed = unsafe { syscall_kit::BorrowedFd::borrow_raw(n) };
    let mut bad = [PollFd::new(closed, PollFlags::IN)];
    assert_eq!(poll(&mut bad, Timeout::IMMEDIATE), Ok(1));
    assert!(bad[0].revents().contains(PollFlags::NVAL));
}

#[test]
fn poll_of_more_descriptors_than_rlimit_nofile_is_einval() {
    let (r, _w) = pipe2(OFlags::CLOEXEC).unwrap();
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: (test): getrlimit writes one `rlimit` into `lim`.
    assert_eq!(unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) }, 0);
    let entries = usize::try_from(lim.rlim_cur).unwrap() + 1;
    assert!(entries <= 1 << 24, "soft RLIMIT_NOFILE too large to test");
    let mut fds = vec![PollFd::new(r.as_fd(), PollFlags::IN); entries];
    assert_eq!(poll(&mut fds, Timeout::IMMEDIATE), Err(Errno::EINVAL));
}
