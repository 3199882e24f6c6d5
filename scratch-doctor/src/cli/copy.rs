//! `--copy-closure DIR`: the program and its closure copied into `DIR` at their image paths.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::ffi::CStr;

use scratch_doctor::Closure;
use syscall_kit::fs::{self, Mode, OFlags};
use syscall_kit::io::write_all;
use syscall_kit::{Errno, OwnedFd};

use super::host_root::read_file;

/// Copies every object of `closure` from its host path (symbolic links followed: the file's
/// contents) to `dir` + its image path, creating directories as needed, with the host file's
/// permission bits. Returns the image paths written; the first failure ends the copy with a
/// one-line reason.
pub fn copy_closure(closure: &Closure, dir: &CStr) -> Result<Vec<String>, String> {
    let shown = dir.to_string_lossy();
    let root = fs::open(
        dir,
        OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
        Mode::empty(),
    )
    .map_err(|e| format!("cannot open the directory {shown}: {e}"))?;
    let mut written: Vec<String> = Vec::new();
    for o in &closure.objects {
        if written.contains(&o.image_path) {
            continue;
        }
        let file = read_file(o.host_path.as_str())
            .map_err(|e| format!("cannot read {}: {e}", o.host_path))?;
        let rel = o.image_path.trim_start_matches('/');
        make_parents(&root, rel)
            .map_err(|e| format!("cannot create the directories of {shown}/{rel}: {e}"))?;
        write_file(&root, rel, &file.bytes, file.permissions)
            .map_err(|e| format!("cannot write {shown}/{rel}: {e}"))?;
        written.push(o.image_path.clone());
    }
    Ok(written)
}

/// `mkdirat` for each directory above `rel` inside `root` (existing ones are fine).
fn make_parents(root: &OwnedFd, rel: &str) -> Result<(), Errno> {
    for (i, _) in rel.match_indices('/') {
        let dir = scratch_doctor::paths::to_bytes(&rel[..i]);
        match fs::mkdirat(root, dir.as_slice(), Mode::from_bits_truncate(0o755)) {
            Ok(()) | Err(Errno::EEXIST) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// Writes `bytes` to `rel` inside `root`, replacing a file there (but never writing through a
/// symbolic link: `O_NOFOLLOW`), and sets `permissions` exactly.
fn write_file(root: &OwnedFd, rel: &str, bytes: &[u8], permissions: u32) -> Result<(), Errno> {
    let fd = fs::openat(
        root,
        scratch_doctor::paths::to_bytes(rel).as_slice(),
        OFlags::WRONLY | OFlags::CREAT | OFlags::TRUNC | OFlags::CLOEXEC | OFlags::NOFOLLOW,
        Mode::from_bits_truncate(0o600),
    )?;
    write_all(&fd, bytes)?;
    fs::fchmod(&fd, Mode::from_bits_truncate(permissions & 0o777))?;
    fd.close()
}
