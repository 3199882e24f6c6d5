//! From a request to its response: the status, the head (written here) and the body, a file
//! to send with `sendfile` or a short text.

use syscall_kit::OwnedFd;
use syscall_kit::fs::FileType;
use syscall_kit::text::{Buf, Decimal};

use crate::cond::{self, Outcome, Span, Validators};
use crate::date::http_date;
use crate::files::{self, CODINGS};
use crate::mime::Types;
use crate::options::Options;
use crate::path::{self, RelPath};
use crate::region::BUF;
use crate::request::{Method, Request};
use crate::status::Status;

/// A response's head, written whole before it is sent.
pub type Head = Buf<BUF>;

/// What the server knows when it answers.
pub struct Site<'a> {
    pub dir: &'a OwnedFd,
    pub options: &'a Options,
    pub types: &'a Types,
    /// The `Date`, an IMF-fixdate of now.
    pub date: &'a [u8],
    /// Now, in seconds since the Epoch (a `Last-Modified` is never later).
    pub now: i64,
    /// The server is stopping: every response closes its connection.
    pub stopping: bool,
}

/// A response whose head is written.
pub struct Reply {
    pub status: Status,
    /// Close the connection once it is sent.
    pub close: bool,
    /// The file to send after the head, from an offset, so many bytes.
    pub file: Option<(OwnedFd, u64, u64)>,
    /// The bytes of the body (for the access log).
    pub body_len: u64,
}

/// Writes the status line and the fields every response has.
fn start(site: &Site<'_>, out: &mut Head, status: Status) {
    out.clear();
    for part in [
        &b"HTTP/1.1 "[..],
        status.0,
        b"\r\nServer: scratch-serve\r\nDate: ",
        site.date,
        b"\r\n",
    ] {
        out.push(part);
    }
    for h in site.options.headers.iter().take(site.options.header_count) {
        out.push(h);
        out.push(b"\r\n");
    }
}

/// Writes `name: value` and its CRLF.
fn field(out: &mut Head, name: &[u8], value: &[u8]) {
    for part in [name, b": ", value, b"\r\n"] {
        out.push(part);
    }
}

/// How a response is framed: whether it has a body, and what follows it.
#[derive(Clone, Copy)]
pub struct Framing {
    /// A response to HEAD: the head only.
    pub head_only: bool,
    /// The connection is closed after it.
    pub close: bool,
    /// The request was HTTP/1.1 (or a later 1.x): keep-alive goes without saying.
    pub http11: bool,
}

/// Ends the head: the `Connection` field if the default is not what happens, and the empty
/// line.
fn end(out: &mut Head, f: Framing) {
    if f.close {
        out.push(b"Connection: close\r\n");
    } else if !f.http11 {
        out.push(b"Connection: keep-alive\r\n");
    }
    out.push(b"\r\n");
}

/// A response with a short text body: its status line as text (`404 Not Found`), or `body`.
/// Called, not inlined: it has a dozen callers (the size is held by a test).
#[inline(never)]
pub fn text(
    site: &Site<'_>,
    out: &mut Head,
    status: Status,
    body: Option<&[u8]>,
    f: Framing,
    extra: &[(&[u8], &[u8])],
) -> Reply {
    start(site, out, status);
    let body = body.unwrap_or(status.0);
    let len = body.len() as u64 + u64::from(body.last() != Some(&b'\n'));
    field(out, b"Content-Type", b"text/plain; charset=utf-8");
    field(out, b"Content-Length", Decimal::from_u64(len).as_bytes());
    for (name, value) in extra {
        field(out, name, value);
    }
    end(out, f);
    if !f.head_only {
        out.push(body);
        if body.last() != Some(&b'\n') {
            out.push(b"\n");
        }
    }
    Reply {
        status,
        close: f.close,
        file: None,
        body_len: if f.head_only { 0 } else { len },
    }
}

