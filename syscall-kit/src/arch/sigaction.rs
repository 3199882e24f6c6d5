//! The kernel's `struct sigaction` (include/linux/signal_types.h), as `rt_sigaction(2)` reads
//! and writes it, in the two layouts of the kit's architectures; and its `sa_restorer`, the
//! trampoline a signal handler returns into, which each architecture's file gives with
//! `sa_restorer()` where it has the field. [`crate::signal::sigaction`] is the call and
//! [`crate::signal::SigAction`] the public type over this one.
//!
//! This is not the C library's `struct sigaction`, whose mask is 128 bytes and whose fields
//! are in another order.

use crate::signal::SigSet;

/// `SA_SIGINFO` (include/uapi/asm-generic/signal-defs.h): the handler takes three arguments
/// (which decides the restorer on i686).
#[cfg(not(any(target_arch = "riscv64", target_arch = "loongarch64")))]
const SA_SIGINFO: usize = 0x0000_0004;
/// `SA_RESTORER`: `sa_restorer` holds the return trampoline.
pub(crate) const SA_RESTORER: usize = 0x0400_0000;

/// The kernel's `struct sigaction`. Every architecture of the kit but riscv64 and loongarch64
/// has the `sa_restorer` field; those two have none (their kernels always return through the
/// vDSO's trampoline).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct KernelSigaction {
    /// `sa_handler`: `SIG_DFL` (0), `SIG_IGN` (1) or the handler's address.
    pub(crate) handler: usize,
    /// `sa_flags`, `unsigned long`: a word.
    pub(crate) flags: usize,
    #[cfg(not(any(target_arch = "riscv64", target_arch = "loongarch64")))]
    restorer: usize,
    /// `sa_mask`: blocked while the handler runs.
    pub(crate) mask: SigSet,
    /// After the mask, a word the riscv64 and loongarch64 kernels do not read, as in musl's
    /// `k_sigaction`: qemu-riscv64 7.2 never calls the handler of an action without it
    /// (kit-selftest shows it).
    #[cfg(any(target_arch = "riscv64", target_arch = "loongarch64"))]
    unused: usize,
}

impl KernelSigaction {
    /// All zero (`SIG_DFL`, no flags, an empty mask), for the kernel to overwrite.
    pub(crate) const ZEROED: KernelSigaction = KernelSigaction {
        handler: 0,
        flags: 0,
        #[cfg(not(any(target_arch = "riscv64", target_arch = "loongarch64")))]
        restorer: 0,
        mask: SigSet::empty(),
        #[cfg(any(target_arch = "riscv64", target_arch = "loongarch64"))]
        unused: 0,
    };

    /// The action `handler` with `flags` and `mask`, and this architecture's return
    /// trampoline: where the architecture needs the program's own (x86_64, i686) it goes in
    /// `sa_restorer` with `SA_RESTORER` set; elsewhere `SA_RESTORER` is cleared and the kernel
    /// returns through the trampoline of its vDSO (arm: of its signal page).
    pub(crate) fn new(handler: usize, flags: usize, mask: SigSet) -> KernelSigaction {
        let flags = flags & !SA_RESTORER;
        #[cfg(not(any(target_arch = "riscv64", target_arch = "loongarch64")))]
        let (flags, restorer) = match super::sa_restorer(flags & SA_SIGINFO != 0) {
            Some(restorer) => (flags | SA_RESTORER, restorer),
            None => (flags, 0),
        };
        KernelSigaction {
            handler,
            flags,
            #[cfg(not(any(target_arch = "riscv64", target_arch = "loongarch64")))]
            restorer,
            mask,
            #[cfg(any(target_arch = "riscv64", target_arch = "loongarch64"))]
            unused: 0,
        }
    }
}
