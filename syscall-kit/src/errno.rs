//! [`Errno`]: the error every wrapper returns.

use core::fmt;

/// An error number returned by the kernel (see `errno(3)`).
///
/// `Display` prints the name and the usual text, `ENOENT: No such file or directory`; an
/// unknown number prints as `errno 150`.
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man3/errno.3.html
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Errno(i32);

macro_rules! errnos {
    ($($name:ident = $num:literal, $text:literal;)*) => {
        impl Errno {
            $(
                #[doc = concat!("`", stringify!($name), "` (", stringify!($num), "): ", $text, ".")]
                pub const $name: Errno = Errno($num);
            )*

            /// The symbolic name (`"ENOENT"`), when this is one of the named constants.
            pub fn name(self) -> Option<&'static str> {
                const NAMES: &str = concat!($(stringify!($name), " ",)*);
                nth_word(NAMES, index(self.0)?)
            }

            /// The usual text (`"No such file or directory"`, as `strerror(3)` of glibc gives
            /// it), when this is one of the named constants.
            pub fn description(self) -> Option<&'static str> {
                const TEXTS: &str = concat!($($text, "\n",)*);
                nth_line(TEXTS, index(self.0)?)
            }
        }

        /// Position of errno `n` in the list above.
        fn index(n: i32) -> Option<usize> {
            const NUMBERS: &[i32] = &[$($num),*];
            const COUNT: usize = NUMBERS.len();
            // The list starts with 1..=CONTIGUOUS in order, so those need no table; the few
            // numbers after them are kept as bytes.
            const TAIL: [u8; COUNT - CONTIGUOUS] = {
                let mut tail = [0u8; COUNT - CONTIGUOUS];
                let mut i = 0;
                while i < COUNT {
                    if i < CONTIGUOUS {
                        assert!(NUMBERS[i] == i as i32 + 1);
                    } else {
                        assert!(NUMBERS[i] > CONTIGUOUS as i32 && NUMBERS[i] < 256);
                        tail[i - CONTIGUOUS] = NUMBERS[i] as u8;
                    }
                    i += 1;
                }
                tail
            };
            if n >= 1 && n <= CONTIGUOUS as i32 {
                return Some(n as usize - 1);
            }
            TAIL.iter()
                .position(|&t| i32::from(t) == n)
                .map(|i| i + CONTIGUOUS)
        }

        #[cfg(test)]
        const ALL: &[Errno] = &[$(Errno::$name),*];
    };
}

/// Errnos `1..=CONTIGUOUS` all have names, in order (see `index`).
const CONTIGUOUS: usize = 40;

// Numbers of Linux's asm-generic/errno-base.h and asm-generic/errno.h: the same on every
// architecture of the kit (powerpc's only difference, EDEADLOCK, is not among them). Texts as
// glibc's strerror(3) gives them.
errnos! {
    EPERM = 1, "Operation not permitted";
    ENOENT = 2, "No such file or directory";
    ESRCH = 3, "No such process";
    EINTR = 4, "Interrupted system call";
    EIO = 5, "Input/output error";
    ENXIO = 6, "No such device or address";
    E2BIG = 7, "Argument list too long";
    ENOEXEC = 8, "Exec format error";
    EBADF = 9, "Bad file descriptor";
    ECHILD = 10, "No child processes";
    EAGAIN = 11, "Resource temporarily unavailable";
    ENOMEM = 12, "Cannot allocate memory";
    EACCES = 13, "Permission denied";
    EFAULT = 14, "Bad address";
    ENOTBLK = 15, "Block device required";
    EBUSY = 16, "Device or resource busy";
    EEXIST = 17, "File exists";
    EXDEV = 18, "Invalid cross-device link";
    ENODEV = 19, "No such device";
    ENOTDIR = 20, "Not a directory";
    EISDIR = 21, "Is a directory";
    EINVAL = 22, "Invalid argument";
    ENFILE = 23, "Too many open files in system";
    EMFILE = 24, "Too many open files";
    ENOTTY = 25, "Inappropriate ioctl for device";
    ETXTBSY = 26, "Text file busy";
    EFBIG = 27, "File too large";
    ENOSPC = 28, "No space left on device";
    ESPIPE = 29, "Illegal seek";
    EROFS = 30, "Read-only file system";
    EMLINK = 31, "Too many links";
    EPIPE = 32, "Broken pipe";
    EDOM = 33, "Numerical argument out of domain";
    ERANGE = 34, "Numerical result out of range";
    EDEADLK = 35, "Resource deadlock avoided";
    ENAMETOOLONG = 36, "File name too long";
    ENOLCK = 37, "No locks available";
    ENOSYS = 38, "Function not implemented";
    ENOTEMPTY = 39, "Directory not empty";
    ELOOP = 40, "Too many levels of symbolic links";
    ENODATA = 61, "No data available";
    EOVERFLOW = 75, "Value too large for defined data type";
    EOPNOTSUPP = 95, "Operation not supported";
    ETIMEDOUT = 110, "Connection timed out";
    EDQUOT = 122, "Disk quota exceeded";
}

