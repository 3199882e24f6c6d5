//! Interpreters: Python, Perl, Ruby and Node.js, known by their file name (`python3.11`,
//! `perl5.36.0`) or a `DT_NEEDED` library (`libpython3.11.so.1.0`). Each needs its library
//! tree, by its name and version, which no `DT_NEEDED` names; which modules of it a script
//! loads only a run shows, so the fix says how to trace one.

use alloc::format;
use alloc::string::ToString;
use alloc::vec;
use alloc::vec::Vec;

use super::Need;
use crate::elf::ElfFacts;
use crate::paths;

/// One interpreter: how it is known, and its need.
struct Interpreter {
    /// Its file names, each alone or followed by a version (`python`, `python3.11`).
    names: &'static [&'static str],
    /// The start of a library that makes a program this interpreter, followed by its version
    /// (`libpython3.11.so.1.0`, `libruby-3.1.so.3.1`).
    library: &'static str,
    /// The need, from the version (`3.11`; `None` when neither name tells it), the prefix it
    /// was installed under (`/usr` for `/usr/bin/python3.11`) and the multiarch directory.
    need: fn(Option<&str>, &str, &str) -> Need,
}

/// The interpreters.
const INTERPRETERS: [Interpreter; 4] = [
    Interpreter {
        names: &["python"],
        library: "libpython",
        need: python,
    },
    Interpreter {
        names: &["perl"],
        library: "libperl.so.",
        need: perl,
    },
    Interpreter {
        names: &["ruby"],
        library: "libruby-",
        need: ruby,
    },
    Interpreter {
        names: &["node", "nodejs"],
        library: "libnode.so.",
        need: node,
    },
];

/// How every interpreter's fix ends: what a run opens is the list of what to copy.
const TRACE: &str = "which modules a script loads only a run shows: trace one on this machine (`strace -f -e trace=openat PROGRAM SCRIPT`) and copy what it opens";

/// Adds the need of the interpreter that `path` (the ELF program `elf`) is, if it is one.
pub(super) fn add(path: &str, elf: &ElfFacts, multiarch: &str, needs: &mut Vec<Need>) {
    let name = paths::basename(path);
    let prefix = paths::dirname(paths::dirname(path));
    for i in &INTERPRETERS {
        let by_name = i.names.iter().find_map(|n| {
            let rest = name.strip_prefix(n)?;
            (rest.is_empty() || rest.starts_with(|c: char| c.is_ascii_digit())).then_some(rest)
        });
        let by_library = elf.needed.iter().find_map(|l| {
            let rest = l.strip_prefix(i.library)?;
            Some(rest.split(".so").next().unwrap_or(rest))
        });
        if by_name.is_none() && by_library.is_none() {
            continue;
        }
        // The version with a dot (`3.11`), from the name or else the library.
        let version = [by_name, by_library]
            .into_iter()
            .flatten()
            .find(|v| v.contains('.'));
        let mut need = (i.need)(version, prefix, multiarch);
        // Its name, or else the library that makes it one.
        let library = elf.needed.iter().find(|l| l.starts_with(i.library));
        need.because = vec![match (by_name, library) {
            (None, Some(library)) => library.clone(),
            _ => name.to_string(),
        }];
        needs.push(need);
        return;
    }
}

/// Python `version`'s standard library under `prefix`: Python looks for its `os.py` there (or
/// a zip of it).
fn python(version: Option<&str>, prefix: &str, _: &str) -> Need {
    // X.Y: Python's directories name the first two numbers.
    let version = version.map(|v| v.split('.').take(2).collect::<Vec<_>>().join("."));
    let tree = match &version {
        Some(v) => paths::join(prefix, &format!("lib/python{v}")),
        None => paths::join(prefix, "lib/python3.X"),
    };
    let files = match &version {
        Some(v) => vec![
            format!("{tree}/os.py"),
            format!("{tree}/os.pyc"),
            paths::join(prefix, &format!("lib/python{}.zip", v.replace('.', ""))),
        ],
        None => Vec::new(),
    };
    Need {
        what: format!("{tree} (Python's standard library)"),
        files,
        library: false,
        because: Vec::new(),
        when: None,
        without: "Python stops before it runs anything: `Could not find platform independent libraries <prefix>`, then `Fatal Python error: init_fs_encoding: failed to get the Python codec of the filesystem encoding` and `ModuleNotFoundError: No module named 'encodings'`".into(),
        fix: format!(
            "copy {tree} to the same path (its test/ directory can stay out) with the libraries its extension modules (lib-dynload/*.so) need; {TRACE}"
        ),
        copy: version.is_some().then_some(tree),
        here: None,
    }
}

/// Perl's modules: `strict.pm` in a directory of `@INC` (Debian's, Fedora's, Alpine's).
fn perl(version: Option<&str>, _: &str, multiarch: &str) -> Need {
    let mut files = vec![format!("/usr/lib/{multiarch}/perl-base/strict.pm")];
    if let Some(v) = version {
        let v: Vec<&str> = v.split('.').take(2).collect();
        files.push(format!("/usr/share/perl/{}/strict.pm", v.join(".")));
    }
    files.push("/usr/share/perl5/strict.pm".into());
    files.push("/usr/share/perl5/core_perl/strict.pm".into());
    Need {
        what: "Perl's modules (the directories of @INC, such as Debian's /usr/lib/{multiarch}/perl-base)"
            .replace("{multiarch}", multiarch),
        files,
        library: false,
        because: Vec::new(),
        when: None,
        without: "`use strict` and every other module fail: `Can't locate strict.pm in @INC (you may need to install the strict module)`".into(),
        fix: format!(
            "copy the directories of @INC it uses (`perl -V` lists them) to the same paths; {TRACE}"
        ),
        copy: Some(format!("/usr/lib/{multiarch}/perl-base")),
        here: None,
    }
}

/// Ruby `version`'s library under `prefix` (`/usr/lib/ruby/3.1.0`), where RubyGems is.
fn ruby(version: Option<&str>, prefix: &str, _: &str) -> Need {
    let version = version.map(|v| v.split('.').take(2).collect::<Vec<_>>().join("."));
    let tree = match &version {
        Some(v) => paths::join(prefix, &format!("lib/ruby/{v}.0")),
        None => paths::join(prefix, "lib/ruby/X.Y.0"),
    };
    Need {
        what: format!("{tree} (Ruby's standard library)"),
        files: match &version {
            Some(_) => vec![format!("{tree}/rubygems.rb")],
            None => Vec::new(),
        },
        library: false,
        because: Vec::new(),
        when: None,
        without: "Ruby stops before it runs anything, unable to load RubyGems: `cannot load such file -- rubygems.rb (LoadError)`".into(),
        fix: format!("copy {tree} to the same path (or run with --disable-gems); {TRACE}"),
        copy: version.is_some().then_some(tree),
        here: None,
    }
}

/// Node.js: its own modules are built in; a module a script requires is looked for beside it
/// and in the global directories.
fn node(_: Option<&str>, _: &str, _: &str) -> Need {
    Need {
        what: "Node.js modules that are not built in (require)".into(),
        files: vec![
            "/usr/share/nodejs".into(),
            "/usr/lib/nodejs".into(),
            "/usr/lib/node_modules".into(),
            "/usr/local/lib/node_modules".into(),
        ],
        library: false,
        because: Vec::new(),
        when: Some("a script requires a module that is not built in".into()),
        without: "`Error: Cannot find module 'NAME'`".into(),
        fix: format!(
            "copy the node_modules the script requires beside it, or into a directory of NODE_PATH; {TRACE}"
        ),
        copy: None,
        here: None,
    }
}
