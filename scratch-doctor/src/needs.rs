//! [`Need`]: the files a program will look for once it runs, told from what its ELF file says,
//! and whether an image (or the closure that `--copy-closure` copies) has them.
//!
//! "Runs in FROM scratch" is about starting: `execve(2)`, the ELF interpreter, the libraries.
//! Most programs then read files that no `DT_NEEDED` names: `/etc/passwd` for a user name, a CA
//! bundle for TLS, the time zones, glibc's gconv modules, `libgcc_s.so.1` for thread
//! cancellation, an interpreter's standard library. Without them the program starts, then
//! fails, or silently does something else (prints UTC). The ELF file tells which it may need:
//!
//! | file | what it reads |
//! |---|---|
//! | `calls.rs` | what the file says ([`Calls`]): the functions a dynamic program imports (`.dynsym`, with their versions), a static one's `.symtab`, a Go program's function names (`.gopclntab`) |
//! | `glibc.rs` | the C library's calls: a table of function → need |
//! | `go.rs` | Go's packages: a table of function → need, and `time/tzdata` embedded |
//! | `openssl.rs` | OpenSSL's calls that load its default trust store |
//! | `interpreters.rs` | Python, Perl, Ruby and Node.js, by their file name and `DT_NEEDED` |
//!
//! [`of_program`] gives the needs once, from those facts; [`lacking`] keeps those a [`Place`]
//! does not meet (an image's files in `--image`, the closure of a host file), and
//! [`add_sizes_here`] says how large the file to copy is on this machine. The host file's
//! report and the image's report show the result through [`text`] and [`json`], the same way.
//!
//! A need is a prediction from the symbols a program links, not from what it does: `ls` links
//! `getpwuid` for `ls -l` and never calls it for a plain `ls`. So a need does not change the
//! exit status, which stays about starting; the report says what the program will look for if
//! it takes that path.

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt::Write;

use crate::elf::{ElfFacts, ElfKind};
use crate::json::Object;
use crate::machine::Host;
use crate::paths;
use crate::root_view::RootView;
use syscall_kit::Errno;

pub mod calls;
mod glibc;
mod go;
mod interpreters;
mod openssl;

pub use calls::{Calls, read_calls};
pub use go::GO_CERT_FILES;

/// A file (or directory, or library) a program will look for once it runs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Need {
    /// What it is, in plain words, starting with its usual path: `/etc/passwd (user names)`.
    pub what: String,
    /// The paths checked: any one of them meets the need (the usual one first). For a
    /// [`library`](Need::library), the name the loader searches for. Empty: nothing can be
    /// checked (the libraries a program opens by name); the need is always shown.
    pub files: Vec<String>,
    /// `files` holds a library name, found as the loader finds it (`dlopen` by name).
    pub library: bool,
    /// What in the file tells it: the functions or names (`getpwuid`, `crypto/x509.loadSystemRoots`).
    pub because: Vec<String>,
    /// Only in this case (`TZ names a time zone`); `None`: whenever the program takes that path.
    pub when: Option<String>,
    /// What the user sees without it.
    pub without: String,
    /// What to do.
    pub fix: String,
    /// What to copy from this machine, when there is one thing: a file or a directory.
    pub copy: Option<String>,
    /// How large [`copy`](Need::copy) is on this machine, if it is here ([`add_sizes_here`]).
    pub here: Option<Size>,
}

/// How large a file or a directory tree is on this machine.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Size {
    /// Regular files (1 for a file).
    pub files: u64,
    /// Their bytes.
    pub bytes: u64,
    /// Whether every file was counted: `false` for a tree with more than 200,000 entries or
    /// deeper than 32 levels (a loop of directories), whose figures are then those of what was
    /// counted, a lower bound.
    pub complete: bool,
}

impl Size {
    /// Nothing counted yet.
    const EMPTY: Size = Size {
        files: 0,
        bytes: 0,
        complete: true,
    };
}

