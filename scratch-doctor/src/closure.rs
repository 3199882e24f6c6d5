//! [`resolve_closure`]: the files a dynamic program needs in an image (its interpreter and
//! every `DT_NEEDED` library, recursively), found the way the loader finds them, each with its
//! path on this machine and the path it must have in the image.

use alloc::collections::VecDeque;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use syscall_kit::Errno;

use crate::elf::{self, ElfFacts};
use crate::paths;
use crate::root_view::RootView;
use crate::search::{Loader, Search, Via, is_musl_builtin};

/// How many objects a closure may hold before the search stops (no real program comes close).
pub const MAX_OBJECTS: usize = 4096;

/// What reading the file cannot show.
pub const DLOPEN_WARNING: &str = "libraries a program opens itself with dlopen(3) (NSS modules for user and host lookups, iconv modules, plugins) cannot be seen by reading the file: copy those too if the program needs them";

/// A file of the closure.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Object {
    /// What was asked for: the program's path, the `PT_INTERP` path, or the `DT_NEEDED` name.
    pub name: String,
    /// Where it is on this machine (the path the loader opens; it may be a symbolic link).
    pub host_path: String,
    /// Where it must be in the image for the loader there to find it.
    pub image_path: String,
    /// Which search step found it.
    pub via: Via,
    /// The host path of the object that needs it (`None` for the program).
    pub needed_by: Option<String>,
}

/// A library that was not found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Missing {
    /// The `DT_NEEDED` name or the interpreter's path.
    pub name: String,
    /// The host path of the object that needs it.
    pub needed_by: String,
    /// Why: where it was looked for, and what was wrong with the files found there.
    pub reason: String,
}

/// The closure of a program.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Closure {
    /// The program first, then its interpreter, then the libraries in the loader's order
    /// (breadth first).
    pub objects: Vec<Object>,
    /// What could not be found.
    pub missing: Vec<Missing>,
}

struct Loaded {
    facts: ElfFacts,
    /// `$ORIGIN` for it.
    origin: String,
    /// Its real path, to recognise one file loaded under two names.
    canonical: Option<String>,
    /// The object that loaded it.
    loader: Option<usize>,
}

/// Finds the interpreter and every library `program` (the ELF file at `program_path`) needs,
/// through `fs`, as the loader described by `search` would.
pub fn resolve_closure(
    fs: &mut dyn RootView,
    program_path: &str,
    program: &ElfFacts,
    search: &Search,
) -> Closure {
    let cwd = fs.current_dir().unwrap_or_else(|_| "/".into());
    let mut closure = Closure::default();
    let canonical = paths::canonicalize(fs, program_path).ok();
    // In the image, the program keeps the path it is called by here (its contents copied).
    let program_image = paths::normalize(program_path, &cwd);
    let mut loaded = alloc::vec![Loaded {
        facts: program.clone(),
        // glibc takes the program's $ORIGIN from /proc/self/exe: symbolic links resolved.
        origin: paths::dirname(canonical.as_deref().unwrap_or(&program_image)).into(),
        canonical,
        loader: None,
    }];
    closure.objects.push(Object {
        name: program_path.into(),
        host_path: program_path.into(),
        image_path: program_image,
        via: Via::Program,
        needed_by: None,
    });

    if let Some(interp) = &program.interpreter {
        match read_elf(fs, interp) {
            Ok(facts) => {
                loaded.push(Loaded {
                    origin: paths::dirname(interp).into(),
                    canonical: paths::canonicalize(fs, interp).ok(),
                    facts,
                    loader: Some(0),
                });
                closure.objects.push(Object {
                    name: interp.clone(),
                    host_path: interp.clone(),
                    image_path: paths::normalize(interp, &cwd),
                    via: Via::Interpreter,
                    needed_by: Some(program_path.into()),
                });
            }
            Err(why) => closure.missing.push(Missing {
                name: interp.clone(),
                needed_by: program_path.into(),
                reason: format!("the ELF interpreter {interp}: {why}"),
            }),
        }
    }

    let mut queue = VecDeque::from([0usize]);
    while let Some(i) = queue.pop_front() {
        let needed = loaded[i].facts.needed.clone();
        for name in needed {
            if is_loaded(&closure, &loaded, &name)
                || (search.loader == Loader::Musl && is_musl_builtin(&name))
            {
                continue;
            }
            let needed_by = closure.objects[i].host_path.clone();
            if loaded.len() >= MAX_OBJECTS {
                closure.missing.push(Missing {
                    name,
                    needed_by,
                    reason: format!("the search stopped at {MAX_OBJECTS} objects"),
                });
                continue;
            }
            match find(fs, search, &loaded, i, &name, &cwd) {
                Ok((path, via, facts)) => {
                    let canonical = paths::canonicalize(fs, &path).ok();
                    if canonical.is_some() && loaded.iter().any(|l| l.canonical == canonical) {
                        continue; // the same file under another name: loaded once
                    }
                    let image_path = image_path(search, &path, via, &name, &cwd);
                    loaded.push(Loaded {
                        facts,
                        origin: paths::dirname(&path).into(),
                        canonical,
                        loader: Some(i),
                    });
                    closure.objects.push(Object {
                        name,
                        host_path: path,
                        image_path,
                        via,
                        needed_by: Some(needed_by),
                    });
                    queue.push_back(loaded.len() - 1);
                }
                Err(reason) => closure.missing.push(Missing {
                    name,
                    needed_by,
                    reason,
                }),
            }
        }
    }
    closure
}

