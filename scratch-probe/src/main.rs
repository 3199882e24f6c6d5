//! `scratch-probe`: a health probe for `FROM scratch` images, which have no shell, no curl and
//! no wget. System calls only, no libc, no heap.
//!
//! ```text
//! scratch-probe [--timeout DURATION] tcp HOST:PORT
//! scratch-probe [--timeout DURATION] http://HOST[:PORT]/PATH
//! ```
//!
//! - `tcp HOST:PORT`: exit 0 once a TCP connection is made.
//! - `http://…`: an HTTP/1.1 `GET` with `Host` and `Connection: close`; exit 0 for a 2xx or 3xx
//!   status, 1 otherwise. A URL without a port means port 80.
//! - `HOST` is an IPv4 literal, an IPv6 literal in brackets (`[::1]`) or `localhost`
//!   (127.0.0.1). There is no DNS: a scratch image has no resolver configuration.
//! - `--timeout` (default `5s`; `500ms`, `2s`, `1m`) bounds the whole probe: connect, write and
//!   read (a non-blocking connect and `poll(2)` with the time left on `CLOCK_MONOTONIC`).
//! - A failure is one line on standard error (`connection refused`, `timed out after 5s`,
//!   `HTTP 503`, `malformed response`) and exit status 1; bad usage is one line and exit 2.
//! - The response header is read into a fixed buffer of [`HEADER_MAX`] bytes: a longer one is
//!   an error, never an unbounded read.
//! - `--serve ADDR` (for tests and example images): answers every request with `200 OK`, and a
//!   request for `/stop` by closing the listening socket, so that probes fail from then on.

#![no_std]
#![no_main]

use core::time::Duration;

use syscall_kit::io::{self, PollFd, PollFlags};
use syscall_kit::net::{
    self, Domain, Ipv4Addr, MsgFlags, SocketAddr, SocketAddrV4, SocketFlags, SocketType,
};
use syscall_kit::time::{self, ClockId, Timespec};
use syscall_kit::{AsFd, Errno, OwnedFd, stderr, stdout};

syscall_kit::main!(main);

/// The largest response header read (status line and fields, up to the empty line).
const HEADER_MAX: usize = 8192;

const USAGE: &[u8] =
    b"usage: scratch-probe [--timeout DURATION] tcp HOST:PORT | http://HOST[:PORT]/PATH
       scratch-probe --serve HOST:PORT
Exit 0: connected (tcp), HTTP 2xx or 3xx (http); 1: failed, one line says why; 2: bad usage.
--timeout: for connect, write and read; default 5s (units ms, s, m).
--serve: answer 200 OK until a GET /stop.
HOST: IPv4, [IPv6] or localhost. No DNS.
";

/// Why the program stops.
enum Fail {
    /// Bad usage: exit 2.
    Usage(&'static [u8], &'static [u8]),
    /// The probe failed: exit 1.
    Probe(&'static [u8]),
    /// A system call failed: exit 1.
    Sys(&'static [u8], Errno),
    /// The deadline passed: exit 1.
    TimedOut,
    /// The server answered with a status other than 2xx, 3xx: exit 1.
    Status([u8; 3]),
}

/// A fixed buffer filled byte by byte, with no index that could panic (the panic machinery
/// would double the program's size).
struct Buf<const N: usize> {
    bytes: [u8; N],
    len: usize,
}

impl<const N: usize> Buf<N> {
    const fn new() -> Self {
        Buf {
            bytes: [0; N],
            len: 0,
        }
    }

    /// Appends `part`; `false` (and nothing appended past the end) when it does not fit.
    fn push(&mut self, part: &[u8]) -> bool {
        for &b in part {
            match self.bytes.get_mut(self.len) {
                Some(slot) => *slot = b,
                None => return false,
            }
            self.len += 1;
        }
        true
    }

    fn as_bytes(&self) -> &[u8] {
        self.bytes.get(..self.len).unwrap_or_default()
    }
}

/// `text` after `prefix`, if it starts with it (`strip_prefix` without its panic path).
fn after<'a>(text: &'a [u8], prefix: &[u8]) -> Option<&'a [u8]> {
    if text.starts_with(prefix) {
        text.get(prefix.len()..)
    } else {
        None
    }
}

/// Writes `parts` to standard error as one line (best effort: a probe has nowhere else).
fn say(parts: &[&[u8]]) {
    let mut line = Buf::<256>::new();
    line.push(b"scratch-probe: ");
    for p in parts {
        line.push(p);
    }
    line.push(b"\n");
    let _ = io::write_all(stderr(), line.as_bytes());
}

