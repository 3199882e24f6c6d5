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
//! - Lines of the response end with CRLF or a bare LF (RFC 9112 §2.2); an interim 1xx response
//!   (not `101`) is followed by the real one, whose status decides (see [`read_status`]).
//! - The response header (and the interim ones before it) is read into a fixed buffer of
//!   [`HEADER_MAX`] bytes: a longer one is an error, never an unbounded read.
//! - `--serve ADDR` (for tests and example images): answers every request with `200 OK`, and a
//!   request for `/stop` by closing the listening socket, so that probes fail from then on.

#![no_std]
#![no_main]

use core::time::Duration;

use syscall_kit::io::{self, PollFd, PollFlags};
use syscall_kit::net::{
    self, Domain, Ipv4Addr, MsgFlags, SocketAddr, SocketAddrV4, SocketFlags, SocketType,
};
use syscall_kit::text::{Buf, Decimal, after, parse_duration};
use syscall_kit::time::{self, ClockId, Timeout, Timespec};
use syscall_kit::{AsFd, Errno, OwnedFd, process, stderr, stdout};

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

/// What a probe needs to know while it runs: its deadline, and how the time-out was given
/// (for the message when it passes).
struct Deadline {
    at: Timespec,
    text: &'static [u8],
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
    // The arguments after the program's name, from the initial stack's table.
    let argv = syscall_kit::rt::arg_table();
    let mut i = 0;
    let mut next_arg = || {
        i += 1;
        argv.get(i)
    };
    let mut timeout_text: &'static [u8] = b"5s";
    let mut timeout = Duration::from_secs(5);
    let mut target: Option<&'static [u8]> = None;
    let mut tcp = false;
    while let Some(arg) = next_arg() {
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
                let Some(t) = next_arg() else {
                    usage(b"--timeout needs a DURATION", b"");
                };
                timeout_text = t.to_bytes();
                match parse_duration(timeout_text) {
                    Some(d) => timeout = d,
                    None => usage(b"bad --timeout: ", timeout_text),
                }
            }
            b"--serve" => {
                let Some(a) = next_arg() else {
                    usage(b"--serve needs ADDR:PORT", b"");
                };
                serve(a.to_bytes());
            }
            b"tcp" if target.is_none() && !tcp => tcp = true,
            _ if arg.first() == Some(&b'-') => usage(b"unknown option ", arg),
            _ if target.is_none() => target = Some(arg),
            _ => usage(b"unexpected argument ", arg),
        }
    }
    let Some(target) = target else {
        usage(b"nothing to probe (try --help)", b"");
    };
    let now = time::clock_gettime(ClockId::MONOTONIC).unwrap_or_else(|e| sys(b"clock_gettime", e));
    let Some(at) = now.checked_add(timeout) else {
        usage(b"bad --timeout: ", b"too long");
    };
    let deadline = Deadline {
        at,
        text: timeout_text,
    };
    if tcp {
        drop(connect(&parse_host_port(target, None), &deadline));
    } else {
        probe_http(target, &deadline);
    }
    0
}

/// Bad usage: one line, exit status 2.
#[inline(never)]
fn usage(what: &[u8], arg: &[u8]) -> ! {
    say(&[what, arg]);
    process::exit(2)
}

/// The probe failed: one line, exit status 1.
#[inline(never)]
fn failed(parts: &[&[u8]]) -> ! {
    say(parts);
    process::exit(1)
}

/// A system call failed: one line, exit status 1. The common network errors are spelled out,
/// the others given by number, so that the kit's table of errno names is not linked.
#[inline(never)]
fn sys(what: &[u8], e: Errno) -> ! {
    let text = match e {
        Errno::ECONNREFUSED => &b"connection refused"[..],
        Errno::ECONNRESET => b"connection reset by peer",
        Errno::ENETUNREACH => b"network unreachable",
        Errno::EHOSTUNREACH => b"no route to host",
        Errno::EADDRNOTAVAIL => b"address not available",
        Errno::EPIPE => b"connection closed by peer",
        _ => failed(&[
            what,
            b": errno ",
            Decimal::new(e.raw().unsigned_abs()).as_bytes(),
        ]),
    };
    failed(&[what, b": ", text])
}

