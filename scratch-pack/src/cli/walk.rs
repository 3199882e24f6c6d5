//! A directory of this machine as items of the image (`--root`, `--add DIR`, the zone
//! database): every file, directory and symbolic link under it, links kept as links and
//! never followed, each file read later from its path here.
//!
//! Refused with one line: a device, FIFO or socket (an image built by an engine would get a
//! device node of the host's, which a container should not see; a FIFO or socket is a live
//! object of this machine, not a file), and a directory that is one of its own ancestors (a
//! bind mount of a directory inside itself: the walk would never end).

use alloc::format;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;

use scratch_doctor::paths::from_bytes;
use scratch_pack::PackError;
use scratch_pack::tree::{Data, Group, Item, LINK_MODE, What, dir_mode, file_mode};
use syscall_kit::fs::{self, AtFlags, FileType, Mode, OFlags, Stat};
use syscall_kit::{Errno, OwnedFd, PATH_MAX};

/// The device and inode of a file, which name it on this machine.
pub fn id(st: &Stat) -> (u64, u64) {
    ((u64::from(st.dev.0) << 32) | u64::from(st.dev.1), st.ino)
}

/// `a/b` of two byte paths (no `/` doubled).
pub fn join(a: &[u8], b: &[u8]) -> Vec<u8> {
    let mut out = a.to_vec();
    if !out.ends_with(b"/") {
        out.push(b'/');
    }
    out.extend_from_slice(b.strip_prefix(b"/").unwrap_or(b));
    out
}

/// What a file that is not regular, a directory or a link is, for the message.
pub fn special(t: FileType) -> &'static str {
    match t {
        FileType::CharDevice => "a character device",
        FileType::BlockDevice => "a block device",
        FileType::Fifo => "a FIFO",
        FileType::Socket => "a socket",
        _ => "a file of an unknown type",
    }
}

/// The item of a regular file `path` here, found as `st`, at `at` in the image.
pub fn file_item(path: &[u8], st: &Stat, at: Vec<u8>, group: Group, from: &str) -> Item {
    Item {
        path: at,
        what: What::File(Data::Host {
            path: path.to_vec(),
            size: st.size,
            id: id(st),
        }),
        mode: file_mode(st.permissions),
        group,
        from: from.into(),
    }
}

/// A directory still to list.
struct Pending {
    /// Its path here.
    here: Vec<u8>,
    /// Its path in the image.
    there: Vec<u8>,
    /// The ids of the directories it is in, and its own.
    ancestors: Vec<(u64, u64)>,
}

/// Adds to `out` the items of the directory `host` (`st` its status: opened and looked at
/// by the caller) and all under it, placed at `at` in the image (`/` for `--root`), for
/// `from` (`--root DIR`, …).
pub fn walk(
    host: &[u8],
    st: &Stat,
    at: &[u8],
    group: Group,
    from: &str,
    out: &mut Vec<Item>,
) -> Result<(), PackError> {
    if at != b"/" {
        out.push(Item {
            path: at.to_vec(),
            what: What::Dir,
            mode: dir_mode(st.permissions),
            group,
            from: from.into(),
        });
    }
    let mut todo = vec![Pending {
        here: host.to_vec(),
        there: at.to_vec(),
        ancestors: vec![id(st)],
    }];
    let mut buf = vec![0u8; 32 * 1024];
    while let Some(Pending {
        here: dir,
        there: image,
        ancestors,
    }) = todo.pop()
    {
        let shown = from_bytes(&dir);
        let fd = fs::open(
            dir.as_slice(),
            OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC | OFlags::NOFOLLOW,
            Mode::empty(),
        )
        .map_err(|e| format!("cannot open the directory {shown}: {e}"))?;
        loop {
            let n = fs::getdents64(&fd, &mut buf)
                .map_err(|e| format!("cannot list the directory {shown}: {e}"))?;
            if n == 0 {
                break;
            }
            for entry in fs::DirEntries::new(&buf[..n]) {
                let name = entry.name.to_bytes();
                if name == b"." || name == b".." {
                    continue;
                }
                let here = join(&dir, name);
                let there = join(&image, name);
                let st = fs::statx(&fd, name, AtFlags::SYMLINK_NOFOLLOW)
                    .map_err(|e| format!("cannot look at {}: {e}", from_bytes(&here)))?;
                match st.file_type {
                    FileType::Regular => out.push(file_item(&here, &st, there, group, from)),
                    FileType::Directory => {
                        if ancestors.contains(&id(&st)) {
                            return Err(PackError(format!(
                                "{}: a directory loop (it is one of the directories it is \
                                 in, mounted there again): refused",
                                from_bytes(&here)
                            )));
                        }
                        out.push(Item {
                            path: there.clone(),
                            what: What::Dir,
                            mode: dir_mode(st.permissions),
                            group,
                            from: from.into(),
                        });
                        let mut inner = ancestors.clone();
                        inner.push(id(&st));
                        todo.push(Pending {
                            here,
                            there,
                            ancestors: inner,
                        });
                    }
                    FileType::Symlink => {
                        let target = read_link(&fd, name).map_err(|e| {
                            format!("cannot read the link {}: {e}", from_bytes(&here))
                        })?;
                        out.push(Item {
                            path: there,
                            what: What::Symlink(target),
                            mode: LINK_MODE,
                            group,
                            from: from.into(),
                        });
                    }
                    other => {
                        return Err(PackError(format!(
                            "{}: {}: an image holds no devices, FIFOs or sockets (refused)",
                            from_bytes(&here),
                            special(other)
                        )));
                    }
                }
            }
        }
    }
    Ok(())
}

/// The target of the symbolic link `name` in the directory `dir`.
fn read_link(dir: &OwnedFd, name: &[u8]) -> Result<Vec<u8>, Errno> {
    let mut buf = vec![0u8; PATH_MAX];
    let n = fs::readlinkat(dir, name, &mut buf)?;
    buf.truncate(n);
    Ok(buf)
}

/// What `from` says of an input, for messages: `--root DIR`.
pub fn from(option: &str, path: &[u8]) -> String {
    format!("{option} {}", from_bytes(path))
}
