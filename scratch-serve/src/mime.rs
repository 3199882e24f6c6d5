//! `Content-Type` from a file's extension: a built-in table of the types a site serves, and a
//! `mime.types` file (`--mime-types FILE`, the format of Debian's `/etc/mime.types`: a type
//! then its extensions, `#` comments) whose entries win.

use core::ffi::CStr;

use syscall_kit::fs::{self, Mode, OFlags};
use syscall_kit::text::eq_ignore_case;
use syscall_kit::{Errno, io};

use crate::region::{Bytes, Slots};

/// The type of a file whose extension no table has.
pub const DEFAULT: &[u8] = b"application/octet-stream";

/// The built-in types, in the format of a `mime.types` file (the one reader reads both): the
/// web's own formats (text with its charset, UTF-8, which browsers otherwise guess), images,
/// fonts, media and archives. A parameter follows its type with no space, since spaces
/// separate a line's words: `text/html;charset=utf-8`, the same type as with a space (RFC 9110
/// §8.3.1 gives both forms as equivalent).
const BUILT_IN: &[u8] = b"text/html;charset=utf-8 html htm
text/css;charset=utf-8 css
text/javascript;charset=utf-8 js mjs
text/plain;charset=utf-8 txt
text/markdown;charset=utf-8 md
text/csv;charset=utf-8 csv
application/json json map
application/manifest+json webmanifest
application/xml xml
application/rss+xml rss
application/atom+xml atom
image/svg+xml svg
image/png png
image/jpeg jpg jpeg
image/gif gif
image/webp webp
image/avif avif
image/vnd.microsoft.icon ico
font/woff woff
font/woff2 woff2
font/ttf ttf
font/otf otf
application/wasm wasm
application/pdf pdf
application/zip zip
application/gzip gz
application/zstd zst
application/x-tar tar
video/mp4 mp4
video/webm webm
audio/mpeg mp3
audio/ogg ogg
audio/wav wav
";

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
    /// The file cannot be read, or the memory for the types could not be mapped.
    Io(Errno),
    /// It is larger than [`FILE_MAX`].
    TooLarge,
}

/// The types: the built-in text, then a `mime.types` file's (whose lines come later, so
/// their extensions win), and a hash table of their extensions (open addressing, at most
/// half full).
pub struct Types {
    text: Bytes,
    len: usize,
    table: Slots<Entry>,
    /// The table's size, a power of two.
    slots: usize,
}

impl Types {
    /// The built-in types, and those of `file` when given.
    pub fn load(file: Option<&CStr>) -> Result<Types, LoadError> {
        let room = BUILT_IN.len() + if file.is_some() { FILE_MAX + 1 } else { 0 };
        let mut text = Bytes::new(room).map_err(LoadError::Io)?;
        for (slot, &b) in text.as_mut().iter_mut().zip(BUILT_IN) {
            *slot = b;
        }
        let mut len = BUILT_IN.len();
        if let Some(path) = file {
            let fd = fs::open(path, OFlags::RDONLY | OFlags::CLOEXEC, Mode::empty())
                .map_err(LoadError::Io)?;
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
        }
        let all = text.as_ref().get(..len).unwrap_or_default();
        let words = all.split(u8::is_ascii_whitespace).filter(|w| !w.is_empty());
        let slots = (words.count() * 2).next_power_of_two();
        let mut table = Slots::new(slots).map_err(LoadError::Io)?;
        for _ in 0..slots {
            table.insert(EMPTY);
        }
        // Each line `type ext ext …`; `#` starts a comment line.
        for line in all.split(|&b| b == b'\n') {
            let mut words = line
                .split(u8::is_ascii_whitespace)
                .filter(|w| !w.is_empty())
                .map(|w| {
                    // The word's place in the text.
                    let start = w.as_ptr() as usize - all.as_ptr() as usize;
                    (start as u32, (start + w.len()) as u32)
                });
            if let Some(ty) = words.next()
                && at(all, ty).first() != Some(&b'#')
            {
                for ext in words {
                    insert(&mut table, slots, all, Entry { ext, ty });
                }
            }
        }
        Ok(Types {
            text,
            len,
            table,
            slots,
        })
    }

    /// The type of the extension `ext` (without its dot), or [`DEFAULT`].
    pub fn of(&self, ext: &[u8]) -> &[u8] {
        let text = self.text.as_ref().get(..self.len).unwrap_or_default();
        let mask = self.slots.wrapping_sub(1);
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
        DEFAULT
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
