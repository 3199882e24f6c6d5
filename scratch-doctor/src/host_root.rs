//! [`HostRoot`]: the machine's own root file system as a [`RootView`], made of syscall-kit's
//! wrappers only; [`read_file`]; [`open_regular`], which the copies of `--copy-closure` use;
//! and [`open_file`], for the files it analyses.
//!
//! System calls, unlike the rest of the library: it is here so that scratch-doctor and
//! scratch-pack read the machine's files, and resolve a closure over them, with one
//! implementation.

use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;

use crate::root_view::{FileAt, FileError};
use crate::{RootView, paths};
use syscall_kit::fs::{self, FileType, Mode, OFlags};
use syscall_kit::{Errno, OwnedFd, PATH_MAX, PathArg};

/// The root file system of this machine, through `openat(2)`, `statx(2)`, `read(2)`,
/// `pread64(2)`, `readlinkat(2)`, `getdents64(2)` and `getcwd(2)`.
pub struct HostRoot;

/// An open regular file, for [`open_regular`]'s callers: its descriptor, size and permission
/// bits.
pub struct Regular {
    /// The descriptor, open for reading.
    pub fd: OwnedFd,
    /// Its size when it was opened.
    pub size: u64,
    /// `mode & 0o7777`.
    pub permissions: u32,
}

/// What [`read_file`] and [`open_file`] answer for a device, FIFO or socket (after opening it).
pub const NOT_REGULAR: Errno = Errno::EINVAL;

/// Opens the regular file `path` for reading, following symbolic links: the descriptor, its
/// size and permission bits.
///
/// `O_NONBLOCK` keeps `open` of a FIFO from waiting for a writer; anything but a regular file
/// is refused after `fstat` (a directory with `EISDIR`, a device or FIFO with [`NOT_REGULAR`]),
/// so `/dev/zero` cannot fill the memory. An error of `open` is [`FileError::Open`]; any error
/// after it, `fstat`'s included, is [`FileError::Read`]: the file is there.
pub fn open_regular(path: impl PathArg) -> Result<Regular, FileError> {
    let fd = fs::open(
        path,
        OFlags::RDONLY | OFlags::CLOEXEC | OFlags::NONBLOCK,
        Mode::empty(),
    )
    .map_err(FileError::Open)?;
    let st = fs::fstat(&fd).map_err(FileError::Read)?;
    match st.file_type {
        FileType::Regular => Ok(Regular {
            fd,
            size: st.size,
            permissions: st.permissions,
        }),
        FileType::Directory => Err(FileError::Read(Errno::EISDIR)),
        _ => Err(FileError::Read(NOT_REGULAR)),
    }
}

/// Reads the regular file `path` (a path as the analysis holds it: see
/// `scratch_doctor::paths::to_bytes`) whole, following symbolic links (see [`open_regular`]).
pub fn read_file(path: &str) -> Result<Vec<u8>, FileError> {
    let file = open_regular(paths::to_bytes(path).as_slice())?;
    // Only a hint: a size past usize (a 32-bit machine) reads on until the memory runs out.
    let hint = usize::try_from(file.size).unwrap_or(0);
    read_to_end(&file.fd, hint).map_err(FileError::Read)
}

/// An open regular file, read with `pread64(2)` ([`FileAt`]).
pub struct HostFile {
    fd: OwnedFd,
    size: u64,
}

impl FileAt for HostFile {
    fn size(&self) -> u64 {
        self.size
    }

    fn read_at(&self, offset: u64, buf: &mut [u8]) -> Result<usize, Errno> {
        syscall_kit::io::pread(&self.fd, buf, offset)
    }
}

/// The regular file `path`, symbolic links followed, open for positioned reads: only what is
/// read of it costs memory, whatever its size (see [`open_regular`] for what is refused).
pub fn open_file(path: impl PathArg) -> Result<HostFile, FileError> {
    let file = open_regular(path)?;
    Ok(HostFile {
        fd: file.fd,
        size: file.size,
    })
}

fn read_to_end(fd: &OwnedFd, size_hint: usize) -> Result<Vec<u8>, Errno> {
    // One byte more than the size, so that the read that finds the end has room and the buffer
    // is not doubled for it.
    let mut bytes = vec![0u8; size_hint.saturating_add(1).max(4096)];
    let mut len = 0;
    loop {
        if len == bytes.len() {
            // The file grew since fstat (or reports no size, as /proc files do).
            bytes.resize(len.saturating_mul(2), 0);
        }
        let free = bytes.get_mut(len..).unwrap_or_default();
        match syscall_kit::io::read(fd, free) {
            Ok(0) => break,
            Ok(n) => len += n,
            Err(Errno::EINTR) => {}
            Err(e) => return Err(e),
        }
    }
    bytes.truncate(len);
    Ok(bytes)
}

impl RootView for HostRoot {
    fn read(&mut self, path: &str) -> Result<Vec<u8>, FileError> {
        read_file(path)
    }

    fn open(&mut self, path: &str) -> Result<Box<dyn FileAt>, FileError> {
        Ok(Box::new(open_file(paths::to_bytes(path).as_slice())?))
    }

    fn read_link(&mut self, path: &str) -> Result<Option<String>, Errno> {
        let mut buf = [0u8; PATH_MAX];
        match fs::readlink(paths::to_bytes(path).as_slice(), &mut buf) {
            Ok(n) => Ok(Some(paths::from_bytes(buf.get(..n).unwrap_or_default()))),
            Err(Errno::EINVAL) => Ok(None),
            Err(e) => Err(e),
        }
    }

    fn list_dir(&mut self, path: &str) -> Result<Vec<String>, Errno> {
        let dir = fs::open(
            paths::to_bytes(path).as_slice(),
            OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
            Mode::empty(),
        )?;
        let mut buf = vec![0u8; 16 * 1024];
        let mut names = Vec::new();
        loop {
            let n = fs::getdents64(&dir, &mut buf)?;
            if n == 0 {
                return Ok(names);
            }
            for entry in fs::DirEntries::new(buf.get(..n).unwrap_or_default()) {
                let name = entry.name.to_bytes();
                if name != b"." && name != b".." {
                    names.push(paths::from_bytes(name));
                }
            }
        }
    }

    fn current_dir(&mut self) -> Result<String, Errno> {
        let mut buf = [0u8; PATH_MAX];
        let cwd = fs::getcwd(&mut buf)?;
        Ok(paths::from_bytes(cwd.to_bytes()))
    }
}
