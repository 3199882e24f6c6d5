//! The command line and environment, with tini's meaning: `-s` / `TINI_SUBREAPER`, `-g` /
//! `TINI_KILL_PROCESS_GROUP`, `-e CODE`, `-p SIGNAL`, `-w`, `-v` / `TINI_VERBOSITY`, `-l`,
//! `-h`, `--version`. Options end at `--` or at the first argument that is not one (tini's
//! getopt would also take options after PROGRAM; write `--` before it, as tini's README asks).

use core::ffi::CStr;

use syscall_kit::rt;

/// What the command line asks for.
pub struct Options {
    /// `-s`: become a child subreaper.
    pub subreaper: bool,
    /// `-g`: signal the child's process group, not only the child.
    pub group: bool,
    /// `-w`: warn about each zombie reaped that is not the child.
    pub warn_on_reap: bool,
    /// `-v` (each adds one; `TINI_VERBOSITY` sets it): 0 silent, 1 warnings (the default),
    /// 2 information, as tini.
    pub verbosity: u32,
    /// `-p SIGNAL`: the parent-death signal (0: none).
    pub pdeathsig: i32,
    /// `-e CODE`: the exit codes mapped to 0, a bit each.
    pub remap: [u64; 4],
    /// Where PROGRAM is in the arguments.
    pub program: usize,
}

/// Why the command line was not run.
pub enum Stop {
    /// Print this and exit 0 (`-h`, `-l`, `--version`).
    Print(&'static [u8]),
    /// Bad input: one line, exit 2. The option, the text, and the argument that was wrong.
    Usage(&'static [u8], &'static [u8]),
}

/// The numbers `1..=31` are the names in this order (asm-generic, as x86_64, aarch64 and
/// riscv64 number them).
const SIGNAL_NAMES: &[u8] = b"HUP INT QUIT ILL TRAP ABRT BUS FPE KILL USR1 SEGV USR2 PIPE ALRM \
TERM STKFLT CHLD CONT STOP TSTP TTIN TTOU URG XCPU XFSZ VTALRM PROF WINCH IO PWR SYS";

/// `s` after `prefix`. Not `strip_prefix`, which keeps a panic path (and with it `core::fmt`,
/// larger than this program) in optimised code.
pub fn after<'a>(s: &'a [u8], prefix: &[u8]) -> Option<&'a [u8]> {
    if s.get(..prefix.len()) == Some(prefix) {
        s.get(prefix.len()..)
    } else {
        None
    }
}

/// The value of the environment variable `name` (`rt::getenv` without its panic path).
fn getenv(name: &[u8]) -> Option<&'static [u8]> {
    rt::env().find_map(|entry| after(after(entry.to_bytes(), name)?, b"="))
}

/// `SIGTERM` (tini's spelling) is 15; so is `TERM` and `15`.
fn signal(arg: &[u8]) -> Option<i32> {
    if let Some(n) = number(arg) {
        return (1..=31).contains(&n).then_some(n as i32);
    }
    let name = after(arg, b"SIG").unwrap_or(arg);
    let mut n = 0;
    for candidate in SIGNAL_NAMES.split(|&b| b == b' ') {
        n += 1;
        if candidate == name {
            return Some(n);
        }
    }
    None
}

/// A decimal number of at most three digits.
fn number(arg: &[u8]) -> Option<u32> {
    if arg.is_empty() || arg.len() > 3 {
        return None;
    }
    let mut n = 0;
    for &b in arg {
        if !b.is_ascii_digit() {
            return None;
        }
        n = n * 10 + u32::from(b - b'0');
    }
    Some(n)
}

/// Parses the arguments and the environment.
pub fn parse() -> Result<Options, Stop> {
    let mut o = Options {
        subreaper: getenv(b"TINI_SUBREAPER").is_some(),
        group: getenv(b"TINI_KILL_PROCESS_GROUP").is_some(),
        warn_on_reap: false,
        verbosity: getenv(b"TINI_VERBOSITY").and_then(number).unwrap_or(1),
        pdeathsig: 0,
        remap: [0; 4],
        program: 0,
    };
    let mut args = rt::args().enumerate().skip(1);
    if rt::args().len() == 2 && rt::args().nth(1).map(CStr::to_bytes) == Some(b"--version") {
        return Err(Stop::Print(crate::VERSION));
    }
    while let Some((i, arg)) = args.next() {
        let arg: &'static [u8] = arg.to_bytes();
        if arg == b"--" {
            o.program = i + 1;
            break;
        }
        if arg == b"--help" {
            return Err(Stop::Print(crate::USAGE));
        }
        let Some(flags) = after(arg, b"-").filter(|f| !f.is_empty()) else {
            o.program = i;
            break;
        };
        for (at, &flag) in flags.iter().enumerate() {
            match flag {
                b's' => o.subreaper = true,
                b'g' => o.group = true,
                b'w' => o.warn_on_reap = true,
                b'v' => o.verbosity += 1,
                b'h' => return Err(Stop::Print(crate::USAGE)),
                b'l' => return Err(Stop::Print(crate::LICENSE)),
                b'e' | b'p' => {
                    // The value is the rest of this argument, or the next one.
                    let rest = flags.get(at + 1..).unwrap_or(&[]);
                    let value = if rest.is_empty() {
                        match args.next() {
                            Some((_, v)) => v.to_bytes(),
                            None => return Err(Stop::Usage(b"Option requires a value: ", arg)),
                        }
                    } else {
                        rest
                    };
                    if flag == b'e' {
                        match number(value).filter(|&n| n <= 255) {
                            Some(n) => o.remap[(n / 64) as usize & 3] |= 1 << (n % 64),
                            None => return Err(Stop::Usage(b"Not a valid option for -e: ", value)),
                        }
                    } else {
                        match signal(value) {
                            Some(s) => o.pdeathsig = s,
                            None => return Err(Stop::Usage(b"Not a valid option for -p: ", value)),
                        }
                    }
                    break;
                }
                _ => return Err(Stop::Usage(b"Unknown option (see -h): ", arg)),
            }
        }
    }
    if o.program == 0 || o.program >= rt::args().len() {
        return Err(Stop::Usage(
            b"No PROGRAM given; usage: scratch-init [OPTIONS] -- PROGRAM [ARGS...]",
            b"",
        ));
    }
    Ok(o)
}

impl Options {
    /// Whether exit code `code` is mapped to 0 (`-e`).
    pub fn remapped(&self, code: u32) -> bool {
        self.remap[(code / 64) as usize & 3] & (1 << (code % 64)) != 0
    }
}
