//! A streaming tar reader: the entries of an archive one after the other, each one's data
//! read (or skipped) before the next, in one pass (see `tar(5)`).
//!
//! Written here rather than taken from a crate: the `tar` crate needs `std::io`, and the
//! no_std ones read an archive held whole in memory, which a layer of gigabytes is not. What
//! it reads: the ustar header (with its `prefix` field), the old v7 and GNU headers, GNU long
//! names and link names (`L`, `K`), and pax extended headers (`x`: `path`, `linkpath`, `size`;
//! `g` is skipped). A header whose checksum does not match is "not a tar archive"; sizes in
//! base-256 (GNU, for files over 8 GiB) are read.

use alloc::string::String;
use alloc::vec::Vec;

use super::{ImageError, Stream, bail, read_full};
use crate::paths;

/// The size of a tar block.
pub const BLOCK: u64 = 512;

/// A long name, link name or pax header is refused past this size (no real one comes close).
const MAX_META: u64 = 1 << 20;

/// What an entry is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A regular file (`0`, `\0`, `7`).
    File,
    /// A hard link to an earlier entry (`1`).
    HardLink,
    /// A symbolic link (`2`).
    Symlink,
    /// A directory (`5`).
    Dir,
    /// A device or FIFO (`3`, `4`, `6`).
    Special,
}

/// One entry's header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// The path as written in the archive (held by [`paths::from_bytes`]).
    pub path: String,
    /// What it is.
    pub kind: Kind,
    /// The size of its data.
    pub size: u64,
    /// The permission bits (`0o7777`).
    pub mode: u32,
    /// Owner.
    pub uid: u32,
    /// Group.
    pub gid: u32,
    /// The target of a link.
    pub link: String,
    /// Where its data starts in the stream.
    pub offset: u64,
}

/// Reads the entries of the tar stream `S`.
pub struct TarReader<S> {
    inner: S,
    /// Bytes read from `inner` so far.
    pos: u64,
    /// Data of the current entry not yet read, and the padding after it.
    data_left: u64,
    padding: u64,
    /// Whether the end-of-archive blocks (or the end of the stream) were reached.
    done: bool,
    /// Whether any header was read.
    any: bool,
    /// Whether the archive ended with its end-of-archive (zero) block.
    marked: bool,
}

fn octal(field: &[u8]) -> Option<u64> {
    if field.first().is_some_and(|b| b & 0x80 != 0) {
        // GNU base-256: big-endian, the high bit of the first byte set.
        let mut v: u64 = u64::from(field[0] & 0x7f);
        for &b in &field[1..] {
            v = v.checked_mul(256)?.checked_add(u64::from(b))?;
        }
        return Some(v);
    }
    let text = field.split(|&b| b == 0).next().unwrap_or_default();
    let text = core::str::from_utf8(text).ok()?.trim_matches([' ', '\0']);
    if text.is_empty() {
        return Some(0);
    }
    u64::from_str_radix(text, 8).ok()
}

fn cstr(field: &[u8]) -> &[u8] {
    field.split(|&b| b == 0).next().unwrap_or_default()
}

/// Whether `block` is a tar header: its checksum (see [`checksum`]) matches.
pub fn is_header(block: &[u8; 512]) -> bool {
    octal(&block[148..156]).is_some_and(|want| checksum(block) == want)
}

/// The checksum of the header `block`: the sum of its bytes, the checksum field (bytes
/// 148..156) counted as spaces. scratch-pack's tar writer fills the field with it.
pub fn checksum(block: &[u8; 512]) -> u64 {
    block
        .iter()
        .enumerate()
        .map(|(i, &b)| {
            if (148..156).contains(&i) {
                32
            } else {
                u64::from(b)
            }
        })
        .sum()
}

impl<S: Stream> TarReader<S> {
    /// A reader of the archive `inner`.
    pub fn new(inner: S) -> TarReader<S> {
        TarReader {
            inner,
            pos: 0,
            data_left: 0,
            padding: 0,
            done: false,
            any: false,
            marked: false,
        }
    }

    /// The stream, positioned wherever reading stopped.
    pub fn into_inner(self) -> S {
        self.inner
    }

