//! The storage of a saved image: [`ArchiveStorage`], the files of an image layout inside a
//! tar archive (`podman save --format oci-archive` or `docker-archive`, `docker save`), found
//! by one pass over the archive's headers; and [`blob_name`], where a digest's blob is.
//!
//! A member may be a symbolic or hard link to another one: `docker save` writes a layer that
//! two images share once, and `<id>/layer.tar` of the other as a link
//! (`../<other id>/layer.tar`). Links are followed inside the archive, never outside it.

use alloc::boxed::Box;
use alloc::collections::BTreeMap;
use alloc::string::String;

use super::tar::{Kind, TarReader};
use super::{ImageError, ReadAt, Storage, Stream, Window, bail};

/// The relative name of the blob `digest` (`sha256:<64 hex digits>`) in an OCI layout:
/// `blobs/sha256/<hex>`. Any other algorithm, or a malformed digest, is an error (a name
/// taken from the image never leaves its directory).
pub fn blob_name(digest: &str) -> Result<String, ImageError> {
    match sha256_hex(digest) {
        Some(hex) => Ok(alloc::format!("blobs/sha256/{hex}")),
        None => bail!("unsupported or malformed digest {digest:?} (only sha256:<64 hex digits>)"),
    }
}

/// The hex part of `sha256:<64 lower-case hex digits>`.
pub fn sha256_hex(digest: &str) -> Option<&str> {
    let hex = digest.strip_prefix("sha256:")?;
    (hex.len() == 64
        && hex
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)))
    .then_some(hex)
}

/// A tar-archived image: where each regular file's data lies in the archive.
pub struct ArchiveStorage<R: ReadAt> {
    source: R,
    /// By name (a leading `./` removed): the data's offset and size.
    files: BTreeMap<String, (u64, u64)>,
    /// Symbolic links between members, by name: the target as a member name.
    links: BTreeMap<String, String>,
}

/// How many links between members are followed to reach a file (as many as the kernel's
/// `MAXSYMLINKS`).
const MAX_LINKS: usize = crate::paths::MAX_SYMLINKS;

/// The name of an archive member as the layout names it: `./index.json` is `index.json`.
fn member_name(path: &str) -> &str {
    let mut p = path;
    while let Some(rest) = p.strip_prefix("./") {
        p = rest;
    }
    p.trim_start_matches('/')
}

impl<R: ReadAt> ArchiveStorage<R> {
    /// Reads the headers of the tar archive `source` (skipping the data).
    ///
    /// An empty source, one that is not a tar archive, or one truncated inside a header or a
    /// file is an error.
    pub fn new(mut source: R) -> Result<ArchiveStorage<R>, ImageError> {
        let size = source.size()?;
        if size == 0 {
            bail!("empty file: not an image archive");
        }
        let mut files = BTreeMap::new();
        let mut links = BTreeMap::new();
        {
            let mut tar = TarReader::new(Window::new(&mut source, 0, size));
            while let Some(entry) = tar
                .next_entry()
                .map_err(|e| ImageError(alloc::format!("not an image archive (a tar file): {e}")))?
            {
                let name = String::from(member_name(&entry.path));
                match entry.kind {
                    Kind::File => {
                        links.remove(&name);
                        files.insert(name, (entry.offset, entry.size));
                    }
                    // A hard link names a member before it (by its name in the archive): a
                    // second name of its data, or of its link; of nothing when there is none.
                    Kind::HardLink => {
                        let target = member_name(&entry.link);
                        let data = files.get(target).copied();
                        let link = links.get(target).cloned();
                        files.remove(&name);
                        links.remove(&name);
                        if let Some(data) = data {
                            files.insert(name, data);
                        } else if let Some(link) = link {
                            links.insert(name, link);
                        }
                    }
                    // A symbolic link: relative to the member's directory; an absolute one
                    // from the archive's top (it never leaves the archive).
                    Kind::Symlink => {
                        let dir = match name.rfind('/') {
                            Some(i) => alloc::format!("/{}", &name[..i]),
                            None => String::from("/"),
                        };
                        let target = crate::paths::normalize(&entry.link, &dir);
                        files.remove(&name);
                        links.insert(name, String::from(target.trim_start_matches('/')));
                    }
                    _ => {}
                }
            }
            if !tar.ended_with_marker() {
                bail!("truncated archive: it stops without tar's end-of-archive blocks");
            }
            // The last file's data must be in the archive.
            let end = files
                .values()
                .map(|&(o, s)| o.saturating_add(s))
                .max()
                .unwrap_or(0);
            if end > size {
                bail!("truncated archive: it ends inside a file");
            }
        }
        Ok(ArchiveStorage {
            source,
            files,
            links,
        })
    }

    /// Where the data of the member `name` lies (offset, size), links between members
    /// followed; `None` when there is no such file (or the links loop).
    fn data(&self, name: &str) -> Option<(u64, u64)> {
        let mut name = name;
        for _ in 0..=MAX_LINKS {
            if let Some(&data) = self.files.get(name) {
                return Some(data);
            }
            name = self.links.get(name)?;
        }
        None
    }

    /// Whether the archive holds the file `name` (through links between members too).
    pub fn has(&self, name: &str) -> bool {
        self.data(name).is_some()
    }
}

impl<R: ReadAt> Storage for ArchiveStorage<R> {
    fn open(&mut self, name: &str) -> Result<Option<Box<dyn Stream + '_>>, ImageError> {
        let Some((offset, size)) = self.data(name) else {
            return Ok(None);
        };
        Ok(Some(Box::new(Window::new(
            &mut self.source,
            offset,
            offset + size,
        ))))
    }
}

#[cfg(test)]
mod tests;
