//! [`TraceReport`]: a [`Trace`] told apart by why each file is there: the closure of every
//! program executed (`PT_INTERP`, `DT_NEEDED`, a script's `#!` interpreter: what the kernel and
//! the loader open, which no traced call shows), the files opened (configuration, modules,
//! data), the directories, what was searched and absent (with the alternative used, when
//! there was one), the symbolic links on the way, and what is the runtime's (`/proc`, `/sys`,
//! `/dev`) or the program's own output; as text or JSON.

use alloc::collections::BTreeSet;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt::Write;

use syscall_kit::Errno;

use super::calls::Use;
use super::links::Links;
use super::{End, Trace};
use crate::check::verdict_line;
use crate::closure::{Closure, DLOPEN_WARNING, resolve_closure};
use crate::elf::FileReader;
use crate::json::Object;
use crate::paths;
use crate::program::{Program, inspect_from};
use crate::root_view::{FileError, ViewError};
use crate::search::Search;
use crate::{RootView, file_report};

/// How deep the kernel follows `#!` interpreters that are scripts themselves
/// (`BINPRM_MAX_RECURSION`, fs/exec.c).
const MAX_SCRIPT_DEPTH: usize = 4;

/// The directories whose files are the runtime's, not the image's: a container runtime mounts
/// its own there.
pub const RUNTIME_DIRS: [&str; 3] = ["/proc", "/sys", "/dev"];

/// Whether `path` is under one of [`RUNTIME_DIRS`].
pub fn is_runtime(path: &str) -> bool {
    RUNTIME_DIRS
        .iter()
        .any(|d| path == *d || path.strip_prefix(d).is_some_and(|r| r.starts_with('/')))
}

/// A program the command executed, with what the kernel and the loader need to start it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Executed {
    /// Its path.
    pub path: String,
    /// For a script: its `#!` interpreters, outermost first.
    pub interpreters: Vec<String>,
    /// The closure of the ELF program that runs (the program, or its last interpreter); `None`
    /// when it could not be had, with why in `problem`.
    pub closure: Option<Closure>,
    /// Why there is no closure, or what is wrong with it.
    pub problem: Option<String>,
}

/// Why an opened file is there, by its path.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Category {
    /// Under `/etc`, or a `.conf`, `.cnf`, `.cfg`, `.ini` file.
    Configuration,
    /// Code loaded at run time: shared objects, Python, Perl, Ruby, JavaScript modules, gconv.
    Module,
    /// Anything else: time zones, locales, certificates, databases …
    Data,
}

impl Category {
    /// Its name in the report.
    pub fn name(self) -> &'static str {
        match self {
            Category::Configuration => "configuration",
            Category::Module => "modules",
            Category::Data => "data",
        }
    }

    /// The category of the file `path`.
    pub fn of(path: &str) -> Category {
        let name = paths::basename(path);
        let ext = name.rsplit_once('.').map_or("", |(_, e)| e);
        if path.starts_with("/etc/") || matches!(ext, "conf" | "cnf" | "cfg" | "ini") {
            Category::Configuration
        } else if ext == "so"
            || name.contains(".so.")
            || matches!(
                ext,
                "py" | "pyc" | "pm" | "pl" | "rb" | "js" | "mjs" | "jar"
            )
            || path.contains("/gconv/")
        {
            Category::Module
        } else {
            Category::Data
        }
    }
}

/// A path that was looked up and not found (or refused).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Absent {
    /// The path.
    pub path: String,
    /// The error the program got.
    pub errno: Errno,
    /// The path the same process used right after, when it is an alternative (same directory
    /// or same name): how a program searches.
    pub then: Option<String>,
}

