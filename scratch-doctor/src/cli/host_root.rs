//! [`HostRoot`]: the machine's own root file system as a [`RootView`], made of syscall-kit's
//! wrappers only; and [`read_file`], which the program also uses for its inputs and copies.

use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;

use scratch_doctor::root_view::FileBytes;
use scratch_doctor::{RootView, paths};
use syscall_kit::fs::{self, FileType, Mode, OFlags};
use syscall_kit::mm::{self, MapFlags, ProtFlags};
use syscall_kit::{AsFd, Errno, OwnedFd, PATH_MAX, PathArg};

/// The root file system of this machine, through `openat(2)`, `statx(2)`, `read(2)`,
/// `mmap(2)`, `readlinkat(2)`, `getdents64(2)` and `getcwd(2)`.
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

/// Opens the regular file `path` for reading, following symbolic links: the descriptor, its
/// size and permission bits.
///
/// `O_NONBLOCK` keeps `open` of a FIFO from waiting for a writer; anything but a regular file
/// is refused after `fstat` (a directory with `EISDIR`, a device or FIFO with [`NOT_REGULAR`]),
/// so `/dev/zero` cannot fill the memory.
fn open_regular(path: impl PathArg) -> Result<(OwnedFd, u64, u32), Errno> {
    let fd = fs::open(
        path,
        OFlags::RDONLY | OFlags::CLOEXEC | OFlags::NONBLOCK,
        Mode::empty(),
    )?;
    let st = fs::fstat(&fd)?;
    match st.file_type {
        FileType::Regular => Ok((fd, st.size, st.permissions)),
        FileType::Directory => Err(Errno::EISDIR),
        _ => Err(NOT_REGULAR),
    }
}

/// Reads the regular file `path` (a path as the analysis holds it: see
/// `scratch_doctor::paths::to_bytes`) whole, following symbolic links (see [`open_regular`]).
pub fn read_file(path: &str) -> Result<FileData, Errno> {
    let (fd, size, permissions) = open_regular(paths::to_bytes(path).as_slice())?;
    // Only a hint: a size past usize (a 32-bit machine) reads on until the memory runs out.
    let bytes = read_to_end(&fd, usize::try_from(size).unwrap_or(0))?;
    Ok(FileData { bytes, permissions })
}

/// A read-only, private mapping of a whole file, unmapped when dropped.
struct Mapping {
    addr: *mut u8,
    len: usize,
}

impl AsRef<[u8]> for Mapping {
    fn as_ref(&self) -> &[u8] {
        // SAFETY: `[addr, addr + len)` is mapped readable for the life of `self` (see
        // `map_file`) and nothing writes it: the mapping is private and read-only, so no store
        // through another pointer can change it. (A file truncated by another process while it
        // is mapped makes a read past its new end fault with SIGBUS: see map_file.)
        unsafe { core::slice::from_raw_parts(self.addr, self.len) }
    }
}

impl Drop for Mapping {
    fn drop(&mut self) {
        // SAFETY: the mapping is this value's own, and the slices lent by `as_ref` cannot
        // outlive it. An error (there is none for a mapping this process made) changes nothing
        // for the program, which no longer reads it.
        let _ = unsafe { mm::munmap(self.addr, self.len) };
    }
}

/// The regular file `path`, symbolic links followed, mapped read-only (`mmap(2)`,
/// `MAP_PRIVATE`): only the pages that are read cost memory, whatever the file's size. An empty
/// file is an empty buffer (`mmap` refuses a length of 0).
///
/// A file that another process truncates while it is mapped kills the program with `SIGBUS`
/// when a page past the new end is read; the doctor maps only the files it analyses, for the
/// time of one analysis.
pub fn map_file(path: impl PathArg) -> Result<FileBytes, Errno> {
    let (fd, size, _) = open_regular(path)?;
    let len = usize::try_from(size).map_err(|_| Errno::EFBIG)?;
    if len == 0 {
        return Ok(FileBytes::from(Vec::new()));
    }
    // SAFETY: a new mapping at an address the kernel chooses (no MAP_FIXED) replaces nothing;
    // it is private and read-only, so the program's view of it changes only if the file is
    // truncated (SIGBUS, above), never under a live Rust reference's feet by a store.
    let addr = unsafe {
        mm::mmap(
            core::ptr::null_mut(),
            len,
            ProtFlags::READ,
            MapFlags::PRIVATE,
            Some(fd.as_fd()),
            0,
        )
    }?;
    // The mapping keeps the file; the descriptor is closed here.
    Ok(FileBytes::new(Mapping { addr, len }))
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

    fn map_file(&mut self, path: &str) -> Result<FileBytes, Errno> {
        map_file(paths::to_bytes(path).as_slice())
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
