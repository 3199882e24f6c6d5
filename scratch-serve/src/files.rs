//! Finding the file a request names, beneath the served directory, with `openat2(2)`.
//!
//! Every open is one `openat2` relative to the directory's descriptor with `RESOLVE_BENEATH |
//! RESOLVE_NO_MAGICLINKS` (and `RESOLVE_NO_SYMLINKS` with `--no-symlinks`): the kernel resolves
//! the whole path and refuses any component that would leave the directory, a `..` or a
//! symbolic link (an absolute one included), so no rename or new link between two steps can
//! make it leave; nothing is checked first and opened after. What is opened is then looked at
//! through its descriptor (`fstat`): a directory is answered with its `index.html` (or a
//! redirect to the name with a `/`), a regular file is served, anything else is `404`.
//!
//! A file's precompressed sidecars (`FILE.br`, `FILE.zst`, `FILE.gz`) are opened the same way,
//! when the request accepts their coding.

use syscall_kit::fs::{self, OFlags, OpenHow, ResolveFlags, Stat};
use syscall_kit::text::{after, eq_ignore_case};
use syscall_kit::{Errno, OwnedFd};

use crate::path::RelPath;
use crate::request::{Field, Request, list, trim};
use crate::status::Status;

/// Opens `rel` beneath `dir` (`.` for the directory itself), for reading, without waiting (a
/// FIFO opens at once) and never as a controlling terminal.
pub fn open(dir: &OwnedFd, rel: &RelPath, no_symlinks: bool) -> Result<(OwnedFd, Stat), Errno> {
    let mut resolve = ResolveFlags::BENEATH | ResolveFlags::NO_MAGICLINKS;
    if no_symlinks {
        resolve |= ResolveFlags::NO_SYMLINKS;
    }
    let how = OpenHow {
        flags: OFlags::RDONLY | OFlags::NONBLOCK | OFlags::NOCTTY | OFlags::CLOEXEC,
        mode: fs::Mode::empty(),
        resolve,
    };
    let path = match rel.bytes.get(..=rel.len) {
        Some(with_nul) if rel.len > 0 => {
            core::ffi::CStr::from_bytes_with_nul(with_nul).map_err(|_| Errno::EINVAL)?
        }
        _ => c".",
    };
    let fd = fs::openat2(dir, path, &how)?;
    let st = fs::fstat(&fd)?;
    Ok((fd, st))
}

/// The status of a file that could not be opened.
pub fn status_of(e: Errno) -> Status {
    match e {
        // Missing, or a way out of the directory (EXDEV), or a link refused (ELOOP), or a name
        // too long for the file system: no such file here.
        Errno::ENOENT | Errno::ENOTDIR | Errno::EXDEV | Errno::ELOOP | Errno::ENAMETOOLONG => {
            Status::NOT_FOUND
        }
        Errno::EACCES | Errno::EPERM => Status::FORBIDDEN,
        // Out of descriptors or memory, for now.
        Errno::EMFILE | Errno::ENFILE | Errno::ENOMEM | Errno::EAGAIN => Status::UNAVAILABLE,
        _ => Status::INTERNAL_ERROR,
    }
}

/// The content codings this server has sidecars for, in its order of preference, with their
/// files' suffixes.
pub const CODINGS: [(&[u8], &[u8]); 3] = [(b"br", b".br"), (b"zstd", b".zst"), (b"gzip", b".gz")];

/// How much the request's `Accept-Encoding` wants each of [`CODINGS`] (RFC 9110 §12.5.3): its
/// weight in thousandths, 0 for not at all.
pub fn accepted(req: &Request<'_>) -> [u16; 3] {
    let mut weights = [0u16; 3];
    // Whether each was named (a named coding is not `*`'s).
    let mut named = [false; 3];
    let mut star = 0;
    for element in req.all(Field::AcceptEncoding).flat_map(list) {
        let mut parts = element.split(|&b| b == b';');
        let coding = trim(parts.next().unwrap_or_default());
        let weight = parts
            .filter_map(|p| {
                let p = trim(p);
                let v = after(p, b"q=").or_else(|| after(p, b"Q="))?;
                Some(qvalue(v))
            })
            .next()
            .unwrap_or(1000);
        if coding == b"*" {
            star = weight;
        }
        for (i, (name, _)) in CODINGS.iter().enumerate() {
            // `x-gzip` is gzip (RFC 9110 §8.4.1.3).
            if (eq_ignore_case(coding, name) || (i == 2 && eq_ignore_case(coding, b"x-gzip")))
                && let (Some(w), Some(n)) = (weights.get_mut(i), named.get_mut(i))
            {
                *w = weight;
                *n = true;
            }
        }
    }
    for (w, n) in weights.iter_mut().zip(named) {
        if !n {
            *w = star;
        }
    }
    weights
}

/// A qvalue, `0`, `0.5`, `1.000` (RFC 9110 §12.4.2), in thousandths; 0 for a malformed one.
fn qvalue(v: &[u8]) -> u16 {
    let (int, frac) = match v.iter().position(|&b| b == b'.') {
        Some(dot) => (
            v.get(..dot).unwrap_or_default(),
            v.get(dot + 1..).unwrap_or_default(),
        ),
        None => (v, &b""[..]),
    };
    if frac.len() > 3 || !frac.iter().all(u8::is_ascii_digit) {
        return 0;
    }
    let mut thousandths = 0;
    for i in 0..3 {
        thousandths = thousandths * 10 + frac.get(i).map_or(0, |&d| u16::from(d - b'0'));
    }
    match int {
        b"0" => thousandths,
        b"1" if thousandths == 0 => 1000,
        _ => 0,
    }
}

/// The order in which to try the sidecars: the codings accepted, the client's weight first,
/// then this server's preference.
pub fn sidecar_order(weights: [u16; 3]) -> [Option<usize>; 3] {
    let mut order = [Some(0), Some(1), Some(2)];
    // Three elements: a stable sort by descending weight, by hand.
    let w = |i: Option<usize>| i.and_then(|i| weights.get(i).copied()).unwrap_or(0);
    for _ in 0..2 {
        for j in 0..2 {
            if let (Some(&a), Some(&b)) = (order.get(j), order.get(j + 1))
                && w(b) > w(a)
            {
                order.swap(j, j + 1);
            }
        }
    }
    for slot in &mut order {
        if w(*slot) == 0 {
            *slot = None;
        }
    }
    order
}
