//! A layer written: its tar stream hashed (the config's `diff_id`), compressed, hashed again
//! (its digest) and counted as it goes to its file, in one pass with buffers of a fixed size.
//!
//! - `none`: the tar as it is; its digest is its `diff_id`.
//! - `gzip`: RFC 1952 with the fields that could vary fixed, as image-spec#1145 and
//!   go-containerregistry ask: `MTIME` 0, no name, `XFL` 0, `OS` 255 (unknown); the data
//!   deflated by zlib-rs at level 6 (zlib's and Go's default) as a raw stream with zlib's
//!   defaults (a window of 2^15 bytes, memory level 8, the default strategy), the one
//!   implementation, pinned to one version in `Cargo.toml`.
//! - `zstd`: one frame from ruzstd's encoder at its "fastest" level (about zstd's level 1, the
//!   one it has besides storing), without the optional checksum; pinned as zlib-rs is.
//!
//! Both encoders are fed the tar in pieces of one size ([`CHUNK`], filled whatever the reads
//! under them give), so the bytes they write depend on the tar alone.

use alloc::format;
use alloc::string::String;
use alloc::vec;

use ruzstd::encoding::{CompressionLevel, FrameCompressor};
use scratch_doctor::image::decode::hex;
use sha2::{Digest, Sha256};
use zlib_rs::{DeflateFlush, Status};

use crate::PackError;
use crate::stream::{Sink, Source, fill};

/// The size of the pieces the encoders are fed, and of their output buffer.
pub const CHUNK: usize = 128 << 10;

/// The deflate level of gzip layers.
pub const GZIP_LEVEL: u8 = 6;

/// How a layer is compressed: scratch-doctor's, which reads layers (one type for both tools).
pub use scratch_doctor::image::decode::Compression;

/// The gzip header: magic, deflate, no flags, `MTIME` 0, `XFL` 0, `OS` 255.
pub const GZIP_HEADER: [u8; 10] = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255];

/// What writing a layer gave.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Written {
    /// `sha256:…` of the tar (the config's `rootfs.diff_ids`).
    pub diff_id: String,
    /// `sha256:…` of the bytes written (the layer's digest).
    pub digest: String,
    /// How many bytes were written.
    pub size: u64,
}

/// A source hashed as it is read.
struct Hashed<'s> {
    source: &'s mut dyn Source,
    hash: Sha256,
}

impl Source for Hashed<'_> {
    fn read(&mut self, buf: &mut [u8]) -> Result<usize, PackError> {
        let n = self.source.read(buf)?;
        self.hash.update(&buf[..n]);
        Ok(n)
    }
}

/// A sink hashed and counted as it is written.
struct Counted<'s> {
    sink: &'s mut dyn Sink,
    hash: Sha256,
    size: u64,
}

impl Sink for Counted<'_> {
    fn write_all(&mut self, bytes: &[u8]) -> Result<(), PackError> {
        self.sink.write_all(bytes)?;
        self.hash.update(bytes);
        self.size += bytes.len() as u64;
        Ok(())
    }
}

/// `sha256:<hex>` of what `hash` has seen.
fn digest(hash: Sha256) -> String {
    format!("sha256:{}", hex(&hash.finalize()))
}

/// Writes `source` to `sink` compressed as `how` says; its digests and size.
pub fn encode(
    source: &mut dyn Source,
    how: Compression,
    sink: &mut dyn Sink,
) -> Result<Written, PackError> {
    let mut input = Hashed {
        source,
        hash: Sha256::new(),
    };
    let mut output = Counted {
        sink,
        hash: Sha256::new(),
        size: 0,
    };
    match how {
        Compression::None => copy(&mut input, &mut output)?,
        Compression::Gzip => gzip(&mut input, &mut output)?,
        Compression::Zstd => zstd(&mut input, &mut output)?,
    }
    Ok(Written {
        diff_id: digest(input.hash),
        digest: digest(output.hash),
        size: output.size,
    })
}

fn copy(input: &mut dyn Source, output: &mut dyn Sink) -> Result<(), PackError> {
    let mut buf = vec![0u8; CHUNK];
    loop {
        let n = fill(input, &mut buf)?;
        if n == 0 {
            return Ok(());
        }
        output.write_all(&buf[..n])?;
    }
}

fn gzip(input: &mut dyn Source, output: &mut dyn Sink) -> Result<(), PackError> {
    // Level 6, a raw deflate stream (no zlib header), a window of 2^15 bytes.
    let mut deflater = zlib_rs::Deflate::new(i32::from(GZIP_LEVEL), false, 15);
    let mut crc = crc32fast::Hasher::new();
    let mut length: u64 = 0;
    let mut buf = vec![0u8; CHUNK];
    let mut out = vec![0u8; CHUNK];
    output.write_all(&GZIP_HEADER)?;
    loop {
        let n = fill(input, &mut buf)?;
        crc.update(&buf[..n]);
        length += n as u64;
        let flush = if n < buf.len() {
            DeflateFlush::Finish
        } else {
            DeflateFlush::NoFlush
        };
        let mut rest = &buf[..n];
        loop {
            let (read, written) = (deflater.total_in(), deflater.total_out());
            let status = deflater
                .compress(rest, &mut out, flush)
                .map_err(|e| PackError(format!("deflate failed: {}", e.as_str())))?;
            rest = &rest[(deflater.total_in() - read) as usize..];
            output.write_all(&out[..(deflater.total_out() - written) as usize])?;
            if status == Status::StreamEnd {
                // The trailer: CRC-32 and the length modulo 2^32, little-endian.
                output.write_all(&crc.finalize().to_le_bytes())?;
                return output.write_all(&(length as u32).to_le_bytes());
            }
            if flush == DeflateFlush::NoFlush && rest.is_empty() {
                break;
            }
        }
    }
}

/// ruzstd's encoder reads its input and writes its output through its own `Read` and `Write`
/// traits, and cannot fail: an error of the source or the sink is kept here (the source then
/// ends, the sink takes nothing more) and returned once the frame is done.
struct ZstdIo<'a, T: ?Sized> {
    inner: &'a mut T,
    error: &'a mut Option<PackError>,
}

impl ruzstd::io::Read for ZstdIo<'_, dyn Source + '_> {
    fn read(&mut self, buf: &mut [u8]) -> Result<usize, ruzstd::io::Error> {
        if self.error.is_some() {
            return Ok(0);
        }
        match self.inner.read(buf) {
            Ok(n) => Ok(n),
            Err(e) => {
                *self.error = Some(e);
                Ok(0)
            }
        }
    }
}

impl ruzstd::io::Write for ZstdIo<'_, dyn Sink + '_> {
    fn write(&mut self, buf: &[u8]) -> Result<usize, ruzstd::io::Error> {
        if self.error.is_none()
            && let Err(e) = self.inner.write_all(buf)
        {
            *self.error = Some(e);
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> Result<(), ruzstd::io::Error> {
        Ok(())
    }
}

fn zstd(input: &mut dyn Source, output: &mut dyn Sink) -> Result<(), PackError> {
    let (mut read_error, mut write_error) = (None, None);
    {
        let mut compressor = FrameCompressor::new(CompressionLevel::Fastest);
        compressor.set_source(ZstdIo {
            inner: input,
            error: &mut read_error,
        });
        compressor.set_drain(ZstdIo {
            inner: output,
            error: &mut write_error,
        });
        compressor.compress();
    }
    match read_error.or(write_error) {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests;
