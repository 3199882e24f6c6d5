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
const PROGRAMS: [(&str, On); 7] = [
    ("hello-nostd", On::Every),
    ("hello-locked", On::Every),
    ("kit-selftest", On::Every),
    ("scratch-doctor", On::Host),
    ("cat-nostd", On::Host),
    ("scratch-init", On::Every),
    ("scratch-probe", On::Host),
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

#[cfg(test)]
mod tests {
    use super::{HELLOS, for_arch};
    use syscall_kit_build::Arch;

    #[test]
    fn the_host_builds_every_program_and_the_others_the_portable_ones() {
        assert_eq!(
            for_arch(Arch::X86_64),
            [
                "hello-nostd",
                "hello-locked",
                "kit-selftest",
                "scratch-doctor",
                "cat-nostd",
                "scratch-init",
                "scratch-probe"
            ]
        );
        for arch in Arch::ALL.into_iter().filter(|&a| a != Arch::X86_64) {
            assert_eq!(
                for_arch(arch),
                [
                    "hello-nostd",
                    "hello-locked",
                    "kit-selftest",
                    "scratch-init"
                ]
            );
        }
        for hello in HELLOS {
            assert!(Arch::ALL.iter().all(|&a| for_arch(a).contains(&hello)));
        }
    }
}