/// A need of a table: its text, with `{multiarch}` in paths for the machine's Debian
/// multiarch directory (`x86_64-linux-gnu`).
pub(crate) struct Kind {
    /// [`Need::what`].
    pub what: &'static str,
    /// [`Need::files`].
    pub files: &'static [&'static str],
    /// [`Need::library`].
    pub library: bool,
    /// [`Need::without`].
    pub without: &'static str,
    /// [`Need::fix`].
    pub fix: &'static str,
    /// [`Need::copy`].
    pub copy: Option<&'static str>,
}

impl Kind {
    /// The need, for a program of the machine whose multiarch directory is `multiarch`.
    pub fn need(&self, multiarch: &str) -> Need {
        let fill = |s: &str| s.replace("{multiarch}", multiarch);
        Need {
            what: fill(self.what),
            files: self.files.iter().map(|f| fill(f)).collect(),
            library: self.library,
            because: Vec::new(),
            when: None,
            without: fill(self.without),
            fix: fill(self.fix),
            copy: self.copy.map(fill),
            here: None,
        }
    }
}

/// A line of a table: the functions (or names) that tell the need, and when it applies.
pub(crate) struct Rule {
    /// The names. In Go's table a name ending in `*` is a prefix (`os/user.lookupUser*`).
    pub names: &'static [&'static str],
    /// The need.
    pub kind: &'static Kind,
    /// Only in this case (see [`Need::when`]).
    pub when: Option<&'static str>,
}

/// What a program runs with that its file does not say: known in an image (its `Env`),
/// unknown for a host file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RunsWith<'a> {
    /// `TZ`, when known to be set.
    pub tz: Option<&'a str>,
}

/// The needs of the ELF program `elf`, whose path is `path` (its real path, for an
/// interpreter's name and prefix), from what its file says (`calls`). Each need once, with
/// every name that tells it.
pub fn of_program(path: &str, elf: &ElfFacts, calls: &Calls, runs_with: RunsWith<'_>) -> Vec<Need> {
    if !matches!(
        elf.kind,
        ElfKind::Executable | ElfKind::Pie | ElfKind::StaticPie
    ) {
        return Vec::new();
    }
    let multiarch = Host::multiarch(elf.machine, elf.class, elf.byte_order).unwrap_or("");
    let mut needs = Vec::new();
    glibc::add(calls, multiarch, &mut needs);
    go::add(calls, multiarch, &mut needs);
    openssl::add(calls, multiarch, &mut needs);
    interpreters::add(path, elf, multiarch, &mut needs);
    needs.retain_mut(|n| zone_of(n, runs_with.tz));
    needs
}

/// Adds `because` (with `when`) to the need `kind` in `needs`, or the need itself.
fn add_rule(needs: &mut Vec<Need>, rule: &Rule, because: &str, multiarch: &str) {
    let what = rule.kind.what.replace("{multiarch}", multiarch);
    let at = match needs.iter().position(|n| n.what == what) {
        Some(at) => at,
        None => {
            let mut need = rule.kind.need(multiarch);
            need.when = rule.when.map(ToString::to_string);
            needs.push(need);
            needs.len() - 1
        }
    };
    let need = &mut needs[at];
    // One rule that applies always makes the need unconditional.
    if rule.when.is_none() {
        need.when = None;
    }
    if !need.because.iter().any(|b| b == because) {
        need.because.push(because.into());
    }
}

