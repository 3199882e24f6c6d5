//! The event wrappers (`src/event/`), against the real kernel: epoll over pipes and eventfds.

use std::time::Duration;

use syscall_kit::Errno;
use syscall_kit::event::{
    EpollCreateFlags, EpollEvent, EpollFlags, EventfdFlags, epoll_add, epoll_create1, epoll_del,
    epoll_mod, epoll_pwait, eventfd_read, eventfd_write, eventfd2,
};
use syscall_kit::fs::OFlags;
use syscall_kit::io::{pipe2, write_all};
use syscall_kit::time::Timeout;

mod common;

#[test]
fn the_epoll_event_has_the_kernels_layout() {
    // Packed on x86_64, as the kernel's; 12 bytes on i686 either way (a u64 is 4-aligned there).
    let packed = cfg!(any(target_arch = "x86_64", target_arch = "x86"));
    let expected = if packed { 12 } else { 16 };
    assert_eq!(std::mem::size_of::<EpollEvent>(), expected);
    assert_eq!(
        std::mem::size_of::<EpollEvent>(),
        std::mem::size_of::<libc::epoll_event>()
    );
}

#[test]
fn epoll_reports_the_ready_descriptor_by_its_tag_and_times_out_otherwise() {
    let ep = epoll_create1(EpollCreateFlags::CLOEXEC).unwrap();
    let (r1, w1) = pipe2(OFlags::CLOEXEC).unwrap();
    let (r2, w2) = pipe2(OFlags::CLOEXEC).unwrap();
    epoll_add(&ep, &r1, EpollFlags::IN, 1).unwrap();
    epoll_add(&ep, &r2, EpollFlags::IN, 2).unwrap();
    let mut events = [EpollEvent::empty(); 4];
    assert_eq!(
        epoll_pwait(&ep, &mut events, Timeout::After(Duration::from_millis(10))),
        Ok(0)
    );
    write_all(&w2, b"x").unwrap();
    assert_eq!(epoll_pwait(&ep, &mut events, common::WAIT_BOUND), Ok(1));
    assert_eq!(events[0].data(), 2);
    assert!(events[0].events().contains(EpollFlags::IN));
    epoll_mod(&ep, &r2, EpollFlags::IN, 20).unwrap();
    assert_eq!(epoll_pwait(&ep, &mut events, Timeout::IMMEDIATE), Ok(1));
    assert_eq!(events[0].data(), 20, "the new tag");
    epoll_del(&ep, &r2).unwrap();
    assert_eq!(
        epoll_pwait(&ep, &mut events, Timeout::IMMEDIATE),
        Ok(0),
        "removed"
    );
    drop(w1);
    assert_eq!(epoll_pwait(&ep, &mut events, Timeout::IMMEDIATE), Ok(1));
    assert_eq!(events[0].data(), 1);
    assert!(events[0].events().contains(EpollFlags::HUP), "writer gone");
    assert_eq!(epoll_add(&ep, &r1, EpollFlags::IN, 1), Err(Errno::EEXIST));
    drop((r1, w2));
    assert!(common::fd_is_open(ep.as_raw_fd()));
}

#[test]
fn an_eventfd_counts_and_wakes_epoll() {
    let efd = eventfd2(2, EventfdFlags::CLOEXEC | EventfdFlags::NONBLOCK).unwrap();
    eventfd_write(&efd, 3).unwrap();
    assert_eq!(eventfd_read(&efd), Ok(5));
    assert_eq!(eventfd_read(&efd), Err(Errno::EAGAIN), "the count is zero");
    let sem = eventfd2(2, EventfdFlags::SEMAPHORE | EventfdFlags::NONBLOCK).unwrap();
    assert_eq!(eventfd_read(&sem), Ok(1));
    assert_eq!(eventfd_read(&sem), Ok(1));
    assert_eq!(eventfd_read(&sem), Err(Errno::EAGAIN));
    let ep = epoll_create1(EpollCreateFlags::empty()).unwrap();
    epoll_add(&ep, &efd, EpollFlags::IN, 7).unwrap();
    let mut events = [EpollEvent::empty(); 1];
    assert_eq!(epoll_pwait(&ep, &mut events, Timeout::IMMEDIATE), Ok(0));
    std::thread::scope(|s| {
        s.spawn(|| eventfd_write(&efd, 1).unwrap());
        assert_eq!(epoll_pwait(&ep, &mut events, common::WAIT_BOUND), Ok(1));
    });
    assert_eq!(events[0].data(), 7);
}
