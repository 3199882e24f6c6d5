//! Unit tests of [`closure`](super), over roots in memory. A view that fails is an error, never a
//! guess: an unreadable `/etc/ld.so.cache` (anything but `ENOENT`), a current directory that
//! cannot be had; and the image paths of the libraries found through `$ORIGIN` of a program
//! called through a symbolic link.

use syscall_kit::Errno;

use crate::closure::{Closure, resolve_closure, resolve_closure_at};
use crate::elf;
use crate::ld_so_cache::LD_SO_CACHE;
use crate::memory_root::MemoryRoot;
use crate::root_view::{FileError, RootView, ViewError};
use crate::search::Search;
use crate::test_files::{Elf, Failing, GLIBC_LOADER, X86_64_LIBC6, ld_so_cache};

/// `/bin/prog` needing `libfoo.so.1`, which the cache puts in `/opt/lib`.
fn cached_root() -> MemoryRoot {
    let mut root = MemoryRoot::new();
    root.file(GLIBC_LOADER, Elf::library(&[]).bytes())
        .file("/bin/prog", Elf::program(&["libfoo.so.1"]).bytes())
        .file("/opt/lib/libfoo.so.1", Elf::library(&[]).bytes())
        .file(
            LD_SO_CACHE,
            ld_so_cache(&[(X86_64_LIBC6, "libfoo.so.1", "/opt/lib/libfoo.so.1", 0)]),
        );
    root
}

fn closure(view: &mut dyn RootView, path: &str) -> Result<Closure, ViewError> {
    let program = elf::parse(&view.read(path).unwrap()).unwrap();
    let search = Search::load(view, &program)?;
    resolve_closure(view, path, &program, &search)
}

#[test]
fn an_unreadable_cache_is_an_error_and_a_missing_one_is_none() {
    let errors = [
        Errno::EACCES,
        Errno::EIO,
        Errno::ENOMEM,
        Errno::EISDIR,
        Errno::ELOOP,
    ];
    // Once it is open, no error means "no cache": not even ENOENT from fstat or read.
    let after_open = [Errno::ENOENT, Errno::ENOTDIR, Errno::EIO, Errno::EINVAL];
    let failures = errors
        .map(FileError::Open)
        .into_iter()
        .chain(after_open.map(FileError::Read));
    for e in failures {
        let mut view = Failing {
            root: cached_root(),
            read: Some((LD_SO_CACHE, e)),
            cwd: None,
        };
        assert_eq!(
            closure(&mut view, "/bin/prog"),
            Err(ViewError::new(LD_SO_CACHE, e.errno())),
            "{e:?}"
        );
    }
    for e in [Errno::ENOENT, Errno::ENOTDIR] {
        let mut view = Failing {
            root: cached_root(),
            read: Some((LD_SO_CACHE, FileError::Open(e))),
            cwd: None,
        };
        let c = closure(&mut view, "/bin/prog").unwrap();
        assert_eq!(c.missing.len(), 1, "no cache: /opt/lib is not searched");
    }
    let found = closure(&mut cached_root(), "/bin/prog").unwrap();
    assert!(found.missing.is_empty(), "{:?}", found.missing);
}

/// The interpreter or a library that is there and cannot be read leaves the answer unknown:
/// an error of the view naming it, not a "missing" in the verdict. Only a file that is not
/// there (ENOENT, ENOTDIR when it is opened) is missing.
#[test]
fn an_unreadable_interpreter_or_library_is_an_error_and_a_missing_one_is_missing() {
    for path in [GLIBC_LOADER, "/opt/lib/libfoo.so.1"] {
        let failures = [Errno::EACCES, Errno::EIO, Errno::ENOMEM, Errno::EISDIR]
            .map(FileError::Open)
            .into_iter()
            .chain([Errno::ENOENT, Errno::EIO, Errno::ENOMEM].map(FileError::Read));
        for e in failures {
            let mut view = Failing {
                root: cached_root(),
                read: Some((path, e)),
                cwd: None,
            };
            assert_eq!(
                closure(&mut view, "/bin/prog"),
                Err(ViewError::new(path, e.errno())),
                "{path}: {e:?}"
            );
        }
        for e in [Errno::ENOENT, Errno::ENOTDIR] {
            let mut view = Failing {
                root: cached_root(),
                read: Some((path, FileError::Open(e))),
                cwd: None,
            };
            let c = closure(&mut view, "/bin/prog").unwrap();
            assert_eq!(c.missing.len(), 1, "{path}: {e:?}: {:?}", c.missing);
        }
    }
}

