//! Path arithmetic on `/`-separated strings, and [`canonicalize`] (`realpath(3)`) over a
//! [`RootView`]; [`from_bytes`] and [`to_bytes`], how a file name that is not UTF-8 is held.
//!
//! # Names that are not UTF-8
//!
//! A Linux file name is bytes. The analysis holds paths as `String`s in which each byte that is
//! not part of valid UTF-8 is written `\xHH` and a backslash `\\` ([`from_bytes`]), so that
//! nothing is lost (`U+FFFD` would be) and the report shows the name escaped; every system call
//! takes the bytes back ([`to_bytes`]). A name that is valid UTF-8 and has no backslash is the
//! same string either way.

use alloc::collections::VecDeque;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use syscall_kit::Errno;

use crate::root_view::RootView;

/// How many symbolic links [`canonicalize`] follows before it gives up with `ELOOP`, as the
/// kernel does (`MAXSYMLINKS`, see `path_resolution(7)`).
pub const MAX_SYMLINKS: usize = 40;

/// The bytes `name` (a file name, a path, a string of an ELF file) as the analysis holds them:
/// valid UTF-8 as it is, a backslash as `\\`, any other byte as `\xHH` (see
/// [the module](self#names-that-are-not-utf-8)).
pub fn from_bytes(name: &[u8]) -> String {
    let mut out = String::with_capacity(name.len());
    for chunk in name.utf8_chunks() {
        for c in chunk.valid().chars() {
            if c == '\\' {
                out.push_str("\\\\");
            } else {
                out.push(c);
            }
        }
        for b in chunk.invalid() {
            out.push_str(&alloc::format!("\\x{b:02x}"));
        }
    }
    out
}

