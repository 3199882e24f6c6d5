//! Unit tests of [`search`](super), through closures resolved over roots in memory: where the
//! loader finds each library, and in which order it looks (`ld.so(8)`): `DT_RPATH`
//! (inherited), `DT_RUNPATH` (not inherited), `$ORIGIN` and the other tokens, the cache, the
//! directories of `ld.so.conf` without a cache, the default directories; and musl's order.
//! The `glibc-hwcaps` subdirectories on x86_64 are in `tests/hwcaps.rs`.

#[cfg(target_arch = "x86_64")]
mod hwcaps;

use alloc::string::String;
use alloc::vec::Vec;

use object::elf::{EM_AARCH64, ET_EXEC};

use crate::closure::{Closure, resolve_closure};
use crate::elf::{self, ElfFacts};
use crate::memory_root::MemoryRoot;
use crate::root_view::RootView;
use crate::search::{Search, Via};
use crate::test_files::{Elf, GLIBC_LOADER, X86_64_LIBC6, ld_so_cache};

/// A root with glibc's loader of x86-64 in it, and nothing else.
fn glibc_root() -> MemoryRoot {
    let mut root = MemoryRoot::new();
    root.file(GLIBC_LOADER, Elf::library(&[]).bytes());
    root
}

fn facts(elf: Elf) -> ElfFacts {
    elf::parse(&elf.bytes()).unwrap()
}

/// The closure of the program at `path` in `root`, as the doctor finds it.
fn closure(root: &mut MemoryRoot, path: &str) -> Closure {
    let program = elf::parse(&root.read(path).unwrap()).unwrap();
    let search = Search::load(root, &program).unwrap();
    resolve_closure(root, path, &program, &search).unwrap()
}

/// Where the closure found `name`, and how; `None` when it is missing.
fn found(closure: &Closure, name: &str) -> Option<(String, Via)> {
    closure
        .objects
        .iter()
        .find(|o| o.name == name)
        .map(|o| (o.host_path.clone(), o.via))
}

/// The image path of `name` in the closure.
fn image_path(closure: &Closure, name: &str) -> String {
    let o = closure.objects.iter().find(|o| o.name == name).unwrap();
    o.image_path.clone()
}

fn at(path: &str, via: Via) -> Option<(String, Via)> {
    Some((path.into(), via))
}

const LIB: &str = "libfoo.so.1";

/// glibc's default directories for an x86-64 program, in the order they are searched.
const X86_64_DEFAULTS: [&str; 6] = [
    "/lib/x86_64-linux-gnu",
    "/usr/lib/x86_64-linux-gnu",
    "/lib",
    "/usr/lib",
    "/lib64",
    "/usr/lib64",
];

#[test]
fn the_program_and_its_interpreter_come_first() {
    let mut root = glibc_root();
    root.file("/bin/prog", Elf::program(&[]).bytes());
    let c = closure(&mut root, "/bin/prog");
    assert_eq!(found(&c, "/bin/prog"), at("/bin/prog", Via::Program));
    assert_eq!(found(&c, GLIBC_LOADER), at(GLIBC_LOADER, Via::Interpreter));
    assert_eq!(c.objects.len(), 2);
    assert!(c.missing.is_empty(), "{:?}", c.missing);
}

#[test]
fn without_cache_or_paths_the_default_directories_are_searched_in_order() {
    let program = facts(Elf::program(&[LIB]));
    let search = Search::load(&mut glibc_root(), &program).unwrap();
    let tried: Vec<String> = search
        .candidates(LIB, &[(&program, "/bin")])
        .into_iter()
        .inspect(|c| assert_eq!(c.via, Via::Default))
        .map(|c| c.path)
        .collect();
    let expected: Vec<String> = X86_64_DEFAULTS
        .iter()
        .map(|d| alloc::format!("{d}/{LIB}"))
        .collect();
    assert_eq!(tried, expected);

    // The first directory that has it wins.
    let mut root = glibc_root();
    root.file("/bin/prog", Elf::program(&[LIB]).bytes())
        .file("/usr/lib64/libfoo.so.1", Elf::library(&[]).bytes())
        .file("/usr/lib/libfoo.so.1", Elf::library(&[]).bytes());
    let c = closure(&mut root, "/bin/prog");
    assert_eq!(found(&c, LIB), at("/usr/lib/libfoo.so.1", Via::Default));
    root.file(
        "/lib/x86_64-linux-gnu/libfoo.so.1",
        Elf::library(&[]).bytes(),
    );
    let c = closure(&mut root, "/bin/prog");
    assert_eq!(
        found(&c, LIB),
        at("/lib/x86_64-linux-gnu/libfoo.so.1", Via::Default)
    );
}

