//! Messages, as tini words them: `[LEVEL scratch-init (PID)] text`, one line, built in a buffer
//! on the stack and written with one `write(2)`.
//!
//! A message is written where it is said, as a list of [`Part`]s: `say(Level::Warn,
//! &[Text(b"Reaped zombie process with pid="), Num(pid)])`. No `core::fmt`: it alone would be
//! larger than the whole program.

use syscall_kit::io::write_all;
use syscall_kit::text::Decimal;
use syscall_kit::{Errno, process, stderr, stdout};

/// A piece of a message.
#[derive(Clone, Copy)]
pub enum Part<'a> {
    /// Bytes as they are (a program's name may hold any byte).
    Text(&'a [u8]),
    /// A number, in decimal.
    Num(u32),
    /// What an error means (`No such file or directory`), or `errno N` for one without a text.
    Error(Errno),
}

pub use Part::{Error, Num, Text};

/// How a message starts, and where it goes: standard error, but standard output for `INFO`, as
/// tini.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// `[FATAL`: the program ends (see [`fatal`], [`bad_input`]).
    Fatal,
    /// `[WARN `: shown from verbosity 1, the default.
    Warn,
    /// `[INFO `: shown from verbosity 2 (`-vv`).
    Info,
}

/// The longest line; what does not fit is cut, and the line still ends with its newline.
const LINE_MAX: usize = 512;

/// One line being built.
struct Line {
    buf: [u8; LINE_MAX],
    /// The end of the line so far; at most `LINE_MAX - 1`, which leaves room for the newline.
    len: usize,
}

impl Line {
    /// Appends `bytes`, as many as fit before the newline's place.
    fn push(&mut self, bytes: &[u8]) {
        for &b in bytes {
            match self.buf.get_mut(self.len) {
                Some(slot) if self.len < LINE_MAX - 1 => *slot = b,
                _ => return,
            }
            self.len += 1;
        }
    }

    /// The line, ended with its newline.
    fn finish(&mut self) -> &[u8] {
        if let Some(slot) = self.buf.get_mut(self.len) {
            *slot = b'\n';
        }
        self.buf.get(..self.len + 1).unwrap_or_default()
    }
}

/// The text of the errors an init meets (those of `execve(2)` and `fork(2)` most of all).
fn error_text(e: Errno) -> Option<&'static [u8]> {
    Some(match e {
        Errno::ENOENT => b"No such file or directory",
        Errno::EACCES => b"Permission denied",
        Errno::ENOEXEC => b"Exec format error",
        Errno::EPERM => b"Operation not permitted",
        Errno::E2BIG => b"Argument list too long",
        _ => return None,
    })
}

/// Writes the message of `parts` at `level`: `[LEVEL scratch-init (PID)] ` and the parts, one
/// line. A failed write is ignored: there is nowhere else to report it.
#[inline(never)]
pub fn say(level: Level, parts: &[Part<'_>]) {
    let mut line = Line {
        buf: [0; LINE_MAX],
        len: 0,
    };
    line.push(match level {
        Level::Fatal => b"[FATAL",
        Level::Warn => b"[WARN ",
        Level::Info => b"[INFO ",
    });
    line.push(b" scratch-init (");
    line.push(Decimal::new(process::getpid() as u32).as_bytes());
    line.push(b")] ");
    for part in parts {
        match *part {
            Text(bytes) => line.push(bytes),
            Num(n) => line.push(Decimal::new(n).as_bytes()),
            Error(e) => match error_text(e) {
                Some(text) => line.push(text),
                None => {
                    line.push(b"errno ");
                    line.push(Decimal::new(e.raw() as u32).as_bytes());
                }
            },
        }
    }
    let fd = if level == Level::Info {
        stdout()
    } else {
        stderr()
    };
    let _ = write_all(fd, line.finish());
}

/// A system call failed: `[FATAL …] what: error`, and exit status 1 (as tini).
#[inline(never)]
pub fn fatal(what: &[u8], e: Errno) -> ! {
    say(Level::Fatal, &[Text(what), Text(b": "), Error(e)]);
    process::exit(1)
}

/// Bad input: `[FATAL …] what` followed by the argument that was wrong, and exit status 2.
#[inline(never)]
pub fn bad_input(what: &[u8], arg: &[u8]) -> ! {
    say(Level::Fatal, &[Text(what), Text(arg)]);
    process::exit(2)
}

/// Writes `text` (the usage, the version, the license) to standard output and exits 0.
#[inline(never)]
pub fn print(text: &[u8]) -> ! {
    let _ = write_all(stdout(), text);
    process::exit(0)
}
