//! The storage of a saved image: [`ArchiveStorage`], the files of an image layout inside a
//! tar archive (`podman save --format oci-archive` or `docker-archive`, `docker save`), found
//! by one pass over the archive's headers; and [`blob_name`], where a digest's blob is.

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
}

/// A stream over a whole [`ReadAt`], ending at its size.
struct Whole<'r, R: ReadAt> {
    source: &'r mut R,
    pos: u64,
    size: u64,
}

impl<R: ReadAt> Stream for Whole<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> Result<usize, ImageError> {
        let left = self.size.saturating_sub(self.pos);
        let want = usize::try_from(left).unwrap_or(usize::MAX).min(buf.len());
        if want == 0 {
            return Ok(0);
        }
        let n = self.source.read_at(self.pos, &mut buf[..want])?;
        self.pos += n as u64;
        Ok(n)
    }

    fn skip(&mut self, n: u64) -> Result<(), ImageError> {
        if n > self.size.saturating_sub(self.pos) {
            bail!("unexpected end of data");
        }
        self.pos += n;
        Ok(())
    }
}

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
        {
            let mut tar = TarReader::new(Whole {
                source: &mut source,
                pos: 0,
                size,
            });
            while let Some(entry) = tar
                .next_entry()
                .map_err(|e| ImageError(alloc::format!("not an image archive (a tar file): {e}")))?
            {
                if entry.kind == Kind::File {
                    files.insert(
                        String::from(member_name(&entry.path)),
                        (entry.offset, entry.size),
                    );
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
        Ok(ArchiveStorage { source, files })
    }

    /// Whether the archive holds the file `name`.
    pub fn has(&self, name: &str) -> bool {
        self.files.contains_key(name)
    }
}

impl<R: ReadAt> Storage for ArchiveStorage<R> {
    fn open(&mut self, name: &str) -> Result<Option<Box<dyn Stream + '_>>, ImageError> {
        let Some(&(offset, size)) = self.files.get(name) else {
            return Ok(None);
        };
        Ok(Some(Box::new(Window::new(
            &mut self.source,
            offset,
            offset + size,
        ))))
    }
}
