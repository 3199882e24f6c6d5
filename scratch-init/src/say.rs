//! Messages, as tini words them: `[LEVEL scratch-init (PID)] text`, one line, built in a
//! buffer on the stack from a template and written with one `write(2)`. No `core::fmt`: it
//! alone would be larger than the whole program; and one writer for every message, each a
//! template of text and codes, so that a message costs its text and one call.
//!
//! The codes, bytes below 8 (no text has one), written as escapes (`\x01` …):
//! - [`TAG`]: ` scratch-init (PID)] `, after the `[LEVEL` that starts a message;
//! - [`STR`]: the string argument;
//! - [`NUM`]: the number argument, in decimal;
//! - [`ERRNO`]: what the number argument means as an errno;
//! - [`NAME`]: the name, `scratch-init`;
//! - [`OUT`] (first byte only): the message goes to standard output, not standard error.

use syscall_kit::io::write_all;
use syscall_kit::{process, stderr, stdout};

/// ` scratch-init (PID)] `.
pub const TAG: u8 = 1;
/// The string argument.
pub const STR: u8 = 2;
/// The number argument.
pub const NUM: u8 = 3;
/// The errno text of the number argument.
pub const ERRNO: u8 = 4;
/// `scratch-init`.
pub const NAME: u8 = 5;
/// To standard output.
pub const OUT: u8 = 6;

/// The texts of the errors an init meets, each after its errno as one byte (`ENOENT`,
/// `EACCES`, `ENOEXEC`, `EPERM`, `E2BIG`: the same numbers on every architecture of the kit;
/// all below 32, as no byte of a text is), and a 0 at the end.
const ERRNO_TEXTS: &[u8] =
    b"\x02No such file or directory\x0dPermission denied\x08Exec format error\
\x01Operation not permitted\x07Argument list too long\0";

/// One line being built; what does not fit in the buffer is cut.
struct Line {
    buf: [u8; 512],
    len: usize,
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

    /// Appends `text`, its codes expanded with `s` and `n`.
    fn put(&mut self, text: &[u8], s: &[u8], n: u32) {
        for &b in text {
            if b >= 8 {
                self.push(b);
            } else if b == STR {
                self.raw(s);
            } else if b == NUM {
                self.num(n);
            } else if b == ERRNO {
                self.errno(n);
            } else if b == NAME {
                self.raw(b"scratch-init");
            } else if b == TAG {
                self.raw(b" scratch-init (");
                self.num(process::getpid() as u32);
                self.raw(b")] ");
            }
        }
    }

    /// Appends `n` in decimal.
    fn num(&mut self, mut n: u32) {
        let mut digits = [0u8; 10];
        let mut i = digits.len();
        while let Some(d) = i.checked_sub(1).and_then(|j| digits.get_mut(j)) {
            *d = b'0' + (n % 10) as u8;
            i -= 1;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        self.raw(digits.get(i..).unwrap_or_default());
    }

    /// Appends what errno `e` means, for the errors an init meets; the number otherwise.
    fn errno(&mut self, e: u32) {
        let (mut found, mut start) = (false, 0);
        for (i, &b) in ERRNO_TEXTS.iter().enumerate() {
            if b < 32 {
                if found {
                    return self.raw(ERRNO_TEXTS.get(start..i).unwrap_or_default());
                }
                found = u32::from(b) == e;
                start = i + 1;
            }
        }
        self.put(b"errno \x03", b"", e);
    }
}

/// Writes the message of `template` (see the module's codes), with the string `s` and the
/// number `n`, to standard error (standard output if it starts with [`OUT`]); a failed write
/// is ignored: there is nowhere else to report it.
#[inline(never)]
pub fn say(template: &[u8], s: &[u8], n: u32) {
    let mut line = Line {
        buf: [0; 512],
        len: 0,
    };
    line.put(template, s, n);
    let bytes = line.buf.get(..line.len).unwrap_or_default();
    let fd = if template.first() == Some(&OUT) {
        stdout()
    } else {
        stderr()
    };
    let _ = write_all(fd, bytes);
}