#[test]
fn rpath_comes_before_the_cache_and_the_default_directories() {
    let mut root = glibc_root();
    let program = Elf {
        rpath: Some("/opt/one:/opt/two"),
        ..Elf::program(&[LIB])
    };
    root.file("/bin/prog", program.bytes())
        .file("/opt/two/libfoo.so.1", Elf::library(&[]).bytes())
        .file("/opt/cached/libfoo.so.1", Elf::library(&[]).bytes())
        .file("/usr/lib/libfoo.so.1", Elf::library(&[]).bytes())
        .file(
            "/etc/ld.so.cache",
            ld_so_cache(&[(X86_64_LIBC6, LIB, "/opt/cached/libfoo.so.1", 0)]),
        );
    let c = closure(&mut root, "/bin/prog");
    assert_eq!(found(&c, LIB), at("/opt/two/libfoo.so.1", Via::Rpath));
    assert_eq!(image_path(&c, LIB), "/opt/two/libfoo.so.1");
}

#[test]
fn runpath_comes_before_the_cache_and_the_default_directories() {
    let mut root = glibc_root();
    let program = Elf {
        runpath: Some("/opt/run"),
        ..Elf::program(&[LIB])
    };
    root.file("/bin/prog", program.bytes())
        .file("/opt/run/libfoo.so.1", Elf::library(&[]).bytes())
        .file("/opt/cached/libfoo.so.1", Elf::library(&[]).bytes())
        .file("/usr/lib/libfoo.so.1", Elf::library(&[]).bytes())
        .file(
            "/etc/ld.so.cache",
            ld_so_cache(&[(X86_64_LIBC6, LIB, "/opt/cached/libfoo.so.1", 0)]),
        );
    let c = closure(&mut root, "/bin/prog");
    assert_eq!(found(&c, LIB), at("/opt/run/libfoo.so.1", Via::Runpath));
}

#[test]
fn the_full_order_rpath_cache_defaults_and_runpath_cache_defaults() {
    let mut root = glibc_root();
    root.file(
        "/etc/ld.so.cache",
        ld_so_cache(&[(X86_64_LIBC6, LIB, "/opt/cached/libfoo.so.1", 0)]),
    );
    let with_rpath = facts(Elf {
        rpath: Some("/opt/r"),
        ..Elf::program(&[LIB])
    });
    let search = Search::load(&mut root, &with_rpath).unwrap();
    let order = |program: &ElfFacts| -> Vec<(String, Via)> {
        search
            .candidates(LIB, &[(program, "/bin")])
            .into_iter()
            .map(|c| (c.path, c.via))
            .collect()
    };
    let defaults = X86_64_DEFAULTS
        .iter()
        .map(|d| (alloc::format!("{d}/{LIB}"), Via::Default));
    let mut expected = alloc::vec![
        (String::from("/opt/r/libfoo.so.1"), Via::Rpath),
        ("/opt/cached/libfoo.so.1".into(), Via::Cache),
    ];
    expected.extend(defaults.clone());
    assert_eq!(order(&with_rpath), expected);

    let with_runpath = facts(Elf {
        runpath: Some("/opt/u"),
        ..Elf::program(&[LIB])
    });
    expected[0] = ("/opt/u/libfoo.so.1".into(), Via::Runpath);
    assert_eq!(order(&with_runpath), expected);
}

