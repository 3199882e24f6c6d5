//! The architectures the no_std programs are built for: the one table, `syscall-kit-build`'s
//! [`Arch`], and whether this machine runs their binaries.

pub use syscall_kit_build::Arch;

use crate::require::skip_or_fail;

/// The rustup target the no_std programs are built for on x86_64, this project's host.
pub const NOSTD_TARGET: &str = Arch::X86_64.triple();

/// Whether the kernel runs `arch` binaries: natively, or through qemu-user (an enabled
/// `binfmt_misc` entry named after [`Arch::qemu`]). When not: under CI this panics; elsewhere
/// it prints why the calling test is skipped and returns false. `.ci/setup-binfmt.sh` registers
/// the entries.
pub fn require_binfmt(arch: Arch) -> bool {
    if arch.native() {
        return true; // the host's own, or i686 (the kernel's IA-32 emulation)
    }
    let Some(qemu) = arch.qemu() else {
        return true;
    };
    let entry = format!("/proc/sys/fs/binfmt_misc/{qemu}");
    let enabled = std::fs::read_to_string(&entry).is_ok_and(|s| s.starts_with("enabled"));
    if !enabled {
        skip_or_fail(&format!(
            "{entry} is not an enabled binfmt_misc entry (install qemu-user-static and run .ci/setup-binfmt.sh as root)"
        ));
    }
    enabled
}
