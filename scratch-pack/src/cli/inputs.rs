//! What goes into the image, read from this machine: PROGRAM and its closure (resolved by
//! scratch-doctor's library, as `scratch-doctor --closure` resolves it), `--root`, `--add`,
//! the essentials, scratch-init and scratch-probe; the image's platform and what the runtime
//! is told. Every problem with an input is one line ([`PackError`]).
//!
//! With `--trace` the plan of scratch-doctor's tracer takes the closure's place
//! ([`super::trace`]): it holds the closure of every program the run executed, at the real
//! paths of this machine with the symbolic links on the way (`/lib` to `usr/lib` on a
//! merged-`/usr` machine), and PROGRAM stays at its path here. A `--root` whose tree puts a
//! directory where the plan puts a link (a `scratch-doctor --copy-closure` tree, whose `/lib`
//! is a directory) is refused by the tree, in one line.

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec;
use alloc::vec::Vec;
use core::ffi::CStr;

use object::Endianness;
use object::elf::{FileHeader32, FileHeader64};
use object::read::elf::FileHeader;
use scratch_doctor::closure::{DLOPEN_WARNING, resolve_closure_at};
use scratch_doctor::elf::{ElfFacts, FileReader};
use scratch_doctor::host_root::{HostRoot, open_file, read_file};
use scratch_doctor::image::config::Platform;
use scratch_doctor::paths::{self, from_bytes, to_bytes};
use scratch_doctor::program::head;
use scratch_doctor::search::Search;
use scratch_doctor::{Program, inspect_from};
use scratch_pack::PackError;
use scratch_pack::essentials::{self, CA_BUNDLE, CA_BUNDLES_HERE, ZONEINFO};
use scratch_pack::oci::RunConfig;
use scratch_pack::options::{Options, Tz};
use scratch_pack::platform;
use scratch_pack::tree::{Data, Group, Item, Tree, What, dir_mode};
use syscall_kit::Errno;
use syscall_kit::fs::{self, FileType, Stat};

use super::files;
use super::walk::{self, file_item, special};

/// What the image holds and says.
pub struct Inputs {
    /// Its files.
    pub tree: Tree,
    /// Its platform.
    pub platform: Platform,
    /// What the runtime is told.
    pub run: RunConfig,
    /// Lines for standard error: what the image may lack.
    pub warnings: Vec<String>,
}

/// `stat(2)` of `path` (links followed), an error one line naming `what`.
fn stat(path: &[u8], what: &str) -> Result<Stat, PackError> {
    fs::stat(path).map_err(|e| {
        let shown = from_bytes(path);
        PackError(match e {
            Errno::ENOENT => match fs::lstat(path) {
                Ok(_) => format!("{what}{shown}: a symbolic link to nothing (it dangles)"),
                Err(_) => format!("{what}{shown}: no such file or directory"),
            },
            Errno::ELOOP => format!("{what}{shown}: too many levels of symbolic links (a loop)"),
            e => format!("{what}{shown}: cannot look at it: {e}"),
        })
    })
}

/// The ELF header's `e_flags` of the file whose first bytes are `head` (0 if it has none).
fn e_flags(head: &[u8]) -> u32 {
    let flags32 = || {
        let h = FileHeader32::<Endianness>::parse(head).ok()?;
        Some(h.e_flags(h.endian().ok()?))
    };
    let flags64 = || {
        let h = FileHeader64::<Endianness>::parse(head).ok()?;
        Some(h.e_flags(h.endian().ok()?))
    };
    match head.get(4) {
        Some(1) => flags32(),
        Some(2) => flags64(),
        _ => None,
    }
    .unwrap_or(0)
}

/// The ELF facts and `e_flags` of the program `path` (shown as `what`), or why it is not one
/// the image can run.
fn elf_program(path: &[u8], what: &str) -> Result<(ElfFacts, u32, Stat), PackError> {
    let shown = from_bytes(path);
    let st = stat(path, what)?;
    match st.file_type {
        FileType::Regular => {}
        FileType::Directory => {
            return Err(PackError(format!(
                "{what}{shown}: a directory, not a program"
            )));
        }
        t => {
            return Err(PackError(format!(
                "{what}{shown}: {}, not a program",
                special(t)
            )));
        }
    }
    if st.permissions & 0o111 == 0 {
        return Err(PackError(format!(
            "{what}{shown}: not executable (mode {:04o}): the runtime could not start it",
            st.permissions
        )));
    }
    let file = open_file(path).map_err(|e| format!("{what}{shown}: cannot read it: {e}"))?;
    let reader = FileReader::new(&file);
    let inspected = inspect_from(&reader);
    let flags = e_flags(head(&reader, 64));
    if let Some(e) = reader.io_error() {
        return Err(PackError(format!("{what}{shown}: cannot read it: {e}")));
    }
    match inspected {
        Ok(Program::Elf(facts)) => Ok((facts, flags, st)),
        Ok(Program::Script(s)) => Err(PackError(format!(
            "{what}{shown}: a #! script for {}, not an ELF program: pack its interpreter, \
             with the script as an --add and an argument",
            if s.interpreter.is_empty() {
                "no interpreter"
            } else {
                &s.interpreter
            }
        ))),
        Err(e) => Err(PackError(format!("{what}{shown}: {e}"))),
    }
}

