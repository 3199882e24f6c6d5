//! 64-bit file offsets and times: the calls a 32-bit architecture makes under other names
//! (`_llseek`, `ftruncate64`, `sendfile64`, `mmap2`, `fcntl64`, `timerfd_settime64`, `ppoll_time64`,
//! `rt_sigtimedwait_time64`; see the kit's `arch` module), on every architecture alike.

use alloc::format;
use alloc::string::ToString;
use core::time::Duration;

use syscall_kit::fs::{MemfdFlags, OFlags, fstat, ftruncate, memfd_create};
use syscall_kit::io::{
    PollFd, PollFlags, Whence, fcntl_getfl, lseek, pipe2, poll, pread, read, sendfile, write_all,
};
use syscall_kit::mm::{MapFlags, ProtFlags, mmap, munmap};
use syscall_kit::rt;
use syscall_kit::signal::{self, SigSet, sigtimedwait};
use syscall_kit::time::{
    ClockId, Itimerspec, Timeout, TimerSetFlags, TimerfdFlags, Timespec, timerfd_create,
    timerfd_gettime, timerfd_read, timerfd_settime,
};
use syscall_kit::{AsFd, Errno, OwnedFd};

use super::support::WAIT_BOUND;
use crate::TestResult;

/// 5 GiB: past what a 32-bit word holds.
const FAR: u64 = 5 << 30;

/// An anonymous file (`memfd_create(2)`, the kit's: so tested on every architecture too):
/// nothing to clean up in any file system, even when the test fails half-way (the fault suite
/// makes every call of this program fail in turn).
fn memfd() -> Result<OwnedFd, Errno> {
    memfd_create(c"kit-selftest", MemfdFlags::CLOEXEC)
}

/// `lseek` to 5 GiB and on from there, in a word-sized file (no write past the start: the
/// fault suite runs this program under a 16 MiB file-size limit); `sendfile` from an offset
/// and `pread` from an offset, and a page mapped from the file's second page find what was
/// written there; `pread` past 4 GiB is at the end.
pub fn offsets_past_4_gib() -> TestResult {
    let e = |what: &'static str| move |e: Errno| format!("{what}: {e}");
    let fd = memfd().map_err(e("memfd_create"))?;
    check!(
        fcntl_getfl(&fd).map_err(e("fcntl"))?.contains(OFlags::RDWR),
        "F_GETFL lacks O_RDWR"
    );
    let at = lseek(&fd, FAR as i64, Whence::Start).map_err(e("lseek"))?;
    check!(at == FAR, "lseek to {FAR} gave {at}");
    let on = lseek(&fd, 1, Whence::Current).map_err(e("lseek"))?;
    check!(on == FAR + 1, "1 past {FAR} gave {on}");
    let back = lseek(&fd, -(FAR as i64), Whence::Current).map_err(e("lseek"))?;
    check!(back == 1, "{FAR} back gave {back}");

    // ftruncate64 takes the length in two words on 32-bit architectures (arm: an even pair);
    // within the fault suite's file-size limit, so only the low word is not zero.
    let len = (3 << 20) + 5;
    ftruncate(&fd, len).map_err(e("ftruncate"))?;
    let size = fstat(&fd).map_err(e("fstat"))?.size;
    check!(size == len, "ftruncate to {len} gave the size {size}");
    ftruncate(&fd, 0).map_err(e("ftruncate"))?;

    let page = rt::page_size();
    lseek(&fd, page as i64, Whence::Start).map_err(e("lseek"))?;
    write_all(&fd, b"page two").map_err(e("write"))?;
    let size = fstat(&fd).map_err(e("fstat"))?.size;
    check!(size == page as u64 + 8, "size {size}");

    // pread64 takes the offset in two words on 32-bit architectures (arm: an even pair).
    let mut two = [0u8; 8];
    let n = pread(&fd, &mut two, page as u64 + 5).map_err(e("pread"))?;
    check!(
        &two[..n] == b"two",
        "pread at {} gave {:?}",
        page + 5,
        &two[..n]
    );
    let n = pread(&fd, &mut two, FAR).map_err(e("pread"))?;
    check!(n == 0, "pread at {FAR}, past the end, gave {n} bytes");

    let (r, w) = pipe2(OFlags::CLOEXEC).map_err(e("pipe2"))?;
    let mut off = page as i64;
    let sent = sendfile(&w, &fd, Some(&mut off), 4).map_err(e("sendfile"))?;
    check!(
        sent == 4 && off == page as i64 + 4,
        "sent {sent}, offset {off}"
    );
    let mut got = [0u8; 4];
    let n = read(&r, &mut got).map_err(e("read"))?;
    check!(&got[..n] == b"page", "read {:?}", &got[..n]);

    // SAFETY: a fresh private read-only mapping at an address of the kernel's choosing,
    // read while it is mapped, then unmapped.
    let seen = unsafe {
        let p = mmap(
            core::ptr::null_mut(),
            page,
            ProtFlags::READ,
            MapFlags::PRIVATE,
            Some(fd.as_fd()),
            page as u64,
        )
        .map_err(e("mmap"))?;
        let seen = core::slice::from_raw_parts(p, 8) == b"page two";
        munmap(p, page).map_err(e("munmap"))?;
        seen
    };
    check!(
        seen,
        "the page mapped from offset {page} does not hold what was written there"
    );
    Ok(())
}

/// A one-shot timer of 1 ms expires once, seen by `poll` with a timeout, read back by
/// `timerfd_gettime` as disarmed; `sigtimedwait` with a timeout ends with `EAGAIN`.
pub fn times() -> TestResult {
    let e = |what: &'static str| move |e: Errno| format!("{what}: {e}");
    let t = timerfd_create(ClockId::MONOTONIC, TimerfdFlags::CLOEXEC).map_err(e("create"))?;
    let value = Timespec::from_duration(Duration::from_millis(1));
    let new = Itimerspec {
        interval: Timespec::ZERO,
        value,
    };
    let old = timerfd_settime(&t, TimerSetFlags::empty(), &new).map_err(e("settime"))?;
    check!(
        old.value == Timespec::ZERO,
        "a new timer was armed: {old:?}"
    );
    let armed = timerfd_gettime(&t).map_err(e("gettime"))?;
    check!(armed.value <= value, "{armed:?} left of {value:?}");
    let mut fds = [PollFd::new(t.as_fd(), PollFlags::IN)];
    let ready = poll(&mut fds, WAIT_BOUND).map_err(e("poll"))?;
    check!(ready == 1, "poll: {ready} ready");
    let expired = timerfd_read(&t).map_err(e("read"))?;
    check!(expired == 1, "expired {expired} times");
    let after = timerfd_gettime(&t).map_err(e("gettime"))?;
    check!(after.value == Timespec::ZERO, "still armed: {after:?}");

    let set = SigSet::empty().with(signal::SIGUSR1);
    let old = signal::sigprocmask(signal::How::Block, Some(&set)).map_err(e("mask"))?;
    let waited = sigtimedwait(&set, Timeout::After(Duration::from_millis(1)));
    signal::sigprocmask(signal::How::SetMask, Some(&old)).map_err(e("mask"))?;
    match waited {
        Err(Errno::EAGAIN) => Ok(()),
        other => Err(format!(
            "sigtimedwait for 1 ms: {}",
            other.map_or_else(|e| e.to_string(), |i| format!("signal {}", i.signo()))
        )
        .into()),
    }
}