fn main() -> i32 {
    let mut args = syscall_kit::rt::args().skip(1);
    let mut timeout_text: &[u8] = b"5s";
    let mut timeout = Duration::from_secs(5);
    let mut target: Option<&[u8]> = None;
    let mut tcp = false;
    while let Some(arg) = args.next() {
        let arg = arg.to_bytes();
        match arg {
            b"--help" | b"-h" => {
                let _ = io::write_all(stdout(), USAGE);
                return 0;
            }
            b"--version" => {
                let _ = io::write_all(
                    stdout(),
                    concat!("scratch-probe ", env!("CARGO_PKG_VERSION"), "\n").as_bytes(),
                );
                return 0;
            }
            b"--timeout" => {
                let Some(t) = args.next() else {
                    return usage(b"--timeout needs a DURATION", b"");
                };
                timeout_text = t.to_bytes();
                match parse_duration(timeout_text) {
                    Some(d) => timeout = d,
                    None => return usage(b"bad --timeout: ", timeout_text),
                }
            }
            b"--serve" => {
                let Some(a) = args.next() else {
                    return usage(b"--serve needs ADDR:PORT", b"");
                };
                return finish(serve(a.to_bytes()), timeout_text);
            }
            b"tcp" if target.is_none() && !tcp => tcp = true,
            _ if arg.first() == Some(&b'-') => return usage(b"unknown option ", arg),
            _ if target.is_none() => target = Some(arg),
            _ => return usage(b"unexpected argument ", arg),
        }
    }
    let Some(target) = target else {
        return usage(b"nothing to probe (try --help)", b"");
    };
    let result = match time::clock_gettime(ClockId::MONOTONIC) {
        Err(e) => Err(Fail::Sys(b"clock_gettime", e)),
        Ok(now) => match now.checked_add(timeout) {
            None => Err(Fail::Usage(b"bad --timeout: ", b"too long")),
            Some(deadline) if tcp => probe_tcp(target, deadline),
            Some(deadline) => probe_http(target, deadline),
        },
    };
    finish(result, timeout_text)
}

fn usage(what: &'static [u8], arg: &[u8]) -> i32 {
    say(&[what, arg]);
    2
}

/// Reports `result` and gives the exit status.
fn finish(result: Result<(), Fail>, timeout: &[u8]) -> i32 {
    match result {
        Ok(()) => 0,
        Err(Fail::Usage(what, arg)) => usage(what, arg),
        Err(Fail::Probe(what)) => {
            say(&[what]);
            1
        }
        Err(Fail::Sys(what, e)) => {
            // The common network errors are spelled out, the others given by number, so that the
            // kit's table of errno names is not linked.
            let mut number = [b' '; 14];
            let text = match e {
                Errno::ECONNREFUSED => &b"connection refused"[..],
                Errno::ECONNRESET => b"connection reset by peer",
                Errno::ENETUNREACH => b"network unreachable",
                Errno::EHOSTUNREACH => b"no route to host",
                Errno::EADDRNOTAVAIL => b"address not available",
                Errno::EPIPE => b"connection closed by peer",
                _ => {
                    // "errno " and the decimal number, right-aligned in the buffer.
                    let mut n = e.raw().unsigned_abs();
                    let mut at = number.len();
                    loop {
                        at -= 1;
                        if let Some(d) = number.get_mut(at) {
                            *d = b'0' + (n % 10) as u8;
                        }
                        n /= 10;
                        if n == 0 || at <= 6 {
                            break;
                        }
                    }
                    let start = at.saturating_sub(6);
                    for (d, s) in number.iter_mut().skip(start).zip(b"errno ") {
                        *d = *s;
                    }
                    number.get(start..).unwrap_or_default()
                }
            };
            say(&[what, b": ", text]);
            1
        }
        Err(Fail::TimedOut) => {
            say(&[b"timed out after ", timeout]);
            1
        }
        Err(Fail::Status(code)) => {
            say(&[b"HTTP ", &code]);
            1
        }
    }
}

/// `500ms`, `2s`, `1m`, `3` (seconds).
fn parse_duration(text: &[u8]) -> Option<Duration> {
    let digits = text.iter().take_while(|b| b.is_ascii_digit()).count();
    if digits == 0 || digits > 9 {
        return None;
    }
    let (number, unit) = text.split_at_checked(digits)?;
    let n = number
        .iter()
        .fold(0u64, |n, &b| n * 10 + u64::from(b - b'0'));
    match unit {
        b"ms" => Some(Duration::from_millis(n)),
        b"" | b"s" => Some(Duration::from_secs(n)),
        b"m" => Some(Duration::from_secs(n * 60)),
        _ => None,
    }
}

