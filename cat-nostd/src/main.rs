//! `cat` with no libc: copies each file named on the command line (`-`, or no operand at all,
//! is standard input) to standard output, in order, with system calls only.
//!
//! # How each input is copied
//! The fastest call the kernel accepts for the pair of descriptors, from the current file
//! offsets, so a later method simply continues where an earlier one stopped:
//!
//! 1. both regular files: `copy_file_range(2)` (the kernel copies, or shares blocks);
//! 2. either end a pipe: `splice(2)` (pages move between the file and the pipe, no copy
//!    through user space);
//! 3. otherwise `sendfile(2)` (to `/dev/null`, a terminal, a socket …);
//! 4. whenever the call above fails (`EINVAL`, `EXDEV`, `ENOSYS`, `EBADF` for an `O_APPEND`
//!    output …) or returns 0 before anything was copied (files of `/proc` claim to be empty to
//!    these calls), `read(2)` and `write(2)` through one 128 KiB buffer take over for the rest
//!    of that input. Errors are reported from this path, where a read error and a write error
//!    are told apart.
//!
//! # Errors, as GNU cat
//! - `EINTR`: the call is repeated.
//! - `EAGAIN` (a non-blocking input or output): `poll(2)` waits until the input is readable
//!   and the output writable, then the call is repeated.
//! - Partial writes continue with the rest of the buffer.
//! - An input that cannot be opened or read: `cat-nostd: NAME: text` on standard error, the
//!   next input is copied, and the exit status is 1.
//! - Output that cannot be written: `cat-nostd: write error: text`, exit status 1 at once.
//!   Writing to a pipe whose reader is gone raises `SIGPIPE`, whose default action ends the
//!   process (the runtime does not ignore it, as GNU cat does not); only a process started
//!   with `SIGPIPE` ignored sees `EPIPE`, reported as a write error.
//! - An input that is the output file itself (same regular file, not yet at its end):
//!   `cat-nostd: NAME: input file is output file`, skipped, exit status 1.
//! - A standard output whose `fstat(2)` fails (closed, or an error of the kernel), so that the
//!   check above cannot be made: `cat-nostd: standard output: text`, exit status 1 before
//!   anything is read.
//! - `text` is the error's text as `strerror(3)` gives it (`No such file or directory`) for the
//!   errors that `open(2)`, `fstat(2)`, `read(2)` and `write(2)` document, and `errno N` for any
//!   other: only those texts are part of the program.
//!
//! Options are not supported, except `-u` (ignored, as GNU cat does) and `--`.

#![no_std]
#![no_main]

use syscall_kit::fs::{self, FileType, Mode, OFlags, Stat};
use syscall_kit::io::{self, PollFd, PollFlags, SpliceFlags, Whence};
use syscall_kit::text::Decimal;
use syscall_kit::time::Timeout;
use syscall_kit::{BorrowedFd, Errno, stderr, stdin, stdout};

syscall_kit::main!(main);

/// Size of the buffer of the `read`/`write` path (GNU cat's is 128 KiB too).
const BUF_SIZE: usize = 128 * 1024;

/// Bytes asked of one in-kernel copy call; the kernel copies at most about 2 GiB per call.
const CHUNK: usize = 1 << 30;

/// Why copying one input stopped.
enum Failure {
    /// The input could not be read: report, go on with the next input.
    Read(Errno),
    /// The output could not be written: report and stop.
    Write(Errno),
}

/// The in-kernel copy call tried first for a pair of descriptors.
#[derive(Clone, Copy)]
enum Method {
    CopyFileRange,
    Splice,
    Sendfile,
}

