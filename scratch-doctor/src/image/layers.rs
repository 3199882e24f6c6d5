//! The layers applied in order to one tree, as the engine's storage driver unpacks them
//! (see the OCI image specification, "Image Layer Filesystem Changeset"): whiteouts
//! `.wh.NAME` delete `NAME` of the layers below, an opaque marker `.wh..wh..opq` empties its
//! directory of them, a hard link is a second name of an earlier file, and a path with `..`
//! or an absolute path is refused. [`ImageRoot`] is the result as a [`RootView`], symbolic
//! links resolved inside the image (an absolute link points into the image, never to the
//! host).
//!
//! # What is kept in memory
//!
//! Each layer is read once, as a stream ([`apply_layers`]): its digest, its uncompressed
//! digest (`diff_id`) and every entry's header are checked, and for each path the tree keeps
//! its metadata (type, mode, owner, link target) and where its data lies in the layer. The
//! contents of a few small files the verdict always reads are kept too ([`KEPT`], at most
//! [`MAX_KEPT`] bytes each). Any other file's contents are read when the verdict asks for them
//! (the command, its interpreter, its libraries): its layer is read again up to the file
//! (`ImageRoot::read`), each file at most once and at most [`MAX_FILE`] bytes. So memory grows
//! with the number of paths in the image and with the size of the files the verdict reads,
//! not with the size of the layers; and it has bounds: a path or link target longer than
//! [`MAX_PATH_LEN`] bytes is refused (the engine could not unpack it), the paths held are at most
//! [`MAX_PATHS`] and take at most [`MAX_NAMES`] bytes, and the kept contents at most [`MAX_KEPT_TOTAL`] (a kept file that a
//! later entry replaces or deletes is forgotten at once; past the budget files are read when
//! asked for, as the others are; so is a hard link left to a forgotten one).

use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use syscall_kit::Errno;

use super::config::Image;
use super::decode::{Decoder, Verified};
use super::tar::{Kind, TarReader};
use super::{ImageError, Storage, Stream, bail, read_full};
use crate::paths::{self, Lookup};
use crate::root_view::{FileError, RootView};

/// The files whose contents are kept while the layers are read: what the verdict reads for
/// every image (users, groups, the loader's configuration).
pub const KEPT: [&str; 6] = [
    "/etc/passwd",
    "/etc/group",
    "/etc/ld.so.cache",
    "/etc/ld.so.conf",
    "/etc/ld.so.conf.d/",
    "/etc/ld-musl-",
];

/// The largest file of [`KEPT`] whose contents are kept.
pub const MAX_KEPT: u64 = 4 << 20;

/// The most bytes of [`KEPT`] files kept at once.
pub const MAX_KEPT_TOTAL: u64 = 16 << 20;

/// The longest path, or symbolic link target, of a layer entry, in bytes: the kernel's
/// `PATH_MAX` (4096) less the terminating NUL it counts. (The error messages name the limit
/// "PATH_MAX (4095)".)
pub const MAX_PATH_LEN: usize = 4095;

/// The most bytes of paths the tree holds: far more than a real image's (about 60 bytes for
/// each of its files), and a bound for an archive made to exhaust memory (every entry of a
/// deep path adds its directories).
pub const MAX_NAMES: usize = 256 << 20;

/// The most paths the tree holds: several times a large real image's (hundreds of thousands of
/// files), and with [`MAX_NAMES`] a bound of the tree's memory (each path costs its node too).
pub const MAX_PATHS: usize = 2_000_000;

/// The largest file the verdict reads (an ELF program or library): a bigger one is
/// `EFBIG` to the analysis.
pub const MAX_FILE: u64 = 512 << 20;

/// What a path is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NodeKind {
    /// A directory.
    Dir,
    /// A regular file: its size, and where its data is (layer index, offset in the
    /// uncompressed layer).
    File {
        /// Size in bytes.
        size: u64,
        /// The layer (0 is the bottom one).
        layer: usize,
        /// The data's offset in the uncompressed layer.
        offset: u64,
    },
    /// A symbolic link and its target.
    Symlink(String),
    /// A device or FIFO.
    Special,
}

/// One path of the tree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Node {
    /// What it is.
    pub kind: NodeKind,
    /// Permission bits (`0o7777`).
    pub mode: u32,
    /// Owner.
    pub uid: u32,
    /// Group.
    pub gid: u32,
    /// The layer that wrote it.
    layer: usize,
}