/// A time-zone need when `TZ` is known: `TZ=Asia/Shanghai` needs that one file, in the
/// directories the need names; a `TZ` that names no file (`UTC`, a POSIX rule such as
/// `CST-8`) needs none (`false`: drop the need). Unknown, the need is for the directory, when
/// `TZ` names a zone. Any other need is kept as it is.
fn zone_of(need: &mut Need, tz: Option<&str>) -> bool {
    if !need.what.starts_with(ZONEINFO_WHAT) {
        return true;
    }
    let Some(tz) = tz else { return true };
    // Only the rule that applies with TZ set: `time.LoadLocation` needs the zones it loads.
    if need.when.is_none() {
        return true;
    }
    let zone = tz.strip_prefix(':').unwrap_or(tz);
    let rule = zone.contains(|c: char| c.is_ascii_digit()) && !zone.contains('/');
    if zone.is_empty() || rule || matches!(zone, "UTC" | "GMT" | "UTC0" | "GMT0") {
        return false;
    }
    need.when = None;
    need.because.push(format!("TZ={tz}"));
    need.files = if zone.starts_with('/') {
        alloc::vec![zone.into()]
    } else {
        need.files
            .iter()
            .map(|dir| paths::join(dir, zone))
            .collect()
    };
    need.copy = need.files.first().cloned();
    true
}

/// How every time-zone need's [`Need::what`] starts.
pub(crate) const ZONEINFO_WHAT: &str = "/usr/share/zoneinfo";

/// Where the needs are checked: an image's files, or the closure a host file would have.
pub trait Place {
    /// Whether the file or directory `path` is there (links followed).
    fn has(&mut self, path: &str) -> bool;

    /// Whether the loader there finds the library `name`, as `dlopen(3)` by name finds it.
    fn finds_library(&mut self, name: &str) -> bool;
}

/// The needs that `place` does not meet; those that cannot be checked are kept.
pub fn lacking(needs: Vec<Need>, place: &mut dyn Place) -> Vec<Need> {
    needs
        .into_iter()
        .filter(|n| match (&n.files[..], n.library) {
            ([], _) => true,
            (names, true) => !names.iter().any(|name| place.finds_library(name)),
            (paths, false) => !paths.iter().any(|path| place.has(path)),
        })
        .collect()
}

/// The most entries [`add_sizes_here`] counts in one directory tree: far more than
/// `/usr/share/zoneinfo` or a Python standard library has.
const MAX_COUNTED: u64 = 200_000;

/// The deepest [`add_sizes_here`] goes in a directory tree.
const MAX_DEPTH: usize = 32;

/// Fills in [`Need::here`]: how large the file or directory to copy is on this machine
/// (`host`), when it is here. A file that is here and cannot be read (an error other than
/// `ENOENT` or `ENOTDIR`) is the doctor's own problem: `Err` names it, as for any file it must
/// read (`cannot read /etc/passwd on this machine: EIO: Input/output error`), rather than a
/// size or "not on this machine" that would be untrue.
pub fn add_sizes_here(needs: &mut [Need], host: &mut dyn RootView) -> Result<(), String> {
    for need in needs {
        if let Some(copy) = &need.copy {
            let mut counted = 0;
            need.here = size_of_tree(host, copy, 0, &mut counted)
                .map_err(|(path, e)| format!("cannot read {path} on this machine: {e}"))?;
        }
    }
    Ok(())
}

/// Whether `e`, from a lookup of a path, means it is not there.
fn not_there(e: Errno) -> bool {
    matches!(e, Errno::ENOENT | Errno::ENOTDIR)
}

