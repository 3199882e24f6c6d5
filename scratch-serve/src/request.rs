//! A request's head, read strictly (RFC 9112): the request line, then the header fields up to
//! the empty line. Anything a proxy in front could read another way is refused with `400` and
//! the connection closed, never guessed at: a bare CR, obs-fold, whitespace before a field's
//! colon, a field name that is not a token, a control character in a value, `Transfer-Encoding`
//! (with or without `Content-Length`), a `Content-Length` that is not digits or differs between
//! two lines, and a body at all (see [`Request::body`]). A line may end with CRLF or a bare LF
//! (RFC 9112 §2.2 lets a recipient accept one; curl, wget and nginx do).

use syscall_kit::text::{before, eq_ignore_case};

use crate::status::Status;

/// At most this many header fields (lines) in a head: beyond, `431`.
pub const MAX_FIELDS: usize = 100;

/// At most this many lines of the fields this server reads (below): beyond, `431`.
const MAX_KNOWN: usize = 32;

/// The fields this server reads; the others are checked for their syntax only.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    Host,
    Connection,
    ContentLength,
    TransferEncoding,
    Range,
    IfRange,
    IfMatch,
    IfNoneMatch,
    IfModifiedSince,
    IfUnmodifiedSince,
    AcceptEncoding,
}

const FIELDS: [(&[u8], Field); 11] = [
    (b"host", Field::Host),
    (b"connection", Field::Connection),
    (b"content-length", Field::ContentLength),
    (b"transfer-encoding", Field::TransferEncoding),
    (b"range", Field::Range),
    (b"if-range", Field::IfRange),
    (b"if-match", Field::IfMatch),
    (b"if-none-match", Field::IfNoneMatch),
    (b"if-modified-since", Field::IfModifiedSince),
    (b"if-unmodified-since", Field::IfUnmodifiedSince),
    (b"accept-encoding", Field::AcceptEncoding),
];

/// The methods: the two served, the others that RFC 9110 and RFC 5789 define (`405`), and
/// the rest (`501`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    Get,
    Head,
    /// A method RFC 9110 (or PATCH, RFC 5789) defines, which a static server does not allow.
    Known,
    /// A method this server does not know.
    Unknown,
}

