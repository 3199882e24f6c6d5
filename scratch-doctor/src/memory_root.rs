//! [`MemoryRoot`]: a root file system held in memory, a [`RootView`] that needs no disk.
//!
//! The unit tests build the systems they search in with it (a program, its libraries, an
//! `ld.so.cache`, symbolic links); a root that exists only as data, such as an image's layers,
//! can be read into one.

use alloc::collections::BTreeMap;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use syscall_kit::Errno;

use crate::paths::{self, Lookup};
use crate::root_view::{FileError, RootView};

/// One file of a [`MemoryRoot`].
#[derive(Clone, Debug, PartialEq, Eq)]
enum Node {
    File(Vec<u8>),
    Symlink(String),
    Dir,
}

/// A root file system in memory: regular files, symbolic links and directories, each at an
/// absolute path, and a current directory (`/` unless set).
///
/// Paths are stored as given (normalized: no `.`, `..` or repeated `/`), not resolved: a file
/// belongs at its real path, and a symbolic link where the root has one. The directories above
/// an added path are created where missing. Reading follows symbolic links as the kernel does
/// (relative targets from the link's directory, at most [`MAX_SYMLINKS`](paths::MAX_SYMLINKS) of them).
#[derive(Clone, Debug)]
pub struct MemoryRoot {
    /// Every file by its absolute path, `/` included (a directory).
    nodes: BTreeMap<String, Node>,
    cwd: String,
}

impl Default for MemoryRoot {
    fn default() -> MemoryRoot {
        MemoryRoot::new()
    }
}

impl MemoryRoot {
    /// An empty root: only the directory `/`, which is also the current directory.
    pub fn new() -> MemoryRoot {
        let mut nodes = BTreeMap::new();
        nodes.insert("/".into(), Node::Dir);
        MemoryRoot {
            nodes,
            cwd: "/".into(),
        }
    }

    /// Adds the regular file `path` holding `contents` (replacing what was there).
    pub fn file(&mut self, path: &str, contents: impl Into<Vec<u8>>) -> &mut MemoryRoot {
        self.insert(path, Node::File(contents.into()))
    }

    /// Adds the symbolic link `path` pointing to `target` (replacing what was there).
    pub fn symlink(&mut self, path: &str, target: &str) -> &mut MemoryRoot {
        self.insert(path, Node::Symlink(target.into()))
    }

    /// Adds the directory `path` (an existing one stays as it is).
    pub fn dir(&mut self, path: &str) -> &mut MemoryRoot {
        let path = paths::normalize(path, "/");
        self.make_parents(&path);
        self.nodes.entry(path).or_insert(Node::Dir);
        self
    }

    /// Sets the directory relative paths are resolved against (made absolute against `/`).
    pub fn set_current_dir(&mut self, path: &str) -> &mut MemoryRoot {
        self.cwd = paths::normalize(path, "/");
        self
    }

    fn insert(&mut self, path: &str, node: Node) -> &mut MemoryRoot {
        let path = paths::normalize(path, "/");
        if path != "/" {
            self.make_parents(&path);
            self.nodes.insert(path, node);
        }
        self
    }

    fn make_parents(&mut self, path: &str) {
        let mut dir = paths::dirname(path);
        while dir != "/" {
            self.nodes.entry(dir.into()).or_insert(Node::Dir);
            dir = paths::dirname(dir);
        }
    }

    /// The stored path `path` leads to: every symbolic link on the way followed, and the last
    /// component too when `follow_last` (as `open(2)` does, and `readlink(2)` does not).
    fn resolve(&self, path: &str, follow_last: bool) -> Result<String, Errno> {
        paths::resolve_in(path, &self.cwd, follow_last, |p| match self.nodes.get(p) {
            None => Lookup::Missing,
            Some(Node::Dir) => Lookup::Dir,
            Some(Node::Symlink(target)) => Lookup::Symlink(target),
            Some(Node::File(_)) => Lookup::Other,
        })
    }
}

impl RootView for MemoryRoot {
    fn read(&mut self, path: &str) -> Result<Vec<u8>, FileError> {
        match self.nodes.get(&self.resolve(path, true)?) {
            Some(Node::File(bytes)) => Ok(bytes.clone()),
            Some(Node::Dir) => Err(FileError::Read(Errno::EISDIR)),
            _ => Err(FileError::Open(Errno::ENOENT)),
        }
    }

    fn read_link(&mut self, path: &str) -> Result<Option<String>, Errno> {
        match self.nodes.get(&self.resolve(path, false)?) {
            Some(Node::Symlink(target)) => Ok(Some(target.clone())),
            _ => Ok(None),
        }
    }

    fn list_dir(&mut self, path: &str) -> Result<Vec<String>, Errno> {
        let dir = self.resolve(path, true)?;
        if self.nodes.get(&dir) != Some(&Node::Dir) {
            return Err(Errno::ENOTDIR);
        }
        let prefix = if dir == "/" { dir } else { dir + "/" };
        Ok(self
            .nodes
            .range(prefix.clone()..)
            .map(|(path, _)| path)
            .take_while(|path| path.starts_with(&prefix))
            .filter_map(|path| path.get(prefix.len()..))
            .filter(|name| !name.is_empty() && !name.contains('/'))
            .map(ToString::to_string)
            .collect())
    }

    fn current_dir(&mut self) -> Result<String, Errno> {
        Ok(self.cwd.clone())
    }
}

#[cfg(test)]
mod tests;