fn main() -> i32 {
    let out = stdout();
    // Without the output's identity the "input file is output file" check cannot be made:
    // `cat x >> x` would grow x until the disk is full. GNU cat stops here too.
    let out_stat = match fs::fstat(out) {
        Ok(s) => s,
        Err(e) => {
            report_error(b"standard output", e);
            return 1;
        }
    };
    let mut buf = [0u8; BUF_SIZE];
    let mut status = 0;
    let mut operands = false;
    let mut options_done = false;
    for arg in syscall_kit::rt::args().skip(1) {
        let name = arg.to_bytes();
        if !options_done && name.len() > 1 && name.first() == Some(&b'-') {
            match name {
                b"--" => options_done = true,
                b"-u" => {}
                _ => {
                    report(&[b"unsupported option ", name]);
                    return 1;
                }
            }
            continue;
        }
        operands = true;
        let result = if name == b"-" {
            copy(stdin(), name, out, &out_stat, &mut buf)
        } else {
            match fs::open(arg, OFlags::RDONLY | OFlags::CLOEXEC, Mode::empty()) {
                Ok(fd) => copy(
                    syscall_kit::AsFd::as_fd(&fd),
                    name,
                    out,
                    &out_stat,
                    &mut buf,
                ),
                Err(e) => Err(Failure::Read(e)),
            }
        };
        match result {
            Ok(true) => {}
            Ok(false) => status = 1,
            Err(Failure::Read(e)) => {
                report_error(name, e);
                status = 1;
            }
            Err(Failure::Write(e)) => {
                report_error(b"write error", e);
                return 1;
            }
        }
    }
    if !operands {
        match copy(stdin(), b"-", out, &out_stat, &mut buf) {
            Ok(true) => {}
            Ok(false) => status = 1,
            Err(Failure::Read(e)) => {
                report_error(b"-", e);
                status = 1;
            }
            Err(Failure::Write(e)) => {
                report_error(b"write error", e);
                return 1;
            }
        }
    }
    status
}

/// Copies `input` to `out` from the current offsets to the end of the input. `Ok(false)`: the
/// input was skipped because it is the output file.
fn copy(
    input: BorrowedFd<'_>,
    name: &[u8],
    out: BorrowedFd<'_>,
    out_stat: &Stat,
    buf: &mut [u8],
) -> Result<bool, Failure> {
    let in_stat = fs::fstat(input).map_err(Failure::Read)?;
    let in_type = in_stat.file_type;
    let out_type = out_stat.file_type;
    if in_type == FileType::Regular
        && out_stat.file_type == FileType::Regular
        && (out_stat.dev, out_stat.ino) == (in_stat.dev, in_stat.ino)
        // A failed lseek counts as "not at the end", so the file is refused: GNU cat compares
        // lseek's -1 with the size the same way, and reading on would grow the file for ever.
        && io::lseek(input, 0, Whence::Current).map_or(true, |pos| pos < in_stat.size)
    {
        report(&[name, b": input file is output file"]);
        return Ok(false);
    }
    let method = if in_type == FileType::Regular && out_type == FileType::Regular {
        Method::CopyFileRange
    } else if in_type == FileType::Fifo || out_type == FileType::Fifo {
        Method::Splice
    } else {
        Method::Sendfile
    };
    if in_kernel(method, input, out) {
        return Ok(true);
    }
    read_write(input, out, buf)?;
    Ok(true)
}

/// Copies with `method` until the end of the input (`true`) or until the method cannot go on
/// (`false`: the `read`/`write` path continues from the offsets where it stopped).
fn in_kernel(method: Method, input: BorrowedFd<'_>, out: BorrowedFd<'_>) -> bool {
    let mut copied = false;
    loop {
        let result = match method {
            Method::CopyFileRange => io::copy_file_range(input, None, out, None, CHUNK),
            Method::Splice => io::splice(input, None, out, None, CHUNK, SpliceFlags::empty()),
            Method::Sendfile => io::sendfile(out, input, None, CHUNK),
        };
        match result {
            Ok(0) => return copied,
            Ok(_) => copied = true,
            Err(Errno::EINTR) => {}
            Err(Errno::EAGAIN) => {
                // Either end may be the non-blocking one: wait for both.
                wait(input, PollFlags::IN);
                wait(out, PollFlags::OUT);
            }
            Err(_) => return false,
        }
    }
}

