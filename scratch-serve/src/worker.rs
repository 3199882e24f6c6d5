//! A worker process: one epoll loop over its listening socket, its signals and its
//! connections, each connection a small state machine.
//!
//! A connection reads a request's head into a buffer of the pool ([`BUF`] bytes: a head
//! longer is `431`, or `414` when its request line alone is), answers it (the head of the
//! response written whole, then the file with `sendfile`, the head sent with `MSG_MORE` so
//! that both leave in one segment when they fit), and reads the next one: requests sent ahead
//! (pipelined) wait in the buffer, and are answered in order once the response before is sent.
//! While a response is being sent the connection waits for the socket to take more
//! (`EPOLLOUT`) and reads nothing. A connection that is idle holds no buffer.
//!
//! Every second the loop closes the connections past their deadline: the header time-out from
//! the first byte of a head (or from the connection's start) until the head is whole, the idle
//! time-out between requests, and while a response makes no progress.

use core::time::Duration;

use syscall_kit::event::{
    EpollCreateFlags, EpollEvent, EpollFlags, epoll_add, epoll_create1, epoll_del, epoll_mod,
    epoll_pwait,
};
use syscall_kit::net::{self, MsgFlags, SockOpt, SocketAddr, SocketFlags};
use syscall_kit::signal::{self, SfdFlags, SigSet};
use syscall_kit::text::{Buf, Decimal};
use syscall_kit::time::{self, ClockId, Timeout};
use syscall_kit::{Errno, OwnedFd, io};

use crate::date::{http_date, log_date};
use crate::mime::Types;
use crate::options::{Balance, Options};
use crate::region::{BUF, BufId, Pool, Slots};
use crate::reply::{self, Head, Reply, Site};
use crate::request;
use crate::say::{name, say};
use crate::status::Status;

/// The epoll tags: the listening socket, the signals, then a connection's index plus
/// [`FIRST`].
const LISTENER: u64 = 0;
const SIGNALS: u64 = 1;
const FIRST: u64 = 2;

/// What a worker is given by the process that starts it.
pub struct Setup<'a> {
    pub options: &'a Options,
    pub dir: &'a OwnedFd,
    pub types: &'a Types,
    pub listener: &'a OwnedFd,
    /// The most connections this worker holds at once.
    pub max_connections: usize,
    /// Its number, from 1, for its messages.
    pub number: u32,
}

/// One connection.
struct Conn {
    fd: Option<OwnedFd>,
    /// The client's address, for the access log.
    peer: Option<SocketAddr>,
    /// The buffer of what was read and not yet answered: `start..end` of it.
    input: Option<BufId>,
    start: usize,
    end: usize,
    /// Where the search for the end of the head goes on from (what is before was searched).
    searched: usize,
    /// The rest of a response's head that the socket did not take at once: `out_at..out_end`.
    output: Option<BufId>,
    out_at: usize,
    out_end: usize,
    /// The file of the response being sent, where its next byte is, and how many are left.
    file: Option<OwnedFd>,
    offset: i64,
    left: u64,
    /// Close once the response is sent.
    close_after: bool,
    /// The epoll set waits for the socket to be writable (a response is being sent), rather
    /// than readable.
    writing: bool,
    /// The last response is sent and the server has shut its side: what the client still
    /// sends is read and dropped until it closes (or [`LINGER`] seconds pass), so that the
    /// close does not reset the connection and lose the response.
    lingering: bool,
    /// The second (on the monotonic clock) after which the connection is closed.
    deadline: u64,
}

const EMPTY: Conn = Conn {
    fd: None,
    peer: None,
    input: None,
    start: 0,
    end: 0,
    searched: 0,
    output: None,
    out_at: 0,
    out_end: 0,
    file: None,
    offset: 0,
    left: 0,
    close_after: false,
    writing: false,
    lingering: false,
    deadline: 0,
};

