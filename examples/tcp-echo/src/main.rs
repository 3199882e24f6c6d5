//! `tcp-echo [ADDR:PORT]`: a TCP echo server on syscall-kit, an example of the kit's network and
//! event calls. It writes back every byte each client sends, to any number of clients, on one
//! epoll loop and one thread.
//!
//! - It listens on `ADDR:PORT` (default `127.0.0.1:7007`; `[::1]:7007` for IPv6; port 0 lets
//!   the kernel choose) and says where: `tcp-echo: listening on 127.0.0.1:7007`.
//! - Each connection is logged with its peer's address as it opens and closes
//!   (`tcp-echo: 127.0.0.1:51234 connected`, `… closed`), and an error on it ends that
//!   connection only, logged with the error's name (`tcp-echo: 127.0.0.1:51234: ECONNRESET:
//!   Connection reset by peer`).
//! - A client that sends faster than it reads is not read from until what it was sent has been
//!   written (its socket's `EPOLLOUT`): the server's memory per client stays bounded.
//! - `SIGTERM` or `SIGINT` (blocked, and read from a `signalfd` in the same loop: no handler
//!   runs) closes every connection and ends the program with status 0.
//! - Exit status 1: the server could not start (`tcp-echo: bind 127.0.0.1:7007: EADDRINUSE:
//!   Address in use`) or its loop failed; 2: bad usage.

#![no_std]
#![no_main]

extern crate alloc;

use alloc::vec::Vec;
use core::str::FromStr;

use syscall_kit::event::{
    EpollCreateFlags, EpollEvent, EpollFlags, epoll_add, epoll_create1, epoll_mod, epoll_pwait,
};
use syscall_kit::io;
use syscall_kit::net::{self, Domain, MsgFlags, SocketAddr, SocketFlags, SocketType};
use syscall_kit::rt::heap::KernelHeap;
use syscall_kit::signal::{self, How, SfdFlags, SigSet};
use syscall_kit::time::Timeout;
use syscall_kit::{Errno, OwnedFd, eprintln, println};

#[global_allocator]
static HEAP: KernelHeap = KernelHeap::new();

syscall_kit::main!(main);

const USAGE: &str = "usage: tcp-echo [ADDR:PORT]   (default 127.0.0.1:7007; [::1]:PORT for IPv6)";

/// The epoll tag of the listening socket; of the signalfd; a connection's is its index in the
/// connection table plus [`FIRST_CONNECTION`].
const LISTENER: u64 = 0;
const SIGNALS: u64 = 1;
const FIRST_CONNECTION: u64 = 2;

/// One client.
struct Connection {
    fd: OwnedFd,
    peer: SocketAddr,
    /// Bytes read and not yet written back (the client is not read from while there are any).
    pending: Vec<u8>,
    /// Whether the epoll set waits for the socket to be writable (`pending` is not empty)
    /// rather than readable.
    writing: bool,
}

fn main() -> i32 {
    let mut args = syscall_kit::rt::args().skip(1);
    let text = match (args.next(), args.next()) {
        (None, _) => "127.0.0.1:7007",
        (Some(arg), None) if arg.to_bytes() == b"--help" || arg.to_bytes() == b"-h" => {
            println!("{USAGE}");
            return 0;
        }
        (Some(arg), None) => match arg.to_str() {
            Ok(text) => text,
            Err(_) => return usage("the address is not UTF-8"),
        },
        (Some(_), Some(_)) => return usage("one address at most"),
    };
    let addr = match SocketAddr::from_str(text) {
        Ok(addr) => addr,
        Err(e) => {
            eprintln!("tcp-echo: {text}: {e}");
            return 2;
        }
    };
    match serve(addr) {
        Ok(()) => 0,
        Err((what, e)) => {
            eprintln!("tcp-echo: {what}: {e}");
            1
        }
    }
}

/// Bad usage: one line and exit status 2.
fn usage(why: &str) -> i32 {
    eprintln!("tcp-echo: {why}\n{USAGE}");
    2
}

/// What failed, for the message: the call, and for `bind` the address.
type Failure = (alloc::string::String, Errno);

/// Adds the call's name to an error.
fn context<T>(what: &str, r: Result<T, Errno>) -> Result<T, Failure> {
    r.map_err(|e| (alloc::string::String::from(what), e))
}

