//! [`FmtBuf`]: text formatted into a fixed buffer on the stack, for what must be formatted
//! before it is used whole (the number in a panic's message).

use core::fmt;

/// A `fmt::Write` into `N` bytes of its own that fails when they are full.
pub(crate) struct FmtBuf<const N: usize> {
    /// The bytes; `buf[..len]` is the text.
    pub(crate) buf: [u8; N],
    /// How many bytes are written.
    pub(crate) len: usize,
}

impl<const N: usize> FmtBuf<N> {
    /// An empty buffer.
    pub(crate) const fn new() -> Self {
        FmtBuf {
            buf: [0; N],
            len: 0,
        }
    }
}

impl<const N: usize> fmt::Write for FmtBuf<N> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let end = self.len.checked_add(s.len()).ok_or(fmt::Error)?;
        self.buf
            .get_mut(self.len..end)
            .ok_or(fmt::Error)?
            .copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}