/// What a traced run needs in an image, by why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TraceReport {
    /// The command as given.
    pub command: Vec<String>,
    /// How it ended.
    pub end: End,
    /// How many processes and threads were traced.
    pub traced: usize,
    /// The programs executed.
    pub executed: Vec<Executed>,
    /// The files opened, or looked up, that exist: `(path, category)`, once each, in the order
    /// first seen.
    pub files: Vec<(String, Category)>,
    /// The directories opened, listed or made the current one.
    pub directories: Vec<String>,
    /// What was looked up and not there.
    pub absent: Vec<Absent>,
    /// The symbolic links on the way to what was found: `(path, target)`.
    pub links: Vec<(String, String)>,
    /// Paths under `/proc`, `/sys`, `/dev`: the runtime's.
    pub runtime: Vec<String>,
    /// What the program wrote, created, removed or renamed: its output.
    pub written: Vec<String>,
    /// `AF_UNIX` sockets it connected to: services of the machine.
    pub sockets: Vec<String>,
    /// Paths that could not be made absolute, with why.
    pub unresolved: Vec<String>,
    /// What could not be followed.
    pub warnings: Vec<String>,
    /// With `--check`: whether the command did the same in an empty root made of the copy
    /// (`None`: not checked).
    pub works: Option<Works>,
}

/// What `--check` found: the command run again in an empty root made of what `--copy-closure`
/// copied ([`crate::check::run_in`]), compared with the traced run
/// ([`crate::check::first_difference`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Works {
    /// The same exit status, standard output and standard error.
    Yes,
    /// The first difference, in one line.
    No(String),
}

impl Works {
    /// The first difference, `None` for [`Works::Yes`].
    pub fn difference(&self) -> Option<&str> {
        match self {
            Works::Yes => None,
            Works::No(d) => Some(d),
        }
    }
}

impl TraceReport {
    /// The report of `trace`, the run of `command`, reading this machine's files through `fs`
    /// (the closures, the symbolic links). A file that is gone since the run is said so; an
    /// error of `fs` that leaves the answer unknown (`EACCES`, `EIO` …) is a [`ViewError`].
    pub fn new(
        fs: &mut dyn RootView,
        command: Vec<String>,
        trace: &Trace,
    ) -> Result<TraceReport, ViewError> {
        let mut links = Links::default();
        let mut programs = Vec::new();
        for p in &trace.executed {
            programs.push(executed(fs, p)?);
        }
        let mut report = TraceReport {
            command,
            end: trace.end,
            traced: trace.traced,
            executed: programs,
            files: Vec::new(),
            directories: Vec::new(),
            absent: absent(trace),
            links: Vec::new(),
            runtime: Vec::new(),
            written: Vec::new(),
            sockets: Vec::new(),
            unresolved: Vec::new(),
            warnings: trace.warnings.clone(),
            works: None,
        };
        let mut seen = BTreeSet::new();
        for l in &trace.lookups {
            let path = match &l.path {
                Ok(p) => p,
                Err(why) => {
                    let line = format!("{} ({}): {why}", l.given, l.call);
                    push_once(&mut report.unresolved, line);
                    continue;
                }
            };
            if is_runtime(path) {
                push_once(&mut report.runtime, path.clone());
                continue;
            }
            if l.uses.changes() {
                push_once(&mut report.written, path.clone());
                continue;
            }
            if !l.found() || !seen.insert(path.clone()) {
                continue;
            }
            match l.uses {
                // In `executed`, with its closure.
                Use::Exec => continue,
                Use::Connect => push_once(&mut report.sockets, path.clone()),
                Use::Directory | Use::Chdir | Use::Chroot => {
                    report.directories.push(path.clone());
                }
                _ => {}
            }
            let real = resolve(&mut links, fs, path, l.follow)?;
            if matches!(
                l.uses,
                Use::Directory | Use::Chdir | Use::Chroot | Use::Connect
            ) {
                continue;
            }
            // A lookup (stat, access) of a directory is a directory; of anything else, a file.
            let directory = match &real {
                Some(r) => is_directory(fs, r)?,
                None => false,
            };
            if directory {
                report.directories.push(path.clone());
            } else {
                report.files.push((path.clone(), Category::of(path)));
            }
        }
        for e in &report.executed {
            for o in e.closure.iter().flat_map(|c| &c.objects) {
                resolve(&mut links, fs, &o.host_path, true)?;
            }
        }
        report.links = links.all();
        if !matches!(report.end, End::Exited(0)) {
            report.warnings.push(format!(
                "the command {}: what it did not get to do is not in this trace",
                report.end
            ));
        }
        Ok(report)
    }