/// `HOST:PORT` (or `HOST` alone with `default_port`), `HOST` a literal or `localhost`.
fn parse_host_port(text: &[u8], default_port: Option<u16>) -> Result<SocketAddr, Fail> {
    let bad = |what| Fail::Usage(what, b"");
    if text.is_empty() {
        return Err(bad(b"no host"));
    }
    // The host part ends at the last ':' after any ']'.
    let host_end = text.iter().rposition(|&b| b == b']').unwrap_or(0);
    let colon = text
        .iter()
        .rposition(|&b| b == b':')
        .filter(|&i| i >= host_end);
    let (host, port) = match colon.and_then(|i| text.split_at_checked(i)) {
        Some((host, port)) => (host, Some(port.get(1..).unwrap_or_default())),
        None => (text, None),
    };
    let port = match port {
        Some(p) => {
            let ok = !p.is_empty() && p.len() <= 5 && p.iter().all(u8::is_ascii_digit);
            let n = p.iter().fold(0u32, |n, &b| n * 10 + u32::from(b - b'0'));
            if !ok || n == 0 || n > 65535 {
                return Err(bad(b"bad port"));
            }
            n as u16
        }
        None => default_port.ok_or(bad(b"no port"))?,
    };
    if host.is_empty() {
        return Err(bad(b"no host"));
    }
    if host == b"localhost" {
        return Ok(SocketAddr::V4(SocketAddrV4::new(Ipv4Addr::LOCALHOST, port)));
    }
    if let Some(v6) = after(host, b"[")
        .and_then(|h| h.split_last())
        .and_then(|(&last, h)| (last == b']').then_some(h))
    {
        return net::Ipv6Addr::parse(v6)
            .map(|ip| SocketAddr::V6(net::SocketAddrV6::new(ip, port)))
            .ok_or(bad(b"bad IPv6 address"));
    }
    Ipv4Addr::parse(host)
        .map(|ip| SocketAddr::V4(SocketAddrV4::new(ip, port)))
        .ok_or(bad(b"host is not an IP address or localhost (no DNS)"))
}

/// Waits until `fd` has `events`, or the deadline passes.
fn wait(fd: &OwnedFd, events: PollFlags, deadline: Timespec) -> Result<(), Fail> {
    loop {
        let now = time::clock_gettime(ClockId::MONOTONIC).map_err(|e| Fail::Sys(b"clock", e))?;
        let left = deadline.saturating_duration_since(now);
        if left.is_zero() {
            return Err(Fail::TimedOut);
        }
        match io::poll(&mut [PollFd::new(fd.as_fd(), events)], left) {
            Ok(0) => return Err(Fail::TimedOut),
            Ok(_) => return Ok(()),
            Err(Errno::EINTR) => {}
            Err(e) => return Err(Fail::Sys(b"poll", e)),
        }
    }
}

/// A connected non-blocking socket to `addr`, within the deadline.
fn connect(addr: &SocketAddr, deadline: Timespec) -> Result<OwnedFd, Fail> {
    let flags = SocketFlags::CLOEXEC | SocketFlags::NONBLOCK;
    let fd = net::socket(Domain::of(addr), SocketType::STREAM, flags, 0)
        .map_err(|e| Fail::Sys(b"socket", e))?;
    match net::connect(&fd, addr) {
        Ok(()) => return Ok(fd),
        Err(Errno::EINPROGRESS) => {}
        Err(e) => return Err(Fail::Sys(b"connect", e)),
    }
    wait(&fd, PollFlags::OUT, deadline)?;
    match net::socket_error(&fd) {
        Ok(None) => Ok(fd),
        Ok(Some(e)) | Err(e) => Err(Fail::Sys(b"connect", e)),
    }
}

fn probe_tcp(target: &[u8], deadline: Timespec) -> Result<(), Fail> {
    connect(&parse_host_port(target, None)?, deadline).map(drop)
}

