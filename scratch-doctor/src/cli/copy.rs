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
//! - the bytes are copied inside the kernel, never through the doctor's memory: each range of
//!   data that `lseek(2)` finds (`SEEK_DATA`, `SEEK_HOLE`) with `copy_file_range(2)`, or
//!   `sendfile(2)` where that cannot (between file systems it does not copy across), and the
//!   size set with `ftruncate(2)`: a hole stays a hole, a sparse 2 GiB program is copied in
//!   the time of its data, and the memory used does not grow with the file (an identical file
//!   is found by reading both files a piece at a time);
//! - nothing goes under `DIR/proc`, `DIR/sys` or `DIR/dev`: the container runtime mounts its
//!   own file systems there, which hide what an image holds (the closure never names such a
//!   path, see `scratch_doctor::closure::RUNTIME_MOUNTS`; a program named there is refused);
//! - what is already at a destination is looked at without opening it (`O_PATH`): a FIFO,
//!   device, socket, directory or symbolic link is refused; a regular file with the same
//!   contents and permission bits is left alone; a different one, or one with other hard
//!   links, is refused unless `--force` is given, when a new file replaces it.
//!
//! Each refused destination is one line; the others are still copied.
//!
//! With `--trace` the same rules make what the trace's plan lists ([`copy_plan`]): files at
//! their real paths, directories (empty, with this machine's modes, `/tmp`'s 1777 too) and
//! the symbolic links on the way as links with their targets, made with `symlinkat(2)` beneath
//! the directory opened so.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::ffi::CStr;

use scratch_doctor::Closure;
use scratch_doctor::closure::{hidden_there, under_runtime_mount};
use scratch_doctor::paths::to_bytes;
use scratch_doctor::trace::plan::{Entry, Plan};
use syscall_kit::fs::{
    self, AtFlags, FileType, Mode, OFlags, OpenHow, RenameFlags, ResolveFlags, Stat,
};
use syscall_kit::io::{self, Whence, read};
use syscall_kit::{AsFd, Errno, OwnedFd};

use super::host_root::{Regular, open_regular};

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
    let jobs = closure.objects.iter().map(|o| {
        let job = Job::File {
            host: &o.host_path,
            parents: Parents::Default,
        };
        (o.image_path.as_str(), job)
    });
    copy_all(jobs, dir, force)
}

/// `--copy-closure DIR` with `--trace`: each entry of `plan` made in `DIR` at its path (see
/// [`Plan`]): a file with its permission bits (but set-user-ID and set-group-ID, which are
/// dropped, each with a line), a directory and each missing parent with this machine's mode
/// (`/tmp`'s 1777 too), a symbolic link with its target; under the same rules as
/// [`copy_closure`]: nothing written outside `DIR`, what is in the way refused unless `--force`
/// replaces it. Returns the paths made (or found identical) and the notes; or one line per
/// refusal and failure.
pub fn copy_plan(
    plan: &Plan,
    dir: &CStr,
    force: bool,
) -> Result<(Vec<String>, Vec<String>), Vec<String>> {
    let mut notes = Vec::new();
    let mut jobs = Vec::new();
    for entry in &plan.entries {
        let job = match entry {
            Entry::Copy(host) => match fs::lstat(to_bytes(host).as_slice()) {
                Ok(st) if st.file_type == FileType::Directory => Job::Dir {
                    mode: st.permissions,
                },
                Ok(st) if st.file_type == FileType::Regular => {
                    if st.permissions & 0o6000 != 0 {
                        notes.push(format!(
                            "{host}: its set-user-ID or set-group-ID bit is not copied"
                        ));
                    }
                    Job::File {
                        host,
                        parents: Parents::AsHere,
                    }
                }
                Ok(_) => {
                    notes.push(format!(
                        "{host}: not a regular file, directory or link (a device, FIFO or \
                         socket): not copied"
                    ));
                    continue;
                }
                Err(e) => {
                    notes.push(format!(
                        "{host}: there during the run, not now ({e}): not copied"
                    ));
                    continue;
                }
            },
            Entry::Dir(host) => Job::Dir {
                mode: fs::stat(to_bytes(host).as_slice()).map_or(0o755, |st| st.permissions),
            },
            Entry::Link { target, .. } => Job::Link(target),
        };
        jobs.push((entry.path(), job));
    }
    let done = copy_all(jobs.into_iter(), dir, force)?;
    Ok((done, notes))
}