/// A head that was read whole.
pub struct Request<'a> {
    pub method: Method,
    /// The request target as it came (origin-form `/path?query`, absolute-form, `*` …).
    pub target: &'a [u8],
    /// HTTP/1.1 or later (keep-alive by default); `false` for HTTP/1.0.
    pub http11: bool,
    /// The request line, for the access log.
    pub line: &'a [u8],
    fields: [(Field, &'a [u8]); MAX_KNOWN],
    known: usize,
}

/// `tchar` of RFC 9110 §5.6.2: the characters of a token.
pub fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// Whether `s` is a token (non-empty, every byte a [`is_tchar`]).
pub fn is_token(s: &[u8]) -> bool {
    !s.is_empty() && s.iter().all(|&b| is_tchar(b))
}

/// `s` without the spaces and tabs around it (OWS).
pub fn trim(s: &[u8]) -> &[u8] {
    let ws = |b: &u8| *b == b' ' || *b == b'\t';
    let start = s.iter().position(|b| !ws(b)).unwrap_or(s.len());
    let end = s.iter().rposition(|b| !ws(b)).map_or(start, |i| i + 1);
    s.get(start..end).unwrap_or_default()
}

/// The elements of a comma-separated list (RFC 9110 §5.6.1), trimmed, empty ones left out.
pub fn list(value: &[u8]) -> impl Iterator<Item = &[u8]> {
    value
        .split(|&b| b == b',')
        .map(trim)
        .filter(|e| !e.is_empty())
}

/// Where the head that starts `buf` ends: the index after its empty line, if `buf` holds it.
/// A line ends with LF; an empty line is an LF right after another, or after a CR after one.
pub fn head_end(buf: &[u8], from: usize) -> Option<usize> {
    let mut at = from;
    while let Some(i) = buf.get(at..)?.iter().position(|&b| b == b'\n') {
        let lf = at + i;
        match (buf.get(lf + 1), buf.get(lf + 2)) {
            (Some(b'\n'), _) => return Some(lf + 2),
            (Some(b'\r'), Some(b'\n')) => return Some(lf + 3),
            _ => at = lf + 1,
        }
    }
    None
}

/// The next line of `buf` from `at`, without its CRLF or LF, and where the one after starts;
/// a CR anywhere else in it is a bare CR.
fn line(buf: &[u8], at: usize) -> Option<(Result<&[u8], Status>, usize)> {
    let rest = buf.get(at..)?;
    let lf = rest.iter().position(|&b| b == b'\n')?;
    let text = rest.get(..lf).unwrap_or_default();
    let text = before(text, b"\r").unwrap_or(text);
    let checked = if text.contains(&b'\r') {
        Err(Status::BAD_REQUEST)
    } else {
        Ok(text)
    };
    Some((checked, at + lf + 1))
}

/// Reads the head that `buf` holds whole, up to its empty line ([`head_end`]; empty lines
/// before it already skipped); the status of its refusal if it is refused. Called, not inlined
/// (one copy of it; the size is held by a test).
#[inline(never)]
pub fn parse(buf: &[u8]) -> Result<Request<'_>, Status> {
    let (first, mut at) = line(buf, 0).ok_or(Status::BAD_REQUEST)?;
    let mut r = request_line(first?)?;
    let mut count = 0;
    loop {
        let (text, next) = line(buf, at).ok_or(Status::BAD_REQUEST)?;
        at = next;
        let text = text?;
        if text.is_empty() {
            break;
        }
        count += 1;
        if count > MAX_FIELDS {
            return Err(Status::FIELDS_TOO_LARGE);
        }
        if let Some(known) = field_line(text)? {
            let slot = r.fields.get_mut(r.known).ok_or(Status::FIELDS_TOO_LARGE)?;
            *slot = known;
            r.known += 1;
        }
    }
    r.check()?;
    Ok(r)
}

/// `method SP request-target SP HTTP-version`, one space each (RFC 9112 §3).
fn request_line(line: &[u8]) -> Result<Request<'_>, Status> {
    let mut parts = line.split(|&b| b == b' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(Status::BAD_REQUEST);
    };
    if !is_token(method) || target.is_empty() {
        return Err(Status::BAD_REQUEST);
    }
    // A URI is visible ASCII: a control, a space or a byte of UTF-8 is not one (RFC 9112 §3.2,
    // RFC 3986 §2); a fragment is never sent (RFC 9110 §7.1).
    if !target.iter().all(|&b| b.is_ascii_graphic() && b != b'#') {
        return Err(Status::BAD_REQUEST);
    }
    // HTTP-version = "HTTP/" DIGIT "." DIGIT (RFC 9112 §2.3): another major version is not
    // implemented (`505`); a later minor version of 1 is read as 1.1 (RFC 9110 §2.5).
    let http11 = match version {
        [b'H', b'T', b'T', b'P', b'/', major, b'.', minor]
            if major.is_ascii_digit() && minor.is_ascii_digit() =>
        {
            if *major != b'1' {
                return Err(Status::VERSION_NOT_SUPPORTED);
            }
            *minor != b'0'
        }
        _ => return Err(Status::BAD_REQUEST),
    };
    let kind = match method {
        b"GET" => Method::Get,
        b"HEAD" => Method::Head,
        b"POST" | b"PUT" | b"DELETE" | b"CONNECT" | b"OPTIONS" | b"TRACE" | b"PATCH" => {
            Method::Known
        }
        _ => Method::Unknown,
    };
    Ok(Request {
        method: kind,
        target,
        http11,
        line,
        fields: [(Field::Host, &[]); MAX_KNOWN],
        known: 0,
    })
}

