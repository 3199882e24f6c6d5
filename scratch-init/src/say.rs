//! Messages, as tini words them: `[LEVEL scratch-init (PID)] text`, one line, built in a
//! buffer on the stack from a template and written with one `write(2)`. No `core::fmt`: it
//! alone would be larger than the whole program; and one writer for every message, so that a
//! message costs its text and one call.
//!
//! The templates are in `messages.rs` (the codes they hold are described there); build.rs packs
//! them into one string, [`msg::PACKED`], which [`say`] unpacks on the stack each time.

use syscall_kit::io::write_all;
use syscall_kit::{Errno, process, stderr, stdout};

/// A text of `messages.rs`: its offset in the unpacked texts times 65,536, plus its length.
#[derive(Clone, Copy)]
pub struct Msg(u32);

/// The texts, packed by build.rs, and a constant for each (`msg::FORK_FAILED` …).
pub mod msg {
    use super::Msg;
    include!(concat!(env!("OUT_DIR"), "/messages.rs"));
}

/// The tag (the `TAG` text).
const TAG: u8 = 1;
/// The string argument.
const STR: u8 = 8;
/// The number argument.
const NUM: u8 = 16;
/// The errno text of the number argument.
const ERRNO: u8 = 24;
/// To standard output (the first byte of a text).
const OUT: u8 = 6;
/// This process's id.
const PID: u8 = 31;

/// Unpacks [`msg::PACKED`] (the format is described in build.rs). Written without indexing
/// that could panic; a token that would reach outside `out` (build.rs checks that none does)
/// writes nothing.
fn unpack(out: &mut [u8]) {
    let mut o = 0usize;
    let mut tokens = msg::PACKED.iter();
    while let Some(&b) = tokens.next() {
        if b < 0x80 {
            if let Some(slot) = out.get_mut(o) {
                *slot = b;
            }
            o += 1;
            continue;
        }
        let distance = usize::from(b & 7) << 8 | usize::from(tokens.next().copied().unwrap_or(0));
        for _ in 0..usize::from((b >> 3) & 15) + 3 {
            // Too far back wraps to an index past the end, which `get` refuses.
            let c = out.get(o.wrapping_sub(distance)).copied().unwrap_or(0);
            if let Some(slot) = out.get_mut(o) {
                *slot = c;
            }
            o += 1;
        }
    }
}

/// The longest line; what does not fit is cut, and the line still ends with its newline.
const LINE_MAX: usize = 512;

/// One line being built, after the unpacked texts in the same buffer (one buffer to clear, and
/// a text and the line are both read by index, with no borrow of one across a write of the other).
struct Line {
    /// The texts, then the line.
    buf: [u8; msg::UNPACKED + LINE_MAX],
    /// The end of the line so far (from `msg::UNPACKED`).
    len: usize,
}

impl Msg {
    /// Where the text is in the unpacked texts (and so in [`Line::buf`]).
    fn range(self) -> core::ops::Range<usize> {
        let at = (self.0 >> 16) as usize;
        at..at + (self.0 & 0xffff) as usize
    }
}

impl Line {
    /// Appends one byte.
    fn push(&mut self, b: u8) {
        if let Some(slot) = self.buf.get_mut(self.len) {
            *slot = b;
            self.len += 1;
        }
    }

    /// Appends `bytes` as they are (a string argument may hold any byte).
    fn raw(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.push(b);
        }
    }

    /// Appends the text `m`, its codes expanded with `s` and `n`.
    fn put(&mut self, m: Msg, s: &[u8], n: u32) {
        for i in m.range() {
            let b = self.buf.get(i).copied().unwrap_or(0);
            if b >= 32 || b == b'\n' {
                self.push(b);
            } else if b == TAG {
                self.put(msg::TAG, s, n);
            } else if b == STR {
                self.raw(s);
            } else if b == NUM {
                self.num(n);
            } else if b == ERRNO {
                self.errno(n);
            } else if b == PID {
                self.num(process::getpid() as u32);
            }
        }
    }

    /// Appends `n` in decimal (the digits before the last first: at most nine calls deep).
    fn num(&mut self, n: u32) {
        if n >= 10 {
            self.num(n / 10);
        }
        self.push(b'0' + (n % 10) as u8);
    }

    /// Appends what errno `e` means, for the errors an init meets; the number otherwise.
    #[inline(never)]
    fn errno(&mut self, e: u32) {
        let text = match Errno::from_raw(e as i32) {
            Errno::ENOENT => msg::ENOENT,
            Errno::EACCES => msg::EACCES,
            Errno::ENOEXEC => msg::ENOEXEC,
            Errno::EPERM => msg::EPERM,
            Errno::E2BIG => msg::E2BIG,
            _ => msg::ERRNO_NUMBER,
        };
        self.put(text, b"", e);
    }
}

/// Writes the message `m` (a template of `messages.rs`), with the string `s` and the number
/// `n`, to standard error (standard output if it starts with the code for it); a failed write
/// is ignored: there is nowhere else to report it.
#[inline(never)]
pub fn say(m: Msg, s: &[u8], n: u32) {
    let mut line = Line {
        buf: [0; msg::UNPACKED + LINE_MAX],
        len: msg::UNPACKED,
    };
    unpack(&mut line.buf);
    line.put(m, s, n);
    if line.len == line.buf.len()
        && let Some(last) = line.buf.last_mut()
    {
        *last = b'\n';
    }
    let fd = if line.buf.get(m.range().start) == Some(&OUT) {
        stdout()
    } else {
        stderr()
    };
    let _ = write_all(
        fd,
        line.buf.get(msg::UNPACKED..line.len).unwrap_or_default(),
    );
}