/// `HOST:PORT` (or `HOST` alone with `default_port`), `HOST` a literal or `localhost`; bad
/// input ends the program ([`usage`]).
fn parse_host_port(text: &[u8], default_port: Option<u16>) -> SocketAddr {
    let bad = |what| -> ! { usage(what, b"") };
    if text.is_empty() {
        bad(b"no host");
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
                bad(b"bad port");
            }
            n as u16
        }
        None => default_port.unwrap_or_else(|| bad(b"no port")),
    };
    if host.is_empty() {
        bad(b"no host");
    }
    if host == b"localhost" {
        return SocketAddr::V4(SocketAddrV4::new(Ipv4Addr::LOCALHOST, port));
    }
    if let Some(v6) = after(host, b"[")
        .and_then(|h| h.split_last())
        .and_then(|(&last, h)| (last == b']').then_some(h))
    {
        return match net::Ipv6Addr::parse(v6) {
            Some(ip) => SocketAddr::V6(net::SocketAddrV6::new(ip, port)),
            None => bad(b"bad IPv6 address"),
        };
    }
    match Ipv4Addr::parse(host) {
        Some(ip) => SocketAddr::V4(SocketAddrV4::new(ip, port)),
        None => bad(b"host is not an IP address or localhost (no DNS)"),
    }
}

/// Waits until `fd` has `events`; ends the program once the deadline passes.
fn wait(fd: &OwnedFd, events: PollFlags, deadline: &Deadline) {
    loop {
        let now = time::clock_gettime(ClockId::MONOTONIC).unwrap_or_else(|e| sys(b"clock", e));
        // Past the deadline, a poll that does not wait: ready or timed out.
        let left = deadline.at.saturating_duration_since(now);
        match io::poll(&mut [PollFd::new(fd.as_fd(), events)], Timeout::After(left)) {
            Ok(0) => failed(&[b"timed out after ", deadline.text]),
            Ok(_) => return,
            Err(Errno::EINTR) => {}
            Err(e) => sys(b"poll", e),
        }
    }
}

/// A connected non-blocking socket to `addr`, within the deadline.
fn connect(addr: &SocketAddr, deadline: &Deadline) -> OwnedFd {
    let flags = SocketFlags::CLOEXEC | SocketFlags::NONBLOCK;
    let fd = net::socket(Domain::of(addr), SocketType::STREAM, flags, 0)
        .unwrap_or_else(|e| sys(b"socket", e));
    match net::connect(&fd, addr) {
        Ok(()) => return fd,
        Err(Errno::EINPROGRESS) => {}
        Err(e) => sys(b"connect", e),
    }
    wait(&fd, PollFlags::OUT, deadline);
    match net::socket_error(&fd) {
        Ok(None) => fd,
        Ok(Some(e)) | Err(e) => sys(b"connect", e),
    }
}

/// The HTTP probe; returns when the status is 2xx or 3xx, ends the program otherwise.
#[inline(never)]
fn probe_http(url: &[u8], deadline: &Deadline) {
    let Some(rest) = after(url, b"http://") else {
        if url.windows(3).any(|w| w == b"://") {
            usage(b"only http:// URLs are supported: ", url);
        }
        usage(b"not a URL or tcp HOST:PORT: ", url);
    };
    let slash = rest.iter().position(|&b| b == b'/').unwrap_or(rest.len());
    let (authority, path) = rest.split_at_checked(slash).unwrap_or((rest, b""));
    let path: &[u8] = if path.is_empty() { b"/" } else { path };
    let addr = parse_host_port(authority, Some(80));
    let fd = connect(&addr, deadline);

    let mut request = Buf::<2048>::new();
    let parts: [&[u8]; 5] = [
        b"GET ",
        path,
        b" HTTP/1.1\r\nHost: ",
        authority,
        b"\r\nUser-Agent: scratch-probe\r\nConnection: close\r\n\r\n",
    ];
    if !parts.iter().all(|p| request.push(p)) {
        usage(b"URL too long", b"");
    }
    let mut left = request.as_bytes();
    while !left.is_empty() {
        match net::send(&fd, left, MsgFlags::NOSIGNAL) {
            Ok(k) => left = left.get(k..).unwrap_or_default(),
            Err(Errno::EAGAIN) => wait(&fd, PollFlags::OUT, deadline),
            Err(Errno::EINTR) => {}
            Err(e) => sys(b"write", e),
        }
    }

    let code = read_status(&fd, deadline);
    if !matches!(code[0], b'2' | b'3') {
        failed(&[b"HTTP ", &code]);
    }
}

