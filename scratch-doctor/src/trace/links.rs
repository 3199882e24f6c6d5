//! [`Links`]: the symbolic links a path goes through on this machine, kept as links with their
//! targets (`/lib64 -> usr/lib64`, `/etc/localtime -> /usr/share/zoneinfo/Asia/Shanghai`), and
//! the real path it ends at. A copy that makes the same links and puts each file at its real
//! path resolves every path the program looked up as this machine does.

use alloc::collections::{BTreeMap, VecDeque};
use alloc::string::String;
use alloc::vec::Vec;

use syscall_kit::Errno;

use crate::RootView;
use crate::paths::{self, MAX_SYMLINKS};

/// The links seen so far, and the answers of [`RootView::read_link`] (asked once per path).
#[derive(Default)]
pub struct Links {
    /// Each link's path (its directory a real one) and target, as stored.
    found: BTreeMap<String, String>,
    /// The order in which they were found.
    order: Vec<String>,
    /// `read_link`'s answer per path: the target, `None` for a file that is not a link.
    asked: BTreeMap<String, Result<Option<String>, Errno>>,
}

impl Links {
    /// The real path of the absolute `path` on `fs`: every symbolic link on the way followed
    /// (the last one only when `follow`) and remembered. `ENOENT`, `ENOTDIR`, `ELOOP` as the
    /// kernel would answer, at the first component that fails.
    pub fn resolve(
        &mut self,
        fs: &mut dyn RootView,
        path: &str,
        follow: bool,
    ) -> Result<String, Errno> {
        let mut todo: VecDeque<String> = components(path);
        let mut at = String::from("/");
        let mut hops = 0;
        while let Some(part) = todo.pop_front() {
            if part == ".." {
                at = paths::dirname(&at).into();
                continue;
            }
            let next = paths::join(&at, &part);
            if todo.is_empty() && !follow {
                return Ok(next);
            }
            match self.read_link(fs, &next)? {
                None => at = next,
                Some(target) => {
                    hops += 1;
                    if hops > MAX_SYMLINKS {
                        return Err(Errno::ELOOP);
                    }
                    if !self.found.contains_key(&next) {
                        self.found.insert(next.clone(), target.clone());
                        self.order.push(next);
                    }
                    if target.starts_with('/') {
                        at = String::from("/");
                    }
                    for c in components(&target).into_iter().rev() {
                        todo.push_front(c);
                    }
                }
            }
        }
        Ok(at)
    }

    /// Every link found, in the order found: `(path, target)`.
    pub fn all(&self) -> Vec<(String, String)> {
        self.order
            .iter()
            .map(|p| (p.clone(), self.found.get(p).cloned().unwrap_or_default()))
            .collect()
    }

    fn read_link(&mut self, fs: &mut dyn RootView, path: &str) -> Result<Option<String>, Errno> {
        if let Some(answer) = self.asked.get(path) {
            return answer.clone();
        }
        let answer = fs.read_link(path);
        self.asked.insert(path.into(), answer.clone());
        answer
    }
}

/// The components of `path` other than empty ones and `.`.
fn components(path: &str) -> VecDeque<String> {
    path.split('/')
        .filter(|c| !c.is_empty() && *c != ".")
        .map(String::from)
        .collect()
}
