//! Sockets: a loopback TCP pair exchanges bytes, the connect made non-blocking and awaited
//! with epoll; `accept` without the peer's address; addresses printed and parsed (`Display`,
//! `FromStr`) on every architecture, big-endian included.

use alloc::format;

use syscall_kit::Errno;
use syscall_kit::event::{
    EpollCreateFlags, EpollEvent, EpollFlags, epoll_add, epoll_create1, epoll_mod, epoll_pwait,
};
use syscall_kit::io::{read, write_all};
use syscall_kit::net::{
    Domain, IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, SocketFlags, SocketType, accept, accept4, bind,
    connect, getpeername, getsockname, listen, socket, socket_error,
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
        Err(x) => return Err(format!("connect: {x}").into()),
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
            Err(x) => return Err(format!("read: {x}").into()),
        }
    }
    check!(&buf[..got] == b"over loopback", "got {:?}", &buf[..got]);
    Ok(())
}

pub fn accept_without_peer() -> TestResult {
    let e = |what: &'static str| move |e: Errno| format!("{what}: {e}");
    let any = SocketAddr::from((Ipv4Addr::LOCALHOST, 0));
    let l =
        socket(Domain::INET, SocketType::STREAM, SocketFlags::CLOEXEC, 0).map_err(e("socket"))?;
    // Not listening yet: EINVAL.
    match accept(&l, SocketFlags::CLOEXEC) {
        Err(Errno::EINVAL) => {}
        other => return Err(format!("accept before listen: {:?}", other.map(drop)).into()),
    }
    bind(&l, &any).map_err(e("bind"))?;
    listen(&l, 1).map_err(e("listen"))?;
    let addr = getsockname(&l).map_err(e("getsockname"))?;
    // Loopback completes the connection into the backlog before any accept.
    let c =
        socket(Domain::INET, SocketType::STREAM, SocketFlags::CLOEXEC, 0).map_err(e("socket"))?;
    connect(&c, &addr).map_err(e("connect"))?;
    let s = accept(&l, SocketFlags::CLOEXEC | SocketFlags::NONBLOCK).map_err(e("accept"))?;
    let (peer, client) = (
        getpeername(&s).map_err(e("getpeername"))?,
        getsockname(&c).map_err(e("getsockname"))?,
    );
    check!(peer == client, "the peer is {peer}, the client {client}");
    write_all(&c, b"x").map_err(e("write"))?;
    let mut buf = [0u8; 4];
    let n = read(&s, &mut buf);
    // Non-blocking (the flag was given): the byte, or not yet there.
    check!(matches!(n, Ok(1) | Err(Errno::EAGAIN)), "read: {n:?}");
    Ok(())
}

pub fn addresses_as_text() -> TestResult {
    // (text, as std prints it): the byte order of every architecture through segments.
    let cases = [
        ("127.0.0.1:8080", "127.0.0.1:8080"),
        ("10.1.2.3:007", "10.1.2.3:7"),
        ("[::1]:8080", "[::1]:8080"),
        ("[::]:0", "[::]:0"),
        ("[2001:DB8:0:0:1:0:0:1]:80", "[2001:db8::1:0:0:1]:80"),
        ("[1:0:0:4:0:0:0:8]:1", "[1:0:0:4::8]:1"),
        ("[1:2:3:4:5:6:0:8]:1", "[1:2:3:4:5:6:0:8]:1"),
        ("[::ffff:192.0.2.1]:53", "[::ffff:192.0.2.1]:53"),
        ("[fe80::1%2]:22", "[fe80::1%2]:22"),
    ];
    for (text, printed) in cases {
        let addr: SocketAddr = text.parse().map_err(|e| format!("{text}: {e}"))?;
        let got = format!("{addr}");
        check!(got == printed, "{text} printed as {got}");
        check!(got.parse() == Ok(addr), "{got} does not read back");
    }
    let ip: Ipv6Addr = "2001:db8::1".parse().map_err(|e| format!("{e}"))?;
    check!(
        ip.segments() == [0x2001, 0xdb8, 0, 0, 0, 0, 0, 1],
        "segments {:?}",
        ip.segments()
    );
    let v6 = SocketAddr::new(IpAddr::V6(Ipv6Addr::LOCALHOST), 443);
    check!(format!("{v6}") == "[::1]:443", "{v6}");
    let padded = format!("{:>12}|{:<12}|", Ipv4Addr::LOCALHOST, Ipv4Addr::LOCALHOST);
    check!(padded == "   127.0.0.1|127.0.0.1   |", "{padded:?}");
    let err = "127.0.0.1".parse::<SocketAddr>();
    let shown = err.map_err(|e| format!("{e}"));
    check!(
        shown == Err("invalid socket address syntax".into()),
        "{shown:?}"
    );
    Ok(())
}
