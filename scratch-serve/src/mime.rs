//! `Content-Type` from a file's extension: a built-in table of the types a site serves, and a
//! `mime.types` file (`--mime-types FILE`, the format of Debian's `/etc/mime.types`: a type
//! then its extensions, `#` comments) whose entries come first.

use core::ffi::CStr;

use syscall_kit::fs::{self, Mode, OFlags};
use syscall_kit::text::eq_ignore_case;
use syscall_kit::{Errno, io};

use crate::region::{Bytes, Slots};

/// The type of a file whose extension no table has.
pub const DEFAULT: &[u8] = b"application/octet-stream";

/// The built-in table: the types of the web's own formats (text with its charset, UTF-8, as
/// browsers otherwise guess it), images, fonts, media and archives.
const BUILT_IN: [(&[u8], &[u8]); 37] = [
    (b"html", b"text/html; charset=utf-8"),
    (b"htm", b"text/html; charset=utf-8"),
    (b"css", b"text/css; charset=utf-8"),
    (b"js", b"text/javascript; charset=utf-8"),
    (b"mjs", b"text/javascript; charset=utf-8"),
    (b"json", b"application/json"),
    (b"map", b"application/json"),
    (b"webmanifest", b"application/manifest+json"),
    (b"txt", b"text/plain; charset=utf-8"),
    (b"md", b"text/markdown; charset=utf-8"),
    (b"csv", b"text/csv; charset=utf-8"),
    (b"xml", b"application/xml"),
    (b"rss", b"application/rss+xml"),
    (b"atom", b"application/atom+xml"),
    (b"svg", b"image/svg+xml"),
    (b"png", b"image/png"),
    (b"jpg", b"image/jpeg"),
    (b"jpeg", b"image/jpeg"),
    (b"gif", b"image/gif"),
    (b"webp", b"image/webp"),
    (b"avif", b"image/avif"),
    (b"ico", b"image/vnd.microsoft.icon"),
    (b"woff", b"font/woff"),
    (b"woff2", b"font/woff2"),
    (b"ttf", b"font/ttf"),
    (b"otf", b"font/otf"),
    (b"wasm", b"application/wasm"),
    (b"pdf", b"application/pdf"),
    (b"zip", b"application/zip"),
    (b"gz", b"application/gzip"),
    (b"zst", b"application/zstd"),
    (b"tar", b"application/x-tar"),
    (b"mp4", b"video/mp4"),
    (b"webm", b"video/webm"),
    (b"mp3", b"audio/mpeg"),
    (b"ogg", b"audio/ogg"),
    (b"wav", b"audio/wav"),
];

/// The largest `mime.types` file read.
pub const FILE_MAX: usize = 1 << 20;

/// An extension and its type, as ranges of a `mime.types` file's text.
#[derive(Clone, Copy)]
struct Entry {
    ext: (u32, u32),
    ty: (u32, u32),
}

/// An empty slot of the table.
const EMPTY: Entry = Entry {
    ext: (0, 0),
    ty: (0, 0),
};

/// The bytes `range` of `text`, as (start, end).
fn at(text: &[u8], (start, end): (u32, u32)) -> &[u8] {
    text.get(start as usize..end as usize).unwrap_or_default()
}

/// FNV-1a of the lowercase `ext`.
fn hash(ext: &[u8]) -> usize {
    ext.iter().fold(0x811c_9dc5u32, |h, &b| {
        (h ^ u32::from(b.to_ascii_lowercase())).wrapping_mul(0x0100_0193)
    }) as usize
}

/// Why `--mime-types` cannot be used.
pub enum LoadError {
    /// The file cannot be read.
    Io(Errno),
    /// It is larger than [`FILE_MAX`].
    TooLarge,
}

/// The types of a `mime.types` file: its text, and a hash table (open addressing, at most half
/// full) of its extensions.
pub struct Types {
    text: Bytes,
    len: usize,
    table: Slots<Entry>,
    /// The table's size, a power of two; 0 without a file.
    slots: usize,
}