fn probe_http(url: &[u8], deadline: Timespec) -> Result<(), Fail> {
    let Some(rest) = after(url, b"http://") else {
        return Err(if url.windows(3).any(|w| w == b"://") {
            Fail::Usage(b"only http:// URLs are supported", b"")
        } else {
            Fail::Usage(b"not a URL or tcp HOST:PORT: ", b"")
        });
    };
    let slash = rest.iter().position(|&b| b == b'/').unwrap_or(rest.len());
    let (authority, path) = rest.split_at_checked(slash).unwrap_or((rest, b""));
    let path: &[u8] = if path.is_empty() { b"/" } else { path };
    let addr = parse_host_port(authority, Some(80))?;
    let fd = connect(&addr, deadline)?;

    let mut request = Buf::<2048>::new();
    let parts: [&[u8]; 5] = [
        b"GET ",
        path,
        b" HTTP/1.1\r\nHost: ",
        authority,
        b"\r\nUser-Agent: scratch-probe\r\nConnection: close\r\n\r\n",
    ];
    if !parts.iter().all(|p| request.push(p)) {
        return Err(Fail::Usage(b"URL too long", b""));
    }
    let mut left = request.as_bytes();
    while !left.is_empty() {
        match net::send(&fd, left, MsgFlags::NOSIGNAL) {
            Ok(k) => left = left.get(k..).unwrap_or_default(),
            Err(Errno::EAGAIN) => wait(&fd, PollFlags::OUT, deadline)?,
            Err(Errno::EINTR) => {}
            Err(e) => return Err(Fail::Sys(b"write", e)),
        }
    }

    let mut header = [0u8; HEADER_MAX];
    let mut got = 0;
    let status = loop {
        let Some(room) = header.get_mut(got..).filter(|r| !r.is_empty()) else {
            return Err(Fail::Probe(b"response header larger than 8192 bytes"));
        };
        match io::read(&fd, room) {
            Ok(0) => {
                return Err(Fail::Probe(
                    b"malformed response (closed before the end of the header)",
                ));
            }
            Ok(k) => {
                let from = got.saturating_sub(3);
                got += k;
                let so_far = header.get(..got).unwrap_or_default();
                let prefix = b"HTTP/1.".get(..got.min(7)).unwrap_or_default();
                if !so_far.starts_with(prefix) {
                    return Err(Fail::Probe(b"malformed response"));
                }
                let new = so_far.get(from..).unwrap_or_default();
                if new.windows(4).any(|w| w == b"\r\n\r\n") {
                    break so_far;
                }
            }
            Err(Errno::EAGAIN) => wait(&fd, PollFlags::IN, deadline)?,
            Err(Errno::EINTR) => {}
            Err(e) => return Err(Fail::Sys(b"read", e)),
        }
    };
    // `HTTP/1.x NNN ` (the reason phrase may be empty).
    let code: [u8; 3] = match status.get(8..13) {
        Some(&[b' ', a, b, c, sep])
            if (b'1'..=b'5').contains(&a)
                && b.is_ascii_digit()
                && c.is_ascii_digit()
                && (sep == b' ' || sep == b'\r') =>
        {
            [a, b, c]
        }
        _ => return Err(Fail::Probe(b"malformed response")),
    };
    match code[0] {
        b'2' | b'3' => Ok(()),
        _ => Err(Fail::Status(code)),
    }
}

/// `--serve ADDR:PORT`: `200 OK` to every request, until one for `/stop`; then the listening
/// socket is closed and the program sleeps, so the container stays and its probes fail.
fn serve(addr: &[u8]) -> Result<(), Fail> {
    let addr = parse_host_port(addr, None)?;
    let l = net::socket(
        Domain::of(&addr),
        SocketType::STREAM,
        SocketFlags::CLOEXEC,
        0,
    )
    .map_err(|e| Fail::Sys(b"socket", e))?;
    net::set_reuseaddr(&l, true).map_err(|e| Fail::Sys(b"setsockopt", e))?;
    net::bind(&l, &addr).map_err(|e| Fail::Sys(b"bind", e))?;
    net::listen(&l, 16).map_err(|e| Fail::Sys(b"listen", e))?;
    loop {
        let Ok((c, _)) = net::accept4(&l, SocketFlags::CLOEXEC) else {
            continue;
        };
        let mut req = [0u8; 1024];
        let n = io::read(&c, &mut req).unwrap_or(0);
        let stop = req.get(..n).unwrap_or_default().starts_with(b"GET /stop ");
        let _ = io::write_all(
            &c,
            b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: close\r\n\r\nok\n",
        );
        if stop {
            drop(c);
            drop(l);
            loop {
                let _ = time::sleep(Duration::from_secs(3600));
            }
        }
    }
}