/// How long a connection that is closing reads and drops what its client sends, at most.
const LINGER: u64 = 2;

/// What became of a connection after a step.
#[derive(PartialEq, Eq)]
enum Flow {
    Open,
    Close,
}

/// The times the loop keeps: now, on the monotonic clock (deadlines) and the wall clock (the
/// `Date` field and the log).
struct Clock {
    mono: u64,
    wall: i64,
    date: Buf<29>,
    log_date: Buf<26>,
}

impl Clock {
    /// Reads both clocks; the texts are made again only when the second changes.
    fn tick(&mut self) {
        let Ok(now) = time::clock_gettime(ClockId::MONOTONIC) else {
            return;
        };
        let mono = now.sec as u64;
        if mono != self.mono || self.date.as_bytes().is_empty() {
            self.mono = mono;
            if let Ok(wall) = time::clock_gettime(ClockId::REALTIME) {
                self.wall = wall.sec;
            }
            self.date = http_date(self.wall);
            self.log_date = log_date(self.wall);
        }
    }
}

/// The access log: whole lines in a buffer, written out once per turn of the loop (or when
/// full), each write of whole lines and at most `PIPE_BUF` bytes so that the lines of several
/// workers on one pipe never mix.
struct Log {
    on: bool,
    buf: Buf<4096>,
}

impl Log {
    fn flush(&mut self) {
        if !self.buf.as_bytes().is_empty() {
            if let Err(e) = io::write_all(syscall_kit::stdout(), self.buf.as_bytes()) {
                // The log's reader has gone, or its disk is full: say so once, serve on.
                say(&[b"access log: ", name(e).as_bytes(), b": no more lines"]);
                self.on = false;
            }
            self.buf.clear();
        }
    }

    /// `PEER - - [DATE] "REQUEST LINE" STATUS BYTES`, the Common Log Format; a `"` or `\` of
    /// the request line escaped.
    fn line(&mut self, peer: Option<&SocketAddr>, date: &[u8], request: &[u8], reply: &Reply) {
        if !self.on {
            return;
        }
        let mut line = Buf::<{ BUF + 256 }>::new();
        let peer = peer.map(|p| match p {
            SocketAddr::V4(a) => a.ip.text(),
            SocketAddr::V6(a) => a.ip.text(),
        });
        line.push(peer.as_ref().map_or(&b"-"[..], |p| p.as_bytes()));
        line.push(b" - - [");
        line.push(date);
        line.push(b"] \"");
        if request.is_empty() {
            line.push(b"-");
        }
        for &b in request {
            match b {
                b'"' => line.push(b"\\x22"),
                b'\\' => line.push(b"\\\\"),
                _ => line.push(&[b]),
            };
        }
        line.push(b"\" ");
        line.push(reply.status.code());
        line.push(b" ");
        line.push(Decimal::from_u64(reply.body_len).as_bytes());
        line.push(b"\n");
        if self.buf.as_bytes().len() + line.as_bytes().len() > 4096 {
            self.flush();
        }
        if !self.buf.push(line.as_bytes()) {
            // A line longer than the buffer: alone.
            let _ = io::write_all(syscall_kit::stdout(), line.as_bytes());
        }
    }
}

/// A worker's state.
struct Worker<'a> {
    setup: &'a Setup<'a>,
    epoll: OwnedFd,
    conns: Slots<Conn>,
    pool: Pool,
    head: Head,
    clock: Clock,
    log: Log,
    /// The listening socket is in the epoll set.
    accepting: bool,
    /// Accepting waits for a connection to close, or a second to pass: the descriptors ran
    /// out.
    starved: bool,
    /// SIGTERM or SIGINT came: the second by which to be gone.
    stopping: Option<u64>,
}