/// Reads what the options ask for; the image's tree, platform and run config.
pub fn gather(o: &Options) -> Result<Inputs, PackError> {
    let program = o.program.to_bytes();
    let name = from_bytes(program);
    let (facts, flags, _) = elf_program(program, "")?;
    let ours = platform::of_machine(&facts.machine_name(), is_big(&facts), flags)
        .map_err(|e| format!("{name}: {e}"))?;
    let platform = platform::choose(o.platform.as_ref(), ours)?;
    let basename = paths::basename(&name).to_string();
    let mut items = Vec::new();
    let mut warnings = Vec::new();
    let program_image = if o.trace {
        let here = absolute(&name)?;
        super::trace::traced(o, &here, &mut items, &mut warnings)?;
        here
    } else {
        let at = o
            .program_path
            .clone()
            .unwrap_or_else(|| format!("/{basename}"));
        closure(&name, &facts, &at, &mut items, &mut warnings)?;
        at
    };
    for dir in &o.roots {
        root(dir, &mut items)?;
    }
    for (host, at) in &o.adds {
        add(host, at, &mut items)?;
    }
    let mut env = o.env.clone();
    essential_items(o, &mut items, &mut env)?;

    let mut entrypoint = vec![program_image.clone()];
    entrypoint.extend(o.args.iter().cloned());
    if o.init {
        let init = helper(o.init_binary, "scratch-init", "--init-binary", &facts)?;
        items.push(file_item(
            init.0.to_bytes(),
            &init.1,
            b"/scratch-init".to_vec(),
            Group::Base,
            "--init",
        ));
        entrypoint.splice(0..0, ["/scratch-init".to_string(), "--".to_string()]);
    }
    let mut healthcheck = Vec::new();
    if let Some(check) = &o.healthcheck {
        let probe = helper(o.probe_binary, "scratch-probe", "--probe-binary", &facts)?;
        items.push(file_item(
            probe.0.to_bytes(),
            &probe.1,
            b"/scratch-probe".to_vec(),
            Group::Base,
            "--healthcheck",
        ));
        healthcheck = vec!["CMD".to_string(), "/scratch-probe".to_string()];
        healthcheck.extend(check.probe_args());
    }

    one_file_for_copies(&mut items)?;
    let tree = Tree::new(items)?;
    let text = |path: &[u8]| -> Result<Option<String>, PackError> {
        Ok(match tree.file(path) {
            None => None,
            Some(Data::Bytes(b)) => Some(String::from_utf8_lossy(b).into_owned()),
            Some(Data::Host { path: here, .. }) => {
                let shown = from_bytes(here);
                let bytes = read_file(&shown).map_err(|e| format!("cannot read {shown}: {e}"))?;
                Some(String::from_utf8_lossy(&bytes).into_owned())
            }
        })
    };
    o.user.check(
        text(b"/etc/passwd")?.as_deref(),
        text(b"/etc/group")?.as_deref(),
    )?;
    let user = match &o.user.group {
        Some(g) => format!("{}:{g}", o.user.user),
        None => o.user.user.clone(),
    };
    let run = RunConfig {
        entrypoint,
        env,
        exposed: o.exposed.clone(),
        healthcheck,
        labels: o.labels.clone(),
        stop_signal: o.stop_signal.clone(),
        user,
        workdir: o.workdir.clone(),
    };
    Ok(Inputs {
        tree,
        platform,
        run,
        warnings,
    })
}

/// `name` (PROGRAM as given) made absolute from the current directory, `.` and empty
/// components dropped.
fn absolute(name: &str) -> Result<String, PackError> {
    if name.starts_with('/') {
        return Ok(scratch_doctor::trace::clean(name));
    }
    let mut buf = vec![0u8; syscall_kit::PATH_MAX];
    let cwd = fs::getcwd(&mut buf)
        .map_err(|e| format!("--trace: cannot read the current directory: {e}"))?;
    let cwd = from_bytes(cwd.to_bytes());
    Ok(scratch_doctor::trace::clean(&format!("{cwd}/{name}")))
}