    /// Whether the command exited with status 0, every executed program's closure is complete
    /// and, when checked, it did the same in the copy: what `--trace` counts as success.
    pub fn all_good(&self) -> bool {
        self.end == End::Exited(0)
            && !matches!(self.works, Some(Works::No(_)))
            && self.executed.iter().all(|e| {
                e.problem.is_none() && e.closure.as_ref().is_none_or(|c| c.missing.is_empty())
            })
    }

    /// The report as text.
    pub fn text(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "{}:", shell_words(&self.command));
        let _ = writeln!(
            out,
            "  the command {} ({} processes and threads traced)",
            self.end, self.traced
        );
        let _ = writeln!(out, "  programs executed: {}", self.executed.len());
        for e in &self.executed {
            let _ = write!(out, "    {}", e.path);
            for i in &e.interpreters {
                let _ = write!(out, " (#! {i})");
            }
            out.push('\n');
            if let Some(problem) = &e.problem {
                let _ = writeln!(out, "      problem: {problem}");
            }
            if let Some(c) = &e.closure {
                let mut closure = String::new();
                file_report::closure_text(&mut closure, c);
                // Indented under the program: each line two more spaces.
                for line in closure.lines() {
                    let _ = writeln!(out, "    {line}");
                }
            }
        }
        for category in [Category::Configuration, Category::Module, Category::Data] {
            let files: Vec<&str> = self
                .files
                .iter()
                .filter(|(_, c)| *c == category)
                .map(|(p, _)| p.as_str())
                .collect();
            list(
                &mut out,
                &format!("files opened, {}", category.name()),
                &files,
            );
        }
        list(&mut out, "directories", &strs(&self.directories));
        let _ = writeln!(out, "  searched and absent: {}", self.absent.len());
        for a in &self.absent {
            let _ = match &a.then {
                Some(then) => {
                    writeln!(out, "    {} ({}), then {then}", a.path, errno_name(a.errno))
                }
                None => writeln!(out, "    {} ({})", a.path, errno_name(a.errno)),
            };
        }
        let links: Vec<String> = self
            .links
            .iter()
            .map(|(p, t)| format!("{p} -> {t}"))
            .collect();
        list(&mut out, "symbolic links on the way", &strs(&links));
        list(
            &mut out,
            "the runtime's (listed, not copied)",
            &strs(&self.runtime),
        );
        list(
            &mut out,
            "written by the program (not copied)",
            &strs(&self.written),
        );
        list(&mut out, "sockets connected to", &strs(&self.sockets));
        list(&mut out, "not resolved", &strs(&self.unresolved));
        for w in &self.warnings {
            let _ = writeln!(out, "  warning: {w}");
        }
        let _ = writeln!(
            out,
            "  note: the files a program opens are in the trace only for what this run did: \
             another input, option or environment may need others"
        );
        if let Some(works) = &self.works {
            let _ = writeln!(out, "  {}", verdict_line(works.difference()));
        }
        out
    }

    /// The report as one JSON object on one line (no newline).
    pub fn json(&self) -> String {
        let mut out = String::new();
        let mut o = Object::new(&mut out);
        o.strs("command", self.command.iter().map(String::as_str));
        let mut end = String::new();
        let mut e = Object::new(&mut end);
        match self.end {
            End::Exited(code) => e.str("how", "exited").raw("status", &format!("{code}")),
            End::Killed(sig) => e.str("how", "killed").raw("signal", &format!("{sig}")),
            End::TimedOut => e.str("how", "timeout"),
            End::Interrupted(sig) => e.str("how", "interrupted").raw("signal", &format!("{sig}")),
        };
        e.end();
        o.raw("end", &end)
            .raw("traced", &format!("{}", self.traced))
            .bool("all_good", self.all_good());
        array(o.key("executed"), &self.executed, |p, ex| {
            p.str("path", &ex.path)
                .strs("interpreters", ex.interpreters.iter().map(String::as_str))
                .opt_str("problem", ex.problem.as_deref());
            match &ex.closure {
                Some(c) => file_report::closure_json(p.key("closure"), c),
                None => {
                    p.raw("closure", "null");
                }
            }
        });
        array(o.key("files"), &self.files, |f, (path, category)| {
            f.str("path", path).str("category", category.name());
        });
        o.strs("directories", self.directories.iter().map(String::as_str));
        array(o.key("absent"), &self.absent, |f, a| {
            f.str("path", &a.path)
                .str("errno", &errno_name(a.errno))
                .opt_str("then", a.then.as_deref());
        });
        array(o.key("links"), &self.links, |f, (path, target)| {
            f.str("path", path).str("target", target);
        });
        o.strs("runtime", self.runtime.iter().map(String::as_str))
            .strs("written", self.written.iter().map(String::as_str))
            .strs("sockets", self.sockets.iter().map(String::as_str))
            .strs("unresolved", self.unresolved.iter().map(String::as_str))
            .strs("warnings", self.warnings.iter().map(String::as_str))
            .str("dlopen_note", DLOPEN_WARNING);
        match &self.works {
            None => {
                o.raw("works", "null");
            }
            Some(works) => {
                let mut checked = String::new();
                let mut c = Object::new(&mut checked);
                c.bool("yes", *works == Works::Yes)
                    .opt_str("difference", works.difference());
                c.end();
                o.raw("works", &checked);
            }
        }
        o.end();
        out
    }
}

