//! Validators and what the request makes of them: the strong `ETag`, the conditional fields
//! in RFC 9110 §13.2.2's order (`If-Match`, `If-Unmodified-Since`, `If-None-Match`,
//! `If-Modified-Since`), and `Range` with `If-Range` (RFC 9110 §14).

use syscall_kit::fs::Stat;
use syscall_kit::text::{Buf, after, before, eq_ignore_case};

use crate::date::parse_http_date;
use crate::request::{Field, Request, list, trim};

/// The validators of a file.
pub struct Validators {
    /// `"INODE-SIZE-MTIME"`, each in hex (the time in nanoseconds): strong, since a change of
    /// the file's contents changes one of them (a file replaced has another inode; one written
    /// in place another time).
    pub etag: Buf<64>,
    /// The modification time, in seconds since the Epoch.
    pub mtime: i64,
}

/// Appends `n` in lowercase hex.
fn push_hex(out: &mut Buf<64>, n: u64) {
    let digits = (64 - n.leading_zeros()).div_ceil(4).max(1);
    for shift in (0..digits).rev() {
        let nibble = (n >> (shift * 4)) & 0xf;
        out.push(&[b"0123456789abcdef"[nibble as usize]]);
    }
}

impl Validators {
    /// The validators of the file `st` describes.
    pub fn of(st: &Stat) -> Validators {
        let mut etag = Buf::new();
        etag.push(b"\"");
        push_hex(&mut etag, st.ino);
        etag.push(b"-");
        push_hex(&mut etag, st.size);
        etag.push(b"-");
        let nanos = (st.mtime as u64)
            .wrapping_mul(1_000_000_000)
            .wrapping_add(u64::from(st.mtime_nsec));
        push_hex(&mut etag, nanos);
        etag.push(b"\"");
        Validators {
            etag: etag.clone(),
            mtime: st.mtime,
        }
    }
}

/// One entity-tag of a list: whether it is weak, and its opaque part with its quotes; `None`
/// if it is not one.
fn entity_tag(tag: &[u8]) -> Option<(bool, &[u8])> {
    let (weak, opaque) = match after(tag, b"W/") {
        Some(rest) => (true, rest),
        None => (false, tag),
    };
    let inner = before(after(opaque, b"\"")?, b"\"")?;
    // etagc: `!`, `#` to `~` and obs-text; no quote inside.
    inner
        .iter()
        .all(|&b| b == 0x21 || (0x23..=0x7e).contains(&b) || b >= 0x80)
        .then_some((weak, opaque))
}

/// Whether the list of an `If-Match` or `If-None-Match` field matches `etag`: `*`, or one of
/// its tags compared strongly (both strong and the same) or weakly (the same, weak or not).
fn matches<'a>(values: impl Iterator<Item = &'a [u8]>, etag: &[u8], weak: bool) -> bool {
    values.flat_map(list).any(|t| {
        t == b"*"
            || entity_tag(t).is_some_and(|(is_weak, opaque)| (weak || !is_weak) && opaque == etag)
    })
}

/// What the preconditions decide.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Answer as without them.
    Proceed,
    /// `304 Not Modified`.
    NotModified,
    /// `412 Precondition Failed`.
    Failed,
}

/// The preconditions of `req` against `v`, in the order of RFC 9110 §13.2.2 (the method is GET
/// or HEAD, and the file exists).
pub fn preconditions(req: &Request<'_>, v: &Validators) -> Outcome {
    let etag = v.etag.as_bytes();
    if req.all(Field::IfMatch).next().is_some() {
        if !matches(req.all(Field::IfMatch), etag, false) {
            return Outcome::Failed;
        }
    } else if let Some(date) = req.one(Field::IfUnmodifiedSince).and_then(parse_http_date)
        && v.mtime > date
    {
        return Outcome::Failed;
    }
    if req.all(Field::IfNoneMatch).next().is_some() {
        if matches(req.all(Field::IfNoneMatch), etag, true) {
            return Outcome::NotModified;
        }
    } else if let Some(date) = req.one(Field::IfModifiedSince).and_then(parse_http_date)
        && v.mtime <= date
    {
        return Outcome::NotModified;
    }
    Outcome::Proceed
}

/// The part of a file of `size` bytes that a `Range` asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Span {
    /// The whole file, `200`: no `Range`, one this server ignores (another unit, no range,
    /// several ranges, an `If-Range` that does not match), or a HEAD.
    Whole,
    /// Bytes `first..=last`, `206`.
    Part(u64, u64),
    /// No byte of the file, or an invalid range: `416`.
    Unsatisfiable,
}

/// A number of digits; one too large for a `u64` is `u64::MAX` (as far beyond any file).
fn number(digits: &[u8]) -> Option<u64> {
    if digits.is_empty() {
        return None;
    }
    digits.iter().try_fold(0u64, |n, &b| {
        b.is_ascii_digit()
            .then(|| n.saturating_mul(10).saturating_add(u64::from(b - b'0')))
    })
}

/// The span `req`'s `Range` asks of a GET of a file of `size` bytes (RFC 9110 §14.2). One
/// range is served; several are answered with the whole file, as §14.2 allows (a server MAY
/// ignore Range), rather than in a `multipart/byteranges` body; an invalid one is rejected
/// (`416`, as §14.2 allows too, and as nginx does).
pub fn range(req: &Request<'_>, v: &Validators, size: u64) -> Span {
    let Some(value) = req.one(Field::Range) else {
        return Span::Whole;
    };
    // If-Range: the range only if the file is the one the client holds part of (§13.1.5): its
    // strong entity tag, or exactly its Last-Modified date.
    if let Some(cond) = req.one(Field::IfRange) {
        let same = match entity_tag(cond) {
            Some((weak, opaque)) => !weak && opaque == v.etag.as_bytes(),
            None => parse_http_date(cond) == Some(v.mtime),
        };
        if !same {
            return Span::Whole;
        }
    }
    let Some(eq) = value.iter().position(|&b| b == b'=') else {
        return Span::Whole;
    };
    let (unit, set) = value.split_at_checked(eq).unwrap_or((value, b""));
    if !eq_ignore_case(trim(unit), b"bytes") {
        return Span::Whole;
    }
    // A list may have empty elements (RFC 9110 §5.6.1): `bytes=0-1,` is one range.
    let mut specs = list(set.get(1..).unwrap_or_default());
    let (Some(spec), None) = (specs.next(), specs.next()) else {
        return Span::Whole;
    };
    let Some(dash) = spec.iter().position(|&b| b == b'-') else {
        return Span::Unsatisfiable;
    };
    let (first, last) = spec.split_at_checked(dash).unwrap_or((spec, b""));
    let last = last.get(1..).unwrap_or_default();
    match (number(first), number(last)) {
        // `-N`: the last N bytes (§14.1.3); none when N is 0 or the file is empty.
        (None, Some(n)) if first.is_empty() => match n.min(size) {
            0 => Span::Unsatisfiable,
            n => Span::Part(size - n, size - 1),
        },
        // `A-` or `A-B` with A <= B: from A, to B or the end (§14.1.2).
        (Some(a), b) if last.is_empty() || b.is_some_and(|b| b >= a) => {
            if a >= size {
                Span::Unsatisfiable
            } else {
                Span::Part(a, b.map_or(size - 1, |b| b.min(size - 1)))
            }
        }
        _ => Span::Unsatisfiable,
    }
}