fn is_big(facts: &ElfFacts) -> bool {
    facts.byte_order == scratch_doctor::elf::ByteOrder::Big
}

/// The program at `at` and its closure, resolved over this machine's files as
/// `scratch-doctor --closure` resolves it (the same function); a library that is missing is
/// an error: the image would not start.
fn closure(
    name: &str,
    facts: &ElfFacts,
    at: &str,
    items: &mut Vec<Item>,
    warnings: &mut Vec<String>,
) -> Result<(), PackError> {
    let closure = Search::load(&mut HostRoot, facts)
        .and_then(|search| resolve_closure_at(&mut HostRoot, name, Some(at), facts, &search))
        .map_err(|e| format!("{name}: cannot resolve its closure: {e}"))?;
    if let Some(m) = closure.missing.first() {
        return Err(PackError(format!(
            "{name}: its closure lacks {} (needed by {}: {}): the image would not start \
             (scratch-doctor --closure {name} says more)",
            m.name, m.needed_by, m.reason
        )));
    }
    for (i, o) in closure.objects.iter().enumerate() {
        let here = to_bytes(&o.host_path);
        let st = stat(&here, "")?;
        let (group, from) = if i == 0 {
            (Group::Program, "PROGRAM".to_string())
        } else {
            (Group::Libraries, format!("the closure of {name}"))
        };
        items.push(file_item(&here, &st, to_bytes(&o.image_path), group, &from));
    }
    if closure.objects.len() > 1 {
        warnings.push(format!("warning: {DLOPEN_WARNING} (with --add)"));
    }
    Ok(())
}

/// `--root DIR`: the tree at `/`.
fn root(dir: &CStr, items: &mut Vec<Item>) -> Result<(), PackError> {
    let path = dir.to_bytes();
    let from = walk::from("--root", path);
    let st = stat(path, "--root ")?;
    if st.file_type != FileType::Directory {
        return Err(PackError(format!(
            "--root {}: not a directory",
            from_bytes(path)
        )));
    }
    walk::walk(path, &st, b"/", Group::Program, &from, items)
}

/// `--add HOST:PATH`: a file (links followed to it), or a directory and all under it.
fn add(host: &[u8], at: &[u8], items: &mut Vec<Item>) -> Result<(), PackError> {
    let from = walk::from("--add", host);
    let st = stat(host, "--add ")?;
    match st.file_type {
        FileType::Regular => {
            items.push(file_item(host, &st, at.to_vec(), Group::Program, &from));
            Ok(())
        }
        FileType::Directory => walk::walk(host, &st, at, Group::Program, &from, items),
        t => Err(PackError(format!(
            "--add {}: {}: an image holds no devices, FIFOs or sockets (refused)",
            from_bytes(host),
            special(t)
        ))),
    }
}

/// `--passwd`, `--tmp`, `--ca-certs`, `--tz`.
fn essential_items(
    o: &Options,
    items: &mut Vec<Item>,
    env: &mut Vec<String>,
) -> Result<(), PackError> {
    let bytes = |path: &str, text: &str, from: &str| Item {
        path: path.as_bytes().to_vec(),
        what: What::File(Data::Bytes(text.as_bytes().to_vec())),
        mode: 0o644,
        group: Group::Base,
        from: from.into(),
    };
    if o.passwd {
        items.push(bytes("/etc/passwd", essentials::PASSWD, "--passwd"));
        items.push(bytes("/etc/group", essentials::GROUP, "--passwd"));
        items.push(bytes(
            "/etc/nsswitch.conf",
            essentials::NSSWITCH,
            "--passwd",
        ));
    }
    if o.tmp {
        items.push(Item {
            path: b"/tmp".to_vec(),
            what: What::Dir,
            mode: dir_mode(0o1777),
            group: Group::Base,
            from: "--tmp".into(),
        });
    }
    if o.ca_certs {
        let found = CA_BUNDLES_HERE.iter().find_map(|p| {
            fs::stat(p.as_bytes())
                .ok()
                .filter(|st| st.file_type == FileType::Regular)
                .map(|st| (p, st))
        });
        let Some((here, st)) = found else {
            return Err(PackError(format!(
                "--ca-certs: this machine has no CA bundle (looked for {})",
                CA_BUNDLES_HERE.join(", ")
            )));
        };
        items.push(file_item(
            here.as_bytes(),
            &st,
            CA_BUNDLE.as_bytes().to_vec(),
            Group::Base,
            "--ca-certs",
        ));
        if !env.iter().any(|e| e.starts_with("SSL_CERT_FILE=")) {
            env.push(format!("SSL_CERT_FILE={CA_BUNDLE}"));
        }
    }
    match &o.tz {
        Tz::None => {}
        Tz::All => {
            let st = stat(ZONEINFO.as_bytes(), "--tz all: ")?;
            let z = ZONEINFO.as_bytes();
            walk::walk(z, &st, z, Group::Base, "--tz all", items)?;
        }
        Tz::Zones(zones) => {
            for zone in zones {
                let here = format!("{ZONEINFO}/{zone}");
                let st = fs::stat(here.as_bytes()).map_err(|e| match e {
                    Errno::ENOENT | Errno::ENOTDIR => {
                        format!("--tz {zone}: no such zone in {ZONEINFO}")
                    }
                    e => format!("--tz {zone}: cannot look at {here}: {e}"),
                })?;
                if st.file_type != FileType::Regular {
                    return Err(PackError(format!("--tz {zone}: {here} is not a zone file")));
                }
                // The zone's contents at its name, a link here or not.
                items.push(file_item(
                    here.as_bytes(),
                    &st,
                    here.as_bytes().to_vec(),
                    Group::Base,
                    "--tz",
                ));
            }
        }
    }
    Ok(())
}

