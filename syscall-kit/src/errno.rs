//! [`Errno`]: the error every wrapper returns, and a constant, a name and a text for every error
//! number of Linux.

use core::fmt;

use crate::arch;

/// An error number returned by the kernel (see `errno(3)`).
///
/// There is a constant for every error of Linux (`Errno::ENOENT` …). `Display` prints its name
/// and the text glibc's `strerror(3)` gives, `ENOENT: No such file or directory`, and an
/// unknown number as `errno 150`; `Debug` prints the name alone, `ENOENT`, or `Errno(150)`.
///
/// A program that formats an `Errno`, or calls [`name`](Errno::name) or
/// [`description`](Errno::description) at run time, contains the table of every name and text.
/// A program that must stay small names the few errors it can meet with
/// [`error_names!`](crate::error_names) instead.
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man3/errno.3.html
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Errno(i32);

/// One error of [`TABLE`]: its number, name and text.
#[derive(Clone, Copy)]
struct Entry {
    errno: Errno,
    name: &'static str,
    text: &'static str,
}

/// The table: for each line `NAME = number, "text";` a constant `Errno::NAME`, with the doc
/// comments written above the line after a generated first one, and an entry of [`TABLE`].
macro_rules! errnos {
    ($($(#[doc = $doc:literal])* $name:ident = $num:expr, $text:literal;)*) => {
        impl Errno {
            $(
                #[doc = concat!("`", stringify!($name), "` (", stringify!($num), "): ", $text, ".")]
                $(#[doc = $doc])*
                pub const $name: Errno = Errno($num);
            )*
        }

        /// Every error with a name and a text, in the order of the table; [`entry`] takes the
        /// first of a number.
        const TABLE: &[Entry] = &[
            $(Entry { errno: Errno::$name, name: stringify!($name), text: $text },)*
        ];

        /// Each name of the table with libc's number for it, for the tests.
        #[cfg(test)]
        const LIBC_NUMBERS: &[(&str, i32)] = &[$((stringify!($name), libc::$name),)*];
    };
}

// The numbers of Linux's include/uapi/asm-generic/errno-base.h (1 to 34) and errno.h (35 to
// 133), which every architecture of the kit uses (its asm/errno.h includes them); 41 and 58
// are not used there. The texts are those glibc's strerror(3) gives.
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
    ENOMSG = 42, "No message of desired type";
    EIDRM = 43, "Identifier removed";
    ECHRNG = 44, "Channel number out of range";
    EL2NSYNC = 45, "Level 2 not synchronized";
    EL3HLT = 46, "Level 3 halted";
    EL3RST = 47, "Level 3 reset";
    ELNRNG = 48, "Link number out of range";
    EUNATCH = 49, "Protocol driver not attached";
    ENOCSI = 50, "No CSI structure available";
    EL2HLT = 51, "Level 2 halted";
    EBADE = 52, "Invalid exchange";
    EBADR = 53, "Invalid request descriptor";
    EXFULL = 54, "Exchange full";
    ENOANO = 55, "No anode";
    EBADRQC = 56, "Invalid request code";
    EBADSLT = 57, "Invalid slot";
    EBFONT = 59, "Bad font file format";
    ENOSTR = 60, "Device not a stream";
    ENODATA = 61, "No data available";
    ETIME = 62, "Timer expired";
    ENOSR = 63, "Out of streams resources";
    ENONET = 64, "Machine is not on the network";
    ENOPKG = 65, "Package not installed";
    EREMOTE = 66, "Object is remote";
    ENOLINK = 67, "Link has been severed";
    EADV = 68, "Advertise error";
    ESRMNT = 69, "Srmount error";
    ECOMM = 70, "Communication error on send";
    EPROTO = 71, "Protocol error";
    EMULTIHOP = 72, "Multihop attempted";
    EDOTDOT = 73, "RFS specific error";
    EBADMSG = 74, "Bad message";
    EOVERFLOW = 75, "Value too large for defined data type";
    ENOTUNIQ = 76, "Name not unique on network";
    EBADFD = 77, "File descriptor in bad state";
    EREMCHG = 78, "Remote address changed";
    ELIBACC = 79, "Can not access a needed shared library";
    ELIBBAD = 80, "Accessing a corrupted shared library";
    ELIBSCN = 81, ".lib section in a.out corrupted";
    ELIBMAX = 82, "Attempting to link in too many shared libraries";
    ELIBEXEC = 83, "Cannot exec a shared library directly";
    EILSEQ = 84, "Invalid or incomplete multibyte or wide character";
    ERESTART = 85, "Interrupted system call should be restarted";
    ESTRPIPE = 86, "Streams pipe error";
    EUSERS = 87, "Too many users";
    ENOTSOCK = 88, "Socket operation on non-socket";
    EDESTADDRREQ = 89, "Destination address required";
    EMSGSIZE = 90, "Message too long";
    EPROTOTYPE = 91, "Protocol wrong type for socket";
    ENOPROTOOPT = 92, "Protocol not available";
    EPROTONOSUPPORT = 93, "Protocol not supported";
    ESOCKTNOSUPPORT = 94, "Socket type not supported";
    EOPNOTSUPP = 95, "Operation not supported";
    EPFNOSUPPORT = 96, "Protocol family not supported";
    EAFNOSUPPORT = 97, "Address family not supported by protocol";
    EADDRINUSE = 98, "Address already in use";
    EADDRNOTAVAIL = 99, "Cannot assign requested address";
    ENETDOWN = 100, "Network is down";
    ENETUNREACH = 101, "Network is unreachable";
    ENETRESET = 102, "Network dropped connection on reset";
    ECONNABORTED = 103, "Software caused connection abort";
    ECONNRESET = 104, "Connection reset by peer";
    ENOBUFS = 105, "No buffer space available";
    EISCONN = 106, "Transport endpoint is already connected";
    ENOTCONN = 107, "Transport endpoint is not connected";
    ESHUTDOWN = 108, "Cannot send after transport endpoint shutdown";
    ETOOMANYREFS = 109, "Too many references: cannot splice";
    ETIMEDOUT = 110, "Connection timed out";
    ECONNREFUSED = 111, "Connection refused";
    EHOSTDOWN = 112, "Host is down";
    EHOSTUNREACH = 113, "No route to host";
    EALREADY = 114, "Operation already in progress";
    EINPROGRESS = 115, "Operation now in progress";
    ESTALE = 116, "Stale file handle";
    EUCLEAN = 117, "Structure needs cleaning";
    ENOTNAM = 118, "Not a XENIX named type file";
    ENAVAIL = 119, "No XENIX semaphores available";
    EISNAM = 120, "Is a named type file";
    EREMOTEIO = 121, "Remote I/O error";
    EDQUOT = 122, "Disk quota exceeded";
    ENOMEDIUM = 123, "No medium found";
    EMEDIUMTYPE = 124, "Wrong medium type";
    ECANCELED = 125, "Operation canceled";
    ENOKEY = 126, "Required key not available";
    EKEYEXPIRED = 127, "Key has expired";
    EKEYREVOKED = 128, "Key has been revoked";
    EKEYREJECTED = 129, "Key was rejected by service";
    EOWNERDEAD = 130, "Owner died";
    ENOTRECOVERABLE = 131, "State not recoverable";
    ERFKILL = 132, "Operation not possible due to RF-kill";
    EHWPOISON = 133, "Memory page has hardware error";
    // Last, so that where its number is 35 EDEADLK's line comes first: a number prints as the
    // first line that has it.
    ///
    /// The number is the architecture's ([`arch`](crate::arch)): 58 on powerpc, an error of its
    /// own there (arch/powerpc/include/uapi/asm/errno.h); 35 on every other architecture of the
    /// kit, where `EDEADLOCK` is another name of [`EDEADLK`](Errno::EDEADLK) and prints as
    /// `EDEADLK: Resource deadlock avoided`.
    EDEADLOCK = arch::EDEADLOCK, "File locking deadlock error";
}

impl Errno {
    /// `EWOULDBLOCK`: another name of [`EAGAIN`](Errno::EAGAIN) (11) on Linux.
    pub const EWOULDBLOCK: Errno = Errno::EAGAIN;

    /// `ENOTSUP`: another name of [`EOPNOTSUPP`](Errno::EOPNOTSUPP) (95), as glibc defines it.
    pub const ENOTSUP: Errno = Errno::EOPNOTSUPP;

    /// The error with number `errno` (positive, as in `errno(3)`).
    pub const fn from_raw(errno: i32) -> Errno {
        Errno(errno)
    }

    /// The positive error number.
    pub const fn raw(self) -> i32 {
        self.0
    }

    /// The symbolic name (`"ENOENT"`), when the number is one of Linux's errors.
    pub const fn name(self) -> Option<&'static str> {
        match entry(self) {
            Some(e) => Some(e.name),
            None => None,
        }
    }

    /// The text (`"No such file or directory"`, as glibc's `strerror(3)` gives it), when the
    /// number is one of Linux's errors.
    ///
    /// A `const fn`, as [`name`](Errno::name) is: evaluated in a constant, it leaves in the
    /// program only the text it found, not the table.
    pub const fn description(self) -> Option<&'static str> {
        match entry(self) {
            Some(e) => Some(e.text),
            None => None,
        }
    }
}

