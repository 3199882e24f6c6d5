//! The command line and environment, with tini's meaning: `-s` / `TINI_SUBREAPER`, `-g` /
//! `TINI_KILL_PROCESS_GROUP`, `-e CODE`, `-p SIGNAL`, `-w`, `-v` / `TINI_VERBOSITY`, `-l`,
//! `-h`, `--version`. Options end at `--` or at the first argument that is not one (tini's
//! getopt would also take options after PROGRAM; write `--` before it, as tini's README asks).

use core::ffi::CStr;

use syscall_kit::process::StrTable;
use syscall_kit::rt;
use syscall_kit::signal::Signal;
use syscall_kit::text::after;

use crate::say::{bad_input, print};

/// `--version`.
const VERSION: &[u8] = concat!("scratch-init version ", env!("CARGO_PKG_VERSION"), "\n").as_bytes();

/// `-l`.
const LICENSE: &[u8] = concat!(
    "scratch-init ",
    env!("CARGO_PKG_VERSION"),
    ": MIT License\n"
)
.as_bytes();

/// `-h`, `--help`.
const USAGE: &[u8] =
    b"Usage: scratch-init [-sgwvlh] [-p SIGNAL] [-e CODE]... -- PROGRAM [ARGS...] | --version
Runs PROGRAM, forwards signals to it, reaps zombies, as tini: -s subreaper,
-g signal the process group, -e CODE map exit code CODE to 0, -p SIGNAL
parent-death signal, -w warn on reaping zombies, -v more output, -l license, -h help.
Environment: TINI_SUBREAPER, TINI_KILL_PROCESS_GROUP, TINI_VERBOSITY.
";

/// `-s`: become a child subreaper (a bit of [`Options::bits`]).
pub const SUBREAPER: u8 = 1;
/// `-g`: signal the child's process group, not only the child.
pub const GROUP: u8 = 2;
/// `-w`: warn about each zombie reaped that is not the child.
pub const WARN_ON_REAP: u8 = 4;

/// The option letters that set a bit of [`Options::bits`], in the order of the bits.
const BIT_LETTERS: &[u8] = b"sgw";

/// What the command line asks for.
pub struct Options {
    /// [`SUBREAPER`], [`GROUP`], [`WARN_ON_REAP`].
    pub bits: u8,
    /// `-v` (each adds one; `TINI_VERBOSITY` sets it): 0 silent, 1 warnings (the default),
    /// 2 information, as tini.
    pub verbosity: u32,
    /// `-p SIGNAL`: the parent-death signal (0: none).
    pub pdeathsig: Signal,
    /// `-e CODE`: the exit codes mapped to 0, a bit each.
    pub remap: [u64; 4],
    /// PROGRAM and its arguments: the tail of this program's own `argv`.
    pub argv: StrTable,
}

/// The names of the signals `1..=31`, in the order of their numbers, each followed by a space:
/// `HUP` is 1, `INT` 2 …, as every architecture of the kit numbers them (asm-generic's
/// numbers, which x86, arm, s390x and powerpc share; only alpha, mips, parisc and sparc differ,
/// and the kit has none of those).
const SIGNAL_NAMES: &[u8] = b"HUP INT QUIT ILL TRAP ABRT BUS FPE KILL USR1 SEGV USR2 PIPE ALRM \
TERM STKFLT CHLD CONT STOP TSTP TTIN TTOU URG XCPU XFSZ VTALRM PROF WINCH IO PWR SYS ";

/// The value of the environment variable `name`.
fn getenv(name: &str) -> Option<&'static [u8]> {
    rt::getenv(name).map(CStr::to_bytes)
}

/// `SIGTERM` (tini's spelling) is 15; so is `TERM` and `15`.
fn signal(arg: &[u8]) -> Option<Signal> {
    if let Some(n) = number(arg) {
        return (1..=31).contains(&n).then_some(n as Signal);
    }
    let name = after(arg, b"SIG").unwrap_or(arg);
    let (mut n, mut start) = (1, 0);
    for (i, &b) in SIGNAL_NAMES.iter().enumerate() {
        if b == b' ' {
            if SIGNAL_NAMES.get(start..i) == Some(name) {
                return Some(n);
            }
            n += 1;
            start = i + 1;
        }
    }
    None
}

