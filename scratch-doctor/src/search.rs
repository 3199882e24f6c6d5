//! Where the dynamic loader looks for a library, in its order (see `ld.so(8)`): [`Search`]
//! holds what the loader knows of the system (its cache and default directories), and
//! [`Search::candidates`] lists the paths it tries for one `DT_NEEDED` name.
//!
//! glibc's order for a name without `/`: `DT_RPATH` of the object that needs it and of the
//! objects that loaded that one, up to the program (only while the needing object has no
//! `DT_RUNPATH`); `LD_LIBRARY_PATH`; that object's own `DT_RUNPATH`; `/etc/ld.so.cache`; the
//! default directories. `LD_LIBRARY_PATH` is left out: a scratch image sets no environment of
//! its own. A name with a `/` is a path, used as it is. musl's loader (`ld-musl-*.so.1`) reads
//! no cache: `DT_RPATH`/`DT_RUNPATH`, then `/etc/ld-musl-ARCH.path` or `/lib:/usr/local/lib:/usr/lib`.

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use crate::elf::ElfFacts;
use crate::ld_so_cache::{LD_SO_CACHE, LdCache};
use crate::ld_so_conf::{self, LD_SO_CONF};
use crate::machine::{Host, machine_name};
use crate::paths;
use crate::root_view::{RootView, ViewError};

/// The loader family, told apart by the interpreter's name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Loader {
    /// glibc's `ld-linux*.so.*` / `ld64.so.*` (and any other).
    Glibc,
    /// musl's `ld-musl-ARCH.so.1`.
    Musl,
}

impl Loader {
    /// The family of the interpreter `interp`.
    pub fn of(interp: &str) -> Loader {
        if paths::basename(interp).starts_with("ld-musl-") {
            Loader::Musl
        } else {
            Loader::Glibc
        }
    }
}

/// Why a path was tried: the step of the loader's search that produced it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Via {
    /// The program itself.
    Program,
    /// Its `PT_INTERP`.
    Interpreter,
    /// A `DT_NEEDED` name that is a path.
    Path,
    /// A `DT_RPATH` directory.
    Rpath,
    /// A `DT_RUNPATH` directory.
    Runpath,
    /// `/etc/ld.so.cache`.
    Cache,
    /// A directory of `/etc/ld.so.conf` (used when there is no cache).
    Conf,
    /// A default directory of the loader.
    Default,
    /// musl's loader is its own libc (`libc.so`, `libpthread.so.0`, … resolve to it).
    MuslSelf,
}

impl Via {
    /// A few words for the report: `DT_RUNPATH`, `/etc/ld.so.cache`, …
    pub fn name(self) -> &'static str {
        match self {
            Via::Program => "the program",
            Via::Interpreter => "PT_INTERP",
            Via::Path => "a path in DT_NEEDED",
            Via::Rpath => "DT_RPATH",
            Via::Runpath => "DT_RUNPATH",
            Via::Cache => "/etc/ld.so.cache",
            Via::Conf => "/etc/ld.so.conf",
            Via::Default => "default directory",
            Via::MuslSelf => "musl's loader is its libc",
        }
    }
}

/// A path to try, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Candidate {
    /// The path.
    pub path: String,
    /// The search step.
    pub via: Via,
}

/// What the loader of one program knows about the system.
#[derive(Clone, Debug)]
pub struct Search {
    /// glibc or musl.
    pub loader: Loader,
    /// `/etc/ld.so.cache`, when there is a readable one (glibc).
    pub cache: Option<LdCache>,
    /// The directories of `/etc/ld.so.conf`: searched only when there is no cache.
    pub conf_dirs: Vec<String>,
    /// The loader's built-in directories, in order.
    pub default_dirs: Vec<String>,
    /// What `$LIB` expands to.
    pub lib: String,
    /// What `$PLATFORM` expands to.
    pub platform: String,
    /// The `glibc-hwcaps` subdirectories searched in each directory before the directory
    /// itself, best first: the x86-64 levels this CPU supports (`x86-64-v4`, `-v3`, `-v2`;
    /// see [`x86_64_levels`]), as glibc 2.33 and later search them (`ld.so --help` lists them).
    pub hwcaps: Vec<String>,
}

