//! `glibc-hwcaps` subdirectories: searched in every directory before it, best level first, for
//! the levels the CPU has (by `/proc/cpuinfo`), as glibc 2.33 and later do.

use alloc::string::String;

use crate::closure::resolve_closure;
use crate::elf;
use crate::memory_root::MemoryRoot;
use crate::root_view::RootView;
use crate::search::{CPUINFO, Search, Via, x86_64_levels};
use crate::test_files::{Elf, GLIBC_LOADER};

const V3_FLAGS: &str = "fpu sse2 pni ssse3 fma cx16 sse4_1 sse4_2 movbe popcnt xsave avx f16c lahf_lm abm bmi1 avx2 bmi2";

#[test]
fn levels_follow_the_cpu_flags() {
    assert_eq!(x86_64_levels(V3_FLAGS), ["x86-64-v3", "x86-64-v2"]);
    let v4 = [V3_FLAGS, "avx512f avx512bw avx512cd avx512dq avx512vl"].join(" ");
    assert_eq!(x86_64_levels(&v4), ["x86-64-v4", "x86-64-v3", "x86-64-v2"]);
    assert_eq!(x86_64_levels(&V3_FLAGS.replace(" avx2", "")), ["x86-64-v2"]);
    assert!(x86_64_levels("fpu sse2").is_empty());
    assert!(x86_64_levels("").is_empty());
}

/// Where the closure of `/app/bin/prog` (`DT_RUNPATH=$ORIGIN/../lib`) finds `libfoo.so.1`, on a
/// CPU whose flags are `flags` (no `/proc/cpuinfo`: `None`).
fn found(flags: Option<&str>, lib_dirs: &[&str]) -> Option<(String, Via)> {
    let mut root = MemoryRoot::new();
    let program = Elf {
        runpath: Some("$ORIGIN/../lib"),
        ..Elf::program(&["libfoo.so.1"])
    };
    root.file(GLIBC_LOADER, Elf::library(&[]).bytes())
        .file("/app/bin/prog", program.bytes());
    for dir in lib_dirs {
        root.file(
            &alloc::format!("{dir}/libfoo.so.1"),
            Elf::library(&[]).bytes(),
        );
    }
    if let Some(flags) = flags {
        root.file(
            CPUINFO,
            alloc::format!("processor\t: 0\nflags\t\t: {flags}\n\n"),
        );
    }
    let facts = elf::parse(&root.read("/app/bin/prog").unwrap()).unwrap();
    let search = Search::load(&mut root, &facts).unwrap();
    let c = resolve_closure(&mut root, "/app/bin/prog", &facts, &search).unwrap();
    c.objects
        .iter()
        .find(|o| o.name == "libfoo.so.1")
        .map(|o| (o.host_path.clone(), o.via))
}

#[test]
fn a_library_only_under_glibc_hwcaps_is_found_when_the_cpu_has_the_level() {
    let v2_only = ["/app/lib/glibc-hwcaps/x86-64-v2"];
    assert_eq!(
        found(Some(V3_FLAGS), &v2_only),
        Some((
            "/app/bin/../lib/glibc-hwcaps/x86-64-v2/libfoo.so.1".into(),
            Via::Runpath
        ))
    );
    // The best level first, then the directory itself.
    let all = [
        "/app/lib",
        "/app/lib/glibc-hwcaps/x86-64-v2",
        "/app/lib/glibc-hwcaps/x86-64-v3",
    ];
    assert_eq!(
        found(Some(V3_FLAGS), &all).unwrap().0,
        "/app/bin/../lib/glibc-hwcaps/x86-64-v3/libfoo.so.1"
    );
    // A level the CPU lacks is not searched; nor is any without /proc/cpuinfo.
    let v4_only = ["/app/lib/glibc-hwcaps/x86-64-v4"];
    assert_eq!(found(Some(V3_FLAGS), &v4_only), None);
    assert_eq!(found(None, &v2_only), None);
    // In the default directories too.
    assert_eq!(
        found(
            Some(V3_FLAGS),
            &["/usr/lib/x86_64-linux-gnu/glibc-hwcaps/x86-64-v3"]
        ),
        Some((
            "/usr/lib/x86_64-linux-gnu/glibc-hwcaps/x86-64-v3/libfoo.so.1".into(),
            Via::Default
        ))
    );
}
