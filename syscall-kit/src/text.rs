//! Byte-string helpers for programs that leave `core::fmt` out: [`after`] (the rest of a string
//! after a prefix) and [`Decimal`] (a number's decimal digits).
//!
//! Both are written without an index or a slice that could panic. A small program (hello-nostd,
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

/// The decimal digits of a `u32`, written without `core::fmt`: `Decimal::new(404).as_bytes()`
/// is `b"404"`.
#[derive(Clone, Copy, Debug)]
pub struct Decimal {
    /// The digits, right-aligned: `u32::MAX` has ten.
    digits: [u8; 10],
    /// Where the first digit is in `digits`.
    start: usize,
}

impl Decimal {
    /// The digits of `n`.
    #[inline]
    pub fn new(mut n: u32) -> Decimal {
        let mut d = Decimal {
            digits: [0; 10],
            start: 10,
        };
        // From the last digit back; at least one digit, for 0.
        while let Some(slot) = d.start.checked_sub(1).and_then(|i| d.digits.get_mut(i)) {
            *slot = b'0' + (n % 10) as u8;
            d.start -= 1;
            n /= 10;
            if n == 0 {
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

#[cfg(test)]
mod tests {
    extern crate std;
    use super::{Decimal, after};
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
    }
}