/// A response to a head that could not be read: the status's text, and the connection closed.
pub fn refuse(site: &Site<'_>, out: &mut Head, status: Status) -> Reply {
    let f = Framing {
        head_only: false,
        close: true,
        http11: true,
    };
    text(site, out, status, None, f, &[])
}

/// Whether the connection stays open after the response to `req` (RFC 9112 §9.3).
fn keep_alive(req: &Request<'_>) -> bool {
    if req.connection_has(b"close") {
        false
    } else {
        req.http11 || req.connection_has(b"keep-alive")
    }
}

/// The `Location` of the directory `rel`: its path with a `/` at the end, each byte that is not
/// one of a path's own percent-encoded, and the request's query.
fn location(rel: &RelPath, query: &[u8]) -> Buf<{ 3 * syscall_kit::PATH_MAX + 16 }> {
    let mut to = Buf::new();
    to.push(b"/");
    for &b in rel.as_bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~!$&'()*+,;=:@".contains(&b) {
            to.push(&[b]);
        } else {
            let hex = b"0123456789ABCDEF";
            let (hi, lo) = (hex.get(usize::from(b >> 4)), hex.get(usize::from(b & 0xf)));
            to.push(&[
                b'%',
                hi.copied().unwrap_or(b'0'),
                lo.copied().unwrap_or(b'0'),
            ]);
        }
    }
    to.push(b"/");
    to.push(query);
    to
}

