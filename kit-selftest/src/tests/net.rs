//! Sockets: a loopback TCP pair exchanges bytes, the connect made non-blocking and awaited
//! with epoll.

use alloc::format;

use syscall_kit::Errno;
use syscall_kit::event::{
    EpollCreateFlags, EpollEvent, EpollFlags, epoll_add, epoll_create1, epoll_mod, epoll_pwait,
};
use syscall_kit::io::{read, write_all};
use syscall_kit::net::{
    Domain, SocketAddr, SocketFlags, SocketType, accept4, bind, connect, getsockname, listen,
    socket, socket_error,
};

use super::support::WAIT_BOUND;
use crate::TestResult;

pub fn loopback_pair() -> TestResult {
    let e = |what: &'static str| move |e: Errno| format!("{what}: {e}");
    let any = SocketAddr::parse(b"127.0.0.1:0").ok_or("parse")?;
    let l =
        socket(Domain::INET, SocketType::STREAM, SocketFlags::CLOEXEC, 0).map_err(e("socket"))?;
    bind(&l, &any).map_err(e("bind"))?;
    listen(&l, 1).map_err(e("listen"))?;
    let addr = getsockname(&l).map_err(e("getsockname"))?;
    let c = socket(
        Domain::INET,
        SocketType::STREAM,
        SocketFlags::CLOEXEC | SocketFlags::NONBLOCK,
        0,
    )
    .map_err(e("socket"))?;
    match connect(&c, &addr) {
        Ok(()) | Err(Errno::EINPROGRESS) => {}
        Err(x) => return Err(format!("connect: {x}")),
    }
    let ep = epoll_create1(EpollCreateFlags::CLOEXEC).map_err(e("epoll_create1"))?;
    epoll_add(&ep, &c, EpollFlags::OUT, 9).map_err(e("epoll_ctl"))?;
    let mut events = [EpollEvent::empty(); 1];
    let n = epoll_pwait(&ep, &mut events, WAIT_BOUND).map_err(e("epoll_pwait"))?;
    check!(
        n == 1 && events[0].data() == 9,
        "epoll: {n} {:?}",
        events[0]
    );
    check!(
        socket_error(&c) == Ok(None),
        "SO_ERROR: {:?}",
        socket_error(&c)
    );
    let (s, _) = accept4(&l, SocketFlags::CLOEXEC).map_err(e("accept4"))?;
    write_all(&s, b"over loopback").map_err(e("write"))?;
    drop(s);
    // Read to end of file, waiting for readability between reads (the socket is non-blocking).
    epoll_mod(&ep, &c, EpollFlags::IN, 1).map_err(e("epoll_ctl"))?;
    let mut buf = [0u8; 64];
    let mut got = 0;
    loop {
        epoll_pwait(&ep, &mut events, WAIT_BOUND).map_err(e("epoll_pwait"))?;
        match read(&c, &mut buf[got..]) {
            Ok(0) => break,
            Ok(k) => got += k,
            Err(Errno::EAGAIN) => {}
            Err(x) => return Err(format!("read: {x}")),
        }
    }
    check!(&buf[..got] == b"over loopback", "got {:?}", &buf[..got]);
    Ok(())
}