/// The size of the file `path`, or of the regular files under the directory `path` (symbolic
/// links inside it not followed); `None` if it is not here; `Err` with the path when it is here
/// and cannot be read. Past [`MAX_COUNTED`] entries or [`MAX_DEPTH`] levels the count stops,
/// and the size says it is not [`complete`](Size::complete).
fn size_of_tree(
    host: &mut dyn RootView,
    path: &str,
    depth: usize,
    counted: &mut u64,
) -> Result<Option<Size>, (String, Errno)> {
    *counted += 1;
    if *counted > MAX_COUNTED || depth > MAX_DEPTH {
        return Ok(Some(Size {
            complete: false,
            ..Size::EMPTY
        }));
    }
    let failed = |e| (String::from(path), e);
    // An entry of a directory listed here: its link not followed, and any error reading it
    // (even ENOENT: it was listed) is the doctor's.
    if depth > 0 {
        match host.read_link(path) {
            Ok(Some(_)) => return Ok(Some(Size::EMPTY)),
            Ok(None) => {}
            Err(e) => return Err(failed(e)),
        }
    }
    match host.list_dir(path) {
        Ok(names) => {
            let mut total = Size::EMPTY;
            for name in names {
                let inner = size_of_tree(host, &paths::join(path, &name), depth + 1, counted)?
                    .ok_or_else(|| failed(Errno::ENOENT))?;
                total.files += inner.files;
                total.bytes += inner.bytes;
                total.complete &= inner.complete;
            }
            Ok(Some(total))
        }
        // Not a directory: a file (or not there).
        Err(Errno::ENOTDIR) => match host.open(path) {
            Ok(file) => Ok(Some(Size {
                files: 1,
                bytes: file.size(),
                complete: true,
            })),
            Err(e) if e.is_missing() && depth == 0 => Ok(None),
            Err(e) => Err(failed(e.errno())),
        },
        // ENOENT from opening it is "not here"; from reading a directory that was opened, it was
        // removed while it was read: an error. Whether the path is there tells them apart.
        Err(Errno::ENOENT) if depth == 0 => match host.read_link(path) {
            Err(e) if not_there(e) => Ok(None),
            _ => Err(failed(Errno::ENOENT)),
        },
        Err(e) if not_there(e) && depth == 0 => Ok(None),
        Err(e) => Err(failed(e)),
    }
}

/// Appends the needs as text lines, each starting with `indent`, after a first line
/// `heading`; nothing when there are none.
pub fn text(out: &mut String, needs: &[Need], indent: &str, heading: &str) {
    if needs.is_empty() {
        return;
    }
    let _ = writeln!(out, "{indent}{heading}");
    for n in needs {
        let when = n
            .when
            .as_deref()
            .map(|w| format!(", when {w}"))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "{indent}  {}, for {}{when}",
            n.what,
            n.because.join(", ")
        );
        let _ = writeln!(out, "{indent}    without it: {}", n.without);
        let _ = writeln!(out, "{indent}    fix: {}{}", n.fix, here_text(n));
    }
}

/// ` (here: /etc/passwd, 1524 bytes)`, or nothing.
fn here_text(n: &Need) -> String {
    match (&n.copy, n.here) {
        (
            Some(copy),
            Some(Size {
                files: 1,
                bytes,
                complete: true,
            }),
        ) => {
            format!(" (on this machine: {copy}, {bytes} bytes)")
        }
        (
            Some(copy),
            Some(Size {
                files,
                bytes,
                complete: true,
            }),
        ) => {
            format!(" (on this machine: {copy}, {files} files, {bytes} bytes)")
        }
        (
            Some(copy),
            Some(Size {
                files,
                bytes,
                complete: false,
            }),
        ) => {
            format!(
                " (on this machine: {copy}, more than {files} files and {bytes} bytes: too many to count)"
            )
        }
        (Some(copy), None) => format!(" (not on this machine: {copy})"),
        (None, _) => String::new(),
    }
}

/// The needs as a JSON array.
pub fn json(needs: &[Need]) -> String {
    let mut out = String::from("[");
    for (i, n) in needs.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let mut o = Object::new(&mut out);
        o.str("need", &n.what)
            .strs("files", n.files.iter().map(String::as_str))
            .bool("library", n.library)
            .strs("because", n.because.iter().map(String::as_str))
            .opt_str("when", n.when.as_deref())
            .str("without_it", &n.without)
            .str("fix", &n.fix)
            .opt_str("copy", n.copy.as_deref());
        match n.here {
            Some(Size {
                files,
                bytes,
                complete,
            }) => {
                o.raw(
                    "here",
                    &format!("{{\"files\":{files},\"bytes\":{bytes},\"complete\":{complete}}}"),
                );
            }
            None => {
                o.raw("here", "null");
            }
        }
        o.end();
    }
    out.push(']');
    out
}

#[cfg(test)]
mod tests;