/// Runs a worker until it is told to stop; returns its exit status.
pub fn run(setup: &Setup<'_>) -> i32 {
    let mut stop = SigSet::empty();
    stop = stop.with(signal::SIGTERM).with(signal::SIGINT);
    let started = (|| {
        let epoll =
            epoll_create1(EpollCreateFlags::CLOEXEC).map_err(|e| (&b"epoll_create1"[..], e))?;
        let signals = signal::signalfd(&stop, SfdFlags::CLOEXEC | SfdFlags::NONBLOCK)
            .map_err(|e| (&b"signalfd"[..], e))?;
        epoll_add(&epoll, &signals, EpollFlags::IN, SIGNALS).map_err(|e| (&b"epoll_ctl"[..], e))?;
        // Two buffers a connection at the most: the head being read, the head being sent.
        let conns = Slots::new(setup.max_connections).map_err(|e| (&b"mmap"[..], e))?;
        let pool = Pool::new(2 * setup.max_connections).map_err(|e| (&b"mmap"[..], e))?;
        Ok::<_, (&[u8], Errno)>((epoll, signals, conns, pool))
    })();
    let (epoll, signals, conns, pool) = match started {
        Ok(s) => s,
        Err((what, e)) => {
            complain(setup, what, e);
            return crate::server::WORKER_START_FAILED;
        }
    };
    let mut w = Worker {
        setup,
        epoll,
        conns,
        pool,
        head: Head::new(),
        clock: Clock {
            mono: 0,
            wall: 0,
            date: Buf::new(),
            log_date: Buf::new(),
        },
        log: Log {
            on: setup.options.access_log,
            buf: Buf::new(),
        },
        accepting: false,
        starved: false,
        stopping: None,
    };
    w.clock.tick();
    w.listen(true);
    let mut events = [EpollEvent::empty(); 64];
    let mut last_sweep = w.clock.mono;
    loop {
        let n = match epoll_pwait(
            &w.epoll,
            &mut events,
            Timeout::After(Duration::from_secs(1)),
        ) {
            Ok(n) => n,
            Err(Errno::EINTR) => 0,
            Err(e) => {
                complain(setup, b"epoll_pwait", e);
                return 1;
            }
        };
        w.clock.tick();
        for event in events.iter().take(n) {
            match event.data() {
                LISTENER => w.accept(),
                SIGNALS => {
                    if signal::signalfd_read(&signals).is_ok() {
                        w.stop();
                    }
                }
                tag => {
                    let index = (tag - FIRST) as usize;
                    w.step(index, event.events());
                }
            }
        }
        if w.clock.mono != last_sweep {
            last_sweep = w.clock.mono;
            w.sweep();
        }
        w.log.flush();
        if let Some(by) = w.stopping {
            if w.conns.len() == 0 {
                return 0;
            }
            if w.clock.mono >= by {
                let open = w.conns.len() as u32;
                for index in 0..w.conns.made() {
                    w.close(index);
                }
                say(&[
                    b"worker ",
                    Decimal::new(setup.number).as_bytes(),
                    b": grace period over, ",
                    Decimal::new(open).as_bytes(),
                    b" connection(s) closed",
                ]);
                return 0;
            }
        }
    }
}

