//! The image's file tree, from the inputs to the entries of each layer: [`Tree::new`] takes
//! what each input puts where ([`Item`]), refuses two different things at one path and a file
//! where a directory must be, and adds every parent directory; [`Tree::layer`] gives the
//! entries of a layer in the order they are written.
//!
//! The rules of a reproducible layer (jib's `ReproducibleLayerBuilder`):
//! - entries sorted bytewise by path, every parent directory an entry of its own before what
//!   is in it (in each layer: a layer is complete on its own);
//! - modes that do not depend on the umask or on who made the copy ([`file_mode`],
//!   [`dir_mode`]);
//! - a file of this machine that two paths of a layer name (a hard link, or one file added
//!   twice) is written once, the other paths as hard links to it.
//!
//! The order the inputs come in changes nothing: the tree is a map from paths.

use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use scratch_doctor::paths::from_bytes;

/// Where a regular file's bytes come from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Data {
    /// A file of this machine, read when its layer is written.
    Host {
        /// Its path here (bytes, as the kernel takes them).
        path: Vec<u8>,
        /// Its size when it was looked at: a file whose size has changed by the time it is
        /// read is an error, not a different layer.
        size: u64,
        /// Its device and inode, which tell two names of one file.
        id: (u64, u64),
    },
    /// Bytes made here (`/etc/passwd`, …).
    Bytes(Vec<u8>),
}

impl Data {
    /// The number of bytes.
    pub fn size(&self) -> u64 {
        match self {
            Data::Host { size, .. } => *size,
            Data::Bytes(b) => b.len() as u64,
        }
    }
}

/// What an input puts at a path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum What {
    /// A directory.
    Dir,
    /// A regular file.
    File(Data),
    /// A symbolic link to this target (bytes, as stored).
    Symlink(Vec<u8>),
}

/// Which layer an input goes to with `--layers`, bottom first: what many images share, then
/// the libraries, then the program's own files.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Group {
    /// `--essentials` and its parts, scratch-init, scratch-probe.
    Base,
    /// The interpreter and libraries of the closure.
    Libraries,
    /// The program, `--add`, `--root`.
    Program,
}

impl Group {
    /// Every group, bottom first.
    pub const ALL: [Group; 3] = [Group::Base, Group::Libraries, Group::Program];

    /// A few words for the image's history.
    pub fn describe(self) -> &'static str {
        match self {
            Group::Base => "the base files",
            Group::Libraries => "the interpreter and libraries",
            Group::Program => "the program and its files",
        }
    }
}

/// One thing an input puts in the image.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Item {
    /// The absolute path in the image (bytes).
    pub path: Vec<u8>,
    /// What is there.
    pub what: What,
    /// Its permission bits, already made independent of this machine ([`file_mode`],
    /// [`dir_mode`]; `0o777` for a link).
    pub mode: u32,
    /// Its layer with `--layers`.
    pub group: Group,
    /// What put it there, for messages: `--root DIR`, `the closure of PROGRAM`, …
    pub from: String,
}

/// One entry of a layer, as it is written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// The path in the archive: relative, a directory's ending with `/`.
    pub name: Vec<u8>,
    /// What it is.
    pub kind: Kind,
    /// Its permission bits.
    pub mode: u32,
}

/// What an [`Entry`] is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A directory.
    Dir,
    /// A regular file and its data.
    File(Data),
    /// A symbolic link to this target.
    Symlink(Vec<u8>),
    /// Another name of the file written before it under this name (relative).
    HardLink(Vec<u8>),
}

/// The mode of a regular file in the image: `0755` if any execute bit is set here, else
/// `0644`, with the set-user-ID and set-group-ID bits kept (a umask never clears them). The
/// umask and the way the copy was made change the other bits, not the image.
pub fn file_mode(here: u32) -> u32 {
    let base = if here & 0o111 != 0 { 0o755 } else { 0o644 };
    (here & 0o6000) | base
}

/// The mode of a directory in the image: `1777` (the mode of `/tmp`) if it has the sticky bit
/// here, else `0755`.
pub fn dir_mode(here: u32) -> u32 {
    if here & 0o1000 != 0 { 0o1777 } else { 0o755 }
}

/// The mode of a parent directory no input names.
pub const PARENT_MODE: u32 = 0o755;

/// The mode of a symbolic link.
pub const LINK_MODE: u32 = 0o777;

/// A path's node in the tree.
#[derive(Clone, Debug)]
struct Node {
    what: What,
    mode: u32,
    /// `None` for a parent directory no input names.
    group: Option<Group>,
    from: String,
}

/// Every path of the image.
#[derive(Clone, Debug, Default)]
pub struct Tree {
    /// By path, relative (`usr/lib/x`), which sorts bytewise.
    nodes: BTreeMap<Vec<u8>, Node>,
}