#[test]
fn an_object_with_runpath_has_its_rpath_ignored() {
    let mut root = glibc_root();
    let program = Elf {
        rpath: Some("/opt/r"),
        runpath: Some("/opt/u"),
        ..Elf::program(&[LIB])
    };
    root.file("/bin/prog", program.bytes())
        .file("/opt/r/libfoo.so.1", Elf::library(&[]).bytes())
        .file("/usr/lib/libfoo.so.1", Elf::library(&[]).bytes());
    let c = closure(&mut root, "/bin/prog");
    assert_eq!(found(&c, LIB), at("/usr/lib/libfoo.so.1", Via::Default));
}

#[test]
fn the_rpath_of_an_object_with_runpath_is_not_inherited_either() {
    let mut root = glibc_root();
    let program = Elf {
        rpath: Some("/opt/r"),
        runpath: Some("/opt/u"),
        ..Elf::program(&["liba.so"])
    };
    root.file("/bin/prog", program.bytes())
        .file("/opt/u/liba.so", Elf::library(&["libb.so"]).bytes())
        .file("/opt/r/libb.so", Elf::library(&[]).bytes())
        .file("/usr/lib/libb.so", Elf::library(&[]).bytes());
    let c = closure(&mut root, "/bin/prog");
    assert_eq!(found(&c, "liba.so"), at("/opt/u/liba.so", Via::Runpath));
    assert_eq!(found(&c, "libb.so"), at("/usr/lib/libb.so", Via::Default));
}

#[test]
fn rpath_is_inherited_by_the_libraries_an_object_loads() {
    let mut root = glibc_root();
    let program = Elf {
        rpath: Some("/opt/p"),
        ..Elf::program(&["liba.so"])
    };
    root.file("/bin/prog", program.bytes())
        .file("/opt/p/liba.so", Elf::library(&["libb.so"]).bytes())
        .file("/opt/p/libb.so", Elf::library(&[]).bytes())
        .file("/usr/lib/libb.so", Elf::library(&[]).bytes());
    let c = closure(&mut root, "/bin/prog");
    assert_eq!(found(&c, "liba.so"), at("/opt/p/liba.so", Via::Rpath));
    assert_eq!(found(&c, "libb.so"), at("/opt/p/libb.so", Via::Rpath));
}

#[test]
fn runpath_is_not_inherited() {
    let mut root = glibc_root();
    let program = Elf {
        runpath: Some("/opt/p"),
        ..Elf::program(&["liba.so"])
    };
    root.file("/bin/prog", program.bytes())
        .file("/opt/p/liba.so", Elf::library(&["libb.so"]).bytes())
        .file("/opt/p/libb.so", Elf::library(&[]).bytes());
    let c = closure(&mut root, "/bin/prog");
    assert_eq!(found(&c, "liba.so"), at("/opt/p/liba.so", Via::Runpath));
    assert_eq!(found(&c, "libb.so"), None);
    let missing = c.missing.iter().find(|m| m.name == "libb.so").unwrap();
    assert_eq!(missing.needed_by, "/opt/p/liba.so");
    assert!(!missing.reason.contains("/opt/p "), "{}", missing.reason);
    assert!(
        missing
            .reason
            .starts_with("not found in /lib/x86_64-linux-gnu (default directory)"),
        "{}",
        missing.reason
    );

    // Where a default directory has it, that is where it comes from.
    root.file("/usr/lib/libb.so", Elf::library(&[]).bytes());
    let c = closure(&mut root, "/bin/prog");
    assert_eq!(found(&c, "libb.so"), at("/usr/lib/libb.so", Via::Default));
}

#[test]
fn a_runpath_hides_the_rpath_of_the_objects_above() {
    let mut root = glibc_root();
    let program = Elf {
        rpath: Some("/opt/p"),
        ..Elf::program(&["liba.so"])
    };
    let liba = Elf {
        runpath: Some("/opt/a"),
        ..Elf::library(&["libb.so"])
    };
    root.file("/bin/prog", program.bytes())
        .file("/opt/p/liba.so", liba.bytes())
        .file("/opt/p/libb.so", Elf::library(&[]).bytes())
        .file("/usr/lib/libb.so", Elf::library(&[]).bytes());
    let c = closure(&mut root, "/bin/prog");
    assert_eq!(found(&c, "libb.so"), at("/usr/lib/libb.so", Via::Default));
}

