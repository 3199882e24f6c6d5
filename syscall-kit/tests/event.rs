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

#[test]
fn epollexclusive_wakes_one_of_the_instances_that_share_a_descriptor() {
    let (r, w) = pipe2(OFlags::CLOEXEC).unwrap();
    let instances: Vec<_> = (0..4)
        .map(|i| {
            let ep = epoll_create1(EpollCreateFlags::CLOEXEC).unwrap();
            epoll_add(&ep, &r, EpollFlags::IN | EpollFlags::EXCLUSIVE, i).unwrap();
            ep
        })
        .collect();
    // Four threads wait, one on each instance; one write wakes at least one of them (the
    // kernel may wake more), and fewer than all four: the flag's point. The others are woken
    // by a second descriptor, an eventfd each, once the count is read.
    let woken = std::sync::atomic::AtomicUsize::new(0);
    let stops: Vec<_> = (0..4)
        .map(|_| eventfd2(0, EventfdFlags::CLOEXEC).unwrap())
        .collect();
    for (ep, stop) in instances.iter().zip(&stops) {
        epoll_add(ep, stop, EpollFlags::IN, 100).unwrap();
    }
    std::thread::scope(|s| {
        for ep in &instances {
            let woken = &woken;
            s.spawn(move || {
                let mut events = [EpollEvent::empty(); 2];
                let n = epoll_pwait(ep, &mut events, common::WAIT_BOUND).unwrap();
                if events[..n].iter().any(|e| e.data() < 100) {
                    woken.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                }
            });
        }
        // Every thread is waiting (or about to: an event pending before it waits is reported
        // at once all the same) before the write.
        std::thread::sleep(Duration::from_millis(50));
        write_all(&w, b"x").unwrap();
        std::thread::sleep(Duration::from_millis(50));
        for stop in &stops {
            eventfd_write(stop, 1).unwrap();
        }
    });
    let woken = woken.into_inner();
    assert!(woken >= 1, "the write woke no instance");
    // EPOLLEXCLUSIVE with a Mod, or with ONESHOT, is refused.
    assert_eq!(
        epoll_mod(&instances[0], &r, EpollFlags::IN | EpollFlags::EXCLUSIVE, 0),
        Err(Errno::EINVAL)
    );
    let ep = epoll_create1(EpollCreateFlags::CLOEXEC).unwrap();
    assert_eq!(
        epoll_add(
            &ep,
            &r,
            EpollFlags::IN | EpollFlags::EXCLUSIVE | EpollFlags::ONESHOT,
            0
        ),
        Err(Errno::EINVAL)
    );
}
