//! The command line: `scratch-serve [OPTIONS] DIR`.

use core::ffi::CStr;
use core::time::Duration;

use syscall_kit::net::{Ipv4Addr, SocketAddr, SocketAddrV4};
use syscall_kit::process::StrTable;
use syscall_kit::text::{eq_ignore_case, parse_duration};

use crate::request::is_token;
use crate::say::{self, usage};
use crate::server::MAX_WORKERS;

pub const USAGE: &[u8] = b"usage: scratch-serve [OPTIONS] DIR
Serves the files of DIR over HTTP/1.1 (GET and HEAD), on system calls only.
  --listen ADDR:PORT        where to listen (default 0.0.0.0:8080; [::]:8080 for IPv6)
  --workers N               worker processes, 256 at most (default: the CPUs it may run
                            on)
  --max-connections N       open connections at most, all workers together (default 10000);
                            beyond, new ones wait in the backlog
  --header-timeout DURATION for a request's head to arrive whole (default 10s)
  --idle-timeout DURATION   for a kept-alive connection's next request, or a client that
                            reads nothing of its response (default 60s)
  --grace DURATION          after SIGTERM or SIGINT, to finish the responses under way
                            (default 10s)
  --spa                     a path without an extension that names no file is /index.html
  --dotfiles                serve files and directories whose names start with a dot
  --no-symlinks             follow no symbolic link, even within DIR
  --header 'NAME: VALUE'    a header field of every response (again for more)
  --health-path PATH        answer 200 there, without touching DIR (for a HEALTHCHECK)
  --mime-types FILE         a mime.types file whose types come before the built-in ones
  --access-log              a line a request on standard output (Common Log Format)
  --balance reuseport|exclusive
                            a listening socket per worker (SO_REUSEPORT, the default) or one
                            shared (EPOLLEXCLUSIVE)
  --help, --version
DURATION: 500ms, 10s, 2m. Exit status: 0 stopped by SIGTERM or SIGINT, 1 could not start
(one line says why), 2 bad usage.
";

/// At most this many `--header` options.
pub const MAX_HEADERS: usize = 16;

/// How the workers share the listening port.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Balance {
    /// A socket of its own each, `SO_REUSEPORT`: the kernel spreads the connections.
    ReusePort,
    /// One socket, in every worker's epoll set with `EPOLLEXCLUSIVE`.
    Exclusive,
}