/// The response to `req`, its head written into `out`. Called, not inlined into the worker's
/// loop, which then holds one copy of it (the size is held by a test).
#[inline(never)]
pub fn answer(site: &Site<'_>, req: &Request<'_>, out: &mut Head) -> Reply {
    let f = Framing {
        head_only: req.method == Method::Head,
        close: !keep_alive(req) || site.stopping,
        http11: req.http11,
    };
    let closing = Framing { close: true, ..f };
    let error = |out: &mut Head, status: Status, f: Framing| text(site, out, status, None, f, &[]);
    let allow: [(&[u8], &[u8]); 1] = [(b"Allow", b"GET, HEAD")];
    match req.method {
        // A body is not read: refused, and the connection closed, whatever the method.
        _ if req.body() => {
            let status = match req.method {
                Method::Get | Method::Head => Status::BAD_REQUEST,
                Method::Known => Status::METHOD_NOT_ALLOWED,
                Method::Unknown => Status::NOT_IMPLEMENTED,
            };
            return text(site, out, status, None, closing, &allow);
        }
        Method::Get | Method::Head => {}
        Method::Known => return text(site, out, Status::METHOD_NOT_ALLOWED, None, f, &allow),
        Method::Unknown => return error(out, Status::NOT_IMPLEMENTED, f),
    }
    let (path, query) = match path::path_of(req.target) {
        Ok(p) => p,
        Err(s) => return error(out, s, closing),
    };
    if site.options.health_path == Some(path) {
        return text(site, out, Status::OK, Some(b"ok\n"), f, &[]);
    }
    let mut rel = match path::relative(path) {
        Ok(r) => r,
        Err(s) => return error(out, s, closing),
    };
    if rel.dotfile && !site.options.dotfiles {
        return error(out, Status::NOT_FOUND, f);
    }
    let no_symlinks = site.options.no_symlinks;
    let (fd, st) = match files::open(site.dir, &rel, no_symlinks) {
        Ok((_, st)) if st.file_type == FileType::Directory && !rel.dir => {
            start(site, out, Status::MOVED);
            field(out, b"Location", location(&rel, query).as_bytes());
            field(out, b"Content-Length", b"0");
            end(out, f);
            return Reply {
                status: Status::MOVED,
                close: f.close,
                file: None,
                body_len: 0,
            };
        }
        Ok((_, st)) if st.file_type == FileType::Directory => {
            let index: &[u8] = if rel.len == 0 {
                b"index.html"
            } else {
                b"/index.html"
            };
            if !rel.push(index) {
                return error(out, Status::NOT_FOUND, f);
            }
            rel.dir = false;
            match files::open(site.dir, &rel, no_symlinks) {
                Ok(found) => found,
                Err(e) => return error(out, files::status_of(e), f),
            }
        }
        Ok(found) => found,
        Err(e) => {
            let status = files::status_of(e);
            // --spa: a path with no extension that names nothing is the application's route.
            if !(site.options.spa && status == Status::NOT_FOUND && rel.extension().is_empty()) {
                return error(out, status, f);
            }
            rel.truncate(0);
            rel.push(b"index.html");
            rel.dir = false;
            match files::open(site.dir, &rel, no_symlinks) {
                Ok(found) => found,
                Err(e) => return error(out, files::status_of(e), f),
            }
        }
    };
    // A file that is not regular, or a name with a `/` after it that is no directory.
    if st.file_type != FileType::Regular || rel.dir {
        return error(out, Status::NOT_FOUND, f);
    }
    let content_type = site.types.of(rel.extension());

    // A precompressed sidecar, when the request accepts its coding.
    let mut chosen = (fd, st, None);
    let order = files::sidecar_order(files::accepted(req));
    let plain = rel.len;
    for coding in order.into_iter().flatten() {
        let Some(&(name, suffix)) = CODINGS.get(coding) else {
            continue;
        };
        if rel.push(suffix)
            && let Ok((fd, st)) = files::open(site.dir, &rel, no_symlinks)
            && st.file_type == FileType::Regular
        {
            chosen = (fd, st, Some(name));
            break;
        }
        rel.truncate(plain);
    }
    let (fd, st, encoding) = chosen;

    let v = Validators::of(&st);
    let last_modified = http_date(v.mtime.min(site.now));
    let validators = |out: &mut Head| {
        field(out, b"Last-Modified", last_modified.as_bytes());
        field(out, b"ETag", v.etag.as_bytes());
        field(out, b"Vary", b"Accept-Encoding");
    };
    match cond::preconditions(req, &v) {
        Outcome::Proceed => {}
        Outcome::NotModified => {
            start(site, out, Status::NOT_MODIFIED);
            validators(out);
            end(out, f);
            return Reply {
                status: Status::NOT_MODIFIED,
                close: f.close,
                file: None,
                body_len: 0,
            };
        }
        Outcome::Failed => return error(out, Status::PRECONDITION_FAILED, f),
    }
    let size = st.size;
    let span = if f.head_only {
        Span::Whole
    } else {
        cond::range(req, &v, size)
    };
    let (status, first, len) = match span {
        Span::Whole => (Status::OK, 0, size),
        Span::Part(a, b) => (Status::PARTIAL, a, b - a + 1),
        Span::Unsatisfiable => {
            let mut range = Buf::<32>::new();
            range.push(b"bytes */");
            range.push(Decimal::from_u64(size).as_bytes());
            let extra: [(&[u8], &[u8]); 1] = [(b"Content-Range", range.as_bytes())];
            return text(site, out, Status::RANGE_NOT_SATISFIABLE, None, f, &extra);
        }
    };
    start(site, out, status);
    field(out, b"Content-Type", content_type);
    field(out, b"Content-Length", Decimal::from_u64(len).as_bytes());
    if status == Status::PARTIAL {
        let mut range = Buf::<64>::new();
        for part in [
            &b"bytes "[..],
            Decimal::from_u64(first).as_bytes(),
            b"-",
            Decimal::from_u64(first + len - 1).as_bytes(),
            b"/",
            Decimal::from_u64(size).as_bytes(),
        ] {
            range.push(part);
        }
        field(out, b"Content-Range", range.as_bytes());
    }
    if let Some(coding) = encoding {
        field(out, b"Content-Encoding", coding);
    }
    validators(out);
    field(out, b"Accept-Ranges", b"bytes");
    end(out, f);
    Reply {
        status,
        close: f.close,
        file: (!f.head_only && len > 0).then_some((fd, first, len)),
        body_len: if f.head_only { 0 } else { len },
    }
}