/// `path` (absolute) as the tree's key: its components joined by `/`, without the leading one;
/// `.`, `..` and an empty result (`/`) refused.
fn key(path: &[u8]) -> Result<Vec<u8>, String> {
    let shown = || from_bytes(path);
    if !path.starts_with(b"/") {
        return Err(format!("{}: not an absolute path in the image", shown()));
    }
    let mut out = Vec::new();
    for c in path.split(|&b| b == b'/').filter(|c| !c.is_empty()) {
        if c == b"." || c == b".." {
            return Err(format!(
                "{}: a path in the image with a `.` or `..` component",
                shown()
            ));
        }
        if !out.is_empty() {
            out.push(b'/');
        }
        out.extend_from_slice(c);
    }
    if out.is_empty() {
        return Err(format!("{}: the image's root is not a file", shown()));
    }
    Ok(out)
}

/// Whether two inputs at one path are one: the same directory, file of this machine, bytes or
/// link.
fn same(a: &Node, b: &Item) -> bool {
    match (&a.what, &b.what) {
        (What::Dir, What::Dir) => a.mode == b.mode,
        (What::File(Data::Host { id: x, .. }), What::File(Data::Host { id: y, .. })) => {
            x == y && a.mode == b.mode
        }
        (x, y) => x == y && a.mode == b.mode,
    }
}

impl Tree {
    /// The tree of `items`, in any order: one line for two different things at one path, for
    /// a path under something that is not a directory, and for a path that is not absolute or
    /// has a `.` or `..` component.
    pub fn new(items: impl IntoIterator<Item = Item>) -> Result<Tree, String> {
        let mut nodes: BTreeMap<Vec<u8>, Node> = BTreeMap::new();
        for item in items {
            let k = key(&item.path)?;
            if let Some(there) = nodes.get_mut(&k) {
                if !same(there, &item) {
                    return Err(format!(
                        "/{}: given twice, by {} and by {}, differently",
                        from_bytes(&k),
                        there.from,
                        item.from
                    ));
                }
                // The lower layer keeps it.
                there.group = there.group.min(Some(item.group));
                continue;
            }
            nodes.insert(
                k,
                Node {
                    what: item.what,
                    mode: item.mode,
                    group: Some(item.group),
                    from: item.from,
                },
            );
        }
        // Every parent: a directory, named by an input or added.
        let keys: Vec<Vec<u8>> = nodes.keys().cloned().collect();
        for k in &keys {
            for (i, _) in k.iter().enumerate().filter(|(_, b)| **b == b'/') {
                let parent = &k[..i];
                match nodes.get(parent) {
                    Some(Node {
                        what: What::Dir, ..
                    }) => {}
                    Some(other) => {
                        let child = &nodes[k];
                        return Err(format!(
                            "/{}: {} puts it in /{}, which {} makes a {}",
                            from_bytes(k),
                            child.from,
                            from_bytes(parent),
                            other.from,
                            match other.what {
                                What::File(_) => "file",
                                _ => "symbolic link",
                            }
                        ));
                    }
                    None => {
                        nodes.insert(
                            parent.to_vec(),
                            Node {
                                what: What::Dir,
                                mode: PARENT_MODE,
                                group: None,
                                from: "a parent directory".into(),
                            },
                        );
                    }
                }
            }
        }
        Ok(Tree { nodes })
    }

    /// Whether the tree has nothing.
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// Whether some input of `group` put something in the image.
    pub fn has(&self, group: Group) -> bool {
        self.nodes.values().any(|n| n.group == Some(group))
    }

    /// The regular file at `path` (absolute), if an input put one there.
    pub fn file(&self, path: &[u8]) -> Option<&Data> {
        let k = key(path).ok()?;
        match &self.nodes.get(&k)?.what {
            What::File(d) => Some(d),
            _ => None,
        }
    }

    /// The entries of the layer of `group` (`None`: the one layer of the whole tree): its
    /// inputs' paths and every parent directory of them, sorted bytewise; a file of this
    /// machine written once, its other paths hard links to the first.
    pub fn layer(&self, group: Option<Group>) -> Vec<Entry> {
        let mut wanted: BTreeMap<&[u8], &Node> = BTreeMap::new();
        for (k, node) in &self.nodes {
            let take = match group {
                None => true,
                Some(g) => node.group == Some(g),
            };
            if !take {
                continue;
            }
            wanted.insert(k, node);
            for (i, _) in k.iter().enumerate().filter(|(_, b)| **b == b'/') {
                let parent = &k[..i];
                if let Some(p) = self.nodes.get(parent) {
                    wanted.insert(parent, p);
                }
            }
        }
        let mut first: BTreeMap<(u64, u64), &[u8]> = BTreeMap::new();
        let mut entries = Vec::with_capacity(wanted.len());
        for (k, node) in wanted {
            let mut name = k.to_vec();
            let kind = match &node.what {
                What::Dir => {
                    name.push(b'/');
                    Kind::Dir
                }
                What::Symlink(target) => Kind::Symlink(target.clone()),
                What::File(data @ Data::Host { id, .. }) => match first.get(id) {
                    Some(target) => Kind::HardLink(target.to_vec()),
                    None => {
                        first.insert(*id, k);
                        Kind::File(data.clone())
                    }
                },
                What::File(data) => Kind::File(data.clone()),
            };
            // A hard link has its file's mode (which extraction ignores: the link is the file).
            let mode = match kind {
                Kind::Symlink(_) => LINK_MODE,
                _ => node.mode,
            };
            entries.push(Entry { name, kind, mode });
        }
        entries
    }
}

#[cfg(test)]
mod tests;