/// The errors of the socket calls: named constants, but not in the table of names and texts
/// above, whose every entry is part of each program that prints an error (hello-nostd must fit
/// in 1 KiB); `Display` prints them as `errno 111`.
impl Errno {
    #[doc = "`ENOTSOCK` (88): Socket operation on non-socket."]
    pub const ENOTSOCK: Errno = Errno(88);
    #[doc = "`EDESTADDRREQ` (89): Destination address required."]
    pub const EDESTADDRREQ: Errno = Errno(89);
    #[doc = "`ENOPROTOOPT` (92): Protocol not available."]
    pub const ENOPROTOOPT: Errno = Errno(92);
    #[doc = "`EPROTONOSUPPORT` (93): Protocol not supported."]
    pub const EPROTONOSUPPORT: Errno = Errno(93);
    #[doc = "`EAFNOSUPPORT` (97): Address family not supported by protocol."]
    pub const EAFNOSUPPORT: Errno = Errno(97);
    #[doc = "`EADDRINUSE` (98): Address already in use."]
    pub const EADDRINUSE: Errno = Errno(98);
    #[doc = "`EADDRNOTAVAIL` (99): Cannot assign requested address."]
    pub const EADDRNOTAVAIL: Errno = Errno(99);
    #[doc = "`ENETUNREACH` (101): Network is unreachable."]
    pub const ENETUNREACH: Errno = Errno(101);
    #[doc = "`ECONNRESET` (104): Connection reset by peer."]
    pub const ECONNRESET: Errno = Errno(104);
    #[doc = "`EISCONN` (106): Transport endpoint is already connected."]
    pub const EISCONN: Errno = Errno(106);
    #[doc = "`ENOTCONN` (107): Transport endpoint is not connected."]
    pub const ENOTCONN: Errno = Errno(107);
    #[doc = "`ECONNREFUSED` (111): Connection refused."]
    pub const ECONNREFUSED: Errno = Errno(111);
    #[doc = "`EHOSTUNREACH` (113): No route to host."]
    pub const EHOSTUNREACH: Errno = Errno(113);
    #[doc = "`EALREADY` (114): Operation already in progress."]
    pub const EALREADY: Errno = Errno(114);
    #[doc = "`EINPROGRESS` (115): Operation now in progress."]
    pub const EINPROGRESS: Errno = Errno(115);
}

/// The `n`th space-terminated word of `words`.
///
/// The names and texts are kept as one string each rather than as a `match` of string
/// constants: that is a jump table and a pointer per entry, several times the size, and it
/// counts in a program that must fit in 1 KiB. No indexing here can panic.
fn nth_word(words: &'static str, n: usize) -> Option<&'static str> {
    split_nth(words, b' ', n)
}

/// The `n`th newline-terminated line of `lines`.
fn nth_line(lines: &'static str, n: usize) -> Option<&'static str> {
    split_nth(lines, b'\n', n)
}

fn split_nth(s: &'static str, sep: u8, n: usize) -> Option<&'static str> {
    let bytes = s.as_bytes();
    let (mut start, mut k) = (0, 0);
    for (i, &b) in bytes.iter().enumerate() {
        if b == sep {
            if k == n {
                // SAFETY: `s` is ASCII (the names and texts above), so any part of it cut at
                // ASCII bytes is valid UTF-8.
                return Some(unsafe { core::str::from_utf8_unchecked(bytes.get(start..i)?) });
            }
            k += 1;
            start = i + 1;
        }
    }
    None
}

impl Errno {
    /// `EWOULDBLOCK` is `EAGAIN` on Linux.
    pub const EWOULDBLOCK: Errno = Errno::EAGAIN;

    /// The error with number `errno` (positive, as in `errno(3)`).
    pub const fn from_raw(errno: i32) -> Errno {
        Errno(errno)
    }

    /// The positive error number.
    pub const fn raw(self) -> i32 {
        self.0
    }
}

impl fmt::Display for Errno {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.name(), self.description()) {
            (Some(name), Some(text)) => write!(f, "{name}: {text}"),
            _ => write!(f, "errno {}", self.0),
        }
    }
}

impl fmt::Debug for Errno {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(name) => f.write_str(name),
            None => write!(f, "Errno({})", self.0),
        }
    }
}

impl core::error::Error for Errno {}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;
    use std::string::ToString;

    #[test]
    fn display_matches_the_c_library_text() {
        for &e in ALL {
            let libc = std::io::Error::from_raw_os_error(e.raw()).to_string();
            let libc = libc.split(" (os error").next().unwrap();
            assert_eq!(
                e.to_string(),
                std::format!("{}: {libc}", e.name().unwrap()),
                "errno {}",
                e.raw()
            );
        }
    }

    #[test]
    fn unknown_numbers_print_their_number() {
        assert_eq!(Errno::from_raw(4000).to_string(), "errno 4000");
        assert_eq!(std::format!("{:?}", Errno::from_raw(4000)), "Errno(4000)");
        assert_eq!(std::format!("{:?}", Errno::ENOENT), "ENOENT");
    }

    #[test]
    fn names_match_the_kernel_numbers() {
        assert_eq!(Errno::ENOENT.raw(), libc::ENOENT);
        assert_eq!(Errno::EISDIR.raw(), libc::EISDIR);
        assert_eq!(Errno::ETIMEDOUT.raw(), libc::ETIMEDOUT);
        assert_eq!(Errno::EOPNOTSUPP.raw(), libc::EOPNOTSUPP);
        assert_eq!(Errno::EWOULDBLOCK, Errno::EAGAIN);
    }
}
