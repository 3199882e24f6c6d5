//! What a build script reads of the rustflags its program is compiled with
//! (`CARGO_ENCODED_RUSTFLAGS`: cargo's flags from `RUSTFLAGS` or `.cargo/config.toml`,
//! separated by `\x1f`): the linker flavor, and whether a musl target would link its own C start
//! files.

/// The codegen options of encoded rustflags, in order, as `(key, value)` (`value` empty for an
/// option without `=`): `-C KEY=VALUE`, `-CKEY=VALUE`, `--codegen KEY=VALUE` and
/// `--codegen=KEY=VALUE`. Keys are spelled with `-` (rustc takes `_` too).
fn codegen_options(encoded_rustflags: &str) -> Vec<(String, &str)> {
    let mut options = Vec::new();
    let mut flags = encoded_rustflags.split('\x1f');
    while let Some(flag) = flags.next() {
        let option = match flag {
            "-C" | "--codegen" => flags.next(),
            f => f
                .strip_prefix("-C")
                .or_else(|| f.strip_prefix("--codegen=")),
        };
        if let Some(option) = option {
            let (key, value) = option.split_once('=').unwrap_or((option, ""));
            options.push((key.replace('_', "-"), value));
        }
    }
    options
}

/// The value of the last `-C key=…` of the rustflags (rustc uses the last one).
fn codegen_option<'a>(encoded_rustflags: &'a str, key: &str) -> Option<&'a str> {
    codegen_options(encoded_rustflags)
        .into_iter()
        .rev()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v)
}

/// Whether the rustflags make rustc call rust-lld directly (`-C linker-flavor=ld.lld`).
pub fn links_with_lld(encoded_rustflags: &str) -> bool {
    codegen_option(encoded_rustflags, "linker-flavor") == Some("ld.lld")
}

/// The one line that says what the rustflags of `triple` lack for a no_std program on
/// syscall-kit, and where to add it; `None` when they lack nothing this can tell.
///
/// For a musl target with a static C runtime (its default), rustc links its own copy of musl's
/// start files into every executable (`-C link-self-contained` is inferred), and their `_start`
/// clashes with the one the kit's `main!` defines: the linker then fails with `multiple
/// definition of _start`. Only `-C link-self-contained=no` prevents it, a rustc flag that a
/// build script cannot pass; so the build script stops the build first, with this line. (A
/// build script cannot tell whether the flags came from `.cargo/config.toml` or from the
/// `RUSTFLAGS` variable, which overrides the file: cargo passes neither name.)
///
/// Other targets, and a musl target built with `-C target-feature=-crt-static` (no start files
/// of its own), need nothing.
pub fn missing_rustflags(triple: &str, encoded_rustflags: &str) -> Option<String> {
    if !triple.contains("-musl") {
        return None;
    }
    let self_contained = !matches!(
        codegen_option(encoded_rustflags, "link-self-contained"),
        Some("n" | "no" | "off" | "false")
    );
    let crt_static = codegen_options(encoded_rustflags)
        .iter()
        .filter(|(k, _)| k == "target-feature")
        .flat_map(|(_, features)| features.split(','))
        .rfind(|f| f.ends_with("crt-static"))
        != Some("-crt-static");
    if !(self_contained && crt_static) {
        return None;
    }
    Some(format!(
        "{triple} needs the rustflags `-C link-self-contained=no` (else rustc links musl's C \
         start files, whose `_start` clashes with syscall-kit's): add \
         `rustflags = [\"-C\", \"link-self-contained=no\"]` under `[target.{triple}]` in \
         .cargo/config.toml (or those two to RUSTFLAGS, if it is set)"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_flavor_is_read_from_every_spelling_of_the_flag() {
        assert!(links_with_lld("-C\x1flinker-flavor=ld.lld"));
        assert!(links_with_lld("-Clinker-flavor=ld.lld\x1f-Copt-level=z"));
        assert!(links_with_lld("--codegen\x1flinker_flavor=ld.lld"));
        assert!(links_with_lld("--codegen=linker-flavor=ld.lld"));
        assert!(!links_with_lld(""));
        assert!(!links_with_lld("-C\x1flink-self-contained=no"));
        // The last one counts, as for rustc.
        assert!(!links_with_lld(
            "-Clinker-flavor=ld.lld\x1f-C\x1flinker-flavor=gcc"
        ));
    }

    #[test]
    fn a_musl_target_without_link_self_contained_no_is_told_the_fix() {
        let musl = "x86_64-unknown-linux-musl";
        assert_eq!(
            missing_rustflags(musl, "").as_deref(),
            Some(
                "x86_64-unknown-linux-musl needs the rustflags `-C link-self-contained=no` (else \
                 rustc links musl's C start files, whose `_start` clashes with syscall-kit's): \
                 add `rustflags = [\"-C\", \"link-self-contained=no\"]` under \
                 `[target.x86_64-unknown-linux-musl]` in .cargo/config.toml (or those two to \
                 RUSTFLAGS, if it is set)"
            )
        );
        // Asked for explicitly, turned off and on again, or the kit's other flags only: the
        // start files are linked.
        for flags in [
            "-C\x1flink-self-contained=yes",
            "-Clink-self-contained=no\x1f-Clink-self-contained=y",
            "-C\x1flinker-flavor=ld.lld\x1f-C\x1frelocation-model=static",
        ] {
            assert!(missing_rustflags(musl, flags).is_some(), "{flags}");
        }
        let armv5 = missing_rustflags("armv5te-unknown-linux-musleabi", "").unwrap();
        assert!(
            armv5.contains("under `[target.armv5te-unknown-linux-musleabi]`"),
            "{armv5}"
        );
    }

    #[test]
    fn other_targets_and_the_kits_flags_need_nothing() {
        let musl = "x86_64-unknown-linux-musl";
        for flags in [
            "-C\x1flink-self-contained=no",
            "-Clink_self_contained=off\x1f-C\x1flinker-flavor=ld.lld",
            "-C\x1flink-self-contained=false",
            // No static C runtime: no start files of the target's own.
            "-C\x1ftarget-feature=+crt-static,-crt-static",
        ] {
            assert_eq!(missing_rustflags(musl, flags), None, "{flags}");
        }
        assert!(missing_rustflags(musl, "-Ctarget-feature=-crt-static,+crt-static").is_some());
        for triple in [
            "x86_64-unknown-linux-gnu",
            "riscv64gc-unknown-linux-gnu",
            "armv7-unknown-linux-gnueabihf",
        ] {
            assert_eq!(missing_rustflags(triple, ""), None, "{triple}");
        }
    }
}