impl Search {
    /// What the loader of `program` (by its interpreter) would know on the system `fs`.
    ///
    /// A missing `/etc/ld.so.cache` ([`FileError::is_missing`](crate::root_view::FileError::is_missing): `ENOENT` or `ENOTDIR` when it
    /// is opened) means the loader has none, and so does a malformed one (glibc ignores it);
    /// any other error opening or reading it (`EACCES`, `EIO`, any error once it is open …)
    /// is a [`ViewError`]: the answer would depend on a file the doctor could not read. The
    /// same for musl's `/etc/ld-musl-ARCH.path`, `/etc/ld.so.conf` with its includes and
    /// `/proc/cpuinfo`.
    pub fn load(fs: &mut dyn RootView, program: &ElfFacts) -> Result<Search, ViewError> {
        let loader = program
            .interpreter
            .as_deref()
            .map_or(Loader::Glibc, Loader::of);
        let multiarch = Host::multiarch(program.machine, program.class, program.byte_order);
        let platform = machine_name(program.machine, program.class, program.byte_order)
            .unwrap_or_default()
            .to_string();
        match loader {
            Loader::Glibc => {
                let cache = match fs.read(LD_SO_CACHE) {
                    // A malformed cache is ignored by the loader: none.
                    Ok(data) => LdCache::parse(&data).ok(),
                    Err(e) if e.is_missing() => None,
                    Err(e) => return Err(ViewError::new(LD_SO_CACHE, e.errno())),
                };
                let conf_dirs = if cache.is_none() {
                    ld_so_conf::conf_dirs(fs, LD_SO_CONF)?
                } else {
                    Vec::new()
                };
                let hwcaps = if program.machine == object::elf::EM_X86_64
                    && program.class.bits() == 64
                    && Host::this().machine == object::elf::EM_X86_64
                {
                    cpu_levels(fs)?
                } else {
                    Vec::new()
                };
                Ok(Search {
                    loader,
                    cache,
                    hwcaps,
                    conf_dirs,
                    default_dirs: glibc_default_dirs(multiarch, program.class.bits()),
                    lib: multiarch.map_or_else(|| "lib".into(), |m| format!("lib/{m}")),
                    platform,
                })
            }
            Loader::Musl => {
                let path_file = format!("/etc/ld-musl-{platform}.path");
                let default_dirs = match fs.read(&path_file) {
                    Ok(text) => String::from_utf8_lossy(&text)
                        .split([':', '\n'])
                        .filter(|d| !d.is_empty())
                        .map(ToString::to_string)
                        .collect(),
                    Err(e) if e.is_missing() => ["/lib", "/usr/local/lib", "/usr/lib"]
                        .map(String::from)
                        .to_vec(),
                    Err(e) => return Err(ViewError::new(path_file, e.errno())),
                };
                Ok(Search {
                    loader,
                    cache: None,
                    hwcaps: Vec::new(),
                    conf_dirs: Vec::new(),
                    default_dirs,
                    lib: "lib".into(),
                    platform,
                })
            }
        }
    }

    /// The paths the loader tries for `name`, in order. `chain` is the object that needs it,
    /// then the object that loaded that one, and so on up to the program: each with its facts
    /// and what `$ORIGIN` is for it (the directory it was loaded from).
    pub fn candidates(&self, name: &str, chain: &[(&ElfFacts, &str)]) -> Vec<Candidate> {
        let mut out = Vec::new();
        if name.contains('/') {
            out.push(Candidate {
                path: name.into(),
                via: Via::Path,
            });
            return out;
        }
        let Some(&(requester, _)) = chain.first() else {
            return out;
        };
        // A directory: its glibc-hwcaps subdirectories first, then itself.
        let push_dir = |dir: &str, via: Via, out: &mut Vec<Candidate>| {
            for level in &self.hwcaps {
                out.push(Candidate {
                    path: paths::join(&paths::join(&paths::join(dir, "glibc-hwcaps"), level), name),
                    via,
                });
            }
            out.push(Candidate {
                path: paths::join(dir, name),
                via,
            });
        };
        let push_dirs = |list: &str, origin: &str, via: Via, out: &mut Vec<Candidate>| {
            for dir in list.split(':').filter(|d| !d.is_empty()) {
                let dir = paths::expand_tokens(dir, origin, &self.lib, &self.platform);
                push_dir(&dir, via, out);
            }
        };
        if requester.runpath.is_none() {
            for &(object, origin) in chain {
                // An object with a DT_RUNPATH has its DT_RPATH ignored.
                if let (Some(rpath), None) = (&object.rpath, &object.runpath) {
                    push_dirs(rpath, origin, Via::Rpath, &mut out);
                }
            }
        }
        if let Some(runpath) = &requester.runpath {
            push_dirs(runpath, chain[0].1, Via::Runpath, &mut out);
        }
        if let Some(cache) = &self.cache {
            out.extend(cache.lookup(name).into_iter().map(|p| Candidate {
                path: p.into(),
                via: Via::Cache,
            }));
        }
        for dir in &self.conf_dirs {
            push_dir(dir, Via::Conf, &mut out);
        }
        for dir in &self.default_dirs {
            push_dir(dir, Via::Default, &mut out);
        }
        out
    }

