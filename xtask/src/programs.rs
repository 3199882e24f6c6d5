//! The no_std programs of the workspace, and the architectures each builds for: the one list
//! that `cargo xtask build` (and through it `cargo build-nostd`, the `cargo make` tasks and the
//! system tests' `nostd_bin`) builds.

use syscall_kit_build::Arch;

/// Where a program builds.
enum On {
    /// On every architecture of the table.
    Every,
    /// On the host, x86_64, only.
    Host,
}

/// The no_std programs, a row each.
const PROGRAMS: [(&str, On); 5] = [
    ("hello-nostd", On::Every),
    ("hello-locked", On::Every),
    ("kit-selftest", On::Every),
    ("scratch-doctor", On::Host),
    ("cat-nostd", On::Host),
];

/// The no_std programs that build for `arch`, in the table's order.
pub fn for_arch(arch: Arch) -> Vec<&'static str> {
    PROGRAMS
        .iter()
        .filter(|(_, on)| matches!(on, On::Every) || arch == Arch::X86_64)
        .map(|(name, _)| *name)
        .collect()
}

/// The hellos, whose sizes `cargo xtask build-arch` prints.
pub const HELLOS: [&str; 2] = ["hello-nostd", "hello-locked"];