/// The bytes of a name held by [`from_bytes`], for a system call. A backslash that starts no
/// escape stays a backslash.
pub fn to_bytes(held: &str) -> Vec<u8> {
    let bytes = held.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |at: usize| {
            bytes
                .get(at..at + 2)
                .and_then(|h| core::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        };
        match (bytes[i], bytes.get(i + 1)) {
            (b'\\', Some(b'\\')) => {
                out.push(b'\\');
                i += 2;
            }
            (b'\\', Some(b'x')) if hex(i + 2).is_some() => {
                out.extend(hex(i + 2));
                i += 4;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    out
}

/// The directory part of `path` (`dirname(3)`): `/usr/bin/ls` → `/usr/bin`, `ls` → `.`,
/// `/ls` → `/`.
pub fn dirname(path: &str) -> &str {
    let path = path.trim_end_matches('/');
    match path.rfind('/') {
        Some(0) => "/",
        Some(i) => path[..i].trim_end_matches('/'),
        None if path.is_empty() => "/",
        None => ".",
    }
}

/// The last component of `path` (`basename(3)`).
pub fn basename(path: &str) -> &str {
    let path = path.trim_end_matches('/');
    path.rsplit('/').next().unwrap_or(path)
}

/// `dir/name`, with one `/` between them.
pub fn join(dir: &str, name: &str) -> String {
    let mut out = String::from(dir.trim_end_matches('/'));
    out.push('/');
    out.push_str(name.trim_start_matches('/'));
    out
}

/// `path` made absolute against `cwd` and cleaned without touching the file system: no `.`
/// components, no repeated `/`, and each `..` removes the component before it.
///
/// Unlike [`canonicalize`] this does not follow symbolic links, so `a/link/..` becomes `a`
/// where the kernel would go to the link target's parent.
pub fn normalize(path: &str, cwd: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    let full = if path.starts_with('/') { "" } else { cwd };
    for part in full.split('/').chain(path.split('/')) {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    let mut out = String::new();
    for p in parts {
        out.push('/');
        out.push_str(p);
    }
    if out.is_empty() {
        out.push('/');
    }
    out
}

/// What [`resolve_in`] needs to know of one stored path of a tree.
pub enum Lookup<'t> {
    /// Nothing is there.
    Missing,
    /// A directory.
    Dir,
    /// A symbolic link to this target.
    Symlink(&'t str),
    /// Anything else (a file, a device): a path cannot go on through it.
    Other,
}

/// The stored path that `path` leads to (from `cwd` if relative) in a tree of absolute paths
/// that `lookup` describes, symbolic links followed inside the tree (the last one too when
/// `follow_last`), as `open(2)` would in a `chroot` of it: a missing component is
/// [`Errno::ENOENT`], a file on the way [`Errno::ENOTDIR`], more than [`MAX_SYMLINKS`] links
/// [`Errno::ELOOP`]. The trees held in memory (an image's layers, the tests' roots) share it.
pub fn resolve_in<'t>(
    path: &str,
    cwd: &str,
    follow_last: bool,
    lookup: impl Fn(&str) -> Lookup<'t>,
) -> Result<String, Errno> {
    let start = if path.starts_with('/') { "" } else { cwd };
    let mut todo: Vec<String> = start
        .split('/')
        .chain(path.split('/'))
        .filter(|p| !p.is_empty())
        .map(ToString::to_string)
        .collect();
    todo.reverse(); // a stack: the next component last
    let mut done = String::new();
    let mut links = 0;
    while let Some(part) = todo.pop() {
        if part == "." {
            continue;
        }
        if part == ".." {
            done.truncate(done.rfind('/').unwrap_or(0));
            continue;
        }
        let here = alloc::format!("{done}/{part}");
        match lookup(&here) {
            Lookup::Missing => return Err(Errno::ENOENT),
            Lookup::Symlink(target) if follow_last || !todo.is_empty() => {
                links += 1;
                if links > MAX_SYMLINKS {
                    return Err(Errno::ELOOP);
                }
                if target.starts_with('/') {
                    done.clear();
                }
                todo.extend(
                    target
                        .split('/')
                        .filter(|p| !p.is_empty())
                        .rev()
                        .map(ToString::to_string),
                );
            }
            Lookup::Other if !todo.is_empty() => return Err(Errno::ENOTDIR),
            _ => done = here,
        }
    }
    if done.is_empty() {
        done.push('/');
    }
    Ok(done)
}

/// The absolute path of `path` with every symbolic link resolved (`realpath(3)`): what the
/// loader takes as the program's location for `$ORIGIN`.
///
/// A loop of links, or more than [`MAX_SYMLINKS`] of them, is [`Errno::ELOOP`]; a missing
/// component is the error of [`RootView::read_link`] (`ENOENT`).
pub fn canonicalize(fs: &mut dyn RootView, path: &str) -> Result<String, Errno> {
    let start = if path.starts_with('/') {
        String::new()
    } else {
        fs.current_dir()?
    };
    let mut todo: VecDeque<String> = start
        .split('/')
        .chain(path.split('/'))
        .filter(|p| !p.is_empty())
        .map(ToString::to_string)
        .collect();
    let mut done: Vec<String> = Vec::new();
    let mut links = 0;
    while let Some(part) = todo.pop_front() {
        match part.as_str() {
            "." => continue,
            ".." => {
                done.pop();
                continue;
            }
            _ => {}
        }
        done.push(part);
        let here = absolute(&done);
        let Some(target) = fs.read_link(&here)? else {
            continue;
        };
        links += 1;
        if links > MAX_SYMLINKS {
            return Err(Errno::ELOOP);
        }
        done.pop();
        if target.starts_with('/') {
            done.clear();
        }
        for p in target.split('/').rev().filter(|p| !p.is_empty()) {
            todo.push_front(p.into());
        }
    }
    Ok(absolute(&done))
}

fn absolute(parts: &[String]) -> String {
    if parts.is_empty() {
        return "/".into();
    }
    let mut out = String::new();
    for p in parts {
        out.push('/');
        out.push_str(p);
    }
    out
}

/// `dir` with the loader's dynamic string tokens replaced (see `ld.so(8)`, "Dynamic string
/// tokens"): `$ORIGIN` by `origin`, `$LIB` by `lib`, `$PLATFORM` by `platform`, each also
/// written `${…}`.
pub fn expand_tokens(dir: &str, origin: &str, lib: &str, platform: &str) -> String {
    let mut out = String::new();
    let mut rest = dir;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let (name, len) = match after.strip_prefix('{') {
            Some(braced) => match braced.find('}') {
                Some(end) => (&braced[..end], end + 2),
                None => ("", 0),
            },
            None => {
                let end = after
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .unwrap_or(after.len());
                (&after[..end], end)
            }
        };
        let value = match name {
            "ORIGIN" => Some(origin),
            "LIB" => Some(lib),
            "PLATFORM" => Some(platform),
            _ => None,
        };
        match value {
            Some(v) => {
                out.push_str(v);
                rest = &after[len..];
            }
            None => {
                out.push('$');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests;