    /// Whether the loader in an image would search `dir` without `/etc/ld.so.cache`.
    pub fn is_default_dir(&self, dir: &str) -> bool {
        self.default_dirs
            .iter()
            .any(|d| d.trim_end_matches('/') == dir)
    }
}

/// Where the kernel says what this CPU has: the `flags` line of `/proc/cpuinfo`.
pub const CPUINFO: &str = "/proc/cpuinfo";

/// The x86-64 levels of this CPU (by [`CPUINFO`] read through `fs`), best first. A missing
/// file (no `/proc`) gives none: the loader may then find a library the doctor calls missing,
/// never the reverse; one that is there and cannot be read is a [`ViewError`].
fn cpu_levels(fs: &mut dyn RootView) -> Result<Vec<String>, ViewError> {
    let text = match fs.read(CPUINFO) {
        Ok(text) => text,
        Err(e) if e.is_missing() => Vec::new(),
        Err(e) => return Err(ViewError::new(CPUINFO, e.errno())),
    };
    let text = String::from_utf8_lossy(&text);
    let flags = text
        .lines()
        .find_map(|l| {
            l.strip_prefix("flags")
                .and_then(|r| r.trim_start().strip_prefix(':'))
        })
        .unwrap_or_default();
    Ok(x86_64_levels(flags).into_iter().map(String::from).collect())
}

/// The x86-64 micro-architecture levels (psABI) that the CPU flags `flags` (the names of
/// `/proc/cpuinfo`) support, best first, as glibc names its `glibc-hwcaps` subdirectories.
pub fn x86_64_levels(flags: &str) -> Vec<&'static str> {
    const V2: &[&str] = &[
        "cx16", "lahf_lm", "popcnt", "pni", "sse4_1", "sse4_2", "ssse3",
    ];
    const V3: &[&str] = &[
        "avx", "avx2", "bmi1", "bmi2", "f16c", "fma", "abm", "movbe", "xsave",
    ];
    const V4: &[&str] = &["avx512f", "avx512bw", "avx512cd", "avx512dq", "avx512vl"];
    let has = |set: &[&str]| {
        set.iter()
            .all(|f| flags.split_whitespace().any(|g| g == *f))
    };
    let mut levels = Vec::new();
    if has(V2) {
        if has(V3) {
            if has(V4) {
                levels.push("x86-64-v4");
            }
            levels.push("x86-64-v3");
        }
        levels.push("x86-64-v2");
    }
    levels
}

/// The library names musl's loader answers with itself (`ldso/dynlink.c`, `load_library`).
pub fn is_musl_builtin(name: &str) -> bool {
    const BUILTIN: [&str; 7] = [
        "libc",
        "libdl",
        "libm",
        "libpthread",
        "librt",
        "libutil",
        "libxnet",
    ];
    name.split_once(".so")
        .is_some_and(|(stem, _)| BUILTIN.contains(&stem))
        || name.starts_with("libc.musl-")
        || name.starts_with("ld-musl-")
}

/// glibc's built-in directories: Debian and Ubuntu build it with the multiarch directories
/// first (`/lib/x86_64-linux-gnu`, `/usr/lib/x86_64-linux-gnu`) and then `/lib`, `/usr/lib`
/// (`ld.so --help` lists them); other distributions use `/lib64`, `/usr/lib64` for 64-bit
/// programs, which come last here.
fn glibc_default_dirs(multiarch: Option<&str>, bits: u32) -> Vec<String> {
    let mut dirs = Vec::new();
    if let Some(m) = multiarch {
        dirs.push(format!("/lib/{m}"));
        dirs.push(format!("/usr/lib/{m}"));
    }
    dirs.push("/lib".into());
    dirs.push("/usr/lib".into());
    if bits == 64 {
        dirs.push("/lib64".into());
        dirs.push("/usr/lib64".into());
    }
    dirs
}

#[cfg(test)]
mod tests;