/// scratch-init or scratch-probe: `given` (`--init-binary`) or `name` beside this program,
/// which must be a static program for the machine of the image's `program`.
fn helper(
    given: Option<&'static CStr>,
    name: &str,
    option: &str,
    program: &ElfFacts,
) -> Result<(alloc::ffi::CString, Stat), PackError> {
    let path = match given {
        Some(p) => alloc::ffi::CString::from(p),
        None => beside_this(name)?,
    };
    let what = match given {
        Some(_) => format!("{option} "),
        None => format!("{name} (beside scratch-pack; {option} PATH gives another) "),
    };
    let (facts, _, st) = elf_program(path.to_bytes(), &what)?;
    let same = (facts.machine, facts.class, facts.byte_order)
        == (program.machine, program.class, program.byte_order);
    if !same {
        return Err(PackError(format!(
            "{what}{}: a program for {}, and the image's is for {}: give {option} PATH of one \
             built for it (cargo xtask build ARCH -p {name})",
            from_bytes(path.to_bytes()),
            facts.machine_name(),
            program.machine_name()
        )));
    }
    if !facts.is_static() {
        return Err(PackError(format!(
            "{what}{}: not a static program (it would need its own closure)",
            from_bytes(path.to_bytes())
        )));
    }
    Ok((path, st))
}

/// The file `name` in the directory of this program (`/proc/self/exe`).
fn beside_this(name: &str) -> Result<alloc::ffi::CString, PackError> {
    let mut buf = vec![0u8; syscall_kit::PATH_MAX];
    let n = fs::readlink(c"/proc/self/exe", &mut buf).map_err(|e| {
        format!("cannot find {name} beside scratch-pack (/proc/self/exe: {e}): give its path")
    })?;
    buf.truncate(n);
    let dir = paths::dirname(&from_bytes(&buf)).to_string();
    let mut path = to_bytes(&dir);
    path.extend_from_slice(b"/");
    path.extend_from_slice(name.as_bytes());
    alloc::ffi::CString::new(path).map_err(|_| PackError("a path with a NUL byte".into()))
}

/// Two files of this machine given for one path (a library of the closure and its copy in a
/// `--root` made by `scratch-doctor --copy-closure`) with the same mode and the same bytes are
/// one file: the later is given the identity of the first, so that the tree takes them as one
/// (the first kept, in the lower layer). Files that differ stay two, and the tree refuses them.
fn one_file_for_copies(items: &mut [Item]) -> Result<(), PackError> {
    let mut order: Vec<usize> = (0..items.len()).collect();
    order.sort_by(|&a, &b| items[a].path.cmp(&items[b].path).then(a.cmp(&b)));
    for pair in order.windows(2) {
        let (first, later) = (pair[0], pair[1]);
        if items[first].path != items[later].path || items[first].mode != items[later].mode {
            continue;
        }
        let (
            What::File(Data::Host {
                path: a,
                size: x,
                id,
            }),
            What::File(Data::Host {
                path: b, size: y, ..
            }),
        ) = (&items[first].what, &items[later].what)
        else {
            continue;
        };
        if x == y && files::same_bytes(a, b, *x)? {
            let id = *id;
            if let What::File(Data::Host { id: later_id, .. }) = &mut items[later].what {
                *later_id = id;
            }
        }
    }
    Ok(())
}
