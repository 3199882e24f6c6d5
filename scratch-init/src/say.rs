//! Messages, as tini words them: `[LEVEL scratch-init (PID)] text`, one line, built in a
//! buffer on the stack and written with one `write(2)`. No `core::fmt`: it alone would be
//! larger than the whole program.

use syscall_kit::io::write_all;
use syscall_kit::{Errno, process, stderr, stdout};

/// The texts of the errors an init meets, each after its errno as one byte (`ENOENT`,
/// `EACCES`, `ENOEXEC`, `EPERM`, `E2BIG`: the same numbers on every architecture of the kit;
/// all below 32, as no byte of a text is), and a 0 at the end.
const ERRNO_TEXTS: &[u8] =
    b"\x02No such file or directory\x0dPermission denied\x08Exec format error\
\x01Operation not permitted\x07Argument list too long\0";

/// One line being built; what does not fit in the buffer is cut.
pub struct Line {
    buf: [u8; 512],
    len: usize,
}

impl Line {
    /// An empty line.
    pub fn new() -> Line {
        Line {
            buf: [0; 512],
            len: 0,
        }
    }

    /// A line that starts `[LEVEL scratch-init (PID)] `; `level` is `[LEVEL`.
    pub fn tagged(level: &[u8]) -> Line {
        let mut line = Line::new();
        line.text(level)
            .text(b" scratch-init (")
            .num(process::getpid() as u32)
            .text(b")] ");
        line
    }

    /// Appends `bytes`.
    pub fn text(&mut self, bytes: &[u8]) -> &mut Line {
        for &b in bytes {
            if let Some(slot) = self.buf.get_mut(self.len) {
                *slot = b;
                self.len += 1;
            }
        }
        self
    }

    /// Appends `n` in decimal.
    pub fn num(&mut self, mut n: u32) -> &mut Line {
        let mut digits = [0u8; 10];
        let mut i = digits.len();
        loop {
            i -= 1;
            digits[i] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 || i == 0 {
                break;
            }
        }
        self.text(digits.get(i..).unwrap_or(&[]))
    }

    /// Appends what `e` means, for the errors an init meets; the number otherwise.
    pub fn errno(&mut self, e: Errno) -> &mut Line {
        let (mut found, mut start) = (false, 0);
        for (i, &b) in ERRNO_TEXTS.iter().enumerate() {
            if b < 32 {
                if found {
                    return self.text(ERRNO_TEXTS.get(start..i).unwrap_or_default());
                }
                found = i32::from(b) == e.raw();
                start = i + 1;
            }
        }
        self.text(b"errno ").num(e.raw() as u32)
    }

    /// Ends the line and writes it to standard error (`err`) or output; a failed write is
    /// ignored: there is nowhere else to report it.
    pub fn emit(&mut self, err: bool) {
        self.text(b"\n");
        let bytes = self.buf.get(..self.len).unwrap_or(&[]);
        let _ = if err {
            write_all(stderr(), bytes)
        } else {
            write_all(stdout(), bytes)
        };
    }
}
