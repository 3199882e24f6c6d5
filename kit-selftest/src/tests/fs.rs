//! Files: `statx` relative to a directory descriptor with `AtFlags`, and `chdir`/`fchdir`
//! with a relative path from there, on every architecture (the kernel's `struct statx` is the
//! same on all; `chdir` and `fchdir` have numbers of their own on each). Nothing is created:
//! the files looked at are `/`, `/proc`, the link `/proc/self`, `/proc/self/status`, a pipe and
//! this program.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use syscall_kit::fs::{self, AtFlags, CWD, FileType, Mode, OFlags, chdir, fchdir, getcwd, statx};
use syscall_kit::io::pipe2;
use syscall_kit::{Errno, PATH_MAX};

use super::support::self_path;
use crate::TestResult;

/// `Err("what: ERRNO …")` for a call that failed.
fn e(what: &'static str) -> impl Fn(Errno) -> String {
    move |e| format!("{what}: {e}")
}

/// Checks that `got` is the error `want`.
fn fails<T>(what: &str, got: Result<T, Errno>, want: Errno) -> TestResult {
    match got {
        Err(e) if e == want => Ok(()),
        Err(e) => Err(format!("{what}: {e}, not {want}").into()),
        Ok(_) => Err(format!("{what}: succeeded, not {want}").into()),
    }
}

pub fn statx_at() -> TestResult {
    let root = fs::open(
        "/",
        OFlags::PATH | OFlags::DIRECTORY | OFlags::CLOEXEC,
        Mode::empty(),
    )
    .map_err(e("open /"))?;
    let nofollow = AtFlags::SYMLINK_NOFOLLOW;
    let proc = statx(&root, "proc", nofollow).map_err(e("statx proc"))?;
    check!(proc.file_type == FileType::Directory, "proc: {proc:?}");
    let link = statx(&root, "proc/self", nofollow).map_err(e("statx proc/self"))?;
    check!(link.file_type == FileType::Symlink, "proc/self: {link:?}");
    let target = statx(&root, "proc/self", AtFlags::empty()).map_err(e("statx proc/self"))?;
    check!(
        target.file_type == FileType::Directory,
        "followed: {target:?}"
    );
    // An absolute path, relative to the current directory: the same file.
    // The same directory by its absolute path: the same device and inode. (Not the whole Stat:
    // `/proc`'s link count is the number of processes, which changes between the two calls.)
    let same = statx(CWD, "/proc", nofollow).map_err(e("statx /proc"))?;
    check!(
        (same.dev, same.ino, same.file_type) == (proc.dev, proc.ino, proc.file_type),
        "{same:?} and {proc:?}"
    );
    // EMPTY_PATH: the descriptor itself, as fstat.
    let (r, _w) = pipe2(OFlags::CLOEXEC).map_err(e("pipe2"))?;
    let fifo = statx(&r, "", AtFlags::EMPTY_PATH).map_err(e("statx EMPTY_PATH"))?;
    check!(fifo.file_type == FileType::Fifo, "pipe: {fifo:?}");
    check!(fs::fstat(&r) == Ok(fifo), "fstat: {:?}", fs::fstat(&r));
    // This program: its blocks hold its bytes (a file system that compresses may use fewer).
    let me = statx(CWD, self_path(), nofollow).map_err(e("statx self"))?;
    check!(
        me.file_type == FileType::Regular && me.blocks > 0 && me.size > 0,
        "this program: {me:?}"
    );
    fails("statx(pipe, x)", statx(&r, "x", nofollow), Errno::ENOTDIR)?;
    fails(
        "statx(pipe, \"\")",
        statx(&r, "", AtFlags::empty()),
        Errno::ENOENT,
    )?;
    fails(
        "statx(/, missing)",
        statx(&root, "kit-selftest-missing", nofollow),
        Errno::ENOENT,
    )?;
    fails(
        "statx(REMOVEDIR)",
        statx(&root, "proc", AtFlags::REMOVEDIR),
        Errno::EINVAL,
    )?;
    Ok(())
}

/// The current directory's path.
fn cwd() -> Result<Vec<u8>, String> {
    let mut buf = [0u8; PATH_MAX];
    Ok(getcwd(&mut buf).map_err(e("getcwd"))?.to_bytes().to_vec())
}

pub fn chdir_and_fchdir() -> TestResult {
    let before = cwd()?;
    let here = fs::open(
        ".",
        OFlags::PATH | OFlags::DIRECTORY | OFlags::CLOEXEC,
        Mode::empty(),
    )
    .map_err(e("open ."))?;
    chdir("/").map_err(e("chdir /"))?;
    // Whatever happens now, back to where this program was, through the descriptor.
    let checks = (|| -> TestResult {
        let now = cwd()?;
        check!(
            now == b"/",
            "getcwd after chdir /: {:?}",
            String::from_utf8_lossy(&now)
        );
        // A relative path starts from the new current directory.
        let proc = fs::open("proc", OFlags::DIRECTORY | OFlags::CLOEXEC, Mode::empty())
            .map_err(e("open proc"))?;
        let st = statx(&proc, "self", AtFlags::SYMLINK_NOFOLLOW).map_err(e("statx self"))?;
        check!(st.file_type == FileType::Symlink, "proc/self: {st:?}");
        fchdir(&proc).map_err(e("fchdir proc"))?;
        let now = cwd()?;
        check!(
            now == b"/proc",
            "getcwd after fchdir: {:?}",
            String::from_utf8_lossy(&now)
        );
        fails(
            "chdir(missing)",
            chdir("kit-selftest-missing"),
            Errno::ENOENT,
        )?;
        fails("chdir(self/status)", chdir("self/status"), Errno::ENOTDIR)?;
        let (r, _w) = pipe2(OFlags::CLOEXEC).map_err(e("pipe2"))?;
        fails("fchdir(pipe)", fchdir(&r), Errno::ENOTDIR)?;
        Ok(())
    })();
    let back = fchdir(&here).map_err(e("fchdir back"));
    checks?;
    back?;
    let after = cwd()?;
    check!(
        after == before,
        "back in {:?}, not {:?}",
        String::from_utf8_lossy(&after),
        String::from_utf8_lossy(&before)
    );
    Ok(())
}