/// A decimal number as tini reads one (`strtol(3)` in base 10, the whole argument): leading
/// white space, an optional sign, digits (leading zeros too: `0010` is 10); the empty string is
/// 0, as strtol leaves nothing unread of it. A negative number, or one above 999, is `None`
/// (both are refused wherever a number is taken).
fn number(arg: &[u8]) -> Option<u32> {
    let mut rest = arg;
    while let [b' ' | b'\t'..=b'\r', tail @ ..] = rest {
        rest = tail;
    }
    let negative = rest.first() == Some(&b'-');
    if let [b'+' | b'-', tail @ ..] = rest {
        rest = tail;
    }
    if rest.is_empty() && !arg.is_empty() {
        return None; // white space or a sign and no digit: strtol reads nothing
    }
    let mut n: u32 = 0;
    for &b in rest {
        if !b.is_ascii_digit() {
            return None;
        }
        n = (n * 10 + u32::from(b - b'0')).min(1000);
    }
    (n < 1000 && !(negative && n != 0)).then_some(n)
}

/// Parses the arguments and the environment; prints and exits for `-h`, `-l`, `--version`
/// and bad input.
pub fn parse() -> Options {
    let mut o = Options {
        bits: (u8::from(getenv("TINI_SUBREAPER").is_some()) * SUBREAPER)
            | (u8::from(getenv("TINI_KILL_PROCESS_GROUP").is_some()) * GROUP),
        verbosity: getenv("TINI_VERBOSITY").and_then(number).unwrap_or(1),
        pdeathsig: 0,
        remap: [0; 4],
        argv: StrTable::EMPTY,
    };
    let args = rt::arg_table();
    let argc = args.len();
    // Where PROGRAM is (0: not found yet).
    let mut program = 0;
    // The index of the next argument.
    let mut i = 1;
    while let Some(arg) = args.get(i) {
        let arg: &'static [u8] = arg.to_bytes();
        i += 1;
        if arg == b"--version" && argc == 2 {
            print(VERSION);
        }
        if arg == b"--" {
            program = i;
            break;
        }
        if arg == b"--help" {
            print(USAGE);
        }
        // Not an option ("-" or no leading '-'): PROGRAM.
        if arg.len() < 2 || arg.first() != Some(&b'-') {
            program = i - 1;
            break;
        }
        let flags = arg.get(1..).unwrap_or_default();
        let mut at = 0;
        while let Some(&flag) = flags.get(at) {
            at += 1;
            if let Some(bit) = BIT_LETTERS.iter().position(|&c| c == flag) {
                o.bits |= 1 << bit;
            } else if flag == b'v' {
                o.verbosity += 1;
            } else if flag == b'h' {
                print(USAGE);
            } else if flag == b'l' {
                print(LICENSE);
            } else if flag == b'e' || flag == b'p' {
                // The value is the rest of this argument, or the next one.
                let mut value = flags.get(at..).unwrap_or(&[]);
                if value.is_empty() {
                    let Some(v) = args.get(i) else {
                        bad_input(b"Option requires a value: ", arg);
                    };
                    i += 1;
                    value = v.to_bytes();
                }
                if flag == b'e' {
                    let Some(n) = number(value).filter(|&n| n <= 255) else {
                        bad_input(b"Not a valid option for -e: ", value);
                    };
                    o.remap[(n / 64) as usize & 3] |= 1 << (n % 64);
                } else {
                    let Some(s) = signal(value) else {
                        bad_input(b"Not a valid option for -p: ", value);
                    };
                    o.pdeathsig = s;
                }
                break;
            } else {
                bad_input(b"Unknown option (see -h): ", arg);
            }
        }
    }
    if program == 0 || program >= argc {
        bad_input(
            b"No PROGRAM given; usage: scratch-init [OPTIONS] -- PROGRAM [ARGS...]",
            b"",
        );
    }
    o.argv = args.skip(program);
    o
}

impl Options {
    /// Whether exit code `code` is mapped to 0 (`-e`).
    pub fn remapped(&self, code: u32) -> bool {
        self.remap[(code / 64) as usize & 3] & (1 << (code % 64)) != 0
    }

    /// Whether `bit` ([`SUBREAPER`], [`GROUP`], [`WARN_ON_REAP`]) is set.
    pub fn has(&self, bit: u8) -> bool {
        self.bits & bit != 0
    }
}