#[test]
fn origin_is_the_directory_of_each_object() {
    let mut root = glibc_root();
    let program = Elf {
        runpath: Some("$ORIGIN/../lib"),
        ..Elf::program(&[LIB])
    };
    let libfoo = Elf {
        runpath: Some("${ORIGIN}/private"),
        ..Elf::library(&["libbar.so"])
    };
    root.file("/app/bin/prog", program.bytes())
        .file("/app/lib/libfoo.so.1", libfoo.bytes())
        .file("/app/lib/private/libbar.so", Elf::library(&[]).bytes());
    let c = closure(&mut root, "/app/bin/prog");
    assert_eq!(
        found(&c, LIB),
        at("/app/bin/../lib/libfoo.so.1", Via::Runpath)
    );
    assert_eq!(image_path(&c, LIB), "/app/lib/libfoo.so.1");
    assert_eq!(
        found(&c, "libbar.so"),
        at("/app/bin/../lib/private/libbar.so", Via::Runpath)
    );
    assert_eq!(image_path(&c, "libbar.so"), "/app/lib/private/libbar.so");
}

#[test]
fn the_programs_origin_has_its_symbolic_links_resolved() {
    let mut root = glibc_root();
    let program = Elf {
        rpath: Some("$ORIGIN/../lib"),
        ..Elf::program(&[LIB])
    };
    root.file("/app/bin/prog", program.bytes())
        .symlink("/usr/local/bin/prog", "../../../app/bin/prog")
        .file("/app/lib/libfoo.so.1", Elf::library(&[]).bytes());
    let c = closure(&mut root, "/usr/local/bin/prog");
    assert_eq!(
        found(&c, LIB),
        at("/app/bin/../lib/libfoo.so.1", Via::Rpath)
    );
    // The program keeps the path it is called by.
    assert_eq!(image_path(&c, "/usr/local/bin/prog"), "/usr/local/bin/prog");
}

#[test]
fn lib_and_platform_are_expanded() {
    let mut root = glibc_root();
    let program = Elf {
        rpath: Some("/opt/$LIB/${PLATFORM}"),
        ..Elf::program(&[LIB])
    };
    root.file("/bin/prog", program.bytes()).file(
        "/opt/lib/x86_64-linux-gnu/x86_64/libfoo.so.1",
        Elf::library(&[]).bytes(),
    );
    let c = closure(&mut root, "/bin/prog");
    assert_eq!(
        found(&c, LIB),
        at("/opt/lib/x86_64-linux-gnu/x86_64/libfoo.so.1", Via::Rpath)
    );
}

#[test]
fn the_cache_comes_before_the_default_directories_and_its_libraries_move_to_the_first() {
    let mut root = glibc_root();
    root.file("/bin/prog", Elf::program(&[LIB, "libc.so.6"]).bytes())
        .file("/opt/cached/libfoo.so.1", Elf::library(&[]).bytes())
        .file(
            "/lib/x86_64-linux-gnu/libfoo.so.1",
            Elf::library(&[]).bytes(),
        )
        .file(
            "/usr/lib/x86_64-linux-gnu/libc.so.6",
            Elf::library(&[]).bytes(),
        )
        .file(
            "/etc/ld.so.cache",
            ld_so_cache(&[
                (X86_64_LIBC6, LIB, "/opt/cached/libfoo.so.1", 0),
                (
                    X86_64_LIBC6,
                    "libc.so.6",
                    "/usr/lib/x86_64-linux-gnu/libc.so.6",
                    0,
                ),
            ]),
        );
    let c = closure(&mut root, "/bin/prog");
    assert_eq!(found(&c, LIB), at("/opt/cached/libfoo.so.1", Via::Cache));
    // The image has no cache: its loader finds the library in its first default directory.
    assert_eq!(image_path(&c, LIB), "/lib/x86_64-linux-gnu/libfoo.so.1");
    // Found through the cache in a default directory: the same path.
    assert_eq!(
        found(&c, "libc.so.6"),
        at("/usr/lib/x86_64-linux-gnu/libc.so.6", Via::Cache)
    );
    assert_eq!(
        image_path(&c, "libc.so.6"),
        "/usr/lib/x86_64-linux-gnu/libc.so.6"
    );
}