/// The first entry of [`TABLE`] with the number of `e`.
const fn entry(e: Errno) -> Option<Entry> {
    let mut i = 0;
    while i < TABLE.len() {
        if TABLE[i].errno.0 == e.0 {
            return Some(TABLE[i]);
        }
        i += 1;
    }
    None
}

impl fmt::Display for Errno {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match entry(*self) {
            Some(e) => write!(f, "{}: {}", e.name, e.text),
            None => write!(f, "errno {}", self.0),
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
    use std::string::{String, ToString};

    /// glibc's text for `n`, without std's ` (os error N)`.
    fn libc_text(n: i32) -> String {
        let text = std::io::Error::from_raw_os_error(n).to_string();
        text.split(" (os error").next().unwrap().to_string()
    }

    #[test]
    fn display_matches_the_c_library_text() {
        for entry in TABLE {
            let e = entry.errno;
            assert_eq!(
                e.to_string(),
                std::format!("{}: {}", e.name().unwrap(), libc_text(e.raw())),
                "errno {}",
                e.raw()
            );
        }
    }

    /// Every number the C library has a text for has a name here, and no other: the table
    /// leaves out no error of Linux.
    #[test]
    fn every_error_the_c_library_knows_is_named() {
        for n in 1..=4095 {
            let unknown = libc_text(n) == std::format!("Unknown error {n}");
            assert_eq!(Errno::from_raw(n).name().is_none(), unknown, "errno {n}");
        }
    }