/// Whether an object already loaded answers to `name` (by the name it was asked for, or its
/// `DT_SONAME`), as the loader checks before it searches.
fn is_loaded(closure: &Closure, loaded: &[Loaded], name: &str) -> bool {
    closure
        .objects
        .iter()
        .zip(loaded)
        .any(|(o, l)| o.name == name || l.facts.soname.as_deref() == Some(name))
        || closure.missing.iter().any(|m| m.name == name)
}

/// The first candidate for `name` that is an ELF shared object of the requester's kind.
fn find(
    fs: &mut dyn RootView,
    search: &Search,
    loaded: &[Loaded],
    requester: usize,
    name: &str,
    cwd: &str,
) -> Result<(String, Via, ElfFacts), String> {
    let mut chain = Vec::new();
    let mut at = Some(requester);
    while let Some(i) = at {
        chain.push((&loaded[i].facts, loaded[i].origin.as_str()));
        // A malformed loader chain cannot loop: each object's loader was loaded before it.
        at = loaded[i].loader.filter(|&l| l < i);
    }
    let want = &loaded[requester].facts;
    let mut problems: Vec<String> = Vec::new();
    let mut dirs: Vec<String> = Vec::new();
    for c in search.candidates(name, &chain) {
        let path = if c.path.starts_with('/') {
            c.path
        } else {
            paths::normalize(&c.path, cwd)
        };
        let dir = format!("{} ({})", paths::dirname(&path), c.via.name());
        if !dirs.contains(&dir) {
            dirs.push(dir);
        }
        match read_elf(fs, &path) {
            Ok(f) if f.e_type != object::elf::ET_DYN => {
                problems.push(format!("{path}: not a shared library ({})", f.kind.name()));
            }
            Ok(f)
                if (f.machine, f.class, f.byte_order)
                    != (want.machine, want.class, want.byte_order) =>
            {
                problems.push(format!(
                    "{path}: a {}-bit {} library, not {}-bit {}",
                    f.class.bits(),
                    f.machine_name(),
                    want.class.bits(),
                    want.machine_name()
                ));
            }
            Ok(f) => return Ok((path, c.via, f)),
            Err(ReadError::Os(Errno::ENOENT)) => {}
            Err(e) => problems.push(format!("{path}: {e}")),
        }
    }
    let mut reason = String::from("not found");
    if !dirs.is_empty() {
        reason.push_str(" in ");
        reason.push_str(&dirs.join(", "));
    }
    for p in problems {
        reason.push_str("; ");
        reason.push_str(&p);
    }
    Err(reason)
}

/// Where a library found at `path` must be in the image. Found through `DT_RPATH`,
/// `DT_RUNPATH`, a path, or a default directory: the same path, which the loader in the image
/// searches too. Found through the cache or `ld.so.conf` in another directory: the image has
/// no cache, so the library goes into the loader's first default directory.
fn image_path(search: &Search, path: &str, via: Via, name: &str, cwd: &str) -> String {
    let path = paths::normalize(path, cwd);
    match via {
        Via::Cache | Via::Conf if !search.is_default_dir(paths::dirname(&path)) => {
            match search.default_dirs.first() {
                Some(dir) => paths::join(dir, name),
                None => path,
            }
        }
        _ => path,
    }
}

/// Why a file could not be used.
#[derive(Debug)]
enum ReadError {
    Os(Errno),
    Bad(String),
}

impl core::fmt::Display for ReadError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            ReadError::Os(e) => write!(f, "{e}"),
            ReadError::Bad(why) => f.write_str(why),
        }
    }
}

fn read_elf(fs: &mut dyn RootView, path: &str) -> Result<ElfFacts, ReadError> {
    let data = fs.read(path).map_err(ReadError::Os)?;
    if !data.starts_with(b"\x7fELF") {
        return Err(ReadError::Bad("not an ELF file".to_string()));
    }
    elf::parse(&data).map_err(|e| ReadError::Bad(format!("malformed ELF: {e}")))
}
