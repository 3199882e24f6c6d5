//! The streams a layer is read through: [`Verified`] (its sha256 digest and size checked
//! when it ends) and [`Decoder`] (gzip undone with `miniz_oxide`, zstd with `ruzstd`; plain
//! tar passed through).

use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec::Vec;

use miniz_oxide::inflate::stream::{InflateState, inflate};
use miniz_oxide::{DataFormat, MZFlush, MZStatus};
use ruzstd::decoding::errors::{FrameDecoderError, ReadFrameHeaderError};
use ruzstd::decoding::{BlockDecodingStrategy, FrameDecoder};
use sha2::{Digest, Sha256};

use super::{ImageError, Stream, bail};

/// The lower-case hex of a sha256 digest.
pub fn hex(digest: &[u8]) -> String {
    let mut out = String::with_capacity(digest.len() * 2);
    for b in digest {
        out.push(char::from(b"0123456789abcdef"[usize::from(b >> 4)]));
        out.push(char::from(b"0123456789abcdef"[usize::from(b & 15)]));
    }
    out
}

/// `sha256:<hex>` of `data`.
pub fn sha256_digest(data: &[u8]) -> String {
    alloc::format!("sha256:{}", hex(&Sha256::digest(data)))
}

/// A stream whose bytes are hashed as they are read: at its end the sha256 must be `digest`
/// (else "digest mismatch", the input is corrupt), and never more than `size` bytes (when
/// known) come through.
pub struct Verified<S> {
    inner: S,
    hasher: Sha256,
    /// The hex digits expected (`None`: only hashed through, nothing to compare with).
    want: Option<String>,
    size: Option<u64>,
    read: u64,
    /// What it is, for the error (`the blob sha256:…`, `layer 2 (uncompressed)`).
    what: String,
    checked: bool,
}

impl<S: Stream> Verified<S> {
    /// `inner`, whose sha256 must be `want_hex` if given, of `size` bytes if known.
    pub fn new(inner: S, want_hex: Option<&str>, size: Option<u64>, what: String) -> Verified<S> {
        Verified {
            inner,
            hasher: Sha256::new(),
            want: want_hex.map(Into::into),
            size,
            read: 0,
            what,
            checked: false,
        }
    }

    /// Whether the whole stream was read and its digest matched.
    pub fn checked(&self) -> bool {
        self.checked
    }

    /// The stream under it.
    pub fn inner_mut(&mut self) -> &mut S {
        &mut self.inner
    }
}

impl<S: Stream> Stream for Verified<S> {
    fn read(&mut self, buf: &mut [u8]) -> Result<usize, ImageError> {
        let n = self.inner.read(buf)?;
        if n == 0 {
            if buf.is_empty() || self.checked {
                return Ok(0);
            }
            if let Some(size) = self.size
                && size != self.read
            {
                bail!(
                    "{}: {} bytes where its descriptor says {size}: truncated or corrupt",
                    self.what,
                    self.read
                );
            }
            let got = hex(&self.hasher.clone().finalize());
            if self.want.as_ref().is_some_and(|want| *want != got) {
                bail!(
                    "{}: digest mismatch (its bytes hash to sha256:{got}): the archive is corrupt",
                    self.what
                );
            }
            self.checked = true;
            return Ok(0);
        }
        self.read += n as u64;
        if let Some(size) = self.size
            && self.read > size
        {
            bail!(
                "{}: longer than the {size} bytes its descriptor says: corrupt",
                self.what
            );
        }
        if self.want.is_some() {
            self.hasher.update(&buf[..n]);
        }
        Ok(n)
    }
}

/// How a layer is compressed: read from its first bytes ([`Compression::of`]), or named
/// (`--compression`, [`Compression::parse`]) and written with its media type's suffix
/// ([`Compression::suffix`]) by scratch-pack.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Compression {
    /// A plain tar.
    None,
    /// gzip (`1f 8b`).
    Gzip,
    /// zstd (`28 b5 2f fd`).
    Zstd,
}

