//! [`FileReport`]: everything scratch-doctor says about one file, as text or as one JSON object
//! (an image's is [`ImageReport`](crate::image::report::ImageReport)).

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt::Write;

use crate::closure::{Closure, DLOPEN_WARNING};
use crate::elf::ElfFacts;
use crate::json::Object;
use crate::machine::Host;
use crate::needs::{self, Calls, Need, Place, RunsWith};
use crate::paths;
use crate::program::Program;
use crate::root_view::RootView;
use crate::script::Script;
use crate::verdict::{Verdict, verdict};

/// The facts, verdict and (when asked for) closure of one file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileReport {
    /// The file as it was named.
    pub file: String,
    /// What it is.
    pub program: Program,
    /// Whether it runs in scratch.
    pub verdict: Verdict,
    /// What it needs in an image (`--closure`), for ELF files.
    pub closure: Option<Closure>,
    /// For a program of another machine: what this host does with it
    /// ([`binfmt::this_host`](crate::binfmt::this_host)), which the verdict for scratch leaves
    /// out.
    pub this_host: Option<String>,
    /// The files it will look for once it runs that an image of its closure lacks
    /// ([`FileReport::add_needs`]).
    pub needs: Vec<Need>,
    /// Why its needs could not be read, when they could not (a stripped static program).
    pub needs_unread: Option<String>,
}

impl FileReport {
    /// The report on `program`, the file `file`, for the machine `host`.
    pub fn new(file: &str, program: Program, host: Host) -> FileReport {
        FileReport {
            file: file.into(),
            verdict: verdict(&program, host),
            program,
            closure: None,
            this_host: None,
            needs: Vec::new(),
            needs_unread: None,
        }
    }

    /// Adds the needs at run time of the ELF program, whose real path is `real_path`, from
    /// what its file says (`calls`): those that a `FROM scratch` image of its closure (as
    /// `--copy-closure` makes it) lacks, with their sizes on this machine (`host`). Without a
    /// closure, the image is taken to hold the libraries its `DT_NEEDED` entries name.
    /// `Err`: a file of this machine that a need names could not be read
    /// ([`needs::add_sizes_here`]).
    pub fn add_needs(
        &mut self,
        real_path: &str,
        calls: &Calls,
        host: &mut dyn RootView,
    ) -> Result<(), String> {
        let Program::Elf(elf) = &self.program else {
            return Ok(());
        };
        let all = needs::of_program(real_path, elf, calls, RunsWith::default());
        let mut place = ClosureImage {
            closure: self.closure.as_ref(),
            needed: &elf.needed,
        };
        self.needs = needs::lacking(all, &mut place);
        needs::add_sizes_here(&mut self.needs, host)?;
        self.needs_unread = calls.unread.clone();
        Ok(())
    }

    /// Whether it runs in an image with its closure: `None` without a closure; otherwise
    /// it runs alone, or only lacks its interpreter and libraries and none is missing.
    pub fn runs_with_closure(&self) -> Option<bool> {
        let closure = self.closure.as_ref()?;
        let complete = closure.missing.is_empty();
        Some(complete && (self.verdict.runs || self.verdict.closure_fixes))
    }

    /// What the exit status counts as success: it runs in scratch, with its closure when one
    /// was asked for.
    pub fn all_good(&self) -> bool {
        self.runs_with_closure().unwrap_or(self.verdict.runs)
    }

