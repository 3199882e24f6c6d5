//! `dir-size [PATH...]`: how much disk each directory tree uses, and its apparent size, as
//! `du -s -B1` and `du -sb` count them; an example of the kit's directory calls.
//!
//! ```text
//! $ dir-size /usr/share/doc
//! 23457792 16983155 /usr/share/doc
//! ```
//!
//! Each line is the disk usage in bytes (`st_blocks` × 512), the apparent size in bytes (the
//! sum of `st_size`) and the path (`.` when none is given). As GNU `du` does, it counts every
//! entry of the tree, directories and symbolic links included, follows no symbolic link, and
//! counts a file once: a file with several hard links once; and with several PATHs, anything
//! already counted under an earlier one (a PATH inside an earlier PATH has no line at all).
//!
//! How: a directory is opened once (`openat` relative to its parent's descriptor, with
//! `O_DIRECTORY | O_NOFOLLOW`), read with `getdents64` into one buffer, and each of its entries
//! is measured with one `statx` relative to that descriptor (`AT_SYMLINK_NOFOLLOW`): one system
//! call per entry, no path ever built for the kernel, and no `open` + `fstat` + `close` per file.
//!
//! An entry that cannot be read is reported on standard error with its path and the error's
//! name (`dir-size: /root/x: EACCES: Permission denied`), the walk goes on, and the exit status
//! is 1; a bad PATH is reported the same way. Exit status 0: every entry was counted.

#![no_std]
#![no_main]

extern crate alloc;

use alloc::collections::BTreeSet;
use alloc::vec::Vec;
use core::ffi::CStr;

use syscall_kit::fs::{self, AtFlags, CWD, DirEntries, FileType, Mode, OFlags, Stat};
use syscall_kit::rt::heap::KernelHeap;
use syscall_kit::{AsFd, Errno, OwnedFd, eprintln, println};

#[global_allocator]
static HEAP: KernelHeap = KernelHeap::new();

syscall_kit::main!(main);

/// What the walk has counted, and what it has seen.
#[derive(Default)]
struct Walk {
    /// Bytes on disk (`st_blocks` × 512).
    disk: u64,
    /// Bytes as the files' sizes say.
    apparent: u64,
    /// The (device, inode) of what was counted and may be met again: files with more than
    /// one link, and with several PATHs every entry.
    seen: BTreeSet<((u32, u32), u64)>,
    /// Whether every entry goes into `seen` (there are several PATHs).
    remember_all: bool,
    /// Whether an entry could not be read.
    failed: bool,
}

fn main() -> i32 {
    let mut paths: Vec<&CStr> = syscall_kit::rt::args().skip(1).collect();
    if paths
        .first()
        .is_some_and(|p| p.to_bytes() == b"--help" || p.to_bytes() == b"-h")
    {
        println!("usage: dir-size [PATH...]   (disk bytes, apparent bytes, path; default .)");
        return 0;
    }
    if paths.is_empty() {
        paths.push(c".");
    }
    let mut walk = Walk {
        remember_all: paths.len() > 1,
        ..Walk::default()
    };
    for path in paths {
        let (disk, apparent) = (walk.disk, walk.apparent);
        let mut name = path.to_bytes().to_vec();
        // A PATH that cannot be read has no line, only its error; nor has one already counted
        // (as du).
        if !walk.entry(CWD, path, &mut name) {
            continue;
        }
        println!(
            "{} {} {}",
            walk.disk - disk,
            walk.apparent - apparent,
            path.to_string_lossy()
        );
    }
    i32::from(walk.failed)
}

impl Walk {
    /// Counts the entry `name` of the directory `dir` (its path for messages: `path`), and
    /// everything under it when it is a directory; `false` when the entry itself could not be
    /// read, or was counted already (what could not be read below it is reported, and counted
    /// as failed).
    fn entry(&mut self, dir: impl AsFd, name: &CStr, path: &mut Vec<u8>) -> bool {
        let stat = match fs::statx(&dir, name, AtFlags::SYMLINK_NOFOLLOW) {
            Ok(stat) => stat,
            Err(e) => {
                self.fail(path, e);
                return false;
            }
        };
        if !self.count(&stat) {
            return false;
        }
        if stat.file_type == FileType::Directory {
            let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC;
            match fs::openat(&dir, name, flags, Mode::empty()) {
                Ok(sub) => self.directory(&sub, path),
                Err(e) => self.fail(path, e),
            }
        }
        true
    }

    /// Counts the entries of the open directory `dir`, `.` and `..` aside. The buffer is on the
    /// heap: one per level of the tree, which the stack of a deep tree could not hold. (Each
    /// level holds its directory open: a tree deeper than the descriptor limit, `ulimit -n`,
    /// reports `EMFILE` for what lies below.)
    fn directory(&mut self, dir: &OwnedFd, path: &mut Vec<u8>) {
        let mut buf = alloc::vec![0u8; 16 * 1024];
        loop {
            let filled = match fs::getdents64(dir, &mut buf) {
                Ok(0) => return,
                Ok(n) => n,
                Err(e) => return self.fail(path, e),
            };
            for entry in DirEntries::new(&buf[..filled]) {
                if matches!(entry.name.to_bytes(), b"." | b"..") {
                    continue;
                }
                // The entry's path, for messages only: "DIR/NAME".
                let len = path.len();
                path.push(b'/');
                path.extend_from_slice(entry.name.to_bytes());
                let _ = self.entry(dir, entry.name, path);
                path.truncate(len);
            }
        }
    }

    /// Adds one file's sizes, unless it was counted already; `false` then.
    fn count(&mut self, stat: &Stat) -> bool {
        let may_meet_again =
            self.remember_all || (stat.file_type != FileType::Directory && stat.nlink > 1);
        if may_meet_again && !self.seen.insert((stat.dev, stat.ino)) {
            return false;
        }
        self.disk += stat.blocks * 512;
        self.apparent += stat.size;
        true
    }

    /// Reports an entry that could not be read, and goes on.
    fn fail(&mut self, path: &[u8], e: Errno) {
        eprintln!(
            "dir-size: {}: {e}",
            alloc::string::String::from_utf8_lossy(path)
        );
        self.failed = true;
    }
}