/// The loader's configuration and the CPU's levels: not there is a default, there and
/// unreadable an error.
#[test]
fn an_unreadable_ld_so_conf_or_cpuinfo_is_an_error() {
    let mut root = cached_root();
    root.file(LD_SO_CACHE, "not a cache")
        .file(
            crate::ld_so_conf::LD_SO_CONF,
            "include /etc/ld.so.conf.d/*.conf\n",
        )
        .file("/etc/ld.so.conf.d/opt.conf", "/opt/lib\n");
    let c = closure(&mut root.clone(), "/bin/prog").unwrap();
    assert!(c.missing.is_empty(), "through ld.so.conf: {:?}", c.missing);
    for path in [
        crate::ld_so_conf::LD_SO_CONF,
        "/etc/ld.so.conf.d/opt.conf",
        crate::search::CPUINFO,
    ] {
        let mut view = Failing {
            root: root.clone(),
            read: Some((path, FileError::Read(Errno::EIO))),
            cwd: None,
        };
        assert_eq!(
            closure(&mut view, "/bin/prog"),
            Err(ViewError::new(path, Errno::EIO)),
            "{path}"
        );
        let mut view = Failing {
            root: root.clone(),
            read: Some((path, FileError::Open(Errno::ENOENT))),
            cwd: None,
        };
        assert!(closure(&mut view, "/bin/prog").is_ok(), "{path}");
    }
}

#[test]
fn a_failed_current_directory_is_an_error_only_when_a_relative_path_needs_it() {
    let mut view = Failing {
        root: cached_root(),
        read: None,
        cwd: Some(Errno::ENOENT),
    };
    // An absolute program, absolute paths everywhere: the current directory is not needed.
    assert!(closure(&mut view, "/bin/prog").is_ok());
    let program = elf::parse(&view.read("/bin/prog").unwrap()).unwrap();
    let search = Search::load(&mut view, &program).unwrap();
    assert_eq!(
        resolve_closure(&mut view, "bin/prog", &program, &search),
        Err(ViewError::new("the current directory", Errno::ENOENT))
    );
}

/// In the image the program is a regular file at the path it is called by, so `$ORIGIN`
/// there is that path's directory: a library found here through the real path's `$ORIGIN`
/// goes where the loader in the image will look.
#[test]
fn origin_libraries_of_a_program_called_through_a_link_go_beside_the_link_in_the_image() {
    let mut root = MemoryRoot::new();
    let program = Elf {
        runpath: Some("$ORIGIN/../lib"),
        ..Elf::program(&["libfoo.so.1"])
    };
    root.file(GLIBC_LOADER, Elf::library(&[]).bytes())
        .file("/app/bin/prog", program.bytes())
        .file("/app/lib/libfoo.so.1", Elf::library(&[]).bytes())
        .symlink("/usr/local/bin/prog", "/app/bin/prog");
    let c = closure(&mut root, "/usr/local/bin/prog").unwrap();
    let lib = c.objects.iter().find(|o| o.name == "libfoo.so.1").unwrap();
    assert_eq!(lib.host_path, "/app/bin/../lib/libfoo.so.1");
    assert_eq!(lib.image_path, "/usr/local/lib/libfoo.so.1");
}

/// A program put elsewhere in the image (scratch-pack's `/NAME`) takes its `$ORIGIN` there:
/// the library found through `$ORIGIN/../lib` here goes to `/lib` beside `/prog`.
#[test]
fn a_program_put_elsewhere_in_the_image_takes_its_origin_there() {
    let mut root = MemoryRoot::new();
    let program = Elf {
        runpath: Some("$ORIGIN/../lib"),
        ..Elf::program(&["libfoo.so.1"])
    };
    root.file(GLIBC_LOADER, Elf::library(&[]).bytes())
        .file("/app/bin/prog", program.bytes())
        .file("/app/lib/libfoo.so.1", Elf::library(&[]).bytes());
    let facts = elf::parse(&root.read("/app/bin/prog").unwrap()).unwrap();
    let search = Search::load(&mut root, &facts).unwrap();
    let c = resolve_closure_at(&mut root, "/app/bin/prog", Some("/prog"), &facts, &search).unwrap();
    assert_eq!(c.objects[0].image_path, "/prog");
    let lib = c.objects.iter().find(|o| o.name == "libfoo.so.1").unwrap();
    assert_eq!(lib.host_path, "/app/bin/../lib/libfoo.so.1");
    assert_eq!(lib.image_path, "/lib/libfoo.so.1");
    // Without a place given, the path it is called by, as before.
    let here = resolve_closure(&mut root, "/app/bin/prog", &facts, &search).unwrap();
    assert_eq!(here.objects[0].image_path, "/app/bin/prog");
}