    /// The report as indented text lines, starting with `FILE:`.
    pub fn text(&self) -> String {
        let mut out = format!("{}:\n", self.file);
        match &self.program {
            Program::Elf(elf) => elf_text(&mut out, elf),
            Program::Script(s) => {
                let _ = writeln!(out, "  format: script, {}", s.line);
            }
        }
        let _ = writeln!(out, "  runs in FROM scratch: {}", self.verdict);
        if let Some(here) = &self.this_host {
            let _ = writeln!(out, "  on this host: {here}");
        }
        if let Some(closure) = &self.closure {
            closure_text(&mut out, closure);
            if !self.verdict.runs {
                let _ = match (self.verdict.closure_fixes, closure.missing.len()) {
                    (true, 0) => writeln!(out, "  runs in FROM scratch with this closure: yes"),
                    (true, n) => writeln!(
                        out,
                        "  runs in FROM scratch with this closure: no: {n} missing"
                    ),
                    (false, _) => writeln!(
                        out,
                        "  runs in FROM scratch with this closure: no: {}",
                        self.verdict.reason
                    ),
                };
            }
            if closure.objects.len() > 1 {
                let _ = writeln!(out, "  note: {DLOPEN_WARNING}");
            }
            if let Program::Elf(elf) = &self.program
                && uses_origin(elf)
            {
                let _ = writeln!(out, "  note: {ORIGIN_NOTE}");
            }
        }
        needs::text(&mut out, &self.needs, "  ", NEEDS_HEADING);
        if let Some(why) = &self.needs_unread {
            let _ = writeln!(out, "  needs at run time: not known: {why}");
        }
        out
    }

    /// The report as one JSON object on one line (no newline).
    pub fn json(&self) -> String {
        let mut out = String::new();
        let mut o = Object::new(&mut out);
        o.str("file", &self.file);
        match &self.program {
            Program::Elf(elf) => elf_json(&mut o, elf),
            Program::Script(s) => script_json(&mut o, s),
        }
        o.bool("runs_in_scratch", self.verdict.runs);
        o.str("verdict", &format!("{}", self.verdict));
        if let Some(here) = &self.this_host {
            o.str("on_this_host", here);
        }
        if let Some(closure) = &self.closure {
            closure_json(o.key("closure"), closure);
            o.bool("runs_with_closure", self.runs_with_closure() == Some(true));
        }
        o.raw("needs", &needs::json(&self.needs))
            .opt_str("needs_unread", self.needs_unread.as_deref());
        o.end();
        out
    }
}

/// The first line of the needs in the text.
pub const NEEDS_HEADING: &str = "needs at run time (files it will look for once it runs, which a FROM scratch image of its closure lacks; the verdict above is only about starting):";

/// The image of a host file that `--copy-closure` makes: the program and its closure, and
/// nothing else; without a closure, the libraries its `DT_NEEDED` entries name.
struct ClosureImage<'a> {
    closure: Option<&'a Closure>,
    needed: &'a [String],
}

impl Place for ClosureImage<'_> {
    fn has(&mut self, path: &str) -> bool {
        self.closure.is_some_and(|c| {
            c.objects.iter().any(|o| {
                o.image_path == path
                    || o.image_path
                        .strip_prefix(path)
                        .is_some_and(|rest| rest.starts_with('/'))
            })
        })
    }

    fn finds_library(&mut self, name: &str) -> bool {
        match self.closure {
            Some(c) => c
                .objects
                .iter()
                .any(|o| o.name == name || paths::basename(&o.image_path) == name),
            None => self.needed.iter().any(|n| n == name),
        }
    }
}

/// Said when the program's own `DT_RPATH`/`DT_RUNPATH` uses `$ORIGIN`.
pub const ORIGIN_NOTE: &str = "the program's DT_RPATH/DT_RUNPATH uses $ORIGIN, which glibc finds through /proc/self/exe: container engines mount /proc, but in a bare chroot without it those directories are skipped";

fn uses_origin(elf: &ElfFacts) -> bool {
    [&elf.rpath, &elf.runpath]
        .into_iter()
        .flatten()
        .any(|p| p.contains("$ORIGIN") || p.contains("${ORIGIN}"))
}

/// One JSON object for a file that could not be inspected: `{"file":…,"error":…}`.
pub fn error_json(file: &str, error: &str) -> String {
    let mut out = String::new();
    let mut o = Object::new(&mut out);
    o.str("file", file).str("error", error);
    o.end();
    out
}

