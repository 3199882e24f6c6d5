//! Byte-string helpers for programs that leave `core::fmt` out: [`after`] and [`before`] (a
//! string without a prefix or a suffix), [`eq_ignore_case`], [`Decimal`] (a number's decimal digits), [`Buf`] (text put together in a
//! fixed buffer) and [`parse_duration`] (`500ms`, `2s`, `1m`).
//!
//! All are written without an index or a slice that could panic. A small program (hello-nostd,
//! scratch-init, scratch-probe) that has no panic path left links neither the panic machinery
//! nor `core::fmt`, which alone would be larger than the program; `str::strip_prefix` and
//! `write!` each keep one.

/// `s` after `prefix`, if `s` starts with it: `after(b"PATH=/bin", b"PATH=")` is
/// `Some(b"/bin")`. What `<[u8]>::strip_prefix` does, with no panic path in optimised code.
#[inline]
pub fn after<'a>(s: &'a [u8], prefix: &[u8]) -> Option<&'a [u8]> {
    if s.starts_with(prefix) {
        s.get(prefix.len()..)
    } else {
        None
    }
}

/// The decimal digits of a `u32` ([`Decimal::new`]) or a `u64` ([`Decimal::from_u64`]),
/// written without `core::fmt`: `Decimal::new(404).as_bytes()` is `b"404"`. `N` is the room for
/// the digits: ten for a `u32`, twenty for a `u64`.
#[derive(Clone, Copy, Debug)]
pub struct Decimal<const N: usize = 10> {
    /// The digits, right-aligned.
    digits: [u8; N],
    /// Where the first digit is in `digits`.
    start: usize,
}

impl Decimal {
    /// The digits of `n`.
    #[inline]
    pub fn new(n: u32) -> Decimal {
        Decimal::of(n)
    }
}

impl Decimal<20> {
    /// The digits of `n`, a `u64` (a file's size, an offset).
    #[inline]
    pub fn from_u64(n: u64) -> Decimal<20> {
        Decimal::of(n)
    }
}

impl<const N: usize> Decimal<N> {
    /// The digits of `n`, in `n`'s own arithmetic (a `u32` needs no 64-bit division).
    #[inline]
    fn of<T: Digits>(mut n: T) -> Decimal<N> {
        let mut d = Decimal {
            digits: [0; N],
            start: N,
        };
        // From the last digit back; at least one digit, for 0.
        while let Some(slot) = d.start.checked_sub(1).and_then(|i| d.digits.get_mut(i)) {
            let (rest, digit) = n.split_last_digit();
            *slot = b'0' + digit;
            d.start -= 1;
            n = rest;
            if n.is_zero() {
                break;
            }
        }
        d
    }

    /// The digits, as ASCII.
    #[inline]
    pub fn as_bytes(&self) -> &[u8] {
        self.digits.get(self.start..).unwrap_or_default()
    }
}

/// `s` before `suffix`, if `s` ends with it: `before(b"line\r", b"\r")` is `Some(b"line")`.
/// What `<[u8]>::strip_suffix` does, with no panic path in optimised code.
#[inline]
pub fn before<'a>(s: &'a [u8], suffix: &[u8]) -> Option<&'a [u8]> {
    if s.ends_with(suffix) {
        s.get(..s.len() - suffix.len())
    } else {
        None
    }
}

/// Whether `a` and `b` are the same but for the case of ASCII letters: what
/// `<[u8]>::eq_ignore_ascii_case` says, with no panic path in optimised code.
#[inline]
pub fn eq_ignore_case(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.eq_ignore_ascii_case(y))
}

/// The unsigned integers [`Decimal`] writes.
trait Digits: Copy {
    /// `(self / 10, self % 10)`.
    fn split_last_digit(self) -> (Self, u8);
    fn is_zero(self) -> bool;
}

impl Digits for u32 {
    fn split_last_digit(self) -> (Self, u8) {
        (self / 10, (self % 10) as u8)
    }
    fn is_zero(self) -> bool {
        self == 0
    }
}

impl Digits for u64 {
    fn split_last_digit(self) -> (Self, u8) {
        (self / 10, (self % 10) as u8)
    }
    fn is_zero(self) -> bool {
        self == 0
    }
}

/// Text put together in `N` bytes of its own, filled part by part, with no index that could
/// panic: a message line, a request, a response's head.
#[derive(Clone, Debug)]
pub struct Buf<const N: usize> {
    bytes: [u8; N],
    len: usize,
}

impl<const N: usize> Buf<N> {
    /// An empty buffer.
    pub const fn new() -> Self {
        Buf {
            bytes: [0; N],
            len: 0,
        }
    }

