//! What the tracer reads of a tracee: a string or bytes in its memory (`process_vm_readv(2)`),
//! and the directories its relative paths start from (`/proc/PID/cwd`, `/proc/PID/fd/N`,
//! `/proc/PID/root`, read with `readlink(2)`).

use alloc::string::String;
use alloc::vec::Vec;

use syscall_kit::process::{Pid, RemoteRange, process_vm_readv};
use syscall_kit::{Errno, PATH_MAX};

use crate::paths;

/// The granule of a read: 4 KiB divides every page size, so a range that does not cross a
/// multiple of it lies in one page, and a read stops at the first page that is not mapped.
const GRANULE: usize = 4096;

/// Reads the NUL-terminated string at `addr` in `pid`'s memory, as the kernel would take it as
/// a path: at most [`PATH_MAX`] bytes with its NUL (`ENAMETOOLONG` beyond, as the call itself
/// will fail). `EFAULT` when `addr` cannot be read (the call itself will fail with it), other
/// errors of `process_vm_readv(2)` as they are (`ESRCH`: the tracee is gone).
pub fn read_c_string(pid: Pid, addr: u64) -> Result<Vec<u8>, Errno> {
    let addr = usize::try_from(addr).map_err(|_| Errno::EFAULT)?;
    let mut buf = [0u8; PATH_MAX];
    // The first range ends at the next granule boundary; the second takes the rest.
    let first = (GRANULE - addr % GRANULE).min(PATH_MAX);
    let ranges = [
        RemoteRange { addr, len: first },
        RemoteRange {
            addr: addr.wrapping_add(first),
            len: PATH_MAX - first,
        },
    ];
    let count = if first == PATH_MAX { 1 } else { 2 };
    let n = process_vm_readv(pid, &mut buf, &ranges[..count])?;
    let read = buf.get(..n).unwrap_or_default();
    match read.iter().position(|&b| b == 0) {
        Some(end) => Ok(read[..end].to_vec()),
        // The string runs into memory that is not mapped: the kernel will fail with EFAULT.
        None if n < PATH_MAX => Err(Errno::EFAULT),
        None => Err(Errno::ENAMETOOLONG),
    }
}

/// Reads `buf.len()` bytes at `addr` in `pid`'s memory, all of them or `EFAULT`.
pub fn read_exact(pid: Pid, addr: u64, buf: &mut [u8]) -> Result<(), Errno> {
    let addr = usize::try_from(addr).map_err(|_| Errno::EFAULT)?;
    let range = RemoteRange {
        addr,
        len: buf.len(),
    };
    match process_vm_readv(pid, buf, &[range])? {
        n if n == buf.len() => Ok(()),
        _ => Err(Errno::EFAULT),
    }
}

/// The target of the link `/proc/PID/WHAT` (`cwd`, `root`, `fd/N`), as the analysis holds
/// names ([`paths::from_bytes`]).
pub fn proc_link(pid: Pid, what: &str) -> Result<String, Errno> {
    let link = alloc::format!("/proc/{pid}/{what}");
    let mut buf = [0u8; PATH_MAX];
    let n = syscall_kit::fs::readlink(link.as_str(), &mut buf)?;
    Ok(paths::from_bytes(buf.get(..n).unwrap_or_default()))
}

/// The contents of a small file of `/proc` (`status`, `children`), as text.
pub fn read_small_file(path: &str) -> Result<String, Errno> {
    use syscall_kit::fs::{self, Mode, OFlags};
    let fd = fs::open(path, OFlags::RDONLY | OFlags::CLOEXEC, Mode::empty())?;
    let mut out = Vec::new();
    let mut buf = [0u8; 1024];
    loop {
        match syscall_kit::io::read(&fd, &mut buf) {
            Ok(0) => break,
            Ok(n) => out.extend_from_slice(buf.get(..n).unwrap_or_default()),
            Err(Errno::EINTR) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(String::from_utf8_lossy(&out).into_owned())
}

/// The value of the field `name` (`TracerPid:`, with its colon) of a `/proc/PID/status` text.
fn field<'s>(status: &'s str, name: &str) -> Option<&'s str> {
    status
        .lines()
        .find_map(|l| l.strip_prefix(name))
        .map(str::trim)
}

/// `/proc/WHO/status` (`self`, or a thread id).
fn status(who: &str) -> Result<String, Errno> {
    read_small_file(&alloc::format!("/proc/{who}/status"))
}

/// The `TracerPid` of `/proc/WHO/status` (`self`, or a process id): 0 for a process that is
/// not traced; `None` when it cannot be read.
pub fn tracer_of(who: &str) -> Option<Pid> {
    field(&status(who).ok()?, "TracerPid:").and_then(|v| v.parse().ok())
}

/// Whether the thread `pid` is alive (not a zombie) and traced by `tracer`: its `State` and
/// `TracerPid` in `/proc/PID/status`; `None` when that cannot be read (`Some(false)` when it
/// is not there: the thread is gone).
pub fn traced_by(pid: Pid, tracer: Pid) -> Option<bool> {
    let status = match status(&alloc::format!("{pid}")) {
        Ok(status) => status,
        Err(Errno::ENOENT | Errno::ESRCH) => return Some(false),
        Err(_) => return None,
    };
    let alive =
        field(&status, "State:").is_some_and(|s| !s.starts_with('Z') && !s.starts_with('X'));
    Some(alive && field(&status, "TracerPid:").and_then(|v| v.parse().ok()) == Some(tracer))
}

/// The process (`Tgid` in `/proc/PID/status`) of the thread `pid`, when it can be read.
pub fn tgid(pid: Pid) -> Option<Pid> {
    field(&status(&alloc::format!("{pid}")).ok()?, "Tgid:").and_then(|v| v.parse().ok())
}