/// Reads response heads from `fd` up to the final response's, and returns its status code.
///
/// Each head is a status line (`HTTP/1.x NNN reason`), fields, and an empty line. A line ends
/// with CRLF, or with a bare LF, which RFC 9112 §2.2 lets a recipient accept (curl and wget
/// do). An interim response (1xx but `101 Switching Protocols`, RFC 9110 §15.2: `100
/// Continue`, `103 Early Hints`) is followed by the real one, which is read in turn. The heads
/// share one buffer of [`HEADER_MAX`] bytes; what does not fit is an error, never an unbounded
/// read.
fn read_status(fd: &OwnedFd, deadline: &Deadline) -> [u8; 3] {
    let mut header = [0u8; HEADER_MAX];
    // The bytes read so far; where the line being read starts; the status of the response
    // whose head is being read, once its status line has been.
    let (mut got, mut line_start) = (0, 0);
    let mut status = None;
    loop {
        let Some(room) = header.get_mut(got..).filter(|r| !r.is_empty()) else {
            failed(&[b"response header larger than 8192 bytes"]);
        };
        match io::read(fd, room) {
            Ok(0) => failed(&[b"malformed response (closed before the end of the header)"]),
            Ok(k) => got += k,
            Err(Errno::EAGAIN) => wait(fd, PollFlags::IN, deadline),
            Err(Errno::EINTR) => {}
            Err(e) => sys(b"read", e),
        }
        // Every whole line read so far.
        while let Some(rest) = header.get(line_start..got) {
            let Some(end) = rest.iter().position(|&b| b == b'\n') else {
                // A status line in part: it must begin as one (a greeting that is not HTTP
                // fails at once, not at the time-out).
                let prefix = b"HTTP/1.".get(..rest.len().min(7)).unwrap_or_default();
                if status.is_none() && !rest.starts_with(prefix) {
                    failed(&[b"malformed response"]);
                }
                break;
            };
            line_start += end + 1;
            let line = match rest.get(..end).unwrap_or_default() {
                [line @ .., b'\r'] => line,
                line => line,
            };
            match status {
                None => status = Some(status_code(line)),
                // The empty line that ends a head: the final response's, or an interim one's.
                Some(code) if line.is_empty() => {
                    if code[0] != b'1' || code == *b"101" {
                        return code;
                    }
                    status = None;
                }
                Some(_) => {} // a field
            }
        }
    }
}

/// The status code of a status line, `HTTP/1.x NNN` followed by a space and a reason phrase
/// (which may be empty) or by nothing; anything else ends the program as a malformed response.
fn status_code(line: &[u8]) -> [u8; 3] {
    if line.starts_with(b"HTTP/1.")
        && let Some(&[b' ', a, b, c]) = line.get(8..12)
        && matches!(line.get(12), None | Some(b' '))
        && (b'1'..=b'5').contains(&a)
        && b.is_ascii_digit()
        && c.is_ascii_digit()
    {
        return [a, b, c];
    }
    failed(&[b"malformed response"])
}

/// `--serve ADDR:PORT`: `200 OK` to every request, until one for `/stop`; then the listening
/// socket is closed and the program sleeps, so the container stays and its probes fail.
fn serve(addr: &[u8]) -> ! {
    let addr = parse_host_port(addr, None);
    let l = net::socket(
        Domain::of(&addr),
        SocketType::STREAM,
        SocketFlags::CLOEXEC,
        0,
    )
    .unwrap_or_else(|e| sys(b"socket", e));
    if let Err(e) = net::set_reuseaddr(&l, true) {
        sys(b"setsockopt", e);
    }
    if let Err(e) = net::bind(&l, &addr) {
        sys(b"bind", e);
    }
    if let Err(e) = net::listen(&l, 16) {
        sys(b"listen", e);
    }
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
