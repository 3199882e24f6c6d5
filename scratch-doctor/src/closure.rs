//! [`resolve_closure`]: the files a dynamic program needs in an image (its interpreter and
//! every `DT_NEEDED` library, recursively), found the way the loader finds them, each with its
//! path on this machine and the path it must have in the image.

use alloc::collections::VecDeque;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use syscall_kit::Errno;

use object::read::ReadRef;

use crate::elf::{self, ElfFacts, FileReader};
use crate::paths;
use crate::root_view::{FileError, RootView, ViewError};
use crate::search::{Loader, Search, Via, is_musl_builtin};

/// How many objects a closure may hold before the search stops (no real program comes close).
pub const MAX_OBJECTS: usize = 4096;

/// The directories that a container runtime mounts over in every container (runc's default
/// mounts): whatever an image holds there is hidden, so no file of a closure can be put there.
/// Each with what the runtime mounts.
pub const RUNTIME_MOUNTS: [(&str, &str); 3] = [
    ("/proc", "its own proc file system"),
    ("/sys", "sysfs"),
    ("/dev", "a tmpfs of device files"),
];

/// The runtime mount `image_path` (an absolute, normalized path) is at or under, and what the
/// runtime mounts there; `None` for a path an image can hold.
pub fn under_runtime_mount(image_path: &str) -> Option<(&'static str, &'static str)> {
    RUNTIME_MOUNTS.into_iter().find(|(dir, _)| {
        image_path
            .strip_prefix(dir)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
    })
}

/// Why nothing of a closure goes under the runtime mount `dir`, where the runtime mounts
/// `what` ([`under_runtime_mount`]'s answer): `under /proc, where …`, after a path.
pub fn hidden_there((dir, what): (&str, &str)) -> String {
    format!(
        "under {dir}, where the container runtime mounts {what} in every container: a file \
         the image holds there is hidden, so nothing is copied there"
    )
}

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
    /// `$ORIGIN` for it here.
    origin: String,
    /// `$ORIGIN` for it in the image: the directory of its image path, which differs from
    /// `origin` for a program called through a symbolic link (the copy is a regular file there)
    /// and for a library moved into a default directory.
    image_origin: String,
    /// Its real path, to recognise one file loaded under two names.
    canonical: Option<String>,
    /// The object that loaded it.
    loader: Option<usize>,
}

/// The current directory of the view, asked for once and only when a relative path needs it
/// (a deleted working directory does not matter to `--closure /usr/bin/ls`).
struct Cwd(Option<String>);

impl Cwd {
    /// `path` made absolute and cleaned ([`paths::normalize`]).
    fn absolute(&mut self, fs: &mut dyn RootView, path: &str) -> Result<String, ViewError> {
        if path.starts_with('/') {
            return Ok(paths::normalize(path, "/"));
        }
        if self.0.is_none() {
            let cwd = fs
                .current_dir()
                .map_err(|e| ViewError::new("the current directory", e))?;
            self.0 = Some(cwd);
        }
        Ok(paths::normalize(path, self.0.as_deref().unwrap_or("/")))
    }
}

/// The real path of `path` ([`paths::canonicalize`]); an error of the view is a [`ViewError`].
fn canonical(fs: &mut dyn RootView, path: &str) -> Result<String, ViewError> {
    paths::canonicalize(fs, path).map_err(|e| match e {
        Errno::ELOOP | Errno::ENOENT | Errno::ENOTDIR => ViewError::new(path, e),
        _ => ViewError::new(format!("{path} (resolving its symbolic links)"), e),
    })
}

