//! `scratch-serve [OPTIONS] DIR`: a static file server for `FROM scratch` images, on system
//! calls only (syscall-kit), with no libc and no heap. docs/serve.md has its options, its
//! security model, its figures against nginx and a transcript.
//!
//! - **HTTP/1.1**: `GET` and `HEAD`, keep-alive and pipelined requests (answered in order);
//!   `Content-Type` from the extension (a built-in table, `--mime-types FILE` first);
//!   `Last-Modified`, a strong `ETag` (inode, size, modification time to the nanosecond),
//!   `If-Match`, `If-Unmodified-Since` (`412`), `If-None-Match` (lists, weak comparison) and
//!   `If-Modified-Since` (`304`) in RFC 9110 §13.2.2's order; one `Range` (`206`, `416` when
//!   none of it is in the file), several answered with the whole file (`200`, as RFC 9110
//!   §14.2 allows), `If-Range`; precompressed sidecars (`FILE.br`, `FILE.zst`, `FILE.gz`)
//!   chosen by `Accept-Encoding`, with `Vary: Accept-Encoding`; `index.html` for a directory
//!   (no listing), a redirect (`301`) to add the `/` a directory's name lacks; `--spa`;
//!   dotfiles `404` but `/.well-known/`, unless `--dotfiles`; `--header`; `--health-path`;
//!   `--access-log`.
//! - **Paths**: every file is opened with `openat2` beneath DIR's descriptor
//!   (`RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS`, and `RESOLVE_NO_SYMLINKS` with
//!   `--no-symlinks`): a symbolic link inside DIR works, one that leaves it is `404`, and
//!   nothing is checked before it is opened. Percent-decoding refuses `%00` and `%2F` (`400`);
//!   a `..` above the root is `400`. See [`path`] and [`files`].
//! - **Bodies** are sent by `sendfile(2)` from the page cache, after the head sent with
//!   `MSG_MORE`: no byte of a file passes through the program.
//! - **Workers**: one process per CPU (`--workers N`), each with its own listening socket
//!   (`SO_REUSEPORT`; `--balance exclusive` shares one through `EPOLLEXCLUSIVE` instead:
//!   `cargo make bench-serve` compares them, and their difference was within the noise of the
//!   runs docs/serve.md shows) and one epoll loop; no threads. The first process watches them and starts again one that dies.
//! - **Limits**: a head of at most 8 KiB (`431`; `414` for a request line alone that long) and
//!   100 fields (`431`); `--header-timeout` (10 s) for a head to arrive whole, from its first
//!   byte (`408`, then closed); `--idle-timeout` (60 s) between requests and for a response
//!   that makes no progress; `--max-connections` (10,000, shared among the workers, and within
//!   each worker's descriptor limit, whose soft value is raised to the hard one): beyond it new
//!   connections wait in the backlog. A request body is refused with `400` and the
//!   connection closed, not read and dropped (RFC 9110 §9.3.1 names that as a defence against
//!   smuggling); so are `Transfer-Encoding`, a `Content-Length` that is not one number,
//!   obs-fold, a bare CR, whitespace before a field's colon, a request line that is not three
//!   words; an HTTP major version other than 1 is `505`; HTTP/1.2 and later 1.x are read as
//!   1.1 (RFC 9110 §2.5).
//! - **SIGTERM or SIGINT**: the workers accept no more, close their idle connections, finish
//!   the responses under way (each closing its connection), and exit; the server exits 0 once
//!   they are gone, within `--grace` (10 s).
//! - **Exit status**: 0 after SIGTERM or SIGINT; 1 could not start (one line says why:
//!   `scratch-serve: bind 0.0.0.0:80: EACCES`); 2 bad usage.

#![no_std]
#![no_main]

mod cond;
mod date;
mod files;
mod mime;
mod options;
mod path;
mod region;
mod reply;
mod request;
mod say;
mod server;
mod status;
mod worker;

syscall_kit::main!(main);

fn main() -> i32 {
    let options = options::parse(syscall_kit::rt::arg_table());
    server::run(&options)
}
