//! The foreground process group of a terminal: `ioctl(2)` `TIOCGPGRP` and `TIOCSPGRP` (the
//! asm-generic values, include/uapi/asm-generic/ioctls.h, on every architecture of the kit
//! but powerpc: see [`crate::arch`]).

use super::Pid;
use crate::Result;
use crate::arch::{TIOCGPGRP, TIOCSPGRP};
use crate::fd::AsFd;
use crate::raw::{self, nr};

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
