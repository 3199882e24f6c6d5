//! `--copy-closure DIR`: the program and its closure copied into `DIR` at their image paths,
//! never anywhere else, whatever `DIR` already holds.
//!
//! `DIR` may have been prepared by someone else (a build context anyone can write, say), so
//! nothing in it is trusted:
//! - every path is resolved from a descriptor of `DIR` with `openat2(2)` and
//!   `RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS`, one directory at a time,
//!   and directories are created with `mkdirat(2)` relative to the directory opened so: a
//!   symbolic link anywhere on the way (`DIR/lib -> /usr/lib`) is refused, never followed;
//! - a file is written under a new temporary name (`O_CREAT | O_EXCL | O_NOFOLLOW`), then
//!   renamed to its name with `renameat2(2)`: `RENAME_NOREPLACE` for a new file, a plain
//!   rename over a file that `--force` replaces. A file is never written through an existing
//!   name (a hard link, a FIFO, a device), and a copy that stops half way leaves each file
//!   either absent or whole;
//! - what is already at a destination is looked at without opening it (`O_PATH`): a FIFO,
//!   device, socket, directory or symbolic link is refused; a regular file with the same
//!   contents and permission bits is left alone; a different one, or one with other hard
//!   links, is refused unless `--force` is given, when a new file replaces it.
//!
//! Each refused destination is one line; the others are still copied.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::ffi::CStr;

use scratch_doctor::Closure;
use scratch_doctor::paths::to_bytes;
use syscall_kit::fs::{
    self, AtFlags, FileType, Mode, OFlags, OpenHow, RenameFlags, ResolveFlags, Stat,
};
use syscall_kit::io::{read, write_all};
use syscall_kit::{AsFd, Errno, OwnedFd};

use super::host_root::read_file;

/// How every path inside `DIR` is resolved.
const BENEATH: ResolveFlags = ResolveFlags::BENEATH
    .union(ResolveFlags::NO_SYMLINKS)
    .union(ResolveFlags::NO_MAGICLINKS);

/// What could not be copied.
enum Problem {
    /// This destination is refused; the copy goes on with the others.
    Refused(String),
    /// The copy cannot go on.
    Fatal(String),
}

/// Copies every object of `closure` from its host path (symbolic links followed: the file's
/// contents) to `dir` + its image path, creating directories as needed, with the host file's
/// permission bits (`0o777` of them).
///
/// Returns the image paths that now hold their file (copied, or found identical); or one
/// line per destination refused (see the module's documentation) and for the failure that
/// ended the copy, if one did.
pub fn copy_closure(
    closure: &Closure,
    dir: &CStr,
    force: bool,
) -> Result<Vec<String>, Vec<String>> {
    let shown = dir.to_string_lossy();
    let root = fs::open(
        dir,
        OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
        Mode::empty(),
    )
    .map_err(|e| alloc::vec![format!("cannot open the directory {shown}: {e}")])?;
    let mut done: Vec<String> = Vec::new();
    let mut problems: Vec<String> = Vec::new();
    let mut seen: Vec<&str> = Vec::new();
    for o in &closure.objects {
        if seen.contains(&o.image_path.as_str()) {
            continue;
        }
        seen.push(&o.image_path);
        let rel = o.image_path.trim_start_matches('/');
        let dest = Dest {
            root: &root,
            shown: &shown,
            rel,
        };
        match copy_one(&dest, &o.host_path, force) {
            Ok(()) => done.push(o.image_path.clone()),
            Err(Problem::Refused(why)) => {
                problems.push(format!("refusing to write {shown}/{rel}: {why}"));
            }
            Err(Problem::Fatal(e)) => {
                problems.push(e);
                break;
            }
        }
    }
    if problems.is_empty() {
        Ok(done)
    } else {
        Err(problems)
    }
}

/// One destination: `rel` inside the directory `root`, shown as `shown` (`DIR` as given).
struct Dest<'a> {
    root: &'a OwnedFd,
    shown: &'a str,
    rel: &'a str,
}

impl Dest<'_> {
    /// The fatal problem for `e` from a call about `what` (a path relative to `DIR`).
    fn fatal(&self, doing: &str, what: &str, e: Errno) -> Problem {
        if e == Errno::ENOSYS {
            Problem::Fatal(format!(
                "cannot copy into {} safely: openat2(2), which keeps every write inside it, \
                 needs Linux 5.6 or later ({e})",
                self.shown
            ))
        } else {
            Problem::Fatal(format!("cannot {doing} {}/{what}: {e}", self.shown))
        }
    }
}