/// What to make at one destination.
enum Job<'a> {
    /// The regular file at this host path (symbolic links followed), with its permission bits
    /// (`0o777` of them), its missing parents made as `parents` says.
    File { host: &'a str, parents: Parents },
    /// A directory with this mode (`0o7777` of it), its missing parents made as here.
    Dir { mode: u32 },
    /// A symbolic link to this target, its missing parents made as here.
    Link(&'a str),
}

/// How a missing parent directory is made.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Parents {
    /// Mode `0o755` less the umask.
    Default,
    /// With the mode of the same directory on this machine (`0o755` when it has none).
    AsHere,
}

/// Makes each `(image path, job)` in `DIR`; the loop of [`copy_closure`] and [`copy_plan`]:
/// one line per refused destination (the others are still made), the failure that ends it.
fn copy_all<'a>(
    jobs: impl Iterator<Item = (&'a str, Job<'a>)>,
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
    for (image_path, job) in jobs {
        if seen.contains(&image_path) {
            continue;
        }
        seen.push(image_path);
        let rel = image_path.trim_start_matches('/');
        let dest = Dest {
            root: &root,
            shown: &shown,
            rel,
        };
        let made = match job {
            Job::File { host, parents } => copy_one(&dest, host, parents, force),
            Job::Dir { mode } => make_dir(&dest, mode & 0o7777, force),
            Job::Link(target) => make_link(&dest, target, force),
        };
        match made {
            Ok(()) => done.push(image_path.into()),
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

/// The destination's name and its parents' names; refused when it names no file, has a `.` or
/// `..` component, or is under a mount of the runtime (`/proc`, `/sys`, `/dev`).
fn split_dest<'d>(dest: &Dest<'d>) -> Result<(&'d str, Vec<&'d str>), Problem> {
    let components: Vec<&str> = dest.rel.split('/').filter(|c| !c.is_empty()).collect();
    let Some((name, parents)) = components.split_last() else {
        return Err(Problem::Refused("its image path names no file".into()));
    };
    if components.iter().any(|c| *c == "." || *c == "..") {
        return Err(Problem::Refused(
            "its image path has a `.` or `..` component".into(),
        ));
    }
    let image_path = format!("/{}", components.join("/"));
    if let Some(mount) = under_runtime_mount(&image_path) {
        return Err(Problem::Refused(format!("it is {}", hidden_there(mount))));
    }
    Ok((name, parents.to_vec()))
}

fn copy_one(
    dest: &Dest<'_>,
    host_path: &str,
    parents: Parents,
    force: bool,
) -> Result<(), Problem> {
    let (name, dirs) = split_dest(dest)?;
    let file = open_regular(to_bytes(host_path).as_slice())
        .map_err(|e| Problem::Fatal(format!("cannot read {host_path}: {e}")))?;
    let permissions = file.permissions & 0o777;
    let parent = open_parents(dest, &dirs, parents)?;
    let replace = match existing(dest, &parent, name, &file, permissions, force)? {
        Existing::None => false,
        Existing::Identical => return Ok(()),
        Existing::Replace => true,
    };
    write_new(dest, &parent, name, &file, permissions, replace)
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
/// with `mkdirat` there when missing: mode `0o755` less the umask, or with
/// [`Parents::AsHere`] the mode of the same directory on this machine).
fn open_parents(dest: &Dest<'_>, parents: &[&str], how: Parents) -> Result<OwnedFd, Problem> {
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
            let made = match how {
                Parents::Default => fs::mkdirat(
                    &dir,
                    to_bytes(c).as_slice(),
                    Mode::from_bits_truncate(0o755),
                ),
                Parents::AsHere => {
                    let host = format!("/{walked}");
                    let mode =
                        fs::stat(to_bytes(&host).as_slice()).map_or(0o755, |st| st.permissions);
                    mkdir_exact(&dir, c, mode)
                }
            };
            match made {
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
    source: &Regular,
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
    if same_file(parent, name, &st, source, permissions)
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
/// `permissions` and the contents of `source`, read a piece of each at a time. A file that
/// changes while being read is different.
fn same_file(
    parent: &OwnedFd,
    name: &str,
    st: &Stat,
    source: &Regular,
    permissions: u32,
) -> Result<bool, Errno> {
    if st.permissions != permissions || st.size != source.size {
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
    let (mut theirs, mut ours) = ([0u8; 16 * 1024], [0u8; 16 * 1024]);
    let mut at = 0u64;
    loop {
        let n = match read(&fd, &mut theirs) {
            Ok(n) => n,
            Err(Errno::EINTR) => continue,
            Err(e) => return Err(e),
        };
        let theirs = theirs.get(..n).unwrap_or_default();
        let ours = ours.get_mut(..n).unwrap_or_default();
        if read_exactly_at(&source.fd, ours, at)? != n || theirs != ours {
            return Ok(false);
        }
        if n == 0 {
            return Ok(true);
        }
        at += n as u64;
    }
}

/// Reads `buf.len()` bytes of `fd` from `offset` into `buf`, fewer only at the end of the file;
/// returns how many.
fn read_exactly_at(fd: &OwnedFd, buf: &mut [u8], offset: u64) -> Result<usize, Errno> {
    let mut len = 0;
    while let Some(rest) = buf.get_mut(len..).filter(|r| !r.is_empty()) {
        match io::pread(fd, rest, offset + len as u64) {
            Ok(0) => break,
            Ok(n) => len += n,
            Err(Errno::EINTR) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(len)
}

/// Copies `source` with `permissions` to a new temporary file in `parent` ([`copy_data`]),
/// then renames it to `name`: without replacing anything (`RENAME_NOREPLACE`), or with
/// `replace` over the file there. On failure the temporary file is removed.
fn write_new(
    dest: &Dest<'_>,
    parent: &OwnedFd,
    name: &str,
    source: &Regular,
    permissions: u32,
    replace: bool,
) -> Result<(), Problem> {
    let (temp, fd) = create_temp(dest, parent, name)?;
    let written = copy_data(source, &fd)
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
        Err(SHRANK) => Problem::Fatal(format!(
            "cannot copy {}/{}: its source got shorter while it was copied",
            dest.shown, dest.rel
        )),
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

/// Copies the bytes of `source`, a regular file of `source.size` bytes, into the empty file
/// `to`, inside the kernel and range of data by range of data: the holes of `source` stay holes
/// in `to` (its size is set last, with `ftruncate(2)`, so a hole at the end stays one too).
///
/// A source that shrinks while it is copied (a range ends before its end) is [`SHRANK`]: the
/// copy would not be the file.
fn copy_data(source: &Regular, to: &OwnedFd) -> Result<(), Errno> {
    let mut in_kernel = CopyCall::CopyFileRange;
    let mut at = 0;
    while at < source.size {
        let start = match io::lseek(&source.fd, offset(at)?, Whence::Data) {
            Ok(start) => start.min(source.size),
            // Nothing but a hole from `at` to the end, which SEEK_HOLE must confirm: a hole
            // that starts at `at`. Data there after all is an answer not to be trusted.
            Err(Errno::ENXIO) => match io::lseek(&source.fd, offset(at)?, Whence::Hole) {
                Ok(hole) if hole == at => break,
                Ok(_) => return Err(Errno::ENXIO),
                Err(e) => return Err(e),
            },
            Err(e) => return Err(e),
        };
        let end = io::lseek(&source.fd, offset(start)?, Whence::Hole)?.min(source.size);
        copy_range(&source.fd, to, start, end, &mut in_kernel)?;
        at = end.max(start + 1);
    }
    fs::ftruncate(to, source.size)
}

/// What [`copy_data`] answers for a source that got shorter while it was copied.
const SHRANK: Errno = Errno::ENODATA;

/// `at` as a file offset of `lseek(2)` and `copy_file_range(2)` (an `i64`).
fn offset(at: u64) -> Result<i64, Errno> {
    i64::try_from(at).map_err(|_| Errno::EOVERFLOW)
}

/// The call [`copy_range`] copies with.
#[derive(Clone, Copy, PartialEq, Eq)]
enum CopyCall {
    /// `copy_file_range(2)`: inside one file system, possibly sharing its blocks.
    CopyFileRange,
    /// `sendfile(2)`: what `copy_file_range` refused (between file systems it does not copy
    /// across, or a kernel without it), inside the kernel still.
    Sendfile,
}

/// Copies the bytes `start..end` of `from` to the same offsets of `to`. `call` starts as
/// `copy_file_range` and becomes `sendfile` for good once `copy_file_range` refuses the pair.
fn copy_range(
    from: &OwnedFd,
    to: &OwnedFd,
    start: u64,
    end: u64,
    call: &mut CopyCall,
) -> Result<(), Errno> {
    let (mut off_in, mut off_out) = (offset(start)?, offset(start)?);
    // At most 1 GiB a call, as the kernel copies at most about 2 GiB at once anyway.
    let len = |off: i64| {
        usize::try_from(end.saturating_sub(off as u64)).map_or(1 << 30, |n| n.min(1 << 30))
    };
    while (off_in as u64) < end {
        let n = len(off_in);
        let copied = match *call {
            CopyCall::CopyFileRange => {
                match io::copy_file_range(from, Some(&mut off_in), to, Some(&mut off_out), n) {
                    Err(Errno::EXDEV | Errno::EINVAL | Errno::ENOSYS | Errno::EOPNOTSUPP) => {
                        *call = CopyCall::Sendfile;
                        continue;
                    }
                    other => other,
                }
            }
            CopyCall::Sendfile => {
                // sendfile(2) writes at the output's offset, which follows the input's here.
                io::lseek(to, off_in, Whence::Start)?;
                io::sendfile(to, from, Some(&mut off_in), n)
            }
        };
        match copied {
            Ok(0) => return Err(SHRANK),
            Ok(_) => {}
            Err(Errno::EINTR) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
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

/// Creates the directory `name` in `parent` with exactly `mode` (`0o7777` of it: the umask
/// does not apply, a sticky bit stays), through a descriptor opened beneath `parent`.
fn mkdir_exact(parent: &OwnedFd, name: &str, mode: u32) -> Result<(), Errno> {
    fs::mkdirat(
        parent,
        to_bytes(name).as_slice(),
        Mode::from_bits_truncate(0o700),
    )?;
    let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW;
    let fd = open_beneath(parent, name, flags, Mode::empty())?;
    fs::fchmod(&fd, Mode::from_bits_truncate(mode & 0o7777))
}

/// Makes the directory `dest` with `mode`, its missing parents as here. A directory already
/// there with the same permission bits is left alone; with others, refused unless `force`,
/// which sets them; anything else there is refused.
fn make_dir(dest: &Dest<'_>, mode: u32, force: bool) -> Result<(), Problem> {
    let (name, dirs) = split_dest(dest)?;
    let parent = open_parents(dest, &dirs, Parents::AsHere)?;
    let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW;
    let fd = match open_beneath(&parent, name, flags, Mode::empty()) {
        Ok(fd) => fd,
        Err(Errno::ENOENT) => {
            return mkdir_exact(&parent, name, mode)
                .map_err(|e| dest.fatal("create the directory", dest.rel, e));
        }
        Err(Errno::ELOOP) => return Err(Problem::Refused("it is a symbolic link".into())),
        Err(Errno::ENOTDIR) => return Err(Problem::Refused("it is not a directory".into())),
        Err(e) => return Err(dest.fatal("look at", dest.rel, e)),
    };
    let st = fs::fstat(&fd).map_err(|e| dest.fatal("look at", dest.rel, e))?;
    if st.permissions == mode {
        return Ok(());
    }
    if !force {
        return Err(Problem::Refused(format!(
            "a directory with mode {:o} is there, {mode:o} here (--force sets it)",
            st.permissions
        )));
    }
    fs::fchmod(&fd, Mode::from_bits_truncate(mode))
        .map_err(|e| dest.fatal("set the mode of", dest.rel, e))
}

/// Makes the symbolic link `dest` to `target`, its missing parents as here. A link to the same
/// target is left alone; a different link, or a regular file, is refused unless `force`, which
/// replaces it with a new link (made under a temporary name and renamed over it); a directory
/// or anything else is refused.
fn make_link(dest: &Dest<'_>, target: &str, force: bool) -> Result<(), Problem> {
    let (name, dirs) = split_dest(dest)?;
    let parent = open_parents(dest, &dirs, Parents::AsHere)?;
    let target_bytes = to_bytes(target);
    let replace = match open_beneath(
        &parent,
        name,
        OFlags::PATH | OFlags::NOFOLLOW,
        Mode::empty(),
    ) {
        Err(Errno::ENOENT) => false,
        Err(e) => return Err(dest.fatal("look at", dest.rel, e)),
        Ok(at) => {
            let st = fs::fstat(&at).map_err(|e| dest.fatal("look at", dest.rel, e))?;
            let what = match st.file_type {
                FileType::Symlink => {
                    let mut buf = [0u8; syscall_kit::PATH_MAX];
                    let n = fs::readlinkat(&parent, to_bytes(name).as_slice(), &mut buf)
                        .map_err(|e| dest.fatal("read the link", dest.rel, e))?;
                    if buf.get(..n) == Some(target_bytes.as_slice()) {
                        return Ok(());
                    }
                    "a symbolic link to another target"
                }
                FileType::Regular => "a file",
                FileType::Directory => {
                    return Err(Problem::Refused(format!(
                        "it is a directory, here a symbolic link to {target}"
                    )));
                }
                _ => {
                    return Err(Problem::Refused(
                        "it is not a regular file or a link".into(),
                    ));
                }
            };
            if !force {
                return Err(Problem::Refused(format!(
                    "{what} is there, here a symbolic link to {target} (--force replaces it)"
                )));
            }
            true
        }
    };
    if !replace {
        return match fs::symlinkat(target_bytes.as_slice(), &parent, to_bytes(name).as_slice()) {
            Ok(()) => Ok(()),
            Err(Errno::EEXIST) => Err(Problem::Refused(
                "a file appeared there while copying".into(),
            )),
            Err(e) => Err(dest.fatal("make the link", dest.rel, e)),
        };
    }
    // A new link under the first free temporary name, renamed over the one there.
    let mut made = None;
    for n in 0..100 {
        let temp = format!(".{name}.scratch-doctor-{n}");
        match fs::symlinkat(target_bytes.as_slice(), &parent, to_bytes(&temp).as_slice()) {
            Ok(()) => {
                made = Some(temp);
                break;
            }
            Err(Errno::EEXIST) => {}
            Err(e) => return Err(dest.fatal("make the link", dest.rel, e)),
        }
    }
    let temp = made.ok_or_else(|| dest.fatal("make the link", dest.rel, Errno::EEXIST))?;
    fs::renameat2(
        &parent,
        to_bytes(&temp).as_slice(),
        &parent,
        to_bytes(name).as_slice(),
        RenameFlags::empty(),
    )
    .map_err(|e| dest.fatal("make the link", dest.rel, e))
}