impl Worker<'_> {
    /// Puts the listening socket in the epoll set (`true`) or takes it out.
    fn listen(&mut self, on: bool) {
        if on == self.accepting {
            return;
        }
        let listener = self.setup.listener;
        let done = if on {
            let mut interest = EpollFlags::IN;
            if self.setup.options.balance == Balance::Exclusive {
                interest |= EpollFlags::EXCLUSIVE;
            }
            epoll_add(&self.epoll, listener, interest, LISTENER)
        } else {
            epoll_del(&self.epoll, listener)
        };
        match done {
            Ok(()) => self.accepting = on,
            Err(e) => complain(self.setup, b"epoll_ctl of the listening socket", e),
        }
    }

    /// Takes the listening socket in again if there is room and the server is not stopping.
    fn may_accept(&mut self) {
        if self.stopping.is_none() && !self.starved && self.conns.len() < self.setup.max_connections
        {
            self.listen(true);
        }
    }

    /// Accepts the connections waiting, while there is room for them.
    fn accept(&mut self) {
        let flags = SocketFlags::CLOEXEC | SocketFlags::NONBLOCK;
        for _ in 0..64 {
            if self.conns.len() >= self.setup.max_connections {
                // The next ones wait in the backlog until one closes.
                self.listen(false);
                return;
            }
            let (fd, peer) = match net::accept4(self.setup.listener, flags) {
                Ok(accepted) => accepted,
                Err(Errno::EAGAIN) => return,
                // Gone before it was accepted, or a signal: the next one.
                Err(Errno::ECONNABORTED | Errno::EINTR | Errno::EPROTO) => continue,
                // Out of descriptors or memory: leave them in the backlog, serve the
                // connections open, try again when one closes or in a second.
                Err(Errno::EMFILE | Errno::ENFILE | Errno::ENOBUFS | Errno::ENOMEM) => {
                    self.starved = true;
                    self.listen(false);
                    return;
                }
                Err(e) => {
                    complain(self.setup, b"accept4", e);
                    return;
                }
            };
            // Small responses leave at once; a head and its body are joined by MSG_MORE.
            let _ = net::setsockopt(&fd, SockOpt::TCP_NODELAY, 1);
            let deadline = self.clock.mono + self.setup.options.header_timeout.as_secs();
            let conn = Conn {
                peer: if self.log.on { peer } else { None },
                deadline,
                ..EMPTY
            };
            let Some(index) = self.conns.insert(conn) else {
                return;
            };
            let tag = index as u64 + FIRST;
            let added = epoll_add(&self.epoll, &fd, EpollFlags::IN, tag);
            if let Some(c) = self.conns.get_mut(index) {
                c.fd = Some(fd);
            }
            if added.is_err() {
                self.close(index);
            }
        }
    }

    /// SIGTERM or SIGINT: accept no more, close the idle connections, finish the others.
    fn stop(&mut self) {
        if self.stopping.is_some() {
            return;
        }
        self.stopping = Some(self.clock.mono + self.setup.options.grace.as_secs().max(1));
        self.listen(false);
        for index in 0..self.conns.made() {
            if self
                .conns
                .get_mut(index)
                .is_some_and(|c| c.fd.is_some() && c.start == c.end && !c.writing && c.left == 0)
            {
                self.close(index);
            }
        }
    }

    /// Closes connection `index` (if open), giving its buffers back.
    fn close(&mut self, index: usize) {
        let Some(c) = self.conns.get_mut(index) else {
            return;
        };
        if c.fd.is_none() {
            return;
        }
        let (input, output) = (c.input.take(), c.output.take());
        for id in [input, output].into_iter().flatten() {
            self.pool.give(id);
        }
        // Closing the descriptor takes it out of the epoll set.
        self.conns.remove(index, EMPTY);
        self.may_accept();
    }

    /// Closes the connections past their deadline (a `408` first to one whose head was
    /// coming, best effort); lets the listening socket in again after a shortage.
    fn sweep(&mut self) {
        let now = self.clock.mono;
        for index in 0..self.conns.made() {
            let Some(c) = self.conns.get_mut(index) else {
                continue;
            };
            if c.fd.is_none() || c.deadline > now {
                continue;
            }
            let mid_head = c.start < c.end && !c.writing && c.left == 0;
            if mid_head && let Some(fd) = c.fd.as_ref() {
                let site = site(self.setup, &self.clock, true);
                let _ = reply::refuse(&site, &mut self.head, Status::REQUEST_TIMEOUT);
                let _ = net::send(fd, self.head.as_bytes(), MsgFlags::NOSIGNAL);
            }
            self.close(index);
        }
        if self.starved {
            self.starved = false;
            self.may_accept();
        }
    }

    /// An event of connection `index`.
    fn step(&mut self, index: usize, ready: EpollFlags) {
        let Some(c) = self.conns.get_mut(index) else {
            return;
        };
        if c.fd.is_none() {
            return;
        }
        let flow = if c.lingering {
            linger(c)
        } else if c.writing {
            self.drive(index)
        } else if ready.intersects(EpollFlags::IN | EpollFlags::ERR | EpollFlags::HUP) {
            match self.read(index) {
                Flow::Open => self.drive(index),
                Flow::Close => Flow::Close,
            }
        } else {
            Flow::Open
        };
        if flow == Flow::Close {
            self.close(index);
        }
    }

    /// Reads what the socket holds into the connection's buffer.
    fn read(&mut self, index: usize) -> Flow {
        let Some(c) = self.conns.get_mut(index) else {
            return Flow::Close;
        };
        let id = match c.input {
            Some(id) => id,
            None => match self.pool.take() {
                Some(id) => {
                    c.input = Some(id);
                    c.start = 0;
                    c.end = 0;
                    c.searched = 0;
                    id
                }
                None => return Flow::Close,
            },
        };
        let buf = self.pool.bytes(id);
        // Room at the end: what is left of an earlier head moves to the front first.
        if c.end == BUF && c.start > 0 {
            // Forward, byte by byte: the front never overtakes what it copies.
            for i in 0..BUF - c.start {
                if let Some(&b) = buf.get(c.start + i)
                    && let Some(front) = buf.get_mut(i)
                {
                    *front = b;
                }
            }
            c.searched -= c.start;
            c.end -= c.start;
            c.start = 0;
        }
        let Some(room) = buf.get_mut(c.end..).filter(|r| !r.is_empty()) else {
            // Full, and the head not whole: said by `drive`.
            return Flow::Open;
        };
        let Some(fd) = c.fd.as_ref() else {
            return Flow::Close;
        };
        match net::recv(fd, room, MsgFlags::empty()) {
            Ok(0) => Flow::Close,
            Ok(n) => {
                if c.start == c.end {
                    // The first byte of a head: its time starts.
                    c.deadline = self.clock.mono + self.setup.options.header_timeout.as_secs();
                }
                c.end += n;
                Flow::Open
            }
            Err(Errno::EAGAIN | Errno::EINTR) => Flow::Open,
            Err(_) => Flow::Close,
        }
    }

    /// Sends what is pending and answers the requests waiting, as far as the socket takes;
    /// then waits for the socket (`EPOLLOUT`) or for more of the next request (`EPOLLIN`).
    fn drive(&mut self, index: usize) -> Flow {
        loop {
            match self.send(index) {
                Sent::Blocked => return self.interest(index, true),
                Sent::Failed => return Flow::Close,
                Sent::Done => {}
            }
            let Some(c) = self.conns.get_mut(index) else {
                return Flow::Close;
            };
            if c.close_after || (self.stopping.is_some() && c.start == c.end) {
                // Shut down our side, and read what the client still sends until it closes.
                let Some(fd) = c.fd.as_ref() else {
                    return Flow::Close;
                };
                if net::shutdown(fd, net::Shutdown::Write).is_err() {
                    return Flow::Close;
                }
                c.lingering = true;
                c.deadline = self.clock.mono + LINGER;
                if let Some(id) = c.input.take() {
                    self.pool.give(id);
                }
                let flow = self.interest(index, false);
                // What came already.
                return match (flow, self.conns.get_mut(index)) {
                    (Flow::Open, Some(c)) => linger(c),
                    _ => Flow::Close,
                };
            }
            if !self.next_request(index) {
                return self.interest(index, false);
            }
        }
    }

    /// Waits for the socket to be writable (`true`) or readable.
    fn interest(&mut self, index: usize, writing: bool) -> Flow {
        let Some(c) = self.conns.get_mut(index) else {
            return Flow::Close;
        };
        if c.writing != writing {
            let events = if writing {
                EpollFlags::OUT
            } else {
                EpollFlags::IN
            };
            let Some(fd) = c.fd.as_ref() else {
                return Flow::Close;
            };
            if epoll_mod(&self.epoll, fd, events, index as u64 + FIRST).is_err() {
                return Flow::Close;
            }
            c.writing = writing;
        }
        Flow::Open
    }

    /// Answers the next request of the buffer, if it is there whole: its response is then
    /// pending. `false` when there is none yet (or the connection is to close).
    fn next_request(&mut self, index: usize) -> bool {
        let setup = self.setup;
        let Some(c) = self.conns.get_mut(index) else {
            return false;
        };
        let Some(id) = c.input else {
            return false;
        };
        let buf = self.pool.bytes(id);
        // Empty lines before a request line are skipped (RFC 9112 §2.2).
        while let Some(&b) = buf.get(c.start).filter(|_| c.start < c.end) {
            let crlf = b == b'\r' && buf.get(c.start + 1) == Some(&b'\n') && c.start + 1 < c.end;
            if b == b'\n' {
                c.start += 1;
            } else if crlf {
                c.start += 2;
            } else {
                break;
            }
        }
        c.searched = c.searched.max(c.start);
        if c.start == c.end {
            // Nothing waiting: the buffer goes back, the connection is idle.
            c.start = 0;
            c.end = 0;
            c.searched = 0;
            if let Some(id) = c.input.take() {
                self.pool.give(id);
            }
            c.deadline = self.clock.mono + setup.options.idle_timeout.as_secs();
            return false;
        }
        let window = buf.get(c.start..c.end).unwrap_or_default();
        // Go on searching from a little before where the last search stopped: the end of the
        // head may have come across two reads.
        let from = c.searched.saturating_sub(c.start).saturating_sub(2);
        let reply = match request::head_end(window, from) {
            None => {
                c.searched = c.end;
                if c.end - c.start < BUF {
                    return false;
                }
                // The buffer is full and the head is not whole.
                let status = if window.contains(&b'\n') {
                    Status::FIELDS_TOO_LARGE
                } else {
                    Status::URI_TOO_LONG
                };
                let site = site(setup, &self.clock, self.stopping.is_some());
                let reply = reply::refuse(&site, &mut self.head, status);
                self.log
                    .line(c.peer.as_ref(), self.clock.log_date.as_bytes(), b"", &reply);
                c.start = c.end;
                reply
            }
            Some(len) => {
                let head = window.get(..len).unwrap_or_default();
                let site = site(setup, &self.clock, self.stopping.is_some());
                let reply = match request::parse(head) {
                    Ok(req) => {
                        let reply = reply::answer(&site, &req, &mut self.head);
                        let date = self.clock.log_date.as_bytes();
                        self.log.line(c.peer.as_ref(), date, req.line, &reply);
                        reply
                    }
                    Err(status) => {
                        let reply = reply::refuse(&site, &mut self.head, status);
                        let date = self.clock.log_date.as_bytes();
                        self.log.line(c.peer.as_ref(), date, b"", &reply);
                        reply
                    }
                };
                c.start += len;
                c.searched = c.start;
                reply
            }
        };
        c.close_after |= reply.close;
        if let Some((file, first, len)) = reply.file {
            c.file = Some(file);
            c.offset = first as i64;
            c.left = len;
        }
        c.deadline = self.clock.mono + setup.options.idle_timeout.as_secs();
        // The head: sent at once, and what the socket does not take kept for later.
        let more = if c.left > 0 {
            MsgFlags::MORE
        } else {
            MsgFlags::empty()
        };
        let head = self.head.as_bytes();
        let Some(fd) = c.fd.as_ref() else {
            return false;
        };
        let sent = match net::send(fd, head, MsgFlags::NOSIGNAL | more) {
            Ok(n) => n,
            Err(Errno::EAGAIN | Errno::EINTR) => 0,
            Err(_) => {
                c.close_after = true;
                c.left = 0;
                c.file = None;
                return true;
            }
        };
        let rest = head.get(sent..).unwrap_or_default();
        if !rest.is_empty() {
            match self.pool.take() {
                Some(out) => {
                    let room = self.pool.bytes(out);
                    for (slot, &b) in room.iter_mut().zip(rest) {
                        *slot = b;
                    }
                    c.output = Some(out);
                    c.out_at = 0;
                    c.out_end = rest.len().min(BUF);
                }
                None => {
                    c.close_after = true;
                    c.left = 0;
                    c.file = None;
                }
            }
        }
        true
    }

    /// Sends the pending part of the response: the rest of its head, then its file.
    fn send(&mut self, index: usize) -> Sent {
        let Some(c) = self.conns.get_mut(index) else {
            return Sent::Failed;
        };
        let Some(fd) = c.fd.as_ref() else {
            return Sent::Failed;
        };
        if let Some(out) = c.output {
            let more = if c.left > 0 {
                MsgFlags::MORE
            } else {
                MsgFlags::empty()
            };
            while c.out_at < c.out_end {
                let pending = self
                    .pool
                    .bytes(out)
                    .get(c.out_at..c.out_end)
                    .unwrap_or_default();
                match net::send(fd, pending, MsgFlags::NOSIGNAL | more) {
                    Ok(n) => c.out_at += n,
                    Err(Errno::EINTR) => {}
                    Err(Errno::EAGAIN) => return Sent::Blocked,
                    Err(_) => return Sent::Failed,
                }
            }
            c.output = None;
            self.pool.give(out);
        }
        while c.left > 0 {
            let Some(file) = c.file.as_ref() else {
                return Sent::Failed;
            };
            let count = c.left.min(1 << 30) as usize;
            match io::sendfile(fd, file, Some(&mut c.offset), count) {
                // The file is shorter than when its length was sent: the response cannot be
                // whole, and only closing the connection says so.
                Ok(0) => return Sent::Failed,
                Ok(n) => {
                    c.left = c.left.saturating_sub(n as u64);
                    c.deadline = self.clock.mono + self.setup.options.idle_timeout.as_secs();
                }
                Err(Errno::EINTR) => {}
                Err(Errno::EAGAIN) => return Sent::Blocked,
                Err(_) => return Sent::Failed,
            }
        }
        c.file = None;
        Sent::Done
    }
}