    /// The stream, positioned wherever reading stopped.
    pub fn inner_mut(&mut self) -> &mut S {
        &mut self.inner
    }

    fn block(&mut self, block: &mut [u8; 512]) -> Result<bool, ImageError> {
        let n = read_full(&mut self.inner, block)?;
        self.pos += n as u64;
        match n {
            0 => Ok(false),
            512 => Ok(true),
            _ if !self.any => bail!("not a tar archive ({n} bytes, less than a tar header)"),
            _ => bail!("truncated tar archive: it ends inside a header"),
        }
    }

    fn skip_rest(&mut self) -> Result<(), ImageError> {
        let n = self.data_left + self.padding;
        if n > 0 {
            self.inner
                .skip(n)
                .map_err(|_| ImageError("truncated tar archive: it ends inside a file".into()))?;
            self.pos += n;
        }
        self.data_left = 0;
        self.padding = 0;
        Ok(())
    }

    fn read_meta(&mut self, size: u64) -> Result<Vec<u8>, ImageError> {
        if size > MAX_META {
            bail!("a tar extended header of {size} bytes: not a real archive's");
        }
        let mut data = alloc::vec![0u8; size as usize];
        if read_full(&mut self.inner, &mut data)? != data.len() {
            bail!("truncated tar archive: it ends inside an extended header");
        }
        self.pos += size;
        self.data_left = 0;
        self.padding = (BLOCK - size % BLOCK) % BLOCK;
        self.skip_rest()?;
        Ok(data)
    }

    /// The next entry, the rest of the current one's data skipped; `None` at the end.
    pub fn next_entry(&mut self) -> Result<Option<Entry>, ImageError> {
        self.skip_rest()?;
        if self.done {
            return Ok(None);
        }
        let mut long_name: Option<Vec<u8>> = None;
        let mut long_link: Option<Vec<u8>> = None;
        let mut pax_size: Option<u64> = None;
        let mut block = [0u8; 512];
        loop {
            if !self.block(&mut block)? {
                if !self.any {
                    bail!("empty: no tar header");
                }
                // Some writers omit the two zero blocks: the stream's end is the archive's.
                self.done = true;
                return Ok(None);
            }
            if block.iter().all(|&b| b == 0) {
                self.done = true;
                self.marked = true;
                return Ok(None);
            }
            if !is_header(&block) {
                if self.any {
                    bail!("corrupt tar archive: a header's checksum does not match");
                }
                bail!("not a tar archive");
            }
            self.any = true;
            let size = octal(&block[124..136]).ok_or("corrupt tar archive: a bad size field")?;
            let typeflag = block[156];
            match typeflag {
                b'L' => {
                    let mut name = self.read_meta(size)?;
                    name.truncate(cstr(&name).len());
                    long_name = Some(name);
                    continue;
                }
                b'K' => {
                    let mut name = self.read_meta(size)?;
                    name.truncate(cstr(&name).len());
                    long_link = Some(name);
                    continue;
                }
                b'x' => {
                    let data = self.read_meta(size)?;
                    for (key, value) in pax_records(&data)? {
                        match key {
                            b"path" => long_name = Some(value.to_vec()),
                            b"linkpath" => long_link = Some(value.to_vec()),
                            b"size" => {
                                let v = core::str::from_utf8(value)
                                    .ok()
                                    .and_then(|v| v.parse().ok())
                                    .ok_or("corrupt tar archive: a bad pax size")?;
                                pax_size = Some(v);
                            }
                            _ => {}
                        }
                    }
                    continue;
                }
                b'g' => {
                    self.read_meta(size)?;
                    continue;
                }
                _ => {}
            }
            let kind = match typeflag {
                b'0' | 0 | b'7' => Kind::File,
                b'1' => Kind::HardLink,
                b'2' => Kind::Symlink,
                b'5' => Kind::Dir,
                b'3' | b'4' | b'6' => Kind::Special,
                b'S' => bail!("a sparse file in a tar archive (GNU type S) is not supported"),
                other => bail!("a tar entry of unknown type {:?}", other as char),
            };
            let size = pax_size.unwrap_or(size);
            let name = match long_name.take() {
                Some(n) => n,
                None => {
                    let name = cstr(&block[0..100]);
                    let prefix = cstr(&block[345..500]);
                    // ustar only: GNU headers use those bytes for times.
                    if &block[257..263] == b"ustar\0" && !prefix.is_empty() {
                        let mut full = prefix.to_vec();
                        full.push(b'/');
                        full.extend_from_slice(name);
                        full
                    } else {
                        name.to_vec()
                    }
                }
            };
            let link = long_link
                .take()
                .unwrap_or_else(|| cstr(&block[157..257]).to_vec());
            let field = |r: core::ops::Range<usize>| {
                octal(&block[r])
                    .ok_or_else(|| ImageError("corrupt tar archive: a bad field".into()))
            };
            let entry = Entry {
                path: paths::from_bytes(&name),
                kind,
                size: if matches!(kind, Kind::File) { size } else { 0 },
                mode: (field(100..108)? & 0o7777) as u32,
                uid: u32::try_from(field(108..116)?).unwrap_or(u32::MAX),
                gid: u32::try_from(field(116..124)?).unwrap_or(u32::MAX),
                link: paths::from_bytes(&link),
                offset: self.pos,
            };
            // Only regular files carry data: for the other types the size is read as 0, as Go's
            // archive/tar (which the engines use) reads it.
            self.data_left = entry.size;
            self.padding = (BLOCK - entry.size % BLOCK) % BLOCK;
            // A size whose padded end does not fit in 64 bits (a base-256 size near u64::MAX)
            // cannot be in any archive: refused here, so that no later sum wraps around.
            if entry
                .size
                .checked_add(self.padding)
                .and_then(|n| n.checked_add(self.pos))
                .is_none()
            {
                bail!("truncated tar archive: it ends inside a file");
            }
            return Ok(Some(entry));
        }
    }

