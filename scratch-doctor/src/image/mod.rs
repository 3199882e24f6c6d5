//! `--image`: why a container image does (not) start, read from the saved image alone, with
//! no container engine.
//!
//! An image is read from a [`Storage`]: the files of an OCI image layout (`index.json`,
//! `blobs/sha256/…`) or of a `docker save` archive (`manifest.json`, `<id>/layer.tar`), held
//! in a directory or in a tar archive ([`layout::ArchiveStorage`]). The storage is read with
//! system calls in [`host`] alone (shared by scratch-doctor and scratch-pack); the rest of this
//! module does no I/O of its own.
//!
//! | module | what it holds |
//! |---|---|
//! | [`tar`] | a streaming tar reader (ustar, GNU long names, pax paths and sizes) |
//! | [`layout`] | the storage of an image, and [`layout::ArchiveStorage`]: one inside a tar |
//! | [`config`] | index.json / manifest.json → manifest → config, and the platform chosen |
//! | [`decode`] | the layers' streams: sha256 checked, gzip undone |
//! | [`host`] | the storage of an image on this machine, read with system calls |
//! | [`layers`] | the layers applied in order to one tree ([`layers::ImageRoot`], a [`RootView`](crate::RootView)) |
//! | [`start`] | what the runtime does at start, step by step, and its error |
//! | [`report`] | [`report::ImageReport`]: what scratch-doctor says of an image, as text or JSON |
//! | [`versions`] | symbol versions: what an object needs of a library, what a library defines, and the loader's check |
//!
//! Every problem with the input (not an image, a digest that does not match, a corrupt
//! stream, a path that leaves the image) is an [`ImageError`]: one line, never a verdict.

use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

pub mod config;
pub mod decode;
pub mod host;
pub mod layers;
pub mod layout;
pub mod report;
pub mod start;
pub mod tar;
pub mod versions;

#[cfg(test)]
mod test_images;
#[cfg(test)]
mod tests;

/// A problem with the image given: one line, shown as it is (exit status 2).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImageError(pub String);

impl fmt::Display for ImageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<String> for ImageError {
    fn from(s: String) -> ImageError {
        ImageError(s)
    }
}

impl From<&str> for ImageError {
    fn from(s: &str) -> ImageError {
        ImageError(s.into())
    }
}

/// `Err(ImageError(format!(…)))`.
macro_rules! bail {
    ($($arg:tt)*) => {
        return Err($crate::image::ImageError(alloc::format!($($arg)*)))
    };
}
pub(crate) use bail;

/// A stream of bytes read in order: a blob, a decompressed layer.
pub trait Stream {
    /// Reads up to `buf.len()` bytes; `Ok(0)` at the end (for a non-empty `buf`).
    fn read(&mut self, buf: &mut [u8]) -> Result<usize, ImageError>;

    /// Skips `n` bytes (read and dropped unless the stream can seek); an early end is an error.
    fn skip(&mut self, n: u64) -> Result<(), ImageError> {
        skip_by_reading(self, n)
    }
}

/// Skips `n` bytes of `s` by reading and dropping them (in reads of up to 128 KiB, as many
/// bytes as the system calls under it may take at once); an early end is an error.
pub fn skip_by_reading<S: Stream + ?Sized>(s: &mut S, mut n: u64) -> Result<(), ImageError> {
    // A small skip (most files of a layer) on the stack; a large one in large reads.
    let mut small = [0u8; 8192];
    let mut large = Vec::new();
    let buf: &mut [u8] = if n <= small.len() as u64 {
        &mut small
    } else {
        large.resize(usize::try_from(n).unwrap_or(usize::MAX).min(128 << 10), 0);
        &mut large
    };
    while n > 0 {
        let want = usize::try_from(n).unwrap_or(usize::MAX).min(buf.len());
        let got = s.read(&mut buf[..want])?;
        if got == 0 {
            bail!("unexpected end of data");
        }
        n -= got as u64;
    }
    Ok(())
}

