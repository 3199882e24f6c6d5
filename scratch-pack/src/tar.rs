//! The headers of a tar archive as scratch-pack writes them (see `tar(5)`, POSIX `pax`): one
//! ustar header per entry, preceded by a pax extended header only when the ustar fields cannot
//! hold its name, link or size, with the fields that could vary from machine to machine fixed.
//!
//! - **ustar**: magic `ustar\0`, version `00`; numbers in octal, zero-padded, NUL-terminated;
//!   uid and gid `0`, user and group names empty, device numbers `0`; the mtime the one given
//!   (`SOURCE_DATE_EPOCH` or the fixed default, see [`crate::reproducible`]); no atime or ctime
//!   anywhere.
//! - **A name** that is ASCII and up to 100 bytes is the `name` field; a longer ASCII one is
//!   split at a `/` into `prefix` (up to 155 bytes) and `name`, as Go's `archive/tar` (the
//!   engines' reader) splits it; any other (longer, or not ASCII) is a pax `path` record. A
//!   link's target is the `linkname` field under the same rule (100 bytes, ASCII), else a pax
//!   `linkpath` record. A size of 8 GiB or more (past 11 octal digits) is a pax `size` record.
//!   A value that is not UTF-8 adds the record `hdrcharset=BINARY`, as POSIX asks.
//! - **The pax header** is named `././@PaxHeader` (its name is not read by any reader), with
//!   the same mode, owner and time rules; its records are in the bytewise order of their keys.
//!
//! The checksum is scratch-doctor's ([`scratch_doctor::image::tar::checksum`]), the one its
//! reader checks.

use alloc::vec::Vec;

use scratch_doctor::image::tar::checksum;

/// The size of a tar block.
pub const BLOCK: usize = 512;

/// The largest size the ustar `size` field holds: 11 octal digits, 8 GiB less one byte.
pub const USTAR_MAX_SIZE: u64 = 0o777_7777_7777;

/// The largest time the ustar `mtime` field holds (11 octal digits: the year 2242).
pub const USTAR_MAX_TIME: u64 = 0o777_7777_7777;

/// The name of every pax extended header.
const PAX_NAME: &[u8] = b"././@PaxHeader";

/// What an entry is, as its `typeflag` says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Type {
    /// `0`: a regular file, its data after the header.
    File,
    /// `1`: another name of a file written before it in the archive.
    HardLink,
    /// `2`: a symbolic link.
    Symlink,
    /// `5`: a directory.
    Dir,
}

impl Type {
    fn flag(self) -> u8 {
        match self {
            Type::File => b'0',
            Type::HardLink => b'1',
            Type::Symlink => b'2',
            Type::Dir => b'5',
        }
    }
}

/// One entry's header.
#[derive(Clone, Copy, Debug)]
pub struct Header<'a> {
    /// The name, relative, as it is in the archive (a directory's ends with `/`).
    pub name: &'a [u8],
    /// What it is.
    pub kind: Type,
    /// The size of the data that follows (0 but for a regular file).
    pub size: u64,
    /// The permission bits (`0o7777`).
    pub mode: u32,
    /// The target of a link (empty for the others).
    pub link: &'a [u8],
    /// The modification time, seconds since the epoch (at most [`USTAR_MAX_TIME`]).
    pub mtime: u64,
}

/// Appends the header blocks of `h` to `out`: a pax extended header and its records first when
/// they are needed, then the ustar header.
pub fn write_header(h: &Header<'_>, out: &mut Vec<u8>) {
    let name = split_name(h.name);
    let link_fits = h.link.len() <= 100 && h.link.is_ascii();
    let mut records: Vec<(&[u8], &[u8])> = Vec::new();
    let size_text = decimal(h.size);
    let binary = (name.is_none() && core::str::from_utf8(h.name).is_err())
        || (!link_fits && core::str::from_utf8(h.link).is_err());
    if binary {
        records.push((b"hdrcharset", b"BINARY"));
    }
    if !link_fits {
        records.push((b"linkpath", h.link));
    }
    if name.is_none() {
        records.push((b"path", h.name));
    }
    if h.size > USTAR_MAX_SIZE {
        records.push((b"size", &size_text));
    }
    if !records.is_empty() {
        let data = pax_records(&records);
        let pax = ustar(
            &UstarFields {
                prefix: b"",
                name: PAX_NAME,
                link: b"",
                size: data.len() as u64,
                flag: b'x',
                mode: 0o644,
                mtime: h.mtime,
            },
            out,
        );
        debug_assert!(pax);
        out.extend_from_slice(&data);
        pad(out);
    }
    let (prefix, short) = name.unwrap_or((b"", b""));
    ustar(
        &UstarFields {
            prefix,
            name: short,
            link: if link_fits { h.link } else { b"" },
            size: if h.size > USTAR_MAX_SIZE { 0 } else { h.size },
            flag: h.kind.flag(),
            mode: h.mode,
            mtime: h.mtime,
        },
        out,
    );
}