/// Copies through `buf` with `read(2)` and `write(2)` until the end of the input.
fn read_write(input: BorrowedFd<'_>, out: BorrowedFd<'_>, buf: &mut [u8]) -> Result<(), Failure> {
    loop {
        let n = match io::read(input, buf) {
            Ok(0) => return Ok(()),
            Ok(n) => n,
            Err(Errno::EINTR) => continue,
            Err(Errno::EAGAIN) => {
                wait(input, PollFlags::IN);
                continue;
            }
            Err(e) => return Err(Failure::Read(e)),
        };
        // `get` rather than `[..n]`: the kernel never reports more than it was given.
        write_all(out, buf.get(..n).unwrap_or_default()).map_err(Failure::Write)?;
    }
}

/// Writes all of `data`: partial writes continue, `EINTR` retries, `EAGAIN` waits for room.
fn write_all(out: BorrowedFd<'_>, mut data: &[u8]) -> Result<(), Errno> {
    while !data.is_empty() {
        match io::write(out, data) {
            Ok(0) => return Err(Errno::EIO),
            Ok(n) => data = data.get(n..).unwrap_or_default(),
            Err(Errno::EINTR) => {}
            Err(Errno::EAGAIN) => wait(out, PollFlags::OUT),
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// Waits with `poll(2)` until `fd` has one of `events` (or an error or hang-up, which the next
/// call reports). A failed `poll` returns at once: the caller's retry reports the real error.
fn wait(fd: BorrowedFd<'_>, events: PollFlags) {
    let _ = io::poll(&mut [PollFd::new(fd, events)], Timeout::Forever);
}

/// The errors that the calls whose failures cat-nostd reports document (`open(2)`,
/// `fstat(2)`, `read(2)`, `write(2)`), each with its text as `strerror(3)` gives it, taken from
/// the kit's table when the program is compiled: only these texts are part of the program, not
/// the kit's table of every error.
const TEXTS: [(Errno, &str); 30] = texts([
    Errno::EACCES,
    Errno::EAGAIN,
    Errno::EBADF,
    Errno::EBUSY,
    Errno::EDESTADDRREQ,
    Errno::EDQUOT,
    Errno::EEXIST,
    Errno::EFAULT,
    Errno::EFBIG,
    Errno::EINTR,
    Errno::EINVAL,
    Errno::EIO,
    Errno::EISDIR,
    Errno::ELOOP,
    Errno::EMFILE,
    Errno::ENAMETOOLONG,
    Errno::ENFILE,
    Errno::ENODEV,
    Errno::ENOENT,
    Errno::ENOMEM,
    Errno::ENOSPC,
    Errno::ENOTDIR,
    Errno::ENXIO,
    Errno::EOPNOTSUPP,
    Errno::EOVERFLOW,
    Errno::EPERM,
    Errno::EPIPE,
    Errno::EROFS,
    Errno::ETXTBSY,
    Errno::EXDEV,
]);

/// Each of `errors` with its text, at compile time.
const fn texts<const N: usize>(errors: [Errno; N]) -> [(Errno, &'static str); N] {
    let mut table = [(Errno::EIO, ""); N];
    let mut i = 0;
    while i < N {
        table[i] = match errors[i].description() {
            Some(text) => (errors[i], text),
            None => panic!("an error without a text"),
        };
        i += 1;
    }
    table
}

/// Writes `cat-nostd: WHAT: ` and the text of `e` as one line on standard error: the text of
/// [`TEXTS`], or `errno N` for an error not listed there.
fn report_error(what: &[u8], e: Errno) {
    let number = Decimal::new(e.raw().unsigned_abs());
    let text: [&[u8]; 2] = match TEXTS.iter().find(|&&(known, _)| known == e) {
        Some(&(_, text)) => [text.as_bytes(), b""],
        None => [b"errno ", number.as_bytes()],
    };
    report(&[what, b": ", text[0], text[1]]);
}

/// Writes `cat-nostd: ` and `parts` as one line on standard error.
fn report(parts: &[&[u8]]) {
    let err = stderr();
    let _ = io::write_all(err, b"cat-nostd: ");
    for part in parts {
        let _ = io::write_all(err, part);
    }
    let _ = io::write_all(err, b"\n");
}