/// Finds the interpreter and every library `program` (the ELF file at `program_path`) needs,
/// through `fs`, as the loader described by `search` would.
///
/// A library that cannot be found is [`Missing`]: not there ([`FileError::is_missing`]:
/// `ENOENT`, `ENOTDIR` when it is opened), or there but not an ELF shared object of the right
/// kind. A failure of the view itself that leaves the answer unknown is a [`ViewError`], never
/// a guess: the interpreter or a candidate library that is there but cannot be read (any other
/// error of opening or reading it: `EACCES`, `EIO`, …), the current directory, needed for a
/// relative path, that cannot be had, the symbolic links of a file that was read that cannot
/// be resolved.
pub fn resolve_closure(
    fs: &mut dyn RootView,
    program_path: &str,
    program: &ElfFacts,
    search: &Search,
) -> Result<Closure, ViewError> {
    resolve_closure_at(fs, program_path, None, program, search)
}

/// [`resolve_closure`], with the program at `program_image` in the image (an absolute path)
/// rather than at the path it is called by here: its `$ORIGIN` in the image is that path's
/// directory, and the image paths of the libraries found through `$ORIGIN` follow it.
/// scratch-pack puts a program at `/NAME` so.
pub fn resolve_closure_at(
    fs: &mut dyn RootView,
    program_path: &str,
    program_image: Option<&str>,
    program: &ElfFacts,
    search: &Search,
) -> Result<Closure, ViewError> {
    let mut cwd = Cwd(None);
    let mut closure = Closure::default();
    // In the image, the program keeps the path it is called by here (its contents copied),
    // unless it is given one.
    let program_image = match program_image {
        Some(at) => paths::normalize(at, "/"),
        None => cwd.absolute(fs, program_path)?,
    };
    let canonical_program = canonical(fs, program_path)?;
    let mut loaded = alloc::vec![Loaded {
        facts: program.clone(),
        // glibc takes the program's $ORIGIN from /proc/self/exe: symbolic links resolved.
        origin: paths::dirname(&canonical_program).into(),
        image_origin: paths::dirname(&program_image).into(),
        canonical: Some(canonical_program),
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
        let image_path = cwd.absolute(fs, interp)?;
        match (read_elf(fs, interp), under_runtime_mount(&image_path)) {
            (Ok(_), Some(mount)) => closure.missing.push(Missing {
                name: interp.clone(),
                needed_by: program_path.into(),
                reason: format!("the ELF interpreter {interp}: {}", hidden_there(mount)),
            }),
            (Ok(facts), None) => {
                loaded.push(Loaded {
                    origin: paths::dirname(interp).into(),
                    image_origin: paths::dirname(&image_path).into(),
                    canonical: Some(canonical(fs, interp)?),
                    facts,
                    loader: Some(0),
                });
                closure.objects.push(Object {
                    name: interp.clone(),
                    host_path: interp.clone(),
                    image_path,
                    via: Via::Interpreter,
                    needed_by: Some(program_path.into()),
                });
            }
            (Err(ReadError::File(e)), _) if !e.is_missing() => {
                return Err(ViewError::new(interp.clone(), e.errno()));
            }
            (Err(why), _) => closure.missing.push(Missing {
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
            match find(fs, search, &loaded, i, &name, &mut cwd)? {
                Ok(Found {
                    path,
                    via,
                    facts,
                    image: image_candidate,
                }) => {
                    let canonical = Some(canonical(fs, &path)?);
                    if loaded.iter().any(|l| l.canonical == canonical) {
                        continue; // the same file under another name: loaded once
                    }
                    let image_path =
                        image_path(search, cwd.absolute(fs, &image_candidate)?, via, &name);
                    loaded.push(Loaded {
                        facts,
                        origin: paths::dirname(&path).into(),
                        image_origin: paths::dirname(&image_path).into(),
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
    Ok(closure)
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

/// A library [`find`] found: its path here, the search step, its facts, and the path that step
/// gives in the image.
struct Found {
    path: String,
    via: Via,
    facts: ElfFacts,
    image: String,
}

/// The first candidate for `name` that is an ELF shared object of the requester's kind, with
/// the path the same search step gives in the image (`$ORIGIN` there being the directory of
/// each object's image path), or why there is none.
fn find(
    fs: &mut dyn RootView,
    search: &Search,
    loaded: &[Loaded],
    requester: usize,
    name: &str,
    cwd: &mut Cwd,
) -> Result<Result<Found, String>, ViewError> {
    let mut chain = Vec::new();
    let mut image_chain = Vec::new();
    let mut at = Some(requester);
    while let Some(i) = at {
        chain.push((&loaded[i].facts, loaded[i].origin.as_str()));
        image_chain.push((&loaded[i].facts, loaded[i].image_origin.as_str()));
        // A malformed loader chain cannot loop: each object's loader was loaded before it.
        at = loaded[i].loader.filter(|&l| l < i);
    }
    let want = &loaded[requester].facts;
    let mut problems: Vec<String> = Vec::new();
    let mut dirs: Vec<String> = Vec::new();
    // The same steps in the same order, only `$ORIGIN` differs: the lists pair up.
    let image_candidates = search.candidates(name, &image_chain);
    for (c, image) in search
        .candidates(name, &chain)
        .into_iter()
        .zip(image_candidates)
    {
        let path = if c.path.starts_with('/') {
            c.path
        } else {
            cwd.absolute(fs, &c.path)?
        };
        let dir = format!("{} ({})", paths::dirname(&path), c.via.name());
        if !dirs.contains(&dir) {
            dirs.push(dir);
        }
        // A candidate under /proc, /sys or /dev is the runtime's in the image, not the
        // image's: the loader there finds what the runtime shows, never a copy. The search
        // goes on, as the loader's does when it finds nothing.
        let image_path = cwd.absolute(fs, &image.path)?;
        if let Some(mount) = under_runtime_mount(&image_path) {
            if fs.open(&path).is_ok() {
                problems.push(format!("{path}: {}", hidden_there(mount)));
            }
            continue;
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
            Ok(facts) => {
                return Ok(Ok(Found {
                    path,
                    via: c.via,
                    facts,
                    image: image.path,
                }));
            }
            // Not there: the loader goes on to the next directory.
            Err(ReadError::File(e)) if e.is_missing() => {}
            Err(ReadError::File(e)) => return Err(ViewError::new(path, e.errno())),
            Err(ReadError::Bad(why)) => problems.push(format!("{path}: {why}")),
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
    Ok(Err(reason))
}

/// Where a library must be in the image, given `path`, the path the step that found it gives
/// in the image (with `$ORIGIN` that of the image). Found through `DT_RPATH`, `DT_RUNPATH`, a
/// path, or a default directory: that path, which the loader in the image searches too. Found through the cache or `ld.so.conf` in another directory: the image has
/// no cache, so the library goes into the loader's first default directory.
fn image_path(search: &Search, path: String, via: Via, name: &str) -> String {
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

/// Why a file could not be used: the view's error, or what is wrong with its contents.
#[derive(Debug)]
enum ReadError {
    File(FileError),
    Bad(String),
}

impl core::fmt::Display for ReadError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            ReadError::File(e) => write!(f, "{e}"),
            ReadError::Bad(why) => f.write_str(why),
        }
    }
}

/// The facts of the ELF file at `path`, read through [`RootView::open`]: only its headers,
/// dynamic section and strings.
fn read_elf(fs: &mut dyn RootView, path: &str) -> Result<ElfFacts, ReadError> {
    let file = fs.open(path).map_err(ReadError::File)?;
    let reader = FileReader::new(&*file);
    let magic = (&reader).read_bytes_at(0, 4);
    let parsed = match magic {
        Ok(b"\x7fELF") => elf::parse_from(&reader).map_err(|e| format!("malformed ELF: {e}")),
        _ => Err("not an ELF file".to_string()),
    };
    // A read that failed is the file's error, not a malformed file.
    if let Some(e) = reader.io_error() {
        return Err(ReadError::File(FileError::Read(e)));
    }
    parsed.map_err(ReadError::Bad)
}

#[cfg(test)]
mod tests;
