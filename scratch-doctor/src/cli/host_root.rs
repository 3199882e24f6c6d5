//! [`HostRoot`]: the machine's own root file system as a [`RootView`], made of syscall-kit's
//! wrappers only; and [`read_file`], which the program also uses for its inputs and copies.

use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;

use scratch_doctor::RootView;
use syscall_kit::fs::{self, FileType, Mode, OFlags};
use syscall_kit::{Errno, OwnedFd, PATH_MAX, PathArg};

/// The root file system of this machine, through `openat(2)`, `statx(2)`, `read(2)`,
/// `readlinkat(2)`, `getdents64(2)` and `getcwd(2)`.
pub struct HostRoot;

/// An open regular file: its contents and permission bits.
pub struct FileData {
    /// The bytes.
    pub bytes: Vec<u8>,
    /// `mode & 0o7777`.
    pub permissions: u32,
}

/// What [`read_file`] answers for a device, FIFO or socket.
pub const NOT_REGULAR: Errno = Errno::EINVAL;

/// Reads the regular file `path` whole, following symbolic links.
///
/// `O_NONBLOCK` keeps `open` of a FIFO from waiting for a writer; anything but a regular file
/// is refused after `fstat` (a directory with `EISDIR`, a device or FIFO with [`NOT_REGULAR`]),
/// so `/dev/zero` cannot fill the memory.
pub fn read_file(path: impl PathArg) -> Result<FileData, Errno> {
    let fd = fs::open(
        path,
        OFlags::RDONLY | OFlags::CLOEXEC | OFlags::NONBLOCK,
        Mode::empty(),
    )?;
    let st = fs::fstat(&fd)?;
    match st.file_type {
        FileType::Regular => {}
        FileType::Directory => return Err(Errno::EISDIR),
        _ => return Err(NOT_REGULAR),
    }
    let bytes = read_to_end(&fd, usize::try_from(st.size).unwrap_or(0))?;
    Ok(FileData {
        bytes,
        permissions: st.permissions,
    })
}

fn read_to_end(fd: &OwnedFd, size_hint: usize) -> Result<Vec<u8>, Errno> {
    let mut bytes = vec![0u8; size_hint.max(4096)];
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
    fn read(&mut self, path: &str) -> Result<Vec<u8>, Errno> {
        read_file(path).map(|f| f.bytes)
    }

    fn read_link(&mut self, path: &str) -> Result<Option<String>, Errno> {
        let mut buf = [0u8; PATH_MAX];
        match fs::readlink(path, &mut buf) {
            Ok(n) => Ok(Some(
                String::from_utf8_lossy(buf.get(..n).unwrap_or_default()).into_owned(),
            )),
            Err(Errno::EINVAL) => Ok(None),
            Err(e) => Err(e),
        }
    }

    fn list_dir(&mut self, path: &str) -> Result<Vec<String>, Errno> {
        let dir = fs::open(
            path,
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
                    names.push(String::from_utf8_lossy(name).into_owned());
                }
            }
        }
    }

    fn current_dir(&mut self) -> Result<String, Errno> {
        let mut buf = [0u8; PATH_MAX];
        let cwd = fs::getcwd(&mut buf)?;
        Ok(String::from_utf8_lossy(cwd.to_bytes()).into_owned())
    }
}