/// The merged tree of an image's layers.
#[derive(Clone, Debug)]
pub struct Tree {
    /// By absolute path (`/` included).
    nodes: BTreeMap<String, Node>,
    /// Contents read, by (layer, offset).
    contents: BTreeMap<(usize, u64), Vec<u8>>,
    /// The bytes of the paths in `nodes`.
    names: usize,
    /// The bytes of the contents kept while the layers are read.
    kept: u64,
    /// The bounds: [`MAX_PATHS`] and [`MAX_NAMES`] (smaller in the tests).
    max_paths: usize,
    max_names: usize,
}

/// A layer entry's path, relative to the root, as `/a/b`; `None` for the root itself.
fn clean(path: &str) -> Result<Option<String>, ImageError> {
    if path.starts_with('/') {
        bail!("the absolute path {path:?}: refused (a layer's paths are relative)");
    }
    let mut out = String::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => bail!("the path {path:?} leaves the image root (\"..\"): refused"),
            p => {
                out.push('/');
                out.push_str(p);
            }
        }
    }
    // As the engine unpacks it: relative, without `.`, repeated or trailing slashes.
    let len = out.len().saturating_sub(1);
    if len > MAX_PATH_LEN {
        bail!(
            "a path of {len} bytes, longer than PATH_MAX ({MAX_PATH_LEN}): refused (the engine could not unpack it)"
        );
    }
    Ok((!out.is_empty()).then_some(out))
}

fn is_kept(path: &str) -> bool {
    KEPT.iter().any(|k| {
        if k.ends_with('/') || k.ends_with('-') {
            path.starts_with(k)
        } else {
            path == *k
        }
    })
}

impl Default for Tree {
    fn default() -> Tree {
        Tree::new()
    }
}

impl Tree {
    /// An empty tree: only `/`.
    pub fn new() -> Tree {
        let mut nodes = BTreeMap::new();
        nodes.insert(
            "/".into(),
            Node {
                kind: NodeKind::Dir,
                mode: 0o755,
                uid: 0,
                gid: 0,
                layer: 0,
            },
        );
        Tree {
            nodes,
            contents: BTreeMap::new(),
            names: 1,
            kept: 0,
            max_paths: MAX_PATHS,
            max_names: MAX_NAMES,
        }
    }

    /// An empty tree with smaller bounds than [`MAX_PATHS`] and [`MAX_NAMES`].
    #[cfg(test)]
    pub fn with_limits(max_paths: usize, max_names: usize) -> Tree {
        Tree {
            max_paths,
            max_names,
            ..Tree::new()
        }
    }

    /// Removes the node at `path` (never `/`), and the contents kept of it.
    fn remove(&mut self, path: &str) {
        if path == "/" {
            return;
        }
        if let Some(node) = self.nodes.remove(path) {
            self.names -= path.len();
            self.forget(&node);
        }
    }

    /// Drops the contents kept of `node`'s file, if any: a hard link to it that remains reads
    /// it from its layer when asked, as any file.
    fn forget(&mut self, node: &Node) {
        if let NodeKind::File { layer, offset, .. } = node.kind
            && let Some(data) = self.contents.remove(&(layer, offset))
        {
            self.kept -= data.len() as u64;
        }
    }

    /// Stores `node` at `path`, replacing what was there, within [`MAX_NAMES`].
    fn put(&mut self, path: String, node: Node) -> Result<(), ImageError> {
        let len = path.len();
        if let Some(old) = self.nodes.insert(path, node) {
            self.forget(&old);
        } else {
            self.names += len;
            if self.nodes.len() > self.max_paths {
                bail!(
                    "it holds more than {} paths: refused (far more than a real image)",
                    self.max_paths
                );
            }
            if self.names > self.max_names {
                bail!(
                    "its paths take more than {} bytes: refused (far more than a real image's)",
                    self.max_names
                );
            }
        }
        Ok(())
    }

    /// The node at the stored path `path` (not resolved).
    pub fn get(&self, path: &str) -> Option<&Node> {
        self.nodes.get(path)
    }

    /// How many paths the tree holds.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// The bytes of file contents kept while the layers were read.
    #[cfg(test)]
    pub fn kept(&self) -> u64 {
        self.kept
    }

    /// Whether it holds nothing but `/`.
    pub fn is_empty(&self) -> bool {
        self.nodes.len() <= 1
    }

    /// Removes what is below `dir`, of layers below `layer` (all: `usize::MAX`).
    fn remove_below(&mut self, dir: &str, layer: usize) {
        let prefix = if dir == "/" {
            "/".into()
        } else {
            format!("{dir}/")
        };
        let doomed: Vec<String> = self
            .nodes
            .range(prefix.clone()..)
            .take_while(|(p, _)| p.starts_with(&prefix))
            .filter(|(_, n)| n.layer < layer)
            .map(|(p, _)| p.clone())
            .collect();
        for p in doomed {
            self.remove(&p);
        }
    }

