//! [`Plan`]: what `--copy-closure DIR` with `--trace` puts into `DIR`, so that the program finds
//! there what it found here: the closure of every program executed and every file it opened or
//! looked up successfully, each at its real path on this machine, with the symbolic links on
//! the way made again as links with their targets (so that every path it used resolves as
//! here), the directories it opened (but `/`, which is `DIR` itself), and `/tmp` when it used
//! it. Not copied: what is under
//! `/proc`, `/sys` and `/dev` (the runtime's), what the program wrote, created, removed or
//! renamed (its output, whose directory is made), sockets, and lookups that failed.
//!
//! The plan is paths only; the copy (`src/cli/copy.rs`) reads each file's type and mode on this
//! machine as it copies, and writes nothing outside `DIR`.

use alloc::collections::BTreeSet;
use alloc::string::String;
use alloc::vec::Vec;

use super::calls::Use;
use super::links::Links;
use super::report::{Executed, is_runtime, resolve};
use super::{Lookup, Trace};
use crate::root_view::ViewError;
use crate::{RootView, paths};

/// One thing to make in `DIR`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Entry {
    /// What is at this real path here: a regular file, copied with its permission bits, or a
    /// directory, made with its mode (empty; the files in it are entries of their own).
    Copy(String),
    /// A symbolic link at `path` (whose directory is a real one) to `target`, as stored.
    Link {
        /// Where.
        path: String,
        /// What it points to.
        target: String,
    },
    /// A directory made with this machine's mode and nothing in it: `/tmp`, and where the
    /// program writes.
    Dir(String),
}

impl Entry {
    /// The path it makes.
    pub fn path(&self) -> &str {
        match self {
            Entry::Copy(p) | Entry::Dir(p) => p,
            Entry::Link { path, .. } => path,
        }
    }
}

/// What to copy, and what a lookup of it failed on when its path no longer resolves here.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Plan {
    /// The entries, parents before what is in them.
    pub entries: Vec<Entry>,
    /// Paths that were there during the run and are not now (`path: ENOENT`), one line each.
    pub gone: Vec<String>,
}

/// The temporary directory, made (with this machine's mode, 1777 as a rule) when the program
/// used it.
pub const TMP: &str = "/tmp";

/// The plan for `trace`, whose executed programs (with their closures) are `executed`, on the
/// machine `fs`. A path gone since the run is in [`Plan::gone`]; an error of `fs` that leaves
/// the plan unknown is a [`ViewError`].
pub fn plan(
    fs: &mut dyn RootView,
    trace: &Trace,
    executed: &[Executed],
) -> Result<Plan, ViewError> {
    let mut links = Links::default();
    let mut plan = Plan::default();
    let mut made = BTreeSet::new();
    // What the program changed is its own: not copied, even where it also read it.
    let changed: BTreeSet<&str> = trace
        .lookups
        .iter()
        .filter(|l| l.uses.changes())
        .filter_map(|l| l.path.as_deref().ok())
        .collect();
    let mut uses_tmp = false;
    let mut add = |plan: &mut Plan, entry: Entry| {
        // `/` (glibc's NSS looks at it) is `DIR` itself, which is there: the user's directory,
        // with its mode.
        if entry.path() != "/" && made.insert(String::from(entry.path())) {
            plan.entries.push(entry);
        }
    };
    let mut keep =
        |fs: &mut dyn RootView, plan: &mut Plan, links: &mut Links, path: &str, follow: bool| {
            match resolve(links, fs, path, follow)? {
                Some(real) if !is_runtime(&real) => {
                    for (link, target) in links.all() {
                        add(plan, Entry::Link { path: link, target });
                    }
                    add(plan, Entry::Copy(real));
                }
                Some(_) => {}
                None => plan.gone.push(alloc::format!("{path}: gone since the run")),
            }
            Ok::<(), ViewError>(())
        };

    for e in executed {
        for i in &e.interpreters {
            keep(fs, &mut plan, &mut links, i, true)?;
        }
        for o in e.closure.iter().flat_map(|c| &c.objects) {
            keep(fs, &mut plan, &mut links, &o.host_path, true)?;
        }
    }
    for l in &trace.lookups {
        let Ok(path) = &l.path else { continue };
        uses_tmp |= path == TMP || path.starts_with("/tmp/");
        if is_runtime(path) || !kept(l) || changed.contains(path.as_str()) {
            if l.uses.changes() && l.result.is_ok() {
                // Where the program writes must be there.
                let dir = paths::dirname(path);
                if dir != "/" && !is_runtime(dir) && !changed.contains(dir) {
                    keep(fs, &mut plan, &mut links, dir, true)?;
                }
            }
            continue;
        }
        keep(fs, &mut plan, &mut links, path, l.follow)?;
    }
    if uses_tmp {
        add(&mut plan, Entry::Dir(TMP.into()));
    }
    plan.gone.dedup();
    Ok(plan)
}

/// Whether a lookup's path goes into the copy: found, and read, run, listed or looked up (not
/// written, not a socket).
fn kept(l: &Lookup) -> bool {
    l.found()
        && matches!(
            l.uses,
            Use::Read | Use::Directory | Use::Lookup | Use::Exec | Use::Chdir | Use::Chroot
        )
}