/// Reads and drops what a lingering connection's client sends; [`Flow::Close`] once it has
/// closed (or failed).
fn linger(c: &mut Conn) -> Flow {
    let mut sink = [0u8; 4096];
    let Some(fd) = c.fd.as_ref() else {
        return Flow::Close;
    };
    loop {
        match net::recv(fd, &mut sink, MsgFlags::empty()) {
            Ok(0) => return Flow::Close,
            Ok(_) | Err(Errno::EINTR) => {}
            Err(Errno::EAGAIN) => return Flow::Open,
            Err(_) => return Flow::Close,
        }
    }
}

/// What [`Worker::send`] did.
enum Sent {
    /// Everything pending is sent.
    Done,
    /// The socket takes no more for now.
    Blocked,
    /// The connection failed (or the file shrank).
    Failed,
}

/// `worker N: WHAT: ENAME`, one line on standard error.
#[inline(never)]
fn complain(setup: &Setup<'_>, what: &[u8], e: Errno) {
    let n = Decimal::new(setup.number);
    say(&[
        b"worker ",
        n.as_bytes(),
        b": ",
        what,
        b": ",
        name(e).as_bytes(),
    ]);
}

/// The site as a request sees it now.
fn site<'a>(setup: &'a Setup<'a>, clock: &'a Clock, stopping: bool) -> Site<'a> {
    Site {
        dir: setup.dir,
        options: setup.options,
        types: setup.types,
        date: clock.date.as_bytes(),
        now: clock.wall,
        stopping,
    }
}
