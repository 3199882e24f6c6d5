//! [`HostFiles`]: the files of this machine as a layer reads them ([`Files`]), through
//! scratch-doctor's `open_regular` (symbolic links followed, a device or FIFO refused), each
//! checked to have the size it had when the tree was made: a file that changes while it is
//! packed is an error, never a layer that holds half of it.

use alloc::boxed::Box;
use alloc::format;
use alloc::vec::Vec;

use scratch_doctor::host_root::open_regular;
use scratch_doctor::paths::from_bytes;
use scratch_pack::PackError;
use scratch_pack::stream::{FileData, Files};
use syscall_kit::{Errno, OwnedFd};

/// The files of this machine.
pub struct HostFiles;

/// One open file.
struct HostFile {
    fd: OwnedFd,
    path: Vec<u8>,
}

impl Files for HostFiles {
    fn open(&mut self, path: &[u8], size: u64) -> Result<Box<dyn FileData>, PackError> {
        let shown = from_bytes(path);
        let file = open_regular(path).map_err(|e| format!("cannot read {shown}: {e}"))?;
        if file.size != size {
            return Err(PackError(format!(
                "{shown}: it changed while it was packed ({size} bytes, then {})",
                file.size
            )));
        }
        Ok(Box::new(HostFile {
            fd: file.fd,
            path: path.to_vec(),
        }))
    }
}

/// `read(2)` of `fd`, again after `EINTR`.
pub fn read(fd: &OwnedFd, buf: &mut [u8]) -> Result<usize, Errno> {
    loop {
        match syscall_kit::io::read(fd, buf) {
            Err(Errno::EINTR) => {}
            r => return r,
        }
    }
}

impl FileData for HostFile {
    fn read(&mut self, buf: &mut [u8]) -> Result<usize, PackError> {
        read(&self.fd, buf)
            .map_err(|e| PackError(format!("cannot read {}: {e}", from_bytes(&self.path))))
    }

    fn finish(&mut self) -> Result<(), PackError> {
        let mut one = [0u8; 1];
        match self.read(&mut one)? {
            0 => Ok(()),
            _ => Err(PackError(format!(
                "{}: it grew while it was packed",
                from_bytes(&self.path)
            ))),
        }
    }
}

/// Whether the files `a` and `b` of this machine, both `size` bytes when they were looked at,
/// hold the same bytes (read in chunks, never whole).
pub fn same_bytes(a: &[u8], b: &[u8], size: u64) -> Result<bool, PackError> {
    let open = |path: &[u8]| -> Result<Box<dyn FileData>, PackError> { HostFiles.open(path, size) };
    let (mut x, mut y) = (open(a)?, open(b)?);
    let (mut bx, mut by) = (alloc::vec![0u8; 64 * 1024], alloc::vec![0u8; 64 * 1024]);
    loop {
        let n = fill(&mut *x, &mut bx)?;
        let m = fill(&mut *y, &mut by)?;
        if bx[..n] != by[..m] {
            return Ok(false);
        }
        if n == 0 {
            return Ok(true);
        }
    }
}

/// Reads into `buf` until it is full or the file ends: the bytes read.
fn fill(f: &mut dyn FileData, buf: &mut [u8]) -> Result<usize, PackError> {
    let mut n = 0;
    while n < buf.len() {
        match f.read(&mut buf[n..])? {
            0 => break,
            k => n += k,
        }
    }
    Ok(n)
}