    fn insert(&mut self, path: String, node: Node) -> Result<(), ImageError> {
        // The directories above it, replacing what is not one.
        let mut dir = paths::dirname(&path);
        let mut missing = Vec::new();
        while dir != "/" {
            if !matches!(self.nodes.get(dir).map(|n| &n.kind), Some(NodeKind::Dir)) {
                missing.push(String::from(dir));
            }
            dir = paths::dirname(dir);
        }
        for d in missing.into_iter().rev() {
            self.remove_below(&d, usize::MAX);
            self.put(
                d,
                Node {
                    kind: NodeKind::Dir,
                    mode: 0o755,
                    uid: 0,
                    gid: 0,
                    layer: node.layer,
                },
            )?;
        }
        if node.kind != NodeKind::Dir
            && matches!(self.nodes.get(&path).map(|n| &n.kind), Some(NodeKind::Dir))
        {
            self.remove_below(&path, usize::MAX);
        }
        self.put(path, node)
    }

    /// Applies the tar stream of layer `layer` (0 is the bottom one).
    pub fn apply<S: Stream>(
        &mut self,
        tar: &mut TarReader<S>,
        layer: usize,
    ) -> Result<(), ImageError> {
        while let Some(e) = tar.next_entry()? {
            let Some(path) = clean(&e.path)? else {
                continue; // the root directory itself
            };
            // A directory on the way that is a symbolic link in the layers below (/lib ->
            // usr/lib of a merged-/usr base) is followed, inside the image, as unpacking the
            // layer onto the lower ones does.
            let path = self.through_links(path);
            let name = paths::basename(&path).to_string();
            let name = name.as_str();
            let dir = paths::dirname(&path).to_string();
            if name == ".wh..wh..opq" {
                self.remove_below(&dir, layer);
                continue;
            }
            if name.starts_with(".wh..wh.") {
                continue; // other aufs metadata
            }
            if let Some(hidden) = name.strip_prefix(".wh.") {
                if hidden.is_empty() {
                    bail!("the whiteout {} names no file: refused", e.path);
                }
                let victim = paths::join(&dir, hidden);
                self.remove_below(&victim, usize::MAX);
                self.remove(&victim);
                continue;
            }
            if e.kind == Kind::Symlink && e.link.len() > MAX_PATH_LEN {
                bail!(
                    "the symbolic link {} has a target of {} bytes, longer than PATH_MAX ({MAX_PATH_LEN}): refused",
                    e.path,
                    e.link.len()
                );
            }
            let kind = match e.kind {
                Kind::Dir => NodeKind::Dir,
                Kind::File => NodeKind::File {
                    size: e.size,
                    layer,
                    offset: e.offset,
                },
                Kind::Symlink => NodeKind::Symlink(e.link.clone()),
                Kind::Special => NodeKind::Special,
                // A second name of an earlier file, symbolic link or device (link(2) makes
                // one of each); never of a directory.
                Kind::HardLink => {
                    // Its target's directories through the tree's links, as its own path's.
                    let target = clean(&e.link)?.unwrap_or_else(|| "/".into());
                    let target = self.through_links(target);
                    match self.nodes.get(&target) {
                        Some(n) if n.kind != NodeKind::Dir => {
                            let n = n.clone();
                            self.insert(path, Node { layer, ..n })?;
                            continue;
                        }
                        Some(_) => bail!(
                            "the hard link {} points to the directory {}: refused",
                            e.path,
                            e.link
                        ),
                        None => bail!(
                            "the hard link {} points to {}, which the image does not hold",
                            e.path,
                            e.link
                        ),
                    }
                }
            };
            if kind == NodeKind::Dir
                && let Some(existing) = self.nodes.get_mut(&path)
                && existing.kind == NodeKind::Dir
            {
                existing.mode = e.mode;
                existing.uid = e.uid;
                existing.gid = e.gid;
                continue;
            }
            let keep = e.kind == Kind::File
                && e.size <= MAX_KEPT
                && is_kept(&path)
                && self.kept + e.size <= MAX_KEPT_TOTAL;
            self.insert(
                path,
                Node {
                    kind,
                    mode: e.mode,
                    uid: e.uid,
                    gid: e.gid,
                    layer,
                },
            )?;
            if keep {
                let mut data = alloc::vec![0u8; e.size as usize];
                let mut done = 0;
                while done < data.len() {
                    let n = tar.read_data(&mut data[done..])?;
                    done += n;
                }
                self.kept += e.size;
                self.contents.insert((layer, e.offset), data);
            }
        }
        Ok(())
    }

