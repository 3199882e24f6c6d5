//! What the program says: one line on standard error for each thing that goes wrong, with the
//! error's name (from a table of the few this server can meet), and the exit statuses.

use syscall_kit::rt::error_names::ErrorNames;
use syscall_kit::text::{Buf, Decimal, before};
use syscall_kit::{Errno, io, process, stderr, stdout};

/// Bad usage.
pub const USAGE_STATUS: i32 = 2;
/// The server could not start.
pub const START_FAILED: i32 = 1;

/// The errors a start-up (or a worker) can meet, by name; another is written `errno N`.
const NAMES: ErrorNames = syscall_kit::error_names!(
    EACCES,
    EADDRINUSE,
    EADDRNOTAVAIL,
    EAFNOSUPPORT,
    EINVAL,
    ELOOP,
    EMFILE,
    ENAMETOOLONG,
    ENFILE,
    ENOENT,
    ENOMEM,
    ENOSYS,
    ENOTDIR,
    EPERM,
);

/// Writes `text` to standard output (best effort: `--help` has nowhere else to go).
pub fn out(text: &[u8]) {
    let _ = io::write_all(stdout(), text);
}

/// Writes `scratch-serve: ` and `parts` as one line to standard error, in one `write(2)` (a
/// line of each worker arrives whole).
pub fn say(parts: &[&[u8]]) {
    let mut line = Buf::<512>::new();
    line.push(b"scratch-serve: ");
    for p in parts {
        line.push(p);
    }
    line.push(b"\n");
    let _ = io::write_all(stderr(), line.as_bytes());
}

/// The name of `e`, `EADDRINUSE`, or `errno N` for one the table does not hold.
pub fn name(e: Errno) -> Buf<24> {
    let mut text = Buf::new();
    let line = NAMES.line(e);
    match before(line, b"\n") {
        Some(n) if n != b"unknown error" => text.push(n),
        _ => {
            text.push(b"errno ");
            text.push(Decimal::new(e.raw().unsigned_abs()).as_bytes())
        }
    };
    text
}

/// Bad usage: one line, and the hint, exit status 2.
#[inline(never)]
pub fn usage(parts: &[&[u8]]) -> ! {
    say(parts);
    let _ = io::write_all(
        stderr(),
        b"usage: scratch-serve [OPTIONS] DIR (try --help)\n",
    );
    process::exit(USAGE_STATUS)
}

/// The server cannot start: `WHAT: ENAME` (`bind 0.0.0.0:80: EACCES`), exit status 1.
#[inline(never)]
pub fn fail(what: &[&[u8]], e: Errno) -> ! {
    let mut line = Buf::<512>::new();
    for p in what {
        line.push(p);
    }
    say(&[line.as_bytes(), b": ", name(e).as_bytes()]);
    process::exit(START_FAILED)
}