/// What the command line asks for.
pub struct Options {
    pub dir: &'static CStr,
    pub listen: SocketAddr,
    /// 0: one per CPU.
    pub workers: usize,
    pub max_connections: usize,
    pub header_timeout: Duration,
    pub idle_timeout: Duration,
    pub grace: Duration,
    pub spa: bool,
    pub dotfiles: bool,
    pub no_symlinks: bool,
    /// `NAME: VALUE` lines, as given (checked).
    pub headers: [&'static [u8]; MAX_HEADERS],
    pub header_count: usize,
    pub health_path: Option<&'static [u8]>,
    pub mime_types: Option<&'static CStr>,
    pub access_log: bool,
    pub balance: Balance,
}

/// A number from 1 to `max`.
fn count(text: &CStr, max: usize) -> Option<usize> {
    let text = text.to_bytes();
    if text.is_empty() || text.len() > 9 || !text.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let n = text
        .iter()
        .fold(0usize, |n, &b| n * 10 + usize::from(b - b'0'));
    (1..=max).contains(&n).then_some(n)
}

/// Whether `line` is a header field this server may send: `NAME: VALUE`, the name a token
/// that is not one of those the server writes itself, the value visible characters and
/// spaces.
fn header_ok(line: &[u8]) -> bool {
    let Some(colon) = line.iter().position(|&b| b == b':') else {
        return false;
    };
    let (name, value) = line.split_at_checked(colon).unwrap_or((line, b""));
    let own = [
        &b"content-length"[..],
        b"content-range",
        b"content-encoding",
        b"transfer-encoding",
        b"connection",
        b"date",
        b"etag",
        b"last-modified",
        b"location",
    ];
    is_token(name)
        && !own.iter().any(|o| eq_ignore_case(o, name))
        && value
            .get(1..)
            .unwrap_or_default()
            .iter()
            .all(|&b| b == b' ' || b == b'\t' || b.is_ascii_graphic() || b >= 0x80)
}

/// A duration option's value into `slot`.
fn duration(slot: &mut Duration, v: &CStr) -> bool {
    parse_duration(v.to_bytes()).map(|d| *slot = d).is_some()
}

/// An option: its name, what its value is (empty for a flag), and what it does with the value
/// (`false`: a bad one).
struct Opt {
    name: &'static [u8],
    value: &'static [u8],
    set: fn(&mut Options, &'static CStr) -> bool,
}

const OPTS: [Opt; 15] = [
    Opt {
        name: b"--listen",
        value: b"ADDR:PORT or [IPv6]:PORT",
        set: |o, v| {
            SocketAddr::parse(v.to_bytes())
                .map(|a| o.listen = a)
                .is_some()
        },
    },
    Opt {
        name: b"--workers",
        value: b"N, 1 to 256",
        set: |o, v| count(v, MAX_WORKERS).map(|n| o.workers = n).is_some(),
    },
    Opt {
        name: b"--max-connections",
        value: b"N",
        set: |o, v| count(v, 1 << 24).map(|n| o.max_connections = n).is_some(),
    },
    Opt {
        name: b"--header-timeout",
        value: b"DURATION",
        set: |o, v| duration(&mut o.header_timeout, v),
    },
    Opt {
        name: b"--idle-timeout",
        value: b"DURATION",
        set: |o, v| duration(&mut o.idle_timeout, v),
    },
    Opt {
        name: b"--grace",
        value: b"DURATION",
        set: |o, v| duration(&mut o.grace, v),
    },
    Opt {
        name: b"--spa",
        value: b"",
        set: |o, _| {
            o.spa = true;
            true
        },
    },
    Opt {
        name: b"--dotfiles",
        value: b"",
        set: |o, _| {
            o.dotfiles = true;
            true
        },
    },
    Opt {
        name: b"--no-symlinks",
        value: b"",
        set: |o, _| {
            o.no_symlinks = true;
            true
        },
    },
    Opt {
        name: b"--access-log",
        value: b"",
        set: |o, _| {
            o.access_log = true;
            true
        },
    },
    Opt {
        name: b"--header",
        value: b"'NAME: VALUE', 16 at most, a field the server does not write itself",
        set: |o, v| {
            let (Some(slot), true) = (o.headers.get_mut(o.header_count), header_ok(v.to_bytes()))
            else {
                return false;
            };
            *slot = v.to_bytes();
            o.header_count += 1;
            true
        },
    },
    Opt {
        name: b"--health-path",
        value: b"a PATH from /",
        set: |o, v| {
            let v = v.to_bytes();
            let ok = v.first() == Some(&b'/') && v.iter().all(u8::is_ascii_graphic);
            o.health_path = Some(v);
            ok
        },
    },
    Opt {
        name: b"--mime-types",
        value: b"a FILE",
        set: |o, v| {
            o.mime_types = Some(v);
            true
        },
    },
    Opt {
        name: b"--balance",
        value: b"reuseport or exclusive",
        set: |o, v| {
            o.balance = match v.to_bytes() {
                b"reuseport" => Balance::ReusePort,
                b"exclusive" => Balance::Exclusive,
                _ => return false,
            };
            true
        },
    },
    Opt {
        name: b"--version",
        value: b"",
        set: |_, _| {
            say::out(concat!("scratch-serve ", env!("CARGO_PKG_VERSION"), "\n").as_bytes());
            syscall_kit::process::exit(0)
        },
    },
];

/// Reads the arguments; bad usage ends the program (status 2), `--help` and `--version` too
/// (status 0).
pub fn parse(argv: StrTable) -> Options {
    let mut o = Options {
        dir: c".",
        listen: SocketAddr::V4(SocketAddrV4::new(Ipv4Addr([0; 4]), 8080)),
        workers: 0,
        max_connections: 10_000,
        header_timeout: Duration::from_secs(10),
        idle_timeout: Duration::from_secs(60),
        grace: Duration::from_secs(10),
        spa: false,
        dotfiles: false,
        no_symlinks: false,
        headers: [b""; MAX_HEADERS],
        header_count: 0,
        health_path: None,
        mime_types: None,
        access_log: false,
        balance: Balance::ReusePort,
    };
    let mut dir = None;
    let mut options_end = false;
    let mut i = 0;
    let mut next = || {
        i += 1;
        argv.get(i)
    };
    while let Some(arg) = next() {
        let name = arg.to_bytes();
        let option = !options_end && name.first() == Some(&b'-');
        if !option {
            if dir.replace(arg).is_some() {
                usage(&[b"one DIR only: ", name]);
            }
        } else if name == b"--" {
            options_end = true;
        } else if name == b"--help" || name == b"-h" {
            say::out(USAGE);
            syscall_kit::process::exit(0);
        } else {
            let Some(opt) = OPTS.iter().find(|opt| opt.name == name) else {
                usage(&[b"unknown option ", name]);
            };
            let value = match opt.value {
                b"" => c"",
                what => next().unwrap_or_else(|| usage(&[name, b" needs ", what])),
            };
            if !(opt.set)(&mut o, value) {
                usage(&[b"bad ", name, b" (", opt.value, b"): ", value.to_bytes()]);
            }
        }
    }
    match dir {
        Some(d) => o.dir = d,
        None => usage(&[b"no DIR to serve"]),
    }
    o
}