/// A JSON array at the end of `out` of one object per item, each written by `each`.
fn array<T>(out: &mut String, items: &[T], each: impl Fn(&mut Object<'_>, &T)) {
    out.push('[');
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let mut o = Object::new(out);
        each(&mut o, item);
        o.end();
    }
    out.push(']');
}

/// `words` as a POSIX shell reads them back: each quoted (`'…'`) when it is empty or has a
/// character the shell treats apart.
pub fn shell_words(words: &[String]) -> String {
    let mut out = String::new();
    for (i, w) in words.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        let plain = !w.is_empty()
            && w.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_./=:,+@%".contains(&b));
        if plain {
            out.push_str(w);
        } else {
            out.push('\'');
            out.push_str(&w.replace('\'', "'\\''"));
            out.push('\'');
        }
    }
    out
}

/// `strings` as `&str`s.
fn strs(strings: &[String]) -> Vec<&str> {
    strings.iter().map(String::as_str).collect()
}

/// `  TITLE: N` and one indented line per item (nothing but the title line when empty).
fn list(out: &mut String, title: &str, items: &[&str]) {
    let _ = writeln!(out, "  {title}: {}", items.len());
    for item in items {
        let _ = writeln!(out, "    {item}");
    }
}

fn push_once(list: &mut Vec<String>, item: String) {
    if !list.contains(&item) {
        list.push(item);
    }
}

/// Whether `path` is a directory on `fs` (opening it as a file is `EISDIR`); not one when it
/// is gone (see [`is_gone`]).
fn is_directory(fs: &mut dyn RootView, path: &str) -> Result<bool, ViewError> {
    match fs.open(path) {
        Ok(_) => Ok(false),
        Err(FileError::Read(Errno::EISDIR)) => Ok(true),
        // A device, FIFO or socket: opened, not a regular file.
        Err(FileError::Read(Errno::EINVAL)) => Ok(false),
        Err(e) if is_gone(e.errno()) => Ok(false),
        Err(e) => Err(ViewError::new(path, e.errno())),
    }
}