    /// Whether the archive ended with an end-of-archive block (rather than just stopping,
    /// which a truncated archive does).
    pub fn ended_with_marker(&self) -> bool {
        self.marked
    }

    /// Reads from the current entry's data; `Ok(0)` at its end.
    pub fn read_data(&mut self, buf: &mut [u8]) -> Result<usize, ImageError> {
        let want = usize::try_from(self.data_left)
            .unwrap_or(usize::MAX)
            .min(buf.len());
        if want == 0 {
            return Ok(0);
        }
        let n = self.inner.read(&mut buf[..want])?;
        if n == 0 {
            bail!("truncated tar archive: it ends inside a file");
        }
        self.pos += n as u64;
        self.data_left -= n as u64;
        Ok(n)
    }

    /// Reads the rest of the stream (after the end-of-archive blocks), so that a digest of
    /// the whole stream can be checked.
    pub fn drain(&mut self) -> Result<(), ImageError> {
        self.skip_rest()?;
        let mut buf = [0u8; 8192];
        while self.inner.read(&mut buf)? > 0 {}
        Ok(())
    }
}

/// The `key=value` records of a pax extended header (`"%d %s=%s\n"`, the length first).
/// A pax record: key and value.
type Record<'a> = (&'a [u8], &'a [u8]);

fn pax_records(mut data: &[u8]) -> Result<Vec<Record<'_>>, ImageError> {
    let mut out = Vec::new();
    while !data.is_empty() && data[0] != 0 {
        let bad = || ImageError("corrupt tar archive: a bad pax record".into());
        let space = data.iter().position(|&b| b == b' ').ok_or_else(bad)?;
        let len: usize = core::str::from_utf8(&data[..space])
            .ok()
            .and_then(|l| l.parse().ok())
            .ok_or_else(bad)?;
        if len <= space + 1 || len > data.len() {
            return Err(bad());
        }
        let record = &data[space + 1..len];
        let record = record.strip_suffix(b"\n").unwrap_or(record);
        let eq = record.iter().position(|&b| b == b'=').ok_or_else(bad)?;
        out.push((&record[..eq], &record[eq + 1..]));
        data = &data[len..];
    }
    Ok(out)
}