    /// `path` with its directory resolved through the symbolic links of the tree, when that
    /// directory exists (links followed) and is one; else `path` as it is (its missing
    /// directories are then created).
    fn through_links(&self, path: String) -> String {
        let dir = paths::dirname(&path);
        if dir == "/" {
            return path;
        }
        match self.resolve(dir, "/", true) {
            Ok(real)
                if real != dir
                    && self.nodes.get(&real).map(|n| &n.kind) == Some(&NodeKind::Dir) =>
            {
                paths::join(&real, paths::basename(&path))
            }
            _ => path,
        }
    }

    /// The stored path that `path` leads to (from `cwd` if relative), symbolic links followed
    /// inside the tree (the last one too when `follow_last`), as `open(2)` would in a
    /// `chroot` of the image ([`paths::resolve_in`]).
    pub fn resolve(&self, path: &str, cwd: &str, follow_last: bool) -> Result<String, Errno> {
        paths::resolve_in(path, cwd, follow_last, |p| {
            match self.nodes.get(p).map(|n| &n.kind) {
                None => Lookup::Missing,
                Some(NodeKind::Dir) => Lookup::Dir,
                Some(NodeKind::Symlink(target)) => Lookup::Symlink(target),
                Some(_) => Lookup::Other,
            }
        })
    }
}

/// Reads every layer of `image` from `storage`, in one pass each, into one [`Tree`], checking
/// each layer's digest (as stored and uncompressed) at its end.
pub fn apply_layers(storage: &mut dyn Storage, image: &Image) -> Result<Tree, ImageError> {
    let mut tree = Tree::new();
    for (i, layer) in image.layers.iter().enumerate() {
        let what = format!("layer {} ({})", i + 1, layer.name);
        apply_layer(storage, layer, i, &mut tree)
            .map_err(|e| ImageError(format!("{what}: {e}")))?;
    }
    Ok(tree)
}

fn apply_layer(
    storage: &mut dyn Storage,
    layer: &super::config::Layer,
    i: usize,
    tree: &mut Tree,
) -> Result<(), ImageError> {
    let Some(blob) = storage.open(&layer.name)? else {
        bail!("missing from the image");
    };
    let stored = Verified::new(blob, layer.digest.as_deref(), layer.size, "its blob".into());
    let decoded = Decoder::new(stored)?;
    // An uncompressed layer's diff_id is its digest, checked once already.
    let diff_id = layer
        .diff_id
        .as_deref()
        .filter(|d| Some(*d) != layer.digest.as_deref());
    let plain = Verified::new(decoded, diff_id, None, "its uncompressed tar".into());
    let mut tar = TarReader::new(plain);
    let result = tree.apply(&mut tar, i).and_then(|()| tar.drain());
    if let Err(e) = result {
        // A corrupt blob decompresses to garbage before its end shows the digest mismatch:
        // read it to its end, and say what is wrong with it (its digest, else its
        // compressed stream or uncompressed digest) rather than what the garbage looked like.
        let plain = super::decode::drain(tar.inner_mut()).err();
        let stored = super::decode::drain(tar.inner_mut().inner_mut().inner_mut()).err();
        return Err(stored.or(plain).unwrap_or(e));
    }
    let stored = tar.inner_mut().inner_mut().inner_mut();
    let mut rest = [0u8; 1];
    if stored.read(&mut rest)? != 0 || !stored.checked() {
        bail!("data after the end of its compressed stream: corrupt");
    }
    if !tar.inner_mut().checked() {
        bail!("not read to its end");
    }
    Ok(())
}

/// The image's merged root file system, as the loader in a container of it sees it.
pub struct ImageRoot<'s> {
    storage: &'s mut dyn Storage,
    image: &'s Image,
    /// The tree.
    pub tree: Tree,
    cwd: String,
    /// Where `/proc` is read: the machine the container would run on.
    host: Option<&'s mut dyn RootView>,
}