impl Compression {
    /// The compression that `head` (the first bytes of a layer) shows.
    pub fn of(head: &[u8]) -> Compression {
        if head.starts_with(&[0x1f, 0x8b]) {
            Compression::Gzip
        } else if head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd])
            || (head.len() >= 4 && head[0] & 0xf0 == 0x50 && head[1..4] == [0x2a, 0x4d, 0x18])
        {
            // A zstd frame, or a skippable frame (0x184D2A5?), as zstd:chunked starts.
            Compression::Zstd
        } else {
            Compression::None
        }
    }

    /// By its name: `none`, `gzip` or `zstd`.
    pub fn parse(name: &str) -> Option<Compression> {
        match name {
            "none" => Some(Compression::None),
            "gzip" => Some(Compression::Gzip),
            "zstd" => Some(Compression::Zstd),
            _ => None,
        }
    }

    /// The end of the layer's OCI media type: ``, `+gzip`, `+zstd`.
    pub fn suffix(self) -> &'static str {
        match self {
            Compression::None => "",
            Compression::Gzip => "+gzip",
            Compression::Zstd => "+zstd",
        }
    }
}

const IN_BUF: usize = 64 * 1024;

/// A layer's stream, decompressed.
pub struct Decoder<S> {
    inner: S,
    kind: Compression,
    buf: Vec<u8>,
    start: usize,
    end: usize,
    eof: bool,
    gzip: Option<Gzip>,
    zstd: Option<Zstd>,
    /// The first error: every read after it returns it again (a corrupt stream is reported
    /// as where it first went wrong, not as what decoding further made of it).
    failed: Option<ImageError>,
}

struct Zstd {
    decoder: Box<FrameDecoder>,
    /// In a frame (else before one, or at the end).
    in_frame: bool,
    done: bool,
}

/// The buffered input of a [`Decoder`] as `ruzstd` reads it.
struct Input<'a, S> {
    inner: &'a mut S,
    buf: &'a mut [u8],
    start: &'a mut usize,
    end: &'a mut usize,
}

impl<S: Stream> ruzstd::io::Read for Input<'_, S> {
    fn read(&mut self, out: &mut [u8]) -> Result<usize, ruzstd::io::Error> {
        if *self.start < *self.end {
            let n = out.len().min(*self.end - *self.start);
            out[..n].copy_from_slice(&self.buf[*self.start..*self.start + n]);
            *self.start += n;
            return Ok(n);
        }
        self.inner
            .read(out)
            .map_err(|e| ruzstd::io::Error::new(ruzstd::io::ErrorKind::Other, Box::new(e.0)))
    }
}

struct Gzip {
    state: Box<InflateState>,
    /// In a member's deflate data (else before a member's header, or at the end).
    in_member: bool,
    /// Bytes out of the current member (for ISIZE).
    out: u64,
    done: bool,
}

impl<S: Stream> Decoder<S> {
    /// Looks at the first bytes of `inner` and undoes its compression.
    pub fn new(inner: S) -> Result<Decoder<S>, ImageError> {
        let mut d = Decoder {
            inner,
            kind: Compression::None,
            buf: alloc::vec![0u8; IN_BUF],
            start: 0,
            end: 0,
            eof: false,
            gzip: None,
            zstd: None,
            failed: None,
        };
        d.fill(4)?;
        d.kind = Compression::of(&d.buf[d.start..d.end]);
        match d.kind {
            Compression::Gzip => {
                d.gzip = Some(Gzip {
                    state: InflateState::new_boxed(DataFormat::Raw),
                    in_member: false,
                    out: 0,
                    done: false,
                });
            }
            Compression::Zstd => {
                d.zstd = Some(Zstd {
                    decoder: Box::new(FrameDecoder::new()),
                    in_frame: false,
                    done: false,
                });
            }
            Compression::None => {}
        }
        Ok(d)
    }

    /// The stream under it.
    pub fn into_inner(self) -> S {
        self.inner
    }

    /// The stream under it.
    pub fn inner_mut(&mut self) -> &mut S {
        &mut self.inner
    }

    /// The compression found.
    pub fn compression(&self) -> Compression {
        self.kind
    }

    /// Reads until at least `want` bytes are buffered, or the end.
    fn fill(&mut self, want: usize) -> Result<(), ImageError> {
        if self.end - self.start >= want || self.eof {
            return Ok(());
        }
        if self.start > 0 {
            self.buf.copy_within(self.start..self.end, 0);
            self.end -= self.start;
            self.start = 0;
        }
        while self.end - self.start < want && !self.eof {
            let n = self.inner.read(&mut self.buf[self.end..])?;
            if n == 0 {
                self.eof = true;
            }
            self.end += n;
        }
        Ok(())
    }