fn copy_one(dest: &Dest<'_>, host_path: &str, force: bool) -> Result<(), Problem> {
    let components: Vec<&str> = dest.rel.split('/').filter(|c| !c.is_empty()).collect();
    let Some((name, parents)) = components.split_last() else {
        return Err(Problem::Refused("its image path names no file".into()));
    };
    if components.iter().any(|c| *c == "." || *c == "..") {
        return Err(Problem::Refused(
            "its image path has a `.` or `..` component".into(),
        ));
    }
    let file = read_file(host_path)
        .map_err(|e| Problem::Fatal(format!("cannot read {host_path}: {e}")))?;
    let permissions = file.permissions & 0o777;
    let parent = open_parents(dest, parents)?;
    let replace = match existing(dest, &parent, name, &file.bytes, permissions, force)? {
        Existing::None => false,
        Existing::Identical => return Ok(()),
        Existing::Replace => true,
    };
    write_new(dest, &parent, name, &file.bytes, permissions, replace)
}

/// `openat2` beneath `dirfd` with [`BENEATH`]; `path` is held as the doctor holds names
/// (`paths::from_bytes`), turned back into the bytes of the name here.
fn open_beneath(dirfd: impl AsFd, path: &str, flags: OFlags, mode: Mode) -> Result<OwnedFd, Errno> {
    let how = OpenHow {
        flags: flags | OFlags::CLOEXEC,
        mode,
        resolve: BENEATH,
    };
    fs::openat2(dirfd, to_bytes(path).as_slice(), &how)
}

/// The directory `DIR/parents...`, each component opened beneath the one before (and created
/// with `mkdirat` there when missing, mode `0o755` less the umask).
fn open_parents(dest: &Dest<'_>, parents: &[&str]) -> Result<OwnedFd, Problem> {
    let dir_flags = OFlags::PATH | OFlags::DIRECTORY;
    let mut dir = open_beneath(dest.root, ".", dir_flags, Mode::empty())
        .map_err(|e| dest.fatal("open", ".", e))?;
    let mut walked = String::new();
    for c in parents {
        if !walked.is_empty() {
            walked.push('/');
        }
        walked.push_str(c);
        let mut opened = open_beneath(&dir, c, dir_flags, Mode::empty());
        if matches!(opened, Err(Errno::ENOENT)) {
            match fs::mkdirat(
                &dir,
                to_bytes(c).as_slice(),
                Mode::from_bits_truncate(0o755),
            ) {
                Ok(()) | Err(Errno::EEXIST) => {}
                Err(e) => return Err(dest.fatal("create the directory", &walked, e)),
            }
            opened = open_beneath(&dir, c, dir_flags, Mode::empty());
        }
        dir = match opened {
            Ok(d) => d,
            Err(Errno::ELOOP) => {
                return Err(Problem::Refused(format!(
                    "{}/{walked} is a symbolic link",
                    dest.shown
                )));
            }
            Err(Errno::ENOTDIR) => {
                return Err(Problem::Refused(format!(
                    "{}/{walked} is not a directory",
                    dest.shown
                )));
            }
            Err(e) => return Err(dest.fatal("open the directory", &walked, e)),
        };
    }
    Ok(dir)
}

/// What is at a destination already.
enum Existing {
    /// Nothing.
    None,
    /// The same contents and permission bits: nothing to do.
    Identical,
    /// A regular file that `--force` lets a new file replace.
    Replace,
}

/// Looks at `name` in `parent` without opening it (`O_PATH`: a FIFO or a device is not
/// opened), and refuses what is not a plain regular file of its own.
fn existing(
    dest: &Dest<'_>,
    parent: &OwnedFd,
    name: &str,
    bytes: &[u8],
    permissions: u32,
    force: bool,
) -> Result<Existing, Problem> {
    let at = match open_beneath(parent, name, OFlags::PATH | OFlags::NOFOLLOW, Mode::empty()) {
        Ok(fd) => fd,
        Err(Errno::ENOENT) => return Ok(Existing::None),
        Err(e) => return Err(dest.fatal("look at", dest.rel, e)),
    };
    let st = fs::fstat(&at).map_err(|e| dest.fatal("look at", dest.rel, e))?;
    let what = match st.file_type {
        FileType::Regular => None,
        FileType::Symlink => Some("a symbolic link"),
        FileType::Directory => Some("a directory"),
        FileType::Fifo => Some("a FIFO"),
        FileType::CharDevice => Some("a character device"),
        FileType::BlockDevice => Some("a block device"),
        FileType::Socket => Some("a socket"),
        FileType::Unknown => Some("not a regular file"),
    };
    if let Some(what) = what {
        return Err(Problem::Refused(format!("it is {what}")));
    }
    if st.nlink > 1 {
        return if force {
            Ok(Existing::Replace)
        } else {
            Err(Problem::Refused(format!(
                "it has {} hard links, so writing it would change another file \
                 (--force replaces it with a new file)",
                st.nlink
            )))
        };
    }
    if same_file(parent, name, &st, bytes, permissions)
        .map_err(|e| dest.fatal("read", dest.rel, e))?
    {
        Ok(Existing::Identical)
    } else if force {
        Ok(Existing::Replace)
    } else {
        Err(Problem::Refused(
            "a different file is there (--force replaces it)".into(),
        ))
    }
}

