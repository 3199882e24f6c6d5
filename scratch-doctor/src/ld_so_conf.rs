//! `/etc/ld.so.conf`: the directories `ldconfig(8)` builds the cache from, with its
//! `include`s (glob patterns, expanded as `glob(3)` would). glibc's loader searches them only
//! through the cache; the doctor uses them when there is no cache to read.

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use syscall_kit::Errno;

use crate::paths;
use crate::root_view::{RootView, ViewError};

/// The configuration `ldconfig` builds the cache from.
pub const LD_SO_CONF: &str = "/etc/ld.so.conf";

/// How deep `include`s may nest before [`conf_dirs`] stops (a file including itself).
const MAX_INCLUDE_DEPTH: usize = 16;

/// The directories of `/etc/ld.so.conf` (or `conf`), `include` patterns expanded, in order,
/// each once. A file that is not there ([`FileError::is_missing`](crate::root_view::FileError::is_missing))
/// gives none; one that is there and cannot be read, or a directory of an `include` pattern
/// that cannot be listed for another reason than not being there, is a [`ViewError`]: the
/// directories searched would depend on what the doctor could not read (`ldconfig` warns and
/// goes on, and its cache, which the doctor has not, holds the result).
pub fn conf_dirs(fs: &mut dyn RootView, conf: &str) -> Result<Vec<String>, ViewError> {
    let mut dirs = Vec::new();
    read_conf(fs, conf, 0, &mut dirs)?;
    Ok(dirs)
}

fn read_conf(
    fs: &mut dyn RootView,
    path: &str,
    depth: usize,
    dirs: &mut Vec<String>,
) -> Result<(), ViewError> {
    if depth > MAX_INCLUDE_DEPTH {
        return Ok(());
    }
    let text = match fs.read(path) {
        Ok(text) => text,
        Err(e) if e.is_missing() => return Ok(()),
        Err(e) => return Err(ViewError::new(path, e.errno())),
    };
    let text = String::from_utf8_lossy(&text).into_owned();
    for line in text.lines() {
        let line = line.split('#').next().unwrap_or_default().trim();
        if line.is_empty() {
            continue;
        }
        if let Some(patterns) = line
            .strip_prefix("include")
            .filter(|r| r.starts_with([' ', '\t']))
        {
            for pattern in patterns.split_whitespace() {
                let pattern = if pattern.starts_with('/') {
                    pattern.to_string()
                } else {
                    paths::join(paths::dirname(path), pattern)
                };
                for file in glob(fs, &pattern)? {
                    read_conf(fs, &file, depth + 1, dirs)?;
                }
            }
        } else if line.starts_with("hwcap") && line[5..].starts_with([' ', '\t']) {
            // Obsolete hardware-capability lines: ignored by current ldconfig.
        } else {
            // One directory per line, optionally `dir=TYPE` (libc5 era).
            let dir = line.split('=').next().unwrap_or_default().trim();
            let dir = dir.trim_end_matches('/');
            if dir.starts_with('/') && !dirs.iter().any(|d| d == dir) {
                dirs.push(dir.into());
            }
        }
    }
    Ok(())
}

/// The paths matching the absolute `pattern` (`*`, `?` and `[…]` in any component), sorted
/// per directory as `glob(3)` sorts them. A `*` does not match a leading `.`. A directory that
/// is not there (`ENOENT`, `ENOTDIR`) matches nothing; one that cannot be listed for another
/// reason is a [`ViewError`] (where `glob(3)` without `GLOB_ERR` would match nothing).
pub fn glob(fs: &mut dyn RootView, pattern: &str) -> Result<Vec<String>, ViewError> {
    let mut found = alloc::vec![String::new()];
    for part in pattern.split('/').filter(|p| !p.is_empty()) {
        let mut next = Vec::new();
        for base in &found {
            if part.contains(['*', '?', '[']) {
                let dir = if base.is_empty() { "/" } else { base.as_str() };
                let mut names = match fs.list_dir(dir) {
                    Ok(names) => names,
                    Err(Errno::ENOENT | Errno::ENOTDIR) => Vec::new(),
                    Err(e) => return Err(ViewError::new(dir, e)),
                };
                names.sort();
                for name in names {
                    if !name.starts_with('.') && matches(part.as_bytes(), name.as_bytes()) {
                        next.push(format!("{base}/{name}"));
                    }
                }
            } else {
                next.push(format!("{base}/{part}"));
            }
        }
        found = next;
    }
    found.retain(|p| !p.is_empty());
    Ok(found)
}

/// `fnmatch(3)` of one path component: `*`, `?` and bracket sets (`[a-z]`, `[!x]`).
fn matches(pattern: &[u8], name: &[u8]) -> bool {
    match pattern.split_first() {
        None => name.is_empty(),
        Some((b'*', rest)) => (0..=name.len()).any(|i| matches(rest, &name[i..])),
        Some((b'?', rest)) => !name.is_empty() && matches(rest, &name[1..]),
        Some((b'[', rest)) => {
            let Some(close) = rest.iter().skip(1).position(|&b| b == b']').map(|p| p + 1) else {
                return name.first() == Some(&b'[') && matches(rest, &name[1..]);
            };
            let Some((&c, name_rest)) = name.split_first() else {
                return false;
            };
            let (negate, set) = match rest[..close].split_first() {
                Some((b'!' | b'^', set)) => (true, set),
                _ => (false, &rest[..close]),
            };
            let mut hit = false;
            let mut i = 0;
            while i < set.len() {
                if i + 2 < set.len() && set[i + 1] == b'-' {
                    hit |= set[i] <= c && c <= set[i + 2];
                    i += 3;
                } else {
                    hit |= set[i] == c;
                    i += 1;
                }
            }
            hit != negate && matches(&rest[close + 1..], name_rest)
        }
        Some((&p, rest)) => name.first() == Some(&p) && matches(rest, &name[1..]),
    }
}

#[cfg(test)]
mod tests;
