//! The CPUs a process may run on: `sched_getaffinity(2)` and `sched_setaffinity(2)`.

use super::Pid;
use crate::Result;
use crate::raw::{self, nr};

/// A set of CPUs (`cpu_set_t`): 1024 of them, as the C library's type holds.
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man3/CPU_SET.3.html
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CpuSet {
    bits: [u64; 16],
}

impl CpuSet {
    /// The set of no CPU (`CPU_ZERO`).
    pub const fn empty() -> CpuSet {
        CpuSet { bits: [0; 16] }
    }

    /// Adds CPU `cpu` to the set (`CPU_SET`); `false`, and the set unchanged, beyond its 1024
    /// CPUs.
    pub fn insert(&mut self, cpu: usize) -> bool {
        match self.bits.get_mut(cpu / 64) {
            Some(word) => {
                *word |= 1 << (cpu % 64);
                true
            }
            None => false,
        }
    }

    /// The lowest CPU of the set, `None` for an empty one.
    pub fn first(&self) -> Option<usize> {
        self.bits
            .iter()
            .position(|&w| w != 0)
            .map(|i| i * 64 + self.bits[i].trailing_zeros() as usize)
    }

    /// Whether CPU `cpu` is in the set (`CPU_ISSET`); `false` beyond the set's 1024 CPUs.
    pub fn contains(&self, cpu: usize) -> bool {
        self.bits
            .get(cpu / 64)
            .is_some_and(|word| word & (1 << (cpu % 64)) != 0)
    }

    /// How many CPUs the set holds (`CPU_COUNT`).
    pub fn count(&self) -> usize {
        self.bits.iter().map(|w| w.count_ones() as usize).sum()
    }
}

/// `sched_getaffinity(2)`: the CPUs the process (or thread) `pid` may run on (0: the caller).
/// Its [`count`](CpuSet::count) is the number of workers that can run at once, which is what a
/// program sizing a pool of workers wants: `taskset` and a cgroup's cpuset lower it (a CPU
/// quota, `--cpus` of a container engine, does not). A process unknown is
/// [`Errno::ESRCH`](crate::Errno::ESRCH).
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/sched_getaffinity.2.html
pub fn sched_getaffinity(pid: Pid) -> Result<CpuSet> {
    let mut set = CpuSet::empty();
    // SAFETY: the kernel writes at most `size_of::<CpuSet>()` (128) bytes into `set`, ours for
    // the call; it fails with EINVAL rather than write more, on a machine of more CPUs.
    unsafe {
        raw::syscall3(
            nr::SCHED_GETAFFINITY,
            pid as usize,
            core::mem::size_of::<CpuSet>(),
            &raw mut set as usize,
        )
    }?;
    Ok(set)
}

/// `sched_setaffinity(2)`: the thread `pid` (0: the calling thread) may run only on the CPUs of
/// `set` from now on; its children and the programs it executes inherit that. A set of no CPU
/// this machine has online is [`Errno::EINVAL`](crate::Errno::EINVAL), a thread unknown
/// [`Errno::ESRCH`](crate::Errno::ESRCH), another user's without `CAP_SYS_NICE`
/// [`Errno::EPERM`](crate::Errno::EPERM).
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/sched_setaffinity.2.html
pub fn sched_setaffinity(pid: Pid, set: &CpuSet) -> Result<()> {
    // SAFETY: the kernel reads `size_of::<CpuSet>()` (128) bytes from `set`, which is borrowed
    // for the call, and writes no memory of ours.
    unsafe {
        raw::syscall3(
            nr::SCHED_SETAFFINITY,
            pid as usize,
            core::mem::size_of::<CpuSet>(),
            set as *const CpuSet as usize,
        )
    }
    .map(drop)
}