    fn corrupt(&self, why: &str) -> ImageError {
        ImageError(alloc::format!("corrupt gzip stream: {why}"))
    }

    /// Reads a gzip member header (RFC 1952) at the start of the buffer.
    fn gzip_header(&mut self) -> Result<(), ImageError> {
        self.fill(10)?;
        let h = &self.buf[self.start..self.end];
        if h.len() < 10 {
            return Err(self.corrupt("truncated header"));
        }
        if h[0] != 0x1f || h[1] != 0x8b || h[2] != 8 {
            return Err(self.corrupt("bad header"));
        }
        let flags = h[3];
        self.start += 10;
        if flags & 4 != 0 {
            self.fill(2)?;
            let h = &self.buf[self.start..self.end];
            if h.len() < 2 {
                return Err(self.corrupt("truncated header"));
            }
            let xlen = usize::from(u16::from_le_bytes([h[0], h[1]]));
            self.start += 2;
            self.fill(xlen)?;
            if self.end - self.start < xlen {
                return Err(self.corrupt("truncated header"));
            }
            self.start += xlen;
        }
        for bit in [8u8, 16] {
            if flags & bit != 0 {
                // A zero-terminated name or comment.
                loop {
                    self.fill(1)?;
                    if self.start == self.end {
                        return Err(self.corrupt("truncated header"));
                    }
                    let b = self.buf[self.start];
                    self.start += 1;
                    if b == 0 {
                        break;
                    }
                }
            }
        }
        if flags & 2 != 0 {
            self.fill(2)?;
            if self.end - self.start < 2 {
                return Err(self.corrupt("truncated header"));
            }
            self.start += 2;
        }
        Ok(())
    }

    fn read_gzip(&mut self, out: &mut [u8]) -> Result<usize, ImageError> {
        loop {
            let Some(g) = &self.gzip else { return Ok(0) };
            if g.done {
                return Ok(0);
            }
            if !g.in_member {
                self.fill(1)?;
                if self.start == self.end {
                    // The end of the stream between members: done (a layer has at least one).
                    if let Some(g) = &mut self.gzip {
                        g.done = true;
                    }
                    return Ok(0);
                }
                self.gzip_header()?;
                if let Some(g) = &mut self.gzip {
                    g.state.reset(DataFormat::Raw);
                    g.in_member = true;
                    g.out = 0;
                }
                continue;
            }
            self.fill(1)?;
            let input_end = self.start == self.end;
            let Some(g) = &mut self.gzip else {
                return Ok(0);
            };
            let result = inflate(
                &mut g.state,
                &self.buf[self.start..self.end],
                out,
                MZFlush::None,
            );
            self.start += result.bytes_consumed;
            g.out += result.bytes_written as u64;
            match result.status {
                Ok(MZStatus::StreamEnd) => {
                    g.in_member = false;
                    let isize = g.out;
                    self.fill(8)?;
                    if self.end - self.start < 8 {
                        return Err(self.corrupt("truncated: no trailer"));
                    }
                    let t = &self.buf[self.start + 4..self.start + 8];
                    let want = u32::from_le_bytes([t[0], t[1], t[2], t[3]]);
                    if want != isize as u32 {
                        return Err(self.corrupt("its length does not match its trailer"));
                    }
                    self.start += 8;
                    if result.bytes_written > 0 {
                        return Ok(result.bytes_written);
                    }
                }
                _ if result.bytes_written > 0 => return Ok(result.bytes_written),
                _ if input_end => return Err(self.corrupt("truncated")),
                Ok(_) if result.bytes_consumed > 0 => {}
                Ok(_) => return Err(self.corrupt("no progress")),
                Err(_) => return Err(self.corrupt("invalid deflate data")),
            }
        }
    }
}

impl<S: Stream> Decoder<S> {
    fn zstd_error(&self, e: impl core::fmt::Display) -> ImageError {
        ImageError(alloc::format!("corrupt zstd stream: {e}"))
    }

