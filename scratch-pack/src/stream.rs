//! [`TarStream`]: a layer's tar archive as a stream of bytes, made as it is read: each entry's
//! header ([`crate::tar`]), then its data read from its file a piece at a time, then the next.
//! Nothing of a layer is held in memory but the piece being read, whatever its size.
//!
//! The files are opened through [`Files`], which the program implements with system calls and
//! the tests with bytes in memory.

use alloc::boxed::Box;
use alloc::format;
use alloc::vec::Vec;

use scratch_doctor::paths::from_bytes;

use crate::PackError;
use crate::tar::{self, Header, Type};
use crate::tree::{Data, Entry, Kind};

/// A stream of bytes read in order.
pub trait Source {
    /// Reads up to `buf.len()` bytes; `Ok(0)` at the end (for a non-empty `buf`).
    fn read(&mut self, buf: &mut [u8]) -> Result<usize, PackError>;
}

/// Where bytes are written.
pub trait Sink {
    /// Writes all of `bytes`.
    fn write_all(&mut self, bytes: &[u8]) -> Result<(), PackError>;
}

/// An open file whose bytes go into a layer.
pub trait FileData {
    /// Reads up to `buf.len()` bytes of the file; `Ok(0)` at its end.
    fn read(&mut self, buf: &mut [u8]) -> Result<usize, PackError>;

    /// Called once its size's worth has been read: an error if the file goes on (it has grown
    /// since it was looked at).
    fn finish(&mut self) -> Result<(), PackError>;
}

/// How the files of this machine are opened.
pub trait Files {
    /// The file at `path` (bytes), which had `size` bytes when it was looked at: an error if
    /// it cannot be opened or is no longer that size.
    fn open(&mut self, path: &[u8], size: u64) -> Result<Box<dyn FileData>, PackError>;
}

/// The file being read.
struct Open {
    file: Box<dyn FileData>,
    /// Bytes of it still to read.
    left: u64,
    /// Zeros after it to the end of its last block.
    pad: usize,
    /// Its path, for the error of a file that shrank.
    path: Vec<u8>,
}

/// The tar archive of `entries` (see the module's documentation), every time `mtime`.
pub struct TarStream<'e, F: Files> {
    entries: core::slice::Iter<'e, Entry>,
    files: F,
    mtime: u64,
    /// Header or padding bytes to give before anything else.
    pending: Vec<u8>,
    at: usize,
    /// The file whose data comes after `pending`.
    open: Option<Open>,
    ended: bool,
}

impl<'e, F: Files> TarStream<'e, F> {
    /// The archive of `entries`, in their order, files opened through `files`.
    pub fn new(entries: &'e [Entry], files: F, mtime: u64) -> TarStream<'e, F> {
        TarStream {
            entries: entries.iter(),
            files,
            mtime,
            pending: Vec::new(),
            at: 0,
            open: None,
            ended: false,
        }
    }
}

/// The header of `e`, appended to `out`.
fn header(e: &Entry, mtime: u64, out: &mut Vec<u8>) {
    let (kind, size, link): (Type, u64, &[u8]) = match &e.kind {
        Kind::Dir => (Type::Dir, 0, b""),
        Kind::File(d) => (Type::File, d.size(), b""),
        Kind::Symlink(target) => (Type::Symlink, 0, target),
        Kind::HardLink(target) => (Type::HardLink, 0, target),
    };
    tar::write_header(
        &Header {
            name: &e.name,
            kind,
            size,
            mode: e.mode,
            link,
            mtime,
        },
        out,
    );
}

/// Reads `source` into `buf` until it is full or the source ends; returns how many bytes.
/// (A compressor fed in pieces of one size gives the same bytes however the reads under it
/// were cut.)
pub fn fill(source: &mut dyn Source, buf: &mut [u8]) -> Result<usize, PackError> {
    let mut n = 0;
    while n < buf.len() {
        let got = source.read(&mut buf[n..])?;
        if got == 0 {
            break;
        }
        n += got;
    }
    Ok(n)
}

impl<F: Files> Source for TarStream<'_, F> {
    fn read(&mut self, buf: &mut [u8]) -> Result<usize, PackError> {
        if buf.is_empty() {
            return Ok(0);
        }
        loop {
            if self.at < self.pending.len() {
                let n = buf.len().min(self.pending.len() - self.at);
                buf[..n].copy_from_slice(&self.pending[self.at..self.at + n]);
                self.at += n;
                return Ok(n);
            }
            self.pending.clear();
            self.at = 0;
            if let Some(open) = &mut self.open {
                if open.left > 0 {
                    // The data straight into the caller's buffer.
                    let want = usize::try_from(open.left)
                        .unwrap_or(usize::MAX)
                        .min(buf.len());
                    let n = open.file.read(&mut buf[..want])?;
                    if n == 0 {
                        return Err(PackError(format!(
                            "{}: it got shorter while it was packed",
                            from_bytes(&open.path)
                        )));
                    }
                    open.left -= n as u64;
                    return Ok(n);
                }
                open.file.finish()?;
                self.pending.resize(open.pad, 0);
                self.open = None;
                continue;
            }
            let Some(e) = self.entries.next() else {
                if self.ended {
                    return Ok(0);
                }
                self.ended = true;
                self.pending.extend_from_slice(&tar::END);
                continue;
            };
            header(e, self.mtime, &mut self.pending);
            match &e.kind {
                Kind::File(Data::Bytes(bytes)) => {
                    self.pending.extend_from_slice(bytes);
                    tar::pad(&mut self.pending);
                }
                // An empty file is opened all the same, so that one that grew is seen.
                Kind::File(Data::Host { path, size, .. }) => {
                    self.open = Some(Open {
                        file: self.files.open(path, *size)?,
                        left: *size,
                        pad: tar::padding(*size),
                        path: path.clone(),
                    });
                }
                _ => {}
            }
        }
    }
}

#[cfg(test)]
mod tests;
