//! The storage of a saved image on this machine ([`open`]): an archive file, or the files of
//! an OCI layout directory opened with `openat2(2)` beneath it, read with `pread(2)` through a
//! read-ahead buffer. System calls, unlike the rest of [`image`](super): scratch-doctor's
//! `--image` reads an image with it, and scratch-pack the image it adds a platform to.

use alloc::boxed::Box;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::ffi::CStr;

use syscall_kit::fs::{self, FileType, Mode, OFlags, OpenHow, ResolveFlags};
use syscall_kit::io::pread;
use syscall_kit::{Errno, OwnedFd};

use super::layout::ArchiveStorage;
use super::{ImageError, ReadAt, Storage, Stream, Window};
use crate::paths::to_bytes;

/// How the names of a layout directory are resolved: beneath it, no symbolic link at all (a
/// name from the image's `manifest.json` never leads out of it).
const BENEATH: ResolveFlags = ResolveFlags::BENEATH
    .union(ResolveFlags::NO_SYMLINKS)
    .union(ResolveFlags::NO_MAGICLINKS);

/// An OCI image layout directory. Its files are read as an archive is ([`FileAt`]: `pread(2)`
/// through the read-ahead, a skip is a seek), the one open last held here.
struct DirStorage {
    dir: OwnedFd,
    shown: String,
    file: Option<FileAt>,
}

impl Storage for DirStorage {
    fn open(&mut self, name: &str) -> Result<Option<Box<dyn Stream + '_>>, ImageError> {
        // O_NONBLOCK: a FIFO in the layout must not make open wait for a writer (it is then
        // refused below as not a regular file); reads of a regular file ignore the flag.
        let how = OpenHow {
            flags: OFlags::RDONLY | OFlags::CLOEXEC | OFlags::NONBLOCK,
            mode: Mode::empty(),
            resolve: BENEATH,
        };
        let shown = format!("{}/{name}", self.shown);
        let fd = match fs::openat2(&self.dir, to_bytes(name).as_slice(), &how) {
            Ok(fd) => fd,
            Err(Errno::ENOENT) => return Ok(None),
            Err(e) => return Err(ImageError(format!("{shown}: cannot open: {e}"))),
        };
        let st = fs::fstat(&fd).map_err(|e| ImageError(format!("{shown}: {e}")))?;
        if st.file_type != FileType::Regular {
            return Err(ImageError(format!("{shown}: not a regular file")));
        }
        let size = st.size;
        let file = self.file.insert(FileAt::new(fd, size, shown));
        Ok(Some(Box::new(Window::new(file, 0, size))))
    }
}

/// The read-ahead of an archive: a smaller read (a tar header, a small file's data) is served
/// from one `pread(2)` of this many bytes, a larger one goes to the kernel as it is. So a layer
/// is read in large reads, whatever the sizes of its files.
const READ_AHEAD: usize = 128 << 10;

/// An archive file, read at any offset.
struct FileAt {
    fd: OwnedFd,
    size: u64,
    shown: String,
    /// The bytes at `ahead_at` read last (at most [`READ_AHEAD`]).
    ahead: Vec<u8>,
    ahead_at: u64,
}

impl FileAt {
    fn new(fd: OwnedFd, size: u64, shown: String) -> FileAt {
        FileAt {
            fd,
            size,
            shown,
            ahead: Vec::new(),
            ahead_at: 0,
        }
    }

    fn pread_retry(&self, buf: &mut [u8], offset: u64) -> Result<usize, ImageError> {
        loop {
            match pread(&self.fd, buf, offset) {
                Err(Errno::EINTR) => {}
                r => return r.map_err(|e| ImageError(format!("{}: cannot read: {e}", self.shown))),
            }
        }
    }
}

impl ReadAt for FileAt {
    fn read_at(&mut self, offset: u64, buf: &mut [u8]) -> Result<usize, ImageError> {
        let held = offset
            .checked_sub(self.ahead_at)
            .and_then(|o| usize::try_from(o).ok())
            .filter(|&o| o < self.ahead.len());
        let from = match held {
            Some(from) => from,
            None if buf.len() >= READ_AHEAD => return self.pread_retry(buf, offset),
            None => {
                self.ahead.resize(READ_AHEAD, 0);
                let mut ahead = core::mem::take(&mut self.ahead);
                let n = self.pread_retry(&mut ahead, offset);
                ahead.truncate(*n.as_ref().unwrap_or(&0));
                self.ahead = ahead;
                self.ahead_at = offset;
                n?;
                0
            }
        };
        let n = buf.len().min(self.ahead.len() - from);
        buf[..n].copy_from_slice(&self.ahead[from..from + n]);
        Ok(n)
    }

    fn size(&mut self) -> Result<u64, ImageError> {
        Ok(self.size)
    }
}

/// The storage of the image at `path` (`shown` so in messages): a layout directory or an
/// archive file.
pub fn open(path: &CStr, shown: &str) -> Result<Box<dyn Storage>, ImageError> {
    // O_NONBLOCK: a FIFO must not make open wait for a writer (it is refused below).
    let flags = OFlags::RDONLY | OFlags::CLOEXEC | OFlags::NONBLOCK;
    let fd = fs::open(path, flags, Mode::empty()).map_err(|e| match e {
        Errno::ENOENT => ImageError("no such file or directory".into()),
        e => ImageError(format!("cannot open: {e}")),
    })?;
    let st = fs::fstat(&fd).map_err(|e| ImageError(format!("cannot stat: {e}")))?;
    match st.file_type {
        FileType::Directory => Ok(Box::new(DirStorage {
            dir: fd,
            shown: shown.into(),
            file: None,
        })),
        FileType::Regular => Ok(Box::new(ArchiveStorage::new(FileAt::new(
            fd,
            st.size,
            shown.into(),
        ))?)),
        _ => Err(ImageError(
            "neither a directory nor a regular file (a device, FIFO or socket)".into(),
        )),
    }
}