    /// zstd: frame after frame (skippable frames, such as zstd:chunked's, skipped).
    fn read_zstd(&mut self, out: &mut [u8]) -> Result<usize, ImageError> {
        loop {
            let Some(z) = &self.zstd else { return Ok(0) };
            if z.done {
                return Ok(0);
            }
            if !z.in_frame {
                self.fill(1)?;
                if self.start == self.end {
                    if let Some(z) = &mut self.zstd {
                        z.done = true;
                    }
                    return Ok(0);
                }
            }
            let Decoder {
                inner,
                buf,
                start,
                end,
                zstd,
                ..
            } = self;
            let Some(z) = zstd else { return Ok(0) };
            let mut input = Input {
                inner,
                buf,
                start,
                end,
            };
            if !z.in_frame {
                match z.decoder.reset(&mut input) {
                    Ok(()) => z.in_frame = true,
                    Err(FrameDecoderError::ReadFrameHeaderError(
                        ReadFrameHeaderError::SkipFrame { length, .. },
                    )) => {
                        self.skip_input(u64::from(length))?;
                        continue;
                    }
                    Err(e) => return Err(self.zstd_error(e)),
                }
                continue;
            }
            if z.decoder.can_collect() == 0 && !z.decoder.is_finished() {
                if let Err(e) = z
                    .decoder
                    .decode_blocks(&mut input, BlockDecodingStrategy::UptoBlocks(1))
                {
                    return Err(self.zstd_error(e));
                }
                continue;
            }
            match ruzstd::io::Read::read(&mut *z.decoder, out) {
                Ok(0) if z.decoder.is_finished() => z.in_frame = false,
                Ok(n) => return Ok(n),
                Err(e) => return Err(self.zstd_error(e)),
            }
        }
    }

    /// Skips `n` bytes of the compressed input.
    fn skip_input(&mut self, n: u64) -> Result<(), ImageError> {
        self.skip_raw(n)
            .map_err(|_| self.zstd_error("truncated skippable frame"))
    }

    /// Skips `n` bytes of the input as it is: what is buffered, then the rest in `inner`
    /// (which seeks when it can).
    fn skip_raw(&mut self, n: u64) -> Result<(), ImageError> {
        let buffered = (self.end - self.start) as u64;
        let from_buf = buffered.min(n);
        self.start += from_buf as usize;
        self.inner.skip(n - from_buf)
    }
}

impl<S: Stream> Stream for Decoder<S> {
    fn read(&mut self, out: &mut [u8]) -> Result<usize, ImageError> {
        if let Some(e) = &self.failed {
            return Err(e.clone());
        }
        if out.is_empty() {
            return Ok(0);
        }
        let result = self.decode(out);
        if let Err(e) = &result {
            self.failed = Some(e.clone());
        }
        result
    }

    /// An uncompressed stream skips what it has buffered, then seeks (a layer read again for
    /// one file is not read up to it); a compressed one is decompressed through.
    fn skip(&mut self, n: u64) -> Result<(), ImageError> {
        if let Some(e) = &self.failed {
            return Err(e.clone());
        }
        if matches!(self.kind, Compression::Gzip | Compression::Zstd) {
            return super::skip_by_reading(self, n);
        }
        let result = self.skip_raw(n);
        if let Err(e) = &result {
            self.failed = Some(e.clone());
        }
        result
    }
}

impl<S: Stream> Decoder<S> {
    /// [`Stream::read`] of the decompressed data, before the first error is made sticky.
    fn decode(&mut self, out: &mut [u8]) -> Result<usize, ImageError> {
        match self.kind {
            Compression::Gzip => self.read_gzip(out),
            Compression::Zstd => self.read_zstd(out),
            _ => {
                if self.start < self.end {
                    let n = out.len().min(self.end - self.start);
                    out[..n].copy_from_slice(&self.buf[self.start..self.start + n]);
                    self.start += n;
                    return Ok(n);
                }
                self.inner.read(out)
            }
        }
    }
}

/// Reads `s` to its end, the bytes dropped (so that a [`Verified`] under it checks its digest).
pub fn drain(s: &mut dyn Stream) -> Result<(), ImageError> {
    let mut buf = alloc::vec![0u8; 64 * 1024];
    while s.read(&mut buf)? > 0 {}
    Ok(())
}

#[cfg(test)]
mod tests;