/// Zeros up to the next multiple of [`BLOCK`] of `out`'s length.
pub fn pad(out: &mut Vec<u8>) {
    out.resize(out.len().next_multiple_of(BLOCK), 0);
}

/// How many zero bytes follow `size` bytes of data to end its last block.
pub fn padding(size: u64) -> usize {
    (BLOCK - (size % BLOCK as u64) as usize) % BLOCK
}

/// The end of an archive: two zero blocks.
pub const END: [u8; 2 * BLOCK] = [0; 2 * BLOCK];

/// `name` as the ustar `prefix` and `name` fields, or `None` when it needs a pax `path`
/// record: a name that is not ASCII, or that no `/` splits into up to 155 and 100 bytes (the
/// rule of Go's `archive/tar`, `splitUSTARPath`).
fn split_name(name: &[u8]) -> Option<(&[u8], &[u8])> {
    if !name.is_ascii() {
        return None;
    }
    if name.len() <= 100 {
        return Some((b"", name));
    }
    // The last `/` at or before byte 155 (a trailing one, a directory's, does not count).
    let mut end = name.len().min(156);
    if end == name.len() && name.ends_with(b"/") {
        end -= 1;
    }
    let slash = name[..end].iter().rposition(|&b| b == b'/')?;
    let (prefix, rest) = (&name[..slash], &name[slash + 1..]);
    (slash > 0 && !rest.is_empty() && rest.len() <= 100 && prefix.len() <= 155)
        .then_some((prefix, rest))
}

/// The decimal digits of `n`.
fn decimal(n: u64) -> Vec<u8> {
    alloc::format!("{n}").into_bytes()
}

/// The records `"%d %s=%s\n"` of a pax extended header, each one's length (its own digits
/// included) first.
fn pax_records(records: &[(&[u8], &[u8])]) -> Vec<u8> {
    let mut out = Vec::new();
    for (key, value) in records {
        // " key=value\n" and the digits of the whole length, which may add a digit.
        let rest = key.len() + value.len() + 3;
        let mut len = rest + 1;
        while decimal(len as u64).len() + rest != len {
            len = rest + decimal(len as u64).len();
        }
        out.extend_from_slice(&decimal(len as u64));
        out.push(b' ');
        out.extend_from_slice(key);
        out.push(b'=');
        out.extend_from_slice(value);
        out.push(b'\n');
    }
    out
}

/// The fields of one ustar header that vary.
struct UstarFields<'a> {
    prefix: &'a [u8],
    name: &'a [u8],
    link: &'a [u8],
    size: u64,
    flag: u8,
    mode: u32,
    mtime: u64,
}

/// Appends one ustar header block; `false` when a field did not fit (the callers make sure
/// every one does).
fn ustar(f: &UstarFields<'_>, out: &mut Vec<u8>) -> bool {
    let mut block = [0u8; BLOCK];
    let mut fits = true;
    fits &= put(&mut block[0..100], f.name);
    fits &= octal(&mut block[100..108], u64::from(f.mode & 0o7777));
    fits &= octal(&mut block[108..116], 0);
    fits &= octal(&mut block[116..124], 0);
    fits &= octal(&mut block[124..136], f.size);
    fits &= octal(&mut block[136..148], f.mtime);
    block[156] = f.flag;
    fits &= put(&mut block[157..257], f.link);
    block[257..263].copy_from_slice(b"ustar\0");
    block[263..265].copy_from_slice(b"00");
    // uname and gname (265..329) stay empty.
    fits &= octal(&mut block[329..337], 0);
    fits &= octal(&mut block[337..345], 0);
    fits &= put(&mut block[345..500], f.prefix);
    let sum = checksum(&block);
    // Six octal digits, a NUL and a space, as tar(5) describes it.
    fits &= octal(&mut block[148..155], sum);
    block[155] = b' ';
    out.extend_from_slice(&block);
    fits
}

/// `bytes` at the start of `field` (the rest stays NUL); `false` if they do not fit.
fn put(field: &mut [u8], bytes: &[u8]) -> bool {
    match field.get_mut(..bytes.len()) {
        Some(to) => {
            to.copy_from_slice(bytes);
            true
        }
        None => false,
    }
}

/// `n` in octal, zero-padded to the field's length less one, then a NUL; `false` if it does
/// not fit.
fn octal(field: &mut [u8], n: u64) -> bool {
    let Some((last, digits)) = field.split_last_mut() else {
        return false;
    };
    *last = 0;
    let mut n = n;
    for d in digits.iter_mut().rev() {
        *d = b'0' + (n & 7) as u8;
        n >>= 3;
    }
    n == 0
}

#[cfg(test)]
mod tests;
