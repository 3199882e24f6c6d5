//! From a request target to a path relative to the served directory: the path part of the
//! target (origin-form, or absolute-form `http://host/path`, RFC 9112 §3.2), percent-decoded,
//! its dot-segments removed (RFC 3986 §5.2.4), with no `/` in front.
//!
//! Refused (`400`): a target that is neither form, a `%` not followed by two hex digits, `%00`
//! (a NUL would end the path the kernel reads) and `%2F` (an encoded slash is not a slash,
//! RFC 9110 §4.2.3, and no file name holds one: decoding it to `/` would name another
//! resource), and a `..` above the root. `..` is removed here, by the text, and the kernel's
//! `openat2` with `RESOLVE_BENEATH` refuses any way out of the directory besides, so neither a
//! `..` nor a symbolic link can leave it.

use syscall_kit::PATH_MAX;
use syscall_kit::text::eq_ignore_case;

use crate::status::Status;

/// A path as [`relative`] made it: NUL-terminated for the kernel.
pub struct RelPath {
    pub bytes: [u8; PATH_MAX],
    /// The path's length, its NUL not counted.
    pub len: usize,
    /// The target names a directory: it ended with `/`, `/.` or `/..`.
    pub dir: bool,
    /// A segment starts with `.` (a dotfile or a directory of them), other than a first
    /// segment `.well-known` (RFC 8615).
    pub dotfile: bool,
}

impl RelPath {
    /// The path, without its NUL (empty for the directory itself).
    pub fn as_bytes(&self) -> &[u8] {
        self.bytes.get(..self.len).unwrap_or_default()
    }

    /// Appends `more` (`index.html`, `.br`); `false` if it does not fit.
    pub fn push(&mut self, more: &[u8]) -> bool {
        let end = self.len + more.len();
        match self.bytes.get_mut(self.len..=end) {
            Some(room) => {
                for (slot, &b) in room.iter_mut().zip(more.iter().chain(&[0])) {
                    *slot = b;
                }
                self.len = end;
                true
            }
            None => false,
        }
    }

    /// Cuts the path back to `len` bytes (what it was before a [`push`](RelPath::push)).
    pub fn truncate(&mut self, len: usize) {
        if let Some(nul) = self.bytes.get_mut(len) {
            *nul = 0;
            self.len = len;
        }
    }

    /// The last segment's extension, after its last `.` (empty for none).
    pub fn extension(&self) -> &[u8] {
        let name = self
            .as_bytes()
            .rsplit(|&b| b == b'/')
            .next()
            .unwrap_or_default();
        match name.iter().rposition(|&b| b == b'.') {
            Some(dot) if dot > 0 => name.get(dot + 1..).unwrap_or_default(),
            _ => b"",
        }
    }
}

/// The path part of `target`, what starts with `/` up to `?` (for the absolute-form, after the
/// scheme and the authority), and the query, `?` included (or empty).
pub fn path_of(target: &[u8]) -> Result<(&[u8], &[u8]), Status> {
    let after_scheme = [&b"http://"[..], b"https://"].iter().find_map(|s| {
        let head = target.get(..s.len())?;
        eq_ignore_case(head, s).then(|| target.get(s.len()..).unwrap_or_default())
    });
    let origin = match after_scheme {
        // absolute-form: the path starts at the first `/` after the authority, else `/`.
        Some(rest) => {
            let slash = rest
                .iter()
                .position(|&b| b == b'/' || b == b'?')
                .unwrap_or(rest.len());
            match rest.get(slash..) {
                Some(p @ [b'/', ..]) => p,
                _ => &b"/"[..],
            }
        }
        None if target.first() == Some(&b'/') => target,
        // `*` (OPTIONS only) and authority-form (CONNECT only) name no file.
        None => return Err(Status::BAD_REQUEST),
    };
    let q = origin
        .iter()
        .position(|&b| b == b'?')
        .unwrap_or(origin.len());
    let (path, query) = origin.split_at_checked(q).unwrap_or((origin, b""));
    Ok((if path.is_empty() { b"/" } else { path }, query))
}

fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// The path of the file `path` (which starts with `/`) names, relative to the served
/// directory; see the [module](self).
pub fn relative(path: &[u8]) -> Result<RelPath, Status> {
    let mut rel = RelPath {
        bytes: [0; PATH_MAX],
        len: 0,
        dir: false,
        dotfile: false,
    };
    // Where each kept segment starts in `rel.bytes`, to remove the last for a `..`.
    let mut starts = [0u16; PATH_MAX / 2];
    let mut depth = 0;
    let segments = path.get(1..).unwrap_or_default().split(|&b| b == b'/');
    for raw in segments {
        rel.dir = true;
        let start = rel.len;
        let sep = usize::from(depth > 0);
        if sep == 1 && !rel.push(b"/") {
            return Err(Status::URI_TOO_LONG);
        }
        let mut bytes = raw.iter();
        while let Some(&b) = bytes.next() {
            let b = if b == b'%' {
                let hi = bytes.next().copied().and_then(hex);
                let lo = bytes.next().copied().and_then(hex);
                match (hi, lo) {
                    (Some(0), Some(0)) | (Some(2), Some(0xf)) | (None, _) | (_, None) => {
                        return Err(Status::BAD_REQUEST);
                    }
                    (Some(hi), Some(lo)) => (hi << 4) | lo,
                }
            } else {
                b
            };
            if !rel.push(&[b]) {
                return Err(Status::URI_TOO_LONG);
            }
        }
        let segment = rel.bytes.get(start + sep..rel.len).unwrap_or_default();
        match segment {
            b"" | b"." => rel.truncate(start),
            b".." => {
                rel.truncate(start);
                depth = match depth {
                    0 => return Err(Status::BAD_REQUEST),
                    d => d - 1,
                };
                let back = starts.get(depth).copied().unwrap_or(0);
                rel.truncate(usize::from(back));
            }
            _ => {
                if let Some(s) = starts.get_mut(depth) {
                    *s = start as u16;
                }
                depth += 1;
                rel.dir = false;
            }
        }
    }
    // A segment that starts with a dot, but `.well-known` at the top.
    let mut segs = rel.as_bytes().split(|&b| b == b'/').enumerate();
    rel.dotfile = segs.any(|(i, s)| s.first() == Some(&b'.') && !(i == 0 && s == b".well-known"));
    Ok(rel)
}