impl Types {
    /// No file: the built-in table only.
    pub fn none() -> Result<Types, Errno> {
        Ok(Types {
            text: Bytes::new(0)?,
            len: 0,
            table: Slots::new(0)?,
            slots: 0,
        })
    }

    /// Reads `path`, a `mime.types` file.
    pub fn load(path: &CStr) -> Result<Types, LoadError> {
        let fd = fs::open(path, OFlags::RDONLY | OFlags::CLOEXEC, Mode::empty())
            .map_err(LoadError::Io)?;
        let mut text = Bytes::new(FILE_MAX + 1).map_err(LoadError::Io)?;
        let mut len = 0;
        loop {
            let room = text.as_mut().get_mut(len..).unwrap_or_default();
            if room.is_empty() {
                return Err(LoadError::TooLarge);
            }
            match io::read(&fd, room) {
                Ok(0) => break,
                Ok(n) => len += n,
                Err(Errno::EINTR) => {}
                Err(e) => return Err(LoadError::Io(e)),
            }
        }
        let words = text
            .as_ref()
            .get(..len)
            .unwrap_or_default()
            .split(u8::is_ascii_whitespace)
            .filter(|w| !w.is_empty())
            .count();
        let slots = (words * 2).next_power_of_two().max(16);
        let mut table = Slots::new(slots).map_err(LoadError::Io)?;
        for _ in 0..slots {
            table.insert(EMPTY);
        }
        let mut types = Types {
            text,
            len,
            table,
            slots,
        };
        types.index();
        Ok(types)
    }

    /// Fills the table from the text, a line `type ext ext …` at a time; an extension named
    /// again takes the later line's type.
    fn index(&mut self) {
        let text = self.text.as_ref().get(..self.len).unwrap_or_default();
        let table = &mut self.table;
        for line in text.split(|&b| b == b'\n') {
            let mut words = line
                .split(u8::is_ascii_whitespace)
                .filter(|w| !w.is_empty())
                .map(|w| {
                    // The word's place in the text: its offset from the text's start.
                    let start = w.as_ptr() as usize - text.as_ptr() as usize;
                    (start as u32, (start + w.len()) as u32)
                });
            if let Some(ty) = words.next()
                && at(text, ty).first() != Some(&b'#')
            {
                for ext in words {
                    insert(table, self.slots, text, Entry { ext, ty });
                }
            }
        }
    }

    /// The type of the extension `ext` (without its dot): the file's, else the built-in
    /// table's, else [`DEFAULT`].
    pub fn of(&self, ext: &[u8]) -> &[u8] {
        let text = self.text.as_ref().get(..self.len).unwrap_or_default();
        if let Some(mask) = self.slots.checked_sub(1)
            && !ext.is_empty()
        {
            let mut i = hash(ext) & mask;
            for _ in 0..self.slots {
                match self.table.get(i) {
                    Some(e) if e.ext.1 != 0 => {
                        if eq_ignore_case(at(text, e.ext), ext) {
                            return at(text, e.ty);
                        }
                    }
                    _ => break,
                }
                i = (i + 1) & mask;
            }
        }
        BUILT_IN
            .iter()
            .find(|(e, _)| eq_ignore_case(e, ext))
            .map_or(DEFAULT, |(_, t)| t)
    }
}

/// Puts `e` in `table` (of `slots` entries, a power of two, at most half full), in place of
/// an entry of the same extension.
fn insert(table: &mut Slots<Entry>, slots: usize, text: &[u8], e: Entry) {
    let Some(mask) = slots.checked_sub(1) else {
        return;
    };
    let ext = at(text, e.ext);
    let mut i = hash(ext) & mask;
    for _ in 0..slots {
        let Some(slot) = table.get_mut(i) else {
            return;
        };
        if slot.ext.1 == 0 || eq_ignore_case(at(text, slot.ext), ext) {
            *slot = e;
            return;
        }
        i = (i + 1) & mask;
    }
}