#[test]
fn the_cache_gives_plain_entries_before_hwcaps_and_only_glibc_libraries() {
    let mut root = glibc_root();
    root.file(
        "/etc/ld.so.cache",
        ld_so_cache(&[
            (
                X86_64_LIBC6,
                LIB,
                "/opt/hwcaps/x86-64-v3/libfoo.so.1",
                1 << 62,
            ),
            (0x0000, LIB, "/opt/libc5/libfoo.so.1", 0),
            (X86_64_LIBC6, LIB, "/opt/plain/libfoo.so.1", 0),
            (X86_64_LIBC6, "libother.so", "/opt/plain/libother.so", 0),
        ]),
    );
    let program = facts(Elf::program(&[LIB]));
    let search = Search::load(&mut root, &program).unwrap();
    let cached: Vec<String> = search
        .candidates(LIB, &[(&program, "/bin")])
        .into_iter()
        .filter(|c| c.via == Via::Cache)
        .map(|c| c.path)
        .collect();
    assert_eq!(
        cached,
        [
            "/opt/plain/libfoo.so.1",
            "/opt/hwcaps/x86-64-v3/libfoo.so.1"
        ]
    );
}

#[test]
fn ld_so_conf_directories_are_searched_only_without_a_cache() {
    let mut root = glibc_root();
    root.file("/bin/prog", Elf::program(&[LIB]).bytes())
        .file("/etc/ld.so.conf", "include /etc/ld.so.conf.d/*.conf\n")
        .file("/etc/ld.so.conf.d/b.conf", "/opt/b\n")
        .file("/etc/ld.so.conf.d/a.conf", "/opt/a\n")
        .file("/opt/b/libfoo.so.1", Elf::library(&[]).bytes())
        .file("/usr/lib/libfoo.so.1", Elf::library(&[]).bytes());
    let c = closure(&mut root, "/bin/prog");
    assert_eq!(found(&c, LIB), at("/opt/b/libfoo.so.1", Via::Conf));
    assert_eq!(image_path(&c, LIB), "/lib/x86_64-linux-gnu/libfoo.so.1");
    let program = facts(Elf::program(&[LIB]));
    let search = Search::load(&mut root, &program).unwrap();
    assert_eq!(search.conf_dirs, ["/opt/a", "/opt/b"]);
    let tried = search.candidates(LIB, &[(&program, "/bin")]);
    assert_eq!(tried[0].path, "/opt/a/libfoo.so.1");
    assert_eq!(tried[1].path, "/opt/b/libfoo.so.1");
    assert_eq!(tried[2].via, Via::Default);

    // With a cache (that does not list it), ld.so.conf is not read: the loader only knows it
    // through the cache.
    root.file("/etc/ld.so.cache", ld_so_cache(&[]));
    let c = closure(&mut root, "/bin/prog");
    assert_eq!(found(&c, LIB), at("/usr/lib/libfoo.so.1", Via::Default));
}