/// Whether the regular file `name` in `parent` (as `st` describes it) has the permission bits
/// `permissions` and the contents `bytes`. A file that changes while being read is different.
fn same_file(
    parent: &OwnedFd,
    name: &str,
    st: &Stat,
    bytes: &[u8],
    permissions: u32,
) -> Result<bool, Errno> {
    if st.permissions != permissions || usize::try_from(st.size).ok() != Some(bytes.len()) {
        return Ok(false);
    }
    // O_NONBLOCK and O_NOCTTY: should the name now be a FIFO or a terminal, opening it does
    // not wait and takes no terminal; it is then not the file `st` describes.
    let flags = OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::NONBLOCK | OFlags::NOCTTY;
    let fd = match open_beneath(parent, name, flags, Mode::empty()) {
        Ok(fd) => fd,
        Err(Errno::ENOENT | Errno::ELOOP | Errno::ENXIO) => return Ok(false),
        Err(e) => return Err(e),
    };
    let now = fs::fstat(&fd)?;
    if (now.dev, now.ino) != (st.dev, st.ino) || now.file_type != FileType::Regular {
        return Ok(false);
    }
    let mut buf = [0u8; 16 * 1024];
    let mut rest = bytes;
    loop {
        let n = match read(&fd, &mut buf) {
            Ok(n) => n,
            Err(Errno::EINTR) => continue,
            Err(e) => return Err(e),
        };
        if n == 0 {
            return Ok(rest.is_empty());
        }
        let got = buf.get(..n).unwrap_or_default();
        match rest.strip_prefix(got) {
            Some(r) => rest = r,
            None => return Ok(false),
        }
    }
}

/// Writes `bytes` with `permissions` to a new temporary file in `parent`, then renames it to
/// `name`: without replacing anything (`RENAME_NOREPLACE`), or with `replace` over the file
/// there. On failure the temporary file is removed.
fn write_new(
    dest: &Dest<'_>,
    parent: &OwnedFd,
    name: &str,
    bytes: &[u8],
    permissions: u32,
    replace: bool,
) -> Result<(), Problem> {
    let (temp, fd) = create_temp(dest, parent, name)?;
    let written = write_all(&fd, bytes)
        .and_then(|()| fs::fchmod(&fd, Mode::from_bits_truncate(permissions)))
        .and_then(|()| fd.close());
    let flags = if replace {
        RenameFlags::empty()
    } else {
        RenameFlags::NOREPLACE
    };
    let problem = match written {
        Ok(()) => match fs::renameat2(
            parent,
            to_bytes(&temp).as_slice(),
            parent,
            to_bytes(name).as_slice(),
            flags,
        ) {
            Ok(()) => return Ok(()),
            Err(Errno::EEXIST) => Problem::Refused("a file appeared there while copying".into()),
            Err(Errno::EINVAL) if !replace => Problem::Fatal(format!(
                "cannot copy into {}: its file system cannot rename without replacing \
                 (RENAME_NOREPLACE: {})",
                dest.shown,
                Errno::EINVAL
            )),
            Err(e) => dest.fatal("write", dest.rel, e),
        },
        Err(e) => dest.fatal("write", dest.rel, e),
    };
    match fs::unlinkat(parent, to_bytes(&temp).as_slice(), AtFlags::empty()) {
        Ok(()) => Err(problem),
        Err(e) => {
            let also = format!("; and cannot remove the temporary file {temp} there: {e}");
            Err(match problem {
                Problem::Refused(why) => Problem::Refused(why + &also),
                Problem::Fatal(why) => Problem::Fatal(why + &also),
            })
        }
    }
}

/// Creates a new file `.NAME.scratch-doctor-N` in `parent` with `O_EXCL`, for the first `N`
/// not taken, readable and writable by its owner only until it is complete.
fn create_temp(
    dest: &Dest<'_>,
    parent: &OwnedFd,
    name: &str,
) -> Result<(String, OwnedFd), Problem> {
    let flags = OFlags::WRONLY | OFlags::CREAT | OFlags::EXCL | OFlags::NOFOLLOW;
    let mut last = Errno::EEXIST;
    for n in 0..100 {
        let temp = format!(".{name}.scratch-doctor-{n}");
        match open_beneath(parent, &temp, flags, Mode::from_bits_truncate(0o600)) {
            Ok(fd) => return Ok((temp, fd)),
            Err(Errno::EEXIST) => last = Errno::EEXIST,
            Err(e) => return Err(dest.fatal("create a temporary file for", dest.rel, e)),
        }
    }
    Err(dest.fatal("create a temporary file for", dest.rel, last))
}