impl<'s> ImageRoot<'s> {
    /// The tree `tree` of `image`, whose files' contents are read from `storage` when asked
    /// for; relative paths from the image's `WorkingDir`.
    pub fn new(storage: &'s mut dyn Storage, image: &'s Image, tree: Tree) -> ImageRoot<'s> {
        let cwd = paths::normalize(&image.run.working_dir, "/");
        ImageRoot {
            storage,
            image,
            tree,
            cwd,
            host: None,
        }
    }

    /// Reads `/proc` from `host`: in a container the runtime mounts the host's `/proc`, so the
    /// loader there sees this machine's CPU (`/proc/cpuinfo`, for its `glibc-hwcaps`
    /// subdirectories). Without it, `/proc` is the image's own (a saved image has none). The
    /// sizes of the files that the needs at run time name are read there too.
    pub fn with_host(mut self, host: &'s mut dyn RootView) -> ImageRoot<'s> {
        self.host = Some(host);
        self
    }

    /// The node `path` leads to (links followed, the last one too when `follow_last`), with
    /// its stored path.
    pub fn stat(&self, path: &str, follow_last: bool) -> Result<(String, &Node), Errno> {
        let p = self.tree.resolve(path, &self.cwd, follow_last)?;
        let node = self.tree.nodes.get(&p).ok_or(Errno::ENOENT)?;
        Ok((p, node))
    }

    /// This machine's root, when it was given ([`ImageRoot::with_host`]): for the sizes of
    /// the files a need names ([`needs::add_sizes_here`](crate::needs::add_sizes_here)).
    pub fn host(&mut self) -> Option<&mut dyn RootView> {
        match &mut self.host {
            Some(host) => Some(&mut **host),
            None => None,
        }
    }

    /// Whether `/proc` is read on the host ([`ImageRoot::with_host`]).
    pub fn has_host(&self) -> bool {
        self.host.is_some()
    }

    /// The host's view and the absolute path, when `path` is under `/proc` and `/proc` is
    /// read on the host ([`ImageRoot::with_host`]).
    fn on_host(&mut self, path: &str) -> Option<(&mut dyn RootView, String)> {
        let path = paths::normalize(path, &self.cwd);
        let proc = path == "/proc" || path.starts_with("/proc/");
        match self.host.as_deref_mut() {
            Some(host) if proc => Some((host, path)),
            _ => None,
        }
    }

    fn fetch(&mut self, layer: usize, offset: u64, size: u64) -> Result<Vec<u8>, Errno> {
        if let Some(data) = self.tree.contents.get(&(layer, offset)) {
            return Ok(data.clone());
        }
        if size > MAX_FILE {
            return Err(Errno::EFBIG);
        }
        let name = &self.image.layers.get(layer).ok_or(Errno::EIO)?.name;
        let blob = self
            .storage
            .open(name)
            .map_err(|_| Errno::EIO)?
            .ok_or(Errno::EIO)?;
        let mut decoded = Decoder::new(blob).map_err(|_| Errno::EIO)?;
        decoded.skip(offset).map_err(|_| Errno::EIO)?;
        let mut data = alloc::vec![0u8; size as usize];
        if read_full(&mut decoded, &mut data).map_err(|_| Errno::EIO)? != data.len() {
            return Err(Errno::EIO);
        }
        self.tree.contents.insert((layer, offset), data.clone());
        Ok(data)
    }
}

impl RootView for ImageRoot<'_> {
    fn read(&mut self, path: &str) -> Result<Vec<u8>, FileError> {
        if let Some((host, path)) = self.on_host(path) {
            return host.read(&path);
        }
        let (_, node) = self.stat(path, true)?;
        match node.kind {
            NodeKind::File {
                size,
                layer,
                offset,
            } => self.fetch(layer, offset, size).map_err(FileError::Read),
            NodeKind::Dir => Err(FileError::Read(Errno::EISDIR)),
            _ => Err(FileError::Read(Errno::ENXIO)),
        }
    }

    fn read_link(&mut self, path: &str) -> Result<Option<String>, Errno> {
        if let Some((host, path)) = self.on_host(path) {
            return host.read_link(&path);
        }
        let (_, node) = self.stat(path, false)?;
        Ok(match &node.kind {
            NodeKind::Symlink(t) => Some(t.clone()),
            _ => None,
        })
    }

    fn list_dir(&mut self, path: &str) -> Result<Vec<String>, Errno> {
        if let Some((host, path)) = self.on_host(path) {
            return host.list_dir(&path);
        }
        let (dir, node) = self.stat(path, true)?;
        if node.kind != NodeKind::Dir {
            return Err(Errno::ENOTDIR);
        }
        let prefix = if dir == "/" { dir } else { dir + "/" };
        Ok(self
            .tree
            .nodes
            .range(prefix.clone()..)
            .map(|(p, _)| p)
            .take_while(|p| p.starts_with(&prefix))
            .filter_map(|p| p.get(prefix.len()..))
            .filter(|n| !n.is_empty() && !n.contains('/'))
            .map(ToString::to_string)
            .collect())
    }

    fn current_dir(&mut self) -> Result<String, Errno> {
        Ok(self.cwd.clone())
    }
}

#[cfg(test)]
mod tests;
