//! Messages, as tini words them: `[LEVEL scratch-init (PID)] text`, one line, built in a
//! buffer on the stack and written with one `write(2)`. No `core::fmt`: it alone would be
//! larger than the whole program.

use syscall_kit::io::write_all;
use syscall_kit::{Errno, process, stderr, stdout};

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

    /// A line that starts `[LEVEL scratch-init (PID)] `.
    pub fn tagged(level: &[u8]) -> Line {
        let mut line = Line::new();
        line.text(b"[")
            .text(level)
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
        match e {
            Errno::ENOENT => self.text(b"No such file or directory"),
            Errno::EACCES => self.text(b"Permission denied"),
            Errno::ENOEXEC => self.text(b"Exec format error"),
            Errno::EPERM => self.text(b"Operation not permitted"),
            Errno::E2BIG => self.text(b"Argument list too long"),
            _ => self.text(b"errno ").num(e.raw() as u32),
        }
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