/// Listens on `addr` and echoes until `SIGTERM` or `SIGINT`.
fn serve(addr: SocketAddr) -> Result<(), Failure> {
    let flags = SocketFlags::CLOEXEC | SocketFlags::NONBLOCK;
    let listener = context(
        "socket",
        net::socket(Domain::of(&addr), SocketType::STREAM, flags, 0),
    )?;
    context("setsockopt", net::set_reuseaddr(&listener, true))?;
    net::bind(&listener, &addr).map_err(|e| (alloc::format!("bind {addr}"), e))?;
    context("listen", net::listen(&listener, 128))?;
    println!(
        "tcp-echo: listening on {}",
        context("getsockname", net::getsockname(&listener))?
    );

    // SIGTERM and SIGINT are blocked and read from a descriptor: they arrive as events of the
    // loop, between two of its steps, never in the middle of one.
    let stop = SigSet::empty().with(signal::SIGTERM).with(signal::SIGINT);
    context("sigprocmask", signal::sigprocmask(How::Block, Some(&stop)))?;
    let signals = context(
        "signalfd",
        signal::signalfd(&stop, SfdFlags::CLOEXEC | SfdFlags::NONBLOCK),
    )?;

    let epoll = context("epoll_create1", epoll_create1(EpollCreateFlags::CLOEXEC))?;
    context(
        "epoll_ctl",
        epoll_add(&epoll, &listener, EpollFlags::IN, LISTENER),
    )?;
    context(
        "epoll_ctl",
        epoll_add(&epoll, &signals, EpollFlags::IN, SIGNALS),
    )?;

    // The connections, by tag; a closed one leaves a `None` that the next one takes.
    let mut connections: Vec<Option<Connection>> = Vec::new();
    let mut events = [EpollEvent::empty(); 64];
    loop {
        let n = match epoll_pwait(&epoll, &mut events, Timeout::Forever) {
            Ok(n) => n,
            Err(Errno::EINTR) => continue,
            Err(e) => return Err(("epoll_pwait".into(), e)),
        };
        for event in &events[..n] {
            match event.data() {
                LISTENER => accept_all(&epoll, &listener, &mut connections)?,
                SIGNALS => {
                    let info = context("read", signal::signalfd_read(&signals))?;
                    let open = connections.iter().flatten().count();
                    let name = if info.signo() == signal::SIGINT {
                        "SIGINT"
                    } else {
                        "SIGTERM"
                    };
                    println!("tcp-echo: {name}: closing {open} connection(s)");
                    return Ok(());
                }
                tag => {
                    let index = (tag - FIRST_CONNECTION) as usize;
                    if let Some(Some(c)) = connections.get_mut(index)
                        && let Err(e) = step(&epoll, c, tag, event.events())
                    {
                        match e {
                            Some(e) => println!("tcp-echo: {}: {e}", c.peer),
                            None => println!("tcp-echo: {} closed", c.peer),
                        }
                        // Closing the descriptor removes it from the epoll set too.
                        connections[index] = None;
                    }
                }
            }
        }
    }
}

/// Accepts every connection waiting (the listener is non-blocking: until `EAGAIN`).
fn accept_all(
    epoll: &OwnedFd,
    listener: &OwnedFd,
    connections: &mut Vec<Option<Connection>>,
) -> Result<(), Failure> {
    loop {
        let (fd, peer) = match net::accept4(listener, SocketFlags::CLOEXEC | SocketFlags::NONBLOCK)
        {
            Ok((fd, Some(peer))) => (fd, peer),
            // A peer of another family (none for TCP): not ours to serve.
            Ok((_, None)) => continue,
            Err(Errno::EAGAIN) => return Ok(()),
            // The client gave up before it was accepted, or a signal came: the next one.
            Err(Errno::ECONNABORTED | Errno::EINTR) => continue,
            // Out of descriptors or memory: leave the rest in the backlog for now, and say so.
            Err(e @ (Errno::EMFILE | Errno::ENFILE | Errno::ENOBUFS | Errno::ENOMEM)) => {
                eprintln!("tcp-echo: accept: {e}");
                return Ok(());
            }
            Err(e) => return Err(("accept4".into(), e)),
        };
        let index = match connections.iter().position(Option::is_none) {
            Some(free) => free,
            None => {
                connections.push(None);
                connections.len() - 1
            }
        };
        let tag = index as u64 + FIRST_CONNECTION;
        context("epoll_ctl", epoll_add(epoll, &fd, EpollFlags::IN, tag))?;
        println!("tcp-echo: {peer} connected");
        connections[index] = Some(Connection {
            fd,
            peer,
            pending: Vec::new(),
            writing: false,
        });
    }
}

/// Reads what `c` sent and writes it back, as far as the socket takes it. `Err(None)`: the
/// client closed its side; `Err(Some(e))`: the connection failed. Either ends it.
fn step(
    epoll: &OwnedFd,
    c: &mut Connection,
    tag: u64,
    ready: EpollFlags,
) -> Result<(), Option<Errno>> {
    if c.pending.is_empty() {
        let mut buf = [0u8; 16384];
        let n = match io::read(&c.fd, &mut buf) {
            Ok(0) => return Err(None),
            Ok(n) => n,
            Err(Errno::EAGAIN | Errno::EINTR) => return Ok(()),
            Err(e) => return Err(Some(e)),
        };
        c.pending.extend_from_slice(&buf[..n]);
    } else if !ready.intersects(EpollFlags::OUT | EpollFlags::ERR | EpollFlags::HUP) {
        return Ok(());
    }
    while !c.pending.is_empty() {
        match net::send(&c.fd, &c.pending, MsgFlags::NOSIGNAL) {
            Ok(n) => {
                c.pending.drain(..n);
            }
            Err(Errno::EINTR) => {}
            Err(Errno::EAGAIN) => break,
            Err(e) => return Err(Some(e)),
        }
    }
    // Read again once everything is written; until then, wait until the socket takes more.
    let writing = !c.pending.is_empty();
    if writing != c.writing {
        let interest = if writing {
            EpollFlags::OUT
        } else {
            EpollFlags::IN
        };
        epoll_mod(epoll, &c.fd, interest, tag).map_err(Some)?;
        c.writing = writing;
    }
    Ok(())
}