    /// Appends `part`; `false` (and nothing appended past the end) when it does not fit.
    pub fn push(&mut self, part: &[u8]) -> bool {
        for &b in part {
            match self.bytes.get_mut(self.len) {
                Some(slot) => *slot = b,
                None => return false,
            }
            self.len += 1;
        }
        true
    }

    /// What was appended.
    pub fn as_bytes(&self) -> &[u8] {
        self.bytes.get(..self.len).unwrap_or_default()
    }

    /// Empties the buffer, to fill it again.
    pub fn clear(&mut self) {
        self.len = 0;
    }
}

impl<const N: usize> Default for Buf<N> {
    fn default() -> Self {
        Self::new()
    }
}

/// A duration as a user writes it on a command line: a number of at most 9 digits and a unit,
/// `ms`, `s` or `m`, or no unit for seconds: `500ms`, `2s`, `1m`, `3`. `None` for anything
/// else (`5h`, `1.5s`, `-1s`, `s`).
pub fn parse_duration(text: &[u8]) -> Option<core::time::Duration> {
    use core::time::Duration;
    let digits = text.iter().take_while(|b| b.is_ascii_digit()).count();
    if digits == 0 || digits > 9 {
        return None;
    }
    let (number, unit) = text.split_at_checked(digits)?;
    let n = number
        .iter()
        .fold(0u64, |n, &b| n * 10 + u64::from(b - b'0'));
    match unit {
        b"ms" => Some(Duration::from_millis(n)),
        b"" | b"s" => Some(Duration::from_secs(n)),
        b"m" => Some(Duration::from_secs(n * 60)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::{Buf, Decimal, after, before, eq_ignore_case, parse_duration};
    use core::time::Duration;
    use std::string::ToString;

    #[test]
    fn after_is_strip_prefix() {
        for (s, prefix) in [
            (&b"PATH=/bin"[..], &b"PATH="[..]),
            (b"PATH", b"PATH="),
            (b"", b""),
            (b"abc", b""),
            (b"abc", b"abc"),
            (b"xabc", b"abc"),
        ] {
            assert_eq!(after(s, prefix), s.strip_prefix(prefix), "{s:?} {prefix:?}");
        }
    }

    #[test]
    fn before_is_strip_suffix_and_eq_ignore_case_is_eq_ignore_ascii_case() {
        for (s, fix) in [
            (&b"line\r"[..], &b"\r"[..]),
            (b"line", b"\r"),
            (b"", b""),
            (b"abc", b""),
            (b"abc", b"abc"),
            (b"abc", b"xabc"),
            (b"Host", b"host"),
            (b"HOST", b"host"),
            (b"h\xc3\xa9", b"H\xc3\xa9"),
            (b"h\xc3\xa9", b"H\xc3\x89"),
        ] {
            assert_eq!(before(s, fix), s.strip_suffix(fix), "{s:?} {fix:?}");
            assert_eq!(
                eq_ignore_case(s, fix),
                s.eq_ignore_ascii_case(fix),
                "{s:?} {fix:?}"
            );
        }
    }

    #[test]
    fn decimal_is_display() {
        for n in [
            0,
            1,
            9,
            10,
            99,
            100,
            404,
            65_535,
            999_999_999,
            1_000_000_000,
            u32::MAX,
        ] {
            assert_eq!(Decimal::new(n).as_bytes(), n.to_string().as_bytes());
        }
        for n in [0, 4_294_967_296, 104_857_600_000, u64::MAX - 1, u64::MAX] {
            assert_eq!(Decimal::from_u64(n).as_bytes(), n.to_string().as_bytes());
        }
    }

    #[test]
    fn buf_takes_what_fits_and_no_more() {
        let mut b = Buf::<5>::new();
        assert!(b.push(b"abc"));
        assert!(b.push(b""));
        assert!(!b.push(b"def"), "two of three fit");
        assert_eq!(b.as_bytes(), b"abcde");
        assert!(!b.push(b"g"));
        b.clear();
        assert!(b.push(b"xy"));
        assert_eq!(b.as_bytes(), b"xy");
        assert_eq!(Buf::<0>::default().as_bytes(), b"");
    }

    #[test]
    fn durations_in_ms_s_and_m() {
        for (text, d) in [
            (&b"500ms"[..], Some(Duration::from_millis(500))),
            (b"2s", Some(Duration::from_secs(2))),
            (b"3", Some(Duration::from_secs(3))),
            (b"1m", Some(Duration::from_secs(60))),
            (b"0s", Some(Duration::ZERO)),
            (b"999999999s", Some(Duration::from_secs(999_999_999))),
            (b"1000000000s", None),
            (b"5h", None),
            (b"1.5s", None),
            (b"-1s", None),
            (b"s", None),
            (b"", None),
            (b"10 s", None),
        ] {
            assert_eq!(parse_duration(text), d, "{:?}", std::str::from_utf8(text));
        }
    }
}
