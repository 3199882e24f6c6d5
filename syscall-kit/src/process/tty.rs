//! The foreground process group of a terminal: `ioctl(2)` `TIOCGPGRP` and `TIOCSPGRP` (the
//! values are the same on x86_64, aarch64 and riscv64: include/uapi/asm-generic/ioctls.h).

use super::Pid;
use crate::Result;
use crate::fd::AsFd;
use crate::raw::{self, nr};

const TIOCGPGRP: usize = 0x540F;
const TIOCSPGRP: usize = 0x5410;

/// `tcsetpgrp(3)`, as `ioctl(fd, TIOCSPGRP, &pgid)`: makes `pgid` the foreground process group
/// of the terminal `fd`. Not a terminal: [`Errno::ENOTTY`](crate::Errno::ENOTTY).
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man3/tcsetpgrp.3.html
pub fn tcsetpgrp(fd: impl AsFd, pgid: Pid) -> Result<()> {
    let fd = fd.as_fd().as_raw_fd();
    // SAFETY: the kernel reads one pid_t from `pgid`.
    unsafe {
        raw::syscall3(
            nr::IOCTL,
            fd as usize,
            TIOCSPGRP,
            &pgid as *const Pid as usize,
        )
    }
    .map(drop)
}

/// `tcgetpgrp(3)`, as `ioctl(fd, TIOCGPGRP, &pgid)`: the foreground process group of the
/// terminal `fd`.
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man3/tcsetpgrp.3.html
pub fn tcgetpgrp(fd: impl AsFd) -> Result<Pid> {
    let fd = fd.as_fd().as_raw_fd();
    let mut pgid: Pid = 0;
    // SAFETY: the kernel writes one pid_t into `pgid`.
    unsafe {
        raw::syscall3(
            nr::IOCTL,
            fd as usize,
            TIOCGPGRP,
            &mut pgid as *mut Pid as usize,
        )
    }?;
    Ok(pgid)
}