impl<S: Stream + ?Sized> Stream for Box<S> {
    fn read(&mut self, buf: &mut [u8]) -> Result<usize, ImageError> {
        (**self).read(buf)
    }
    fn skip(&mut self, n: u64) -> Result<(), ImageError> {
        (**self).skip(n)
    }
}

/// Fills `buf` from `s` unless the stream ends first; returns how many bytes it read.
pub fn read_full(s: &mut dyn Stream, buf: &mut [u8]) -> Result<usize, ImageError> {
    let mut done = 0;
    while done < buf.len() {
        let n = s.read(&mut buf[done..])?;
        if n == 0 {
            break;
        }
        done += n;
    }
    Ok(done)
}

/// The whole of `s`, refused past `limit` bytes (a JSON document is small; a huge one is not
/// an image's).
pub fn read_to_end(s: &mut dyn Stream, limit: usize, what: &str) -> Result<Vec<u8>, ImageError> {
    let mut out = Vec::new();
    let mut buf = [0u8; 8192];
    loop {
        let n = s.read(&mut buf)?;
        if n == 0 {
            return Ok(out);
        }
        if out.len() + n > limit {
            bail!("{what} is larger than {limit} bytes: not an image's");
        }
        out.extend_from_slice(&buf[..n]);
    }
}

/// The files of a saved image, by their relative names (`index.json`, `manifest.json`,
/// `blobs/sha256/<hex>`, `<id>/layer.tar`).
pub trait Storage {
    /// The file `name`, or `Ok(None)` when the image has no such file.
    fn open(&mut self, name: &str) -> Result<Option<Box<dyn Stream + '_>>, ImageError>;
}

/// Bytes read at any offset: an archive file (read with `pread(2)`) or a buffer.
pub trait ReadAt {
    /// Reads up to `buf.len()` bytes at `offset`; `Ok(0)` at or past the end.
    fn read_at(&mut self, offset: u64, buf: &mut [u8]) -> Result<usize, ImageError>;

    /// The size in bytes.
    fn size(&mut self) -> Result<u64, ImageError>;
}

impl ReadAt for &[u8] {
    fn read_at(&mut self, offset: u64, buf: &mut [u8]) -> Result<usize, ImageError> {
        let start = usize::try_from(offset)
            .unwrap_or(usize::MAX)
            .min(self.len());
        let n = buf.len().min(self.len() - start);
        buf[..n].copy_from_slice(&self[start..start + n]);
        Ok(n)
    }

    fn size(&mut self) -> Result<u64, ImageError> {
        Ok(self.len() as u64)
    }
}

impl ReadAt for Vec<u8> {
    fn read_at(&mut self, offset: u64, buf: &mut [u8]) -> Result<usize, ImageError> {
        self.as_slice().read_at(offset, buf)
    }

    fn size(&mut self) -> Result<u64, ImageError> {
        Ok(self.len() as u64)
    }
}

/// A stream over `[start, end)` of a [`ReadAt`].
pub struct Window<'r, R: ReadAt + ?Sized> {
    source: &'r mut R,
    pos: u64,
    end: u64,
}

impl<'r, R: ReadAt + ?Sized> Window<'r, R> {
    /// The bytes `start..end` of `source`.
    pub fn new(source: &'r mut R, start: u64, end: u64) -> Self {
        Window {
            source,
            pos: start,
            end,
        }
    }
}

impl<R: ReadAt + ?Sized> Stream for Window<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> Result<usize, ImageError> {
        let left = self.end.saturating_sub(self.pos);
        let want = usize::try_from(left).unwrap_or(usize::MAX).min(buf.len());
        if want == 0 {
            return Ok(0);
        }
        let n = self.source.read_at(self.pos, &mut buf[..want])?;
        if n == 0 {
            bail!("the archive ends inside a file: truncated");
        }
        self.pos += n as u64;
        Ok(n)
    }

    fn skip(&mut self, n: u64) -> Result<(), ImageError> {
        if n > self.end.saturating_sub(self.pos) {
            bail!("unexpected end of data");
        }
        self.pos += n;
        Ok(())
    }
}