/// Whether `e`, for a path that was there during the run, means it is not there now (or not
/// as a path that resolves): `ENOENT`, `ENOTDIR`, `ELOOP`.
pub fn is_gone(e: Errno) -> bool {
    matches!(e, Errno::ENOENT | Errno::ENOTDIR | Errno::ELOOP)
}

/// [`Links::resolve`]: the real path, `None` when it is gone, a [`ViewError`] for any other
/// error.
pub(crate) fn resolve(
    links: &mut Links,
    fs: &mut dyn RootView,
    path: &str,
    follow: bool,
) -> Result<Option<String>, ViewError> {
    match links.resolve(fs, path, follow) {
        Ok(real) => Ok(Some(real)),
        Err(e) if is_gone(e) => Ok(None),
        Err(e) => Err(ViewError::new(
            alloc::format!("{path} (its symbolic links)"),
            e,
        )),
    }
}

/// The error's name (`ENOENT`), or its number for one without a name.
fn errno_name(e: Errno) -> String {
    e.name()
        .map_or_else(|| format!("error {}", e.raw()), String::from)
}

/// The failed lookups, once each by path and error, each with the alternative its process
/// used right after (the first success of the same process that follows, when it is in the
/// same directory or has the same name).
fn absent(trace: &Trace) -> Vec<Absent> {
    let mut out: Vec<Absent> = Vec::new();
    for (i, l) in trace.lookups.iter().enumerate() {
        let (Ok(path), Err(errno)) = (&l.path, l.result) else {
            continue;
        };
        if l.found() {
            continue;
        }
        if is_runtime(path) || l.uses.changes() {
            continue;
        }
        if out.iter().any(|a| a.path == *path && a.errno == errno) {
            continue;
        }
        let next = trace.lookups[i + 1..]
            .iter()
            .filter(|n| n.pid == l.pid && !n.uses.changes())
            .find(|n| n.found());
        let then = next.and_then(|n| n.path.as_ref().ok()).filter(|n| {
            paths::dirname(n) == paths::dirname(path) || paths::basename(n) == paths::basename(path)
        });
        out.push(Absent {
            path: path.clone(),
            errno,
            then: then.cloned(),
        });
    }
    out
}

/// The program `path` executed: its `#!` interpreters and the closure of the ELF program that
/// runs in the end; a program gone since is said so, an error of `fs` is a [`ViewError`].
fn executed(fs: &mut dyn RootView, path: &str) -> Result<Executed, ViewError> {
    let mut e = Executed {
        path: path.into(),
        interpreters: Vec::new(),
        closure: None,
        problem: None,
    };
    let mut at = String::from(path);
    for _ in 0..=MAX_SCRIPT_DEPTH {
        let program = match fs.open(&at) {
            Ok(file) => {
                let reader = FileReader::new(&*file);
                let inspected = inspect_from(&reader);
                if let Some(err) = reader.io_error() {
                    return Err(ViewError::new(at, err));
                }
                inspected
            }
            Err(err) if err.is_missing() => {
                e.problem = Some(format!("{at}: gone since it ran ({err})"));
                return Ok(e);
            }
            Err(err) => return Err(ViewError::new(at, err.errno())),
        };
        match program {
            Ok(Program::Script(s)) => {
                e.interpreters.push(s.interpreter.clone());
                at = s.interpreter;
            }
            Ok(Program::Elf(elf)) => {
                let search = Search::load(fs, &elf)?;
                e.closure = Some(resolve_closure(fs, &at, &elf, &search)?);
                return Ok(e);
            }
            Err(err) => {
                e.problem = Some(format!("{at}: {err}"));
                return Ok(e);
            }
        }
    }
    e.problem = Some(format!(
        "more than {MAX_SCRIPT_DEPTH} #! interpreters that are scripts: the kernel refuses (ELOOP)"
    ));
    Ok(e)
}

#[cfg(test)]
mod tests;
