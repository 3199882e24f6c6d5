//! `binfmt_misc`: the interpreters the kernel runs for files it cannot execute itself
//! (qemu-user for foreign machines), as `/proc/sys/fs/binfmt_misc` lists them (see the
//! kernel's `Documentation/admin-guide/binfmt-misc.rst`); [`this_host`], what that means for
//! one foreign program on this machine.
//!
//! This is the state of the running kernel, not of an image: a `FROM scratch` image that is run
//! on another host gets that host's entries, so the verdict for scratch is made without them.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use syscall_kit::Errno;

use crate::root_view::{RootView, ViewError};

/// Where the kernel lists its entries, one file each (and `status`, `register`).
pub const BINFMT_MISC: &str = "/proc/sys/fs/binfmt_misc";

/// How many bytes of a file the kernel matches against (`BINPRM_BUF_SIZE`).
pub const HEADER_BYTES: usize = 256;

/// One registered interpreter that recognises files by their first bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// The entry's file name (`qemu-aarch64`).
    pub name: String,
    /// `enabled` (a disabled entry matches nothing).
    pub enabled: bool,
    /// The interpreter's path.
    pub interpreter: String,
    /// The flag letters (`POF`): `F` means the kernel opened the interpreter when the entry
    /// was registered, so it is found in any mount namespace or root (a container's, an
    /// empty one).
    pub flags: String,
    /// Where the magic bytes start.
    pub offset: usize,
    /// The bytes to match, and the mask of the bits that count.
    pub magic: Vec<u8>,
    /// As long as `magic`.
    pub mask: Vec<u8>,
}

impl Entry {
    /// The entry the kernel shows in the file `name` as `text`; `None` for anything but an
    /// entry matching magic bytes (an `extension` entry, `status`, a malformed file).
    pub fn parse(name: &str, text: &str) -> Option<Entry> {
        let mut entry = Entry {
            name: name.into(),
            enabled: false,
            interpreter: String::new(),
            flags: String::new(),
            offset: 0,
            magic: Vec::new(),
            mask: Vec::new(),
        };
        let mut lines = text.lines();
        entry.enabled = match lines.next()? {
            "enabled" => true,
            "disabled" => false,
            _ => return None,
        };
        let mut mask = None;
        for line in lines {
            let (key, value) = line.split_once(' ').unwrap_or((line, ""));
            match key {
                "interpreter" => entry.interpreter = value.into(),
                "flags:" => entry.flags = value.into(),
                "offset" => entry.offset = value.parse().ok()?,
                "magic" => entry.magic = hex(value)?,
                "mask" => mask = Some(hex(value)?),
                _ => {}
            }
        }
        if entry.magic.is_empty() || entry.interpreter.is_empty() {
            return None;
        }
        entry.mask = mask.unwrap_or_else(|| alloc::vec![0xff; entry.magic.len()]);
        if entry.mask.len() != entry.magic.len() {
            return None;
        }
        Some(entry)
    }

    /// Whether the kernel gives a file that starts with `header` to this entry: the bits of
    /// the mask are equal to the magic's at `offset`.
    pub fn matches(&self, header: &[u8]) -> bool {
        let Some(bytes) = self
            .offset
            .checked_add(self.magic.len())
            .filter(|&end| end <= HEADER_BYTES)
            .and_then(|end| header.get(self.offset..end))
        else {
            return false;
        };
        self.enabled
            && bytes
                .iter()
                .zip(&self.magic)
                .zip(&self.mask)
                .all(|((b, m), k)| (b ^ m) & k == 0)
    }

    /// Whether the interpreter is found in any root (flag `F`).
    pub fn fixed(&self) -> bool {
        self.flags.contains('F')
    }
}

/// The entries of `/proc/sys/fs/binfmt_misc` read through `fs` (the host's root): none when it
/// is not there (not mounted, no `/proc`) or its `status` is `disabled`; an error of the view
/// otherwise.
pub fn load(fs: &mut dyn RootView) -> Result<Vec<Entry>, ViewError> {
    let mut names = match fs.list_dir(BINFMT_MISC) {
        Ok(names) => names,
        Err(Errno::ENOENT) => return Ok(Vec::new()),
        Err(e) => return Err(ViewError::new(BINFMT_MISC, e)),
    };
    names.sort();
    let mut entries = Vec::new();
    for name in names {
        if name == "register" {
            continue; // write-only: where entries are added
        }
        let path = format!("{BINFMT_MISC}/{name}");
        let text = match fs.read(&path) {
            Ok(t) => t,
            Err(e) if e.is_missing() => continue, // removed since the listing
            Err(e) => return Err(ViewError::new(path, e.errno())),
        };
        let text = String::from_utf8_lossy(&text);
        if name == "status" {
            if text.trim() == "disabled" {
                return Ok(Vec::new());
            }
            continue;
        }
        entries.extend(Entry::parse(&name, &text));
    }
    Ok(entries)
}

fn hex(text: &str) -> Option<Vec<u8>> {
    let text = text.trim().as_bytes();
    if !text.len().is_multiple_of(2) {
        return None;
    }
    text.chunks(2)
        .map(|pair| u8::from_str_radix(core::str::from_utf8(pair).ok()?, 16).ok())
        .collect()
}

/// What this host does with a foreign program whose file starts with `header`, given its
/// `binfmt_misc` entries (or the error that kept them from being read), in a few words for the
/// report's `on this host` line.
pub fn this_host(entries: &Result<Vec<Entry>, ViewError>, header: &[u8]) -> String {
    let entries = match entries {
        Ok(e) => e,
        Err(e) => return format!("unknown: cannot read {e}"),
    };
    match entries.iter().find(|e| e.matches(header)) {
        None => "exec format error: no enabled binfmt_misc entry takes it".into(),
        Some(e) if e.fixed() => format!(
            "runs through {} (binfmt_misc entry {}, flags {}: with F the kernel holds the interpreter open, so it is found in an empty root too)",
            e.interpreter, e.name, e.flags
        ),
        Some(e) => format!(
            "runs through {} (binfmt_misc entry {}, flags {}: without F the interpreter is opened when the program starts, so not in an empty root)",
            e.interpreter,
            e.name,
            if e.flags.is_empty() { "none" } else { &e.flags }
        ),
    }
}

#[cfg(test)]
mod tests;