fn elf_text(out: &mut String, elf: &ElfFacts) {
    let _ = writeln!(
        out,
        "  format: ELF {}-bit, {}, {}, {}",
        elf.class.bits(),
        elf.byte_order.name(),
        elf.machine_name(),
        elf.kind.name()
    );
    let _ = writeln!(
        out,
        "  interpreter: {}",
        elf.interpreter.as_deref().unwrap_or("none")
    );
    let needed = if elf.needed.is_empty() {
        "none".into()
    } else {
        elf.needed.join(", ")
    };
    let _ = writeln!(out, "  needed: {needed}");
    if let Some(rpath) = &elf.rpath {
        let _ = writeln!(out, "  rpath: {rpath}");
    }
    if let Some(runpath) = &elf.runpath {
        let _ = writeln!(out, "  runpath: {runpath}");
    }
}

/// The closure's lines, as the report of a file shows them (and `--trace`'s, for each program).
pub(crate) fn closure_text(out: &mut String, closure: &Closure) {
    let _ = writeln!(out, "  closure (host path -> path in the image):");
    for o in &closure.objects {
        let _ = write!(out, "    {} -> {} (", o.host_path, o.image_path);
        let _ = match &o.needed_by {
            None => write!(out, "{}", o.via.name()),
            Some(_) if o.name == o.host_path => write!(out, "{}", o.via.name()),
            Some(by) => write!(out, "{}, needed by {by}, via {}", o.name, o.via.name()),
        };
        out.push_str(")\n");
    }
    for m in &closure.missing {
        let _ = writeln!(
            out,
            "    missing: {} (needed by {}): {}",
            m.name, m.needed_by, m.reason
        );
    }
}

fn elf_json(o: &mut Object<'_>, elf: &ElfFacts) {
    let mut format = String::new();
    let mut f = Object::new(&mut format);
    f.str("kind", "ELF")
        .raw("class", &format!("{}", elf.class.bits()))
        .str("byte_order", elf.byte_order.name())
        .str("machine", &elf.machine_name())
        .raw("e_machine", &format!("{}", elf.machine))
        .str("type", &elf.kind.name());
    f.end();
    o.raw("format", &format)
        .bool("static", elf.is_static())
        .opt_str("interpreter", elf.interpreter.as_deref())
        .strs("needed", elf.needed.iter().map(String::as_str))
        .opt_str("rpath", elf.rpath.as_deref())
        .opt_str("runpath", elf.runpath.as_deref())
        .opt_str("soname", elf.soname.as_deref());
}

fn script_json(o: &mut Object<'_>, s: &Script) {
    let mut format = String::new();
    let mut f = Object::new(&mut format);
    f.str("kind", "script")
        .str("line", &s.line)
        .str("interpreter", &s.interpreter)
        .opt_str("argument", s.argument.as_deref());
    f.end();
    o.raw("format", &format);
}

/// The closure as a JSON object, as the report of a file has it (and `--trace`'s).
pub(crate) fn closure_json(out: &mut String, closure: &Closure) {
    let mut c = Object::new(out);
    let objects = c.key("objects");
    objects.push('[');
    for (i, ob) in closure.objects.iter().enumerate() {
        if i > 0 {
            objects.push(',');
        }
        let mut e = Object::new(objects);
        e.str("name", &ob.name)
            .str("host_path", &ob.host_path)
            .str("image_path", &ob.image_path)
            .str("via", ob.via.name())
            .opt_str("needed_by", ob.needed_by.as_deref());
        e.end();
    }
    objects.push(']');
    let missing = c.key("missing");
    missing.push('[');
    for (i, m) in closure.missing.iter().enumerate() {
        if i > 0 {
            missing.push(',');
        }
        let mut e = Object::new(missing);
        e.str("name", &m.name)
            .str("needed_by", &m.needed_by)
            .str("reason", &m.reason);
        e.end();
    }
    missing.push(']');
    c.str("dlopen_warning", DLOPEN_WARNING);
    c.end();
}