/// `field-name ":" OWS field-value OWS` (RFC 9112 §5): the field if this server reads it.
fn field_line(line: &[u8]) -> Result<Option<(Field, &[u8])>, Status> {
    // obs-fold: a line that starts with whitespace continues the one before (RFC 9112 §5.2).
    let colon = line
        .iter()
        .position(|&b| b == b':')
        .ok_or(Status::BAD_REQUEST)?;
    let (name, value) = line.split_at_checked(colon).ok_or(Status::BAD_REQUEST)?;
    // No whitespace between name and colon (RFC 9112 §5.1), and none before the name.
    if !is_token(name) {
        return Err(Status::BAD_REQUEST);
    }
    let value = trim(value.get(1..).unwrap_or_default());
    // VCHAR, obs-text, and SP or HTAB between them: no NUL, no other control (RFC 9110 §5.5).
    if value.iter().any(|&b| (b < 0x20 && b != b'\t') || b == 0x7f) {
        return Err(Status::BAD_REQUEST);
    }
    Ok(FIELDS
        .iter()
        .find(|(n, _)| eq_ignore_case(n, name))
        .map(|&(_, f)| (f, value)))
}

/// The value of a `Content-Length`: digits only.
fn content_length(value: &[u8]) -> Option<u64> {
    if value.is_empty() || value.len() > 19 || !value.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(
        value
            .iter()
            .fold(0u64, |v, &b| v * 10 + u64::from(b - b'0')),
    )
}

impl<'a> Request<'a> {
    /// The values of every line of `field`, in order.
    pub fn all(&self, field: Field) -> impl Iterator<Item = &'a [u8]> + '_ {
        self.fields
            .iter()
            .take(self.known)
            .filter(move |(f, _)| *f == field)
            .map(|(_, v)| *v)
    }

    /// The value of `field`, when it came once; `None` when it did not come or came more than
    /// once (a field that is a single value cannot be two: RFC 9110 §5.3).
    pub fn one(&self, field: Field) -> Option<&'a [u8]> {
        let mut values = self.all(field);
        match (values.next(), values.next()) {
            (Some(v), None) => Some(v),
            _ => None,
        }
    }

    /// Whether the `Connection` field names `option` (`close`, `keep-alive`).
    pub fn connection_has(&self, option: &[u8]) -> bool {
        self.all(Field::Connection)
            .flat_map(list)
            .any(|o| eq_ignore_case(o, option))
    }

    /// Whether the request has a body: `Content-Length` above 0 (a `Transfer-Encoding` was
    /// refused already). A static server needs none, and refuses one (`400`) rather than read
    /// and drop it: content in a GET has no meaning and is a known smuggling vector (RFC 9110
    /// §9.3.1); the connection is then closed.
    pub fn body(&self) -> bool {
        self.all(Field::ContentLength)
            .any(|v| content_length(v) != Some(0))
    }

    /// The checks of the whole head: `Host` (RFC 9112 §3.2), the framing (RFC 9112 §6).
    fn check(&self) -> Result<(), Status> {
        // One Host, and in HTTP/1.1 one at least; not empty (an http URI has a host, RFC 9110
        // §4.2.1), of the characters of a host and port.
        let hosts = self.all(Field::Host).count();
        if hosts > 1 || (hosts == 0 && self.http11) {
            return Err(Status::BAD_REQUEST);
        }
        if let Some(host) = self.one(Field::Host)
            && (host.is_empty()
                || !host
                    .iter()
                    .all(|&b| b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:[]%".contains(&b)))
        {
            return Err(Status::BAD_REQUEST);
        }
        // Transfer-Encoding, with Content-Length or without: a body this server will not read,
        // in a framing a proxy may read otherwise (RFC 9112 §6.1, §6.3, §11.2).
        if self.all(Field::TransferEncoding).next().is_some() {
            return Err(Status::BAD_REQUEST);
        }
        // One Content-Length at most, of digits (two, even equal, are refused: RFC 9110 §8.6
        // lets a recipient reject them).
        let mut lengths = self.all(Field::ContentLength);
        match (lengths.next(), lengths.next()) {
            (Some(v), None) if content_length(v).is_none() => Err(Status::BAD_REQUEST),
            (Some(_), Some(_)) => Err(Status::BAD_REQUEST),
            _ => Ok(()),
        }
    }
}
