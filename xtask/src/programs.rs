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
const PROGRAMS: [(&str, On); 11] = [
    ("hello-nostd", On::Every),
    ("hello-locked", On::Every),
    ("kit-selftest", On::Every),
    ("scratch-doctor", On::Host),
    ("scratch-pack", On::Host),
    ("cat-nostd", On::Host),
    ("scratch-init", On::Every),
    ("scratch-probe", On::Host),
    ("scratch-serve", On::Host),
    ("tcp-echo", On::Host),
    ("dir-size", On::Host),
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
    use super::{HELLOS, On, PROGRAMS, for_arch};
    use syscall_kit_build::Arch;

    /// The workspace's members: the paths of the root `Cargo.toml`'s `members = [...]`.
    fn members() -> Vec<String> {
        let manifest = std::fs::read_to_string(crate::build::root().join("Cargo.toml")).unwrap();
        let line = manifest
            .lines()
            .find_map(|l| l.trim().strip_prefix("members = ["))
            .expect("the root Cargo.toml has a line members = [...]");
        line.trim_end_matches(']')
            .split(',')
            .map(|m| m.trim().trim_matches('"').to_string())
            .filter(|m| !m.is_empty())
            .collect()
    }

    /// The value of the first line `key = "value"` of `text` after the line `[section]`.
    fn value<'a>(text: &'a str, section: &str, key: &str) -> Option<&'a str> {
        let at = text.lines().position(|l| l.trim() == section).map(|n| {
            text.split_inclusive('\n')
                .take(n + 1)
                .map(str::len)
                .sum::<usize>()
        })?;
        let after = &text[at..];
        after
            .lines()
            .take_while(|l| !l.starts_with('['))
            .find_map(|l| {
                l.strip_prefix(key)?
                    .trim()
                    .strip_prefix('=')?
                    .trim()
                    .strip_prefix('"')?
                    .strip_suffix('"')
            })
    }

    /// A member whose `src/main.rs` is a `#![no_std]`, `#![no_main]` program.
    fn is_no_std_program(member: &str) -> bool {
        let main = crate::build::root().join(member).join("src/main.rs");
        std::fs::read_to_string(main).is_ok_and(|text| {
            let lines: Vec<&str> = text.lines().map(str::trim).collect();
            lines.contains(&"#![no_std]") && lines.contains(&"#![no_main]")
        })
    }

    #[test]
    fn every_no_std_program_of_the_workspace_is_listed_once_under_its_package_name() {
        let names: Vec<&str> = PROGRAMS.iter().map(|(name, _)| *name).collect();
        for (i, name) in names.iter().enumerate() {
            assert!(!names[..i].contains(name), "{name} is listed twice");
        }
        let members = members();
        let mut no_std = Vec::new();
        for member in &members {
            let manifest =
                std::fs::read_to_string(crate::build::root().join(member).join("Cargo.toml"))
                    .unwrap_or_else(|e| panic!("{member}/Cargo.toml: {e}"));
            let package = value(&manifest, "[package]", "name")
                .unwrap_or_else(|| panic!("{member}/Cargo.toml names no package"));
            if is_no_std_program(member) {
                // The binary the build writes is target/TRIPLE/release/PACKAGE.
                let bin = value(&manifest, "[[bin]]", "name").unwrap_or(package);
                assert_eq!(bin, package, "{member}: the binary is named as its package");
                no_std.push(package.to_string());
            }
        }
        let mut listed: Vec<String> = names.iter().map(|n| n.to_string()).collect();
        listed.sort();
        no_std.sort();
        assert_eq!(
            listed, no_std,
            "the list is the workspace members whose src/main.rs is #![no_std] and #![no_main]"
        );
    }

    #[test]
    fn the_host_builds_every_program_and_every_architecture_the_portable_ones_and_the_hellos() {
        let all: Vec<&str> = PROGRAMS.iter().map(|(name, _)| *name).collect();
        assert_eq!(for_arch(Arch::X86_64), all, "the host builds every program");
        for arch in Arch::ALL {
            let every: Vec<&str> = PROGRAMS
                .iter()
                .filter(|(_, on)| matches!(on, On::Every))
                .map(|(name, _)| *name)
                .collect();
            let built = for_arch(arch);
            assert!(
                every.iter().all(|p| built.contains(p)),
                "{arch:?}: {built:?}"
            );
            assert!(built.iter().all(|p| all.contains(p)), "{arch:?}: {built:?}");
            for hello in HELLOS {
                assert!(built.contains(&hello), "{arch:?} builds {hello}");
            }
        }
        assert!(
            PROGRAMS.iter().any(|(_, on)| matches!(on, On::Host)),
            "some programs are the host's only (scratch-doctor …)"
        );
    }
}
