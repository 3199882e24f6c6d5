//! A view that fails is an error, never a guess: an unreadable `/etc/ld.so.cache` (anything but
//! `ENOENT`), a current directory that cannot be had; and the image paths of the libraries
//! found through `$ORIGIN` of a program called through a symbolic link.

use alloc::string::String;
use alloc::vec::Vec;

use syscall_kit::Errno;

use super::{Elf, GLIBC_LOADER, X86_64_LIBC6, ld_so_cache};
use crate::closure::{Closure, resolve_closure};
use crate::elf;
use crate::ld_so_cache::LD_SO_CACHE;
use crate::memory_root::MemoryRoot;
use crate::root_view::{RootView, ViewError};
use crate::search::Search;

/// A [`MemoryRoot`] in which reading one path, or asking for the current directory, fails.
struct Failing {
    root: MemoryRoot,
    read: Option<(&'static str, Errno)>,
    cwd: Option<Errno>,
}

impl RootView for Failing {
    fn read(&mut self, path: &str) -> Result<Vec<u8>, Errno> {
        match self.read {
            Some((p, e)) if p == path => Err(e),
            _ => self.root.read(path),
        }
    }
    fn read_link(&mut self, path: &str) -> Result<Option<String>, Errno> {
        self.root.read_link(path)
    }
    fn list_dir(&mut self, path: &str) -> Result<Vec<String>, Errno> {
        self.root.list_dir(path)
    }
    fn current_dir(&mut self) -> Result<String, Errno> {
        match self.cwd {
            Some(e) => Err(e),
            None => self.root.current_dir(),
        }
    }
}

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
    for e in [Errno::EACCES, Errno::EIO, Errno::ENOMEM, Errno::EISDIR] {
        let mut view = Failing {
            root: cached_root(),
            read: Some((LD_SO_CACHE, e)),
            cwd: None,
        };
        assert_eq!(
            closure(&mut view, "/bin/prog"),
            Err(ViewError::new(LD_SO_CACHE, e))
        );
    }
    let mut view = Failing {
        root: cached_root(),
        read: Some((LD_SO_CACHE, Errno::ENOENT)),
        cwd: None,
    };
    let c = closure(&mut view, "/bin/prog").unwrap();
    assert_eq!(c.missing.len(), 1, "no cache: /opt/lib is not searched");
    let found = closure(&mut cached_root(), "/bin/prog").unwrap();
    assert!(found.missing.is_empty(), "{:?}", found.missing);
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