/// A `DT_RUNPATH` under `/proc/self/root` finds a library on this machine, but in a container
/// `/proc` is the runtime's: a library found only there is missing, with the reason, and nothing
/// of the closure is under `/proc`.
#[test]
fn a_library_found_only_under_proc_is_missing_with_the_reason() {
    let mut root = MemoryRoot::new();
    let program = Elf {
        runpath: Some("/proc/self/root/opt/lib"),
        ..Elf::program(&["libfoo.so.1"])
    };
    root.file(GLIBC_LOADER, Elf::library(&[]).bytes())
        .file("/bin/prog", program.bytes())
        .file(
            "/proc/self/root/opt/lib/libfoo.so.1",
            Elf::library(&[]).bytes(),
        );
    let c = closure(&mut root, "/bin/prog").unwrap();
    assert!(
        c.objects.iter().all(|o| !o.image_path.starts_with("/proc")),
        "{c:?}"
    );
    assert_eq!(c.missing.len(), 1, "{c:?}");
    let reason = &c.missing[0].reason;
    assert_eq!(c.missing[0].name, "libfoo.so.1");
    assert!(
        reason.contains(
            "/proc/self/root/opt/lib/libfoo.so.1: under /proc, where the container runtime \
             mounts its own proc file system in every container: a file the image holds there \
             is hidden, so nothing is copied there"
        ),
        "{reason}"
    );
}

/// The same `DT_RUNPATH`, with the library in a default directory too: the search goes on past
/// `/proc`, as the loader's does in the image, and finds it there.
#[test]
fn past_a_candidate_under_proc_the_search_goes_on() {
    let mut root = MemoryRoot::new();
    let program = Elf {
        runpath: Some("/proc/self/root/lib/x86_64-linux-gnu"),
        ..Elf::program(&["libfoo.so.1"])
    };
    root.file(GLIBC_LOADER, Elf::library(&[]).bytes())
        .file("/bin/prog", program.bytes())
        .file(
            "/lib/x86_64-linux-gnu/libfoo.so.1",
            Elf::library(&[]).bytes(),
        )
        .file(
            "/proc/self/root/lib/x86_64-linux-gnu/libfoo.so.1",
            Elf::library(&[]).bytes(),
        );
    let c = closure(&mut root, "/bin/prog").unwrap();
    assert!(c.missing.is_empty(), "{c:?}");
    let lib = c.objects.iter().find(|o| o.name == "libfoo.so.1").unwrap();
    assert_eq!(lib.image_path, "/lib/x86_64-linux-gnu/libfoo.so.1");
}

/// An interpreter under `/dev` (or `/proc`, `/sys`) cannot be in an image: missing, with why.
#[test]
fn an_interpreter_under_dev_is_missing_with_the_reason() {
    let mut root = MemoryRoot::new();
    let program = Elf {
        interpreter: Some("/dev/shm/ld.so"),
        ..Elf::program(&[])
    };
    root.file("/dev/shm/ld.so", Elf::library(&[]).bytes())
        .file("/bin/prog", program.bytes());
    let c = closure(&mut root, "/bin/prog").unwrap();
    assert_eq!(c.objects.len(), 1, "the program only: {c:?}");
    assert_eq!(c.missing.len(), 1, "{c:?}");
    assert!(
        c.missing[0].reason.starts_with(
            "the ELF interpreter /dev/shm/ld.so: under /dev, where the container runtime \
             mounts a tmpfs of device files in every container"
        ),
        "{}",
        c.missing[0].reason
    );
}