    #[test]
    fn unknown_numbers_print_their_number() {
        assert_eq!(Errno::from_raw(4000).to_string(), "errno 4000");
        assert_eq!(Errno::from_raw(41).to_string(), "errno 41");
        assert_eq!(Errno::from_raw(0).to_string(), "errno 0");
        assert_eq!(Errno::from_raw(-2).to_string(), "errno -2");
        assert_eq!(std::format!("{:?}", Errno::from_raw(4000)), "Errno(4000)");
        assert_eq!(std::format!("{:?}", Errno::ENOENT), "ENOENT");
        assert_eq!(Errno::from_raw(4000).description(), None);
    }

    /// Each name of the table is libc's number, and that number prints as the name: on this
    /// architecture `EDEADLOCK` is `EDEADLK`, and prints so.
    #[test]
    fn names_match_the_kernel_numbers() {
        for &(name, number) in LIBC_NUMBERS {
            let e = Errno::from_raw(number);
            if name == "EDEADLOCK" && libc::EDEADLOCK == libc::EDEADLK {
                assert_eq!(e.name(), Some("EDEADLK"));
            } else {
                assert_eq!(e.name(), Some(name), "errno {number}");
            }
        }
        assert_eq!(Errno::EPROTO.raw(), libc::EPROTO);
        assert_eq!(Errno::EHWPOISON.raw(), libc::EHWPOISON);
        assert_eq!(Errno::EDEADLOCK.raw(), libc::EDEADLOCK);
        assert_eq!(Errno::EWOULDBLOCK.raw(), libc::EWOULDBLOCK);
        assert_eq!(Errno::ENOTSUP.raw(), libc::ENOTSUP);
    }

    #[test]
    fn names_and_texts_are_usable_in_constants() {
        const TEXT: Option<&str> = Errno::ENOBUFS.description();
        const NAME: Option<&str> = Errno::ECONNABORTED.name();
        assert_eq!(TEXT, Some("No buffer space available"));
        assert_eq!(NAME, Some("ECONNABORTED"));
    }
}
