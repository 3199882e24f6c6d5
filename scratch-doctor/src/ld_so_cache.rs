//! `/etc/ld.so.cache`: the table from library names to paths that `ldconfig(8)` writes and
//! glibc's loader consults before its default directories.

use alloc::string::String;
use alloc::vec::Vec;

/// The cache glibc's loader reads.
pub const LD_SO_CACHE: &str = "/etc/ld.so.cache";

/// `/etc/ld.so.cache` of glibc 2.32 and later (format `glibc-ld.so.cache1.1`, possibly after an
/// old-format table).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LdCache {
    /// The entries, in the order of the file (sorted by ldconfig).
    pub entries: Vec<CacheEntry>,
}

/// One library of the cache.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CacheEntry {
    /// `FLAG_*` of ldconfig: the low byte is the kind (3: ELF for glibc), the next the ABI
    /// (`0x03` x86-64, `0x0a` aarch64, …).
    pub flags: i32,
    /// The name a program asks for (`libc.so.6`).
    pub name: String,
    /// Where it is (`/lib/x86_64-linux-gnu/libc.so.6`).
    pub path: String,
    /// Non-zero for the entries of `glibc-hwcaps` subdirectories and legacy hwcaps.
    pub hwcap: u64,
}

const OLD_MAGIC: &[u8] = b"ld.so-1.7.0";
const NEW_MAGIC: &[u8] = b"glibc-ld.so.cache1.1";
/// `FLAG_ELF_LIBC6`: a library of glibc (the kind in the low byte of the flags).
pub const FLAG_ELF_LIBC6: i32 = 3;

impl LdCache {
    /// Reads a cache file. An old-format-only cache (ignored by the glibc of today) and any
    /// malformed one are errors.
    pub fn parse(data: &[u8]) -> Result<LdCache, &'static str> {
        let mut start = 0usize;
        if data.starts_with(OLD_MAGIC) {
            // struct cache_file: magic[11] + pad, u32 nlibs, then 12-byte entries; the new
            // format follows, aligned to 8.
            let nlibs = u32_at(data, 12, true).ok_or("truncated ld.so.cache")? as usize;
            start = nlibs
                .checked_mul(12)
                .and_then(|n| n.checked_add(16))
                .and_then(|n| n.checked_next_multiple_of(8))
                .ok_or("truncated ld.so.cache")?;
        }
        let new = data.get(start..).ok_or("truncated ld.so.cache")?;
        if !new.starts_with(NEW_MAGIC) {
            return Err("not a glibc ld.so.cache (format 1.1)");
        }
        // flags (offset 28) & 3: 2 little-endian, 3 big-endian, 0 unknown (this machine's).
        let little = match new.get(28).map(|f| f & 3) {
            Some(3) => false,
            Some(2) => true,
            _ => cfg!(target_endian = "little"),
        };
        let nlibs = u32_at(new, 20, little).ok_or("truncated ld.so.cache")? as usize;
        const HEADER: usize = 48;
        const ENTRY: usize = 24;
        let table_end = nlibs
            .checked_mul(ENTRY)
            .and_then(|n| n.checked_add(HEADER))
            .filter(|&end| end <= new.len())
            .ok_or("ld.so.cache: its entry count runs past the end of the file")?;
        let mut entries = Vec::with_capacity(nlibs);
        for at in (HEADER..table_end).step_by(ENTRY) {
            let field = |o| u32_at(new, at + o, little).ok_or("truncated ld.so.cache");
            let flags = field(0)? as i32;
            let (key, value) = (field(4)? as usize, field(8)? as usize);
            let hwcap = u64::from(field(16)?) | (u64::from(field(20)?) << 32);
            let hwcap = if little { hwcap } else { hwcap.rotate_left(32) };
            entries.push(CacheEntry {
                flags,
                name: c_string_at(new, key).ok_or("ld.so.cache: a name lies outside the file")?,
                path: c_string_at(new, value).ok_or("ld.so.cache: a path lies outside the file")?,
                hwcap,
            });
        }
        Ok(LdCache { entries })
    }

    /// The paths the cache gives for `name`, glibc libraries only, plain entries before those
    /// of hwcaps subdirectories.
    pub fn lookup(&self, name: &str) -> Vec<&str> {
        let libc6 = |e: &&CacheEntry| e.name == name && e.flags & 0xff == FLAG_ELF_LIBC6;
        let plain = self.entries.iter().filter(libc6).filter(|e| e.hwcap == 0);
        let hwcaps = self.entries.iter().filter(libc6).filter(|e| e.hwcap != 0);
        plain.chain(hwcaps).map(|e| e.path.as_str()).collect()
    }
}

fn u32_at(data: &[u8], at: usize, little: bool) -> Option<u32> {
    let bytes: [u8; 4] = data.get(at..at.checked_add(4)?)?.try_into().ok()?;
    Some(if little {
        u32::from_le_bytes(bytes)
    } else {
        u32::from_be_bytes(bytes)
    })
}

fn c_string_at(data: &[u8], at: usize) -> Option<String> {
    let rest = data.get(at..)?;
    let len = rest.iter().position(|&b| b == 0)?;
    Some(crate::paths::from_bytes(&rest[..len]))
}

#[cfg(test)]
mod tests;