#[test]
fn a_library_of_another_machine_or_kind_is_passed_over() {
    let mut root = glibc_root();
    let program = Elf {
        rpath: Some("/opt/arm:/opt/exec"),
        ..Elf::program(&[LIB])
    };
    let arm = Elf {
        machine: EM_AARCH64,
        ..Elf::library(&[])
    };
    let exec = Elf {
        e_type: ET_EXEC,
        ..Elf::library(&[])
    };
    root.file("/bin/prog", program.bytes())
        .file("/opt/arm/libfoo.so.1", arm.bytes())
        .file("/opt/exec/libfoo.so.1", exec.bytes())
        .file("/usr/lib/libfoo.so.1", Elf::library(&[]).bytes());
    let c = closure(&mut root, "/bin/prog");
    assert_eq!(found(&c, LIB), at("/usr/lib/libfoo.so.1", Via::Default));

    // Without the good one, the reason names each directory and what was wrong.
    root.file("/usr/lib/libfoo.so.1", "not ELF");
    let c = closure(&mut root, "/bin/prog");
    assert_eq!(found(&c, LIB), None);
    let reason = &c.missing[0].reason;
    for part in [
        "not found in /opt/arm (DT_RPATH), /opt/exec (DT_RPATH), /lib/x86_64-linux-gnu (default directory)",
        "/opt/arm/libfoo.so.1: a 64-bit aarch64 library, not 64-bit x86_64",
        "/opt/exec/libfoo.so.1: not a shared library (executable)",
        "/usr/lib/libfoo.so.1: not an ELF file",
    ] {
        assert!(reason.contains(part), "{part:?} not in {reason:?}");
    }
}

#[test]
fn a_needed_name_with_a_slash_is_a_path() {
    let mut root = glibc_root();
    root.file("/bin/prog", Elf::program(&["/opt/x/libx.so"]).bytes())
        .file("/opt/x/libx.so", Elf::library(&[]).bytes())
        .file("/usr/lib/libx.so", Elf::library(&[]).bytes());
    let c = closure(&mut root, "/bin/prog");
    assert_eq!(found(&c, "/opt/x/libx.so"), at("/opt/x/libx.so", Via::Path));
}

#[test]
fn one_file_under_two_names_is_loaded_once() {
    let mut root = glibc_root();
    root.file("/bin/prog", Elf::program(&[LIB, "libbar.so"]).bytes())
        .file("/usr/lib/libfoo.so.1.2", Elf::library(&[]).bytes())
        .symlink("/usr/lib/libfoo.so.1", "libfoo.so.1.2")
        .file(
            "/usr/lib/libbar.so",
            Elf::library(&["libfoo.so.1.2"]).bytes(),
        );
    let c = closure(&mut root, "/bin/prog");
    assert_eq!(found(&c, LIB), at("/usr/lib/libfoo.so.1", Via::Default));
    assert_eq!(found(&c, "libfoo.so.1.2"), None);
    assert!(c.missing.is_empty(), "{:?}", c.missing);
}

#[test]
fn musl_reads_no_cache_and_is_its_own_libc() {
    const MUSL: &str = "/lib/ld-musl-x86_64.so.1";
    let mut root = MemoryRoot::new();
    let program = Elf {
        interpreter: Some(MUSL),
        ..Elf::program(&["libc.so", LIB])
    };
    root.file(MUSL, Elf::library(&[]).bytes())
        .file("/bin/prog", program.bytes())
        .file("/opt/cached/libfoo.so.1", Elf::library(&[]).bytes())
        .file("/usr/lib/libfoo.so.1", Elf::library(&[]).bytes())
        .file(
            "/etc/ld.so.cache",
            ld_so_cache(&[(X86_64_LIBC6, LIB, "/opt/cached/libfoo.so.1", 0)]),
        );
    let c = closure(&mut root, "/bin/prog");
    assert_eq!(found(&c, LIB), at("/usr/lib/libfoo.so.1", Via::Default));
    assert_eq!(found(&c, "libc.so"), None);
    assert!(c.missing.is_empty(), "{:?}", c.missing);
    let search = Search::load(&mut root, &facts(program)).unwrap();
    assert_eq!(search.default_dirs, ["/lib", "/usr/local/lib", "/usr/lib"]);

    // /etc/ld-musl-ARCH.path replaces the default directories.
    root.file("/etc/ld-musl-x86_64.path", "/opt/m:/opt/n\n/opt/o\n")
        .file("/opt/o/libfoo.so.1", Elf::library(&[]).bytes());
    let c = closure(&mut root, "/bin/prog");
    assert_eq!(found(&c, LIB), at("/opt/o/libfoo.so.1", Via::Default));
    let search = Search::load(&mut root, &facts(program)).unwrap();
    assert_eq!(search.default_dirs, ["/opt/m", "/opt/n", "/opt/o"]);
}
