//! Where the image is written: an OCI layout made under a temporary name beside IMAGE
//! (`.NAME.scratch-pack-N/`), then renamed to IMAGE (`--format oci-dir`) or made into a tar
//! archive `.NAME.scratch-pack-N.tar` that is renamed to IMAGE (the default). Until the rename,
//! IMAGE is untouched; on a failure everything made is removed: nothing is left half-written.
//!
//! Each blob is written to a temporary file in `blobs/sha256/`, hashed as it is written, and
//! renamed to its digest once it is complete. The archive is a tar by the same rules as the
//! layers (sorted, parents first, one timestamp, owner 0): `blobs/`, `blobs/sha256/`, the blobs,
//! `index.json`, `manifest.json`, `oci-layout`.

use alloc::format;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;

use scratch_doctor::paths::from_bytes;
use scratch_pack::PackError;
use scratch_pack::compress::{CHUNK, Written};
use scratch_pack::options::Format;
use scratch_pack::stream::{Sink, Source, TarStream, fill};
use scratch_pack::tree::{Group, Item, Tree, What};
use syscall_kit::fs::{self, AtFlags, CWD, FileType, Mode, OFlags, RenameFlags};
use syscall_kit::{Errno, OwnedFd};

use super::files::HostFiles;
use super::walk::{file_item, join};

/// A file being written: its descriptor and path, every write checked.
struct FileSink<'a> {
    fd: OwnedFd,
    shown: &'a str,
}

impl Sink for FileSink<'_> {
    fn write_all(&mut self, bytes: &[u8]) -> Result<(), PackError> {
        syscall_kit::io::write_all(&self.fd, bytes)
            .map_err(|e| PackError(format!("cannot write {}: {e}", self.shown)))
    }
}

/// The image being written.
pub struct Layout {
    /// IMAGE, as given.
    image: Vec<u8>,
    /// The temporary layout directory.
    dir: Vec<u8>,
    /// The temporary archive.
    archive: Vec<u8>,
    /// The files made in `dir`, relative to it, to remove on failure.
    made: Vec<Vec<u8>>,
    /// Which temporary blob file comes next.
    next: usize,
}

/// Creates `path` as a new file (`O_EXCL`), for writing.
fn create(path: &[u8]) -> Result<OwnedFd, Errno> {
    fs::open(
        path,
        OFlags::WRONLY | OFlags::CREAT | OFlags::EXCL | OFlags::CLOEXEC | OFlags::NOFOLLOW,
        Mode::from_bits_truncate(0o644),
    )
}

/// What is at `path` now, if anything (not following a link).
fn what_is(path: &[u8]) -> Option<FileType> {
    fs::lstat(path).ok().map(|st| st.file_type)
}

impl Layout {
    /// Makes the temporary directory beside `image` for the format `format`; refuses an IMAGE
    /// that the rename could not replace (a directory for an archive; anything but an OCI
    /// layout directory for `oci-dir`).
    pub fn create(image: &[u8], format: Format) -> Result<Layout, PackError> {
        let shown = from_bytes(image);
        let name = image.rsplit(|&b| b == b'/').next().unwrap_or(image);
        if name.is_empty() || name == b"." || name == b".." {
            return Err(PackError(format!("-o {shown}: not a file name")));
        }
        match (what_is(image), format) {
            (None, _) | (Some(FileType::Regular), Format::Archive) => {}
            (Some(FileType::Directory), Format::Dir) if is_layout(image) => {}
            (Some(FileType::Directory), Format::Archive) => {
                return Err(PackError(format!(
                    "-o {shown}: a directory is there (--format oci-dir writes a layout \
                     directory)"
                )));
            }
            (Some(_), _) => {
                return Err(PackError(format!(
                    "-o {shown}: something other than {} is there: not replaced",
                    match format {
                        Format::Archive => "a file",
                        Format::Dir => "an OCI layout directory",
                    }
                )));
            }
        }
        let parent = &image[..image.len() - name.len()];
        let mut last = Errno::EEXIST;
        for n in 0..100 {
            let mut dir = parent.to_vec();
            dir.extend_from_slice(&format!(".{}.scratch-pack-{n}", from_bytes(name)).into_bytes());
            match fs::mkdir(dir.as_slice(), Mode::from_bits_truncate(0o755)) {
                Ok(()) => {
                    let mut archive = dir.clone();
                    archive.extend_from_slice(b".tar");
                    let layout = Layout {
                        image: image.to_vec(),
                        dir,
                        archive,
                        made: Vec::new(),
                        next: 0,
                    };
                    for d in [&b"blobs"[..], b"blobs/sha256"] {
                        if let Err(e) = fs::mkdir(
                            join(&layout.dir, d).as_slice(),
                            Mode::from_bits_truncate(0o755),
                        ) {
                            let e = layout
                                .fail(format!("cannot create a directory beside {shown}: {e}"));
                            return Err(e);
                        }
                    }
                    return Ok(layout);
                }
                Err(Errno::EEXIST) => last = Errno::EEXIST,
                Err(e) => {
                    return Err(PackError(format!(
                        "cannot create a temporary directory beside {shown}: {e}"
                    )));
                }
            }
        }
        Err(PackError(format!(
            "cannot create a temporary directory beside {shown}: {last}"
        )))
    }

    /// The path of `rel` in the temporary directory.
    fn path(&self, rel: &[u8]) -> Vec<u8> {
        join(&self.dir, rel)
    }

    /// Writes a blob with `write`, which gets its sink and says its digest; the file is then
    /// renamed to the digest.
    pub fn blob_stream(
        &mut self,
        write: impl FnOnce(&mut dyn Sink) -> Result<Written, PackError>,
    ) -> Result<Written, PackError> {
        let temp = format!("blobs/sha256/.blob-{}", self.next).into_bytes();
        self.next += 1;
        let path = self.path(&temp);
        let shown = from_bytes(&self.image);
        let fd = create(&path).map_err(|e| format!("cannot write {shown}: {e}"))?;
        self.made.push(temp.clone());
        let mut sink = FileSink { fd, shown: &shown };
        let written = write(&mut sink)?;
        sink.fd
            .close()
            .map_err(|e| format!("cannot write {shown}: {e}"))?;
        let hex = written.digest.trim_start_matches("sha256:");
        let named = format!("blobs/sha256/{hex}").into_bytes();
        fs::renameat2(
            CWD,
            path.as_slice(),
            CWD,
            self.path(&named).as_slice(),
            RenameFlags::empty(),
        )
        .map_err(|e| format!("cannot write {shown}: {e}"))?;
        self.made.retain(|m| *m != temp);
        if !self.made.contains(&named) {
            self.made.push(named);
        }
        Ok(written)
    }

    /// Writes `bytes` as a blob; its digest.
    pub fn blob(&mut self, bytes: &[u8]) -> Result<String, PackError> {
        let written = self.blob_stream(|sink| {
            sink.write_all(bytes)?;
            let digest = scratch_doctor::image::decode::sha256_digest(bytes);
            Ok(Written {
                diff_id: digest.clone(),
                digest,
                size: bytes.len() as u64,
            })
        })?;
        Ok(written.digest)
    }

    /// Writes the file `name` of the layout.
    pub fn file(&mut self, name: &str, bytes: &[u8]) -> Result<(), PackError> {
        let path = self.path(name.as_bytes());
        let shown = from_bytes(&self.image);
        let fd = create(&path).map_err(|e| format!("cannot write {shown}: {e}"))?;
        self.made.push(name.as_bytes().to_vec());
        syscall_kit::io::write_all(&fd, bytes)
            .and_then(|()| fd.close())
            .map_err(|e| PackError(format!("cannot write {shown}: {e}")))
    }

    /// Puts the image in place: the layout directory renamed to IMAGE, or made into an
    /// archive renamed to IMAGE; `mtime` the archive's one time. On failure, nothing is left.
    pub fn finish(self, format: Format, mtime: u64) -> Result<(), PackError> {
        let result = match format {
            Format::Dir => self.rename_dir(),
            Format::Archive => self.write_archive(mtime),
        };
        match result {
            Ok(()) => Ok(()),
            Err(e) => Err(self.fail(e.0)),
        }
    }

    fn rename_dir(&self) -> Result<(), PackError> {
        let shown = from_bytes(&self.image);
        let exchange = what_is(&self.image).is_some();
        let flags = if exchange {
            RenameFlags::EXCHANGE
        } else {
            RenameFlags::NOREPLACE
        };
        fs::renameat2(CWD, self.dir.as_slice(), CWD, self.image.as_slice(), flags)
            .map_err(|e| format!("cannot rename the new layout to {shown}: {e}"))?;
        if exchange {
            // The old layout is now at the temporary name.
            remove_layout(&self.dir).map_err(|e| {
                format!(
                    "{shown} is written, but the layout it replaced is left at {}: {e}",
                    from_bytes(&self.dir)
                )
            })?;
        }
        Ok(())
    }

    fn write_archive(&self, mtime: u64) -> Result<(), PackError> {
        let shown = from_bytes(&self.image);
        let mut items: Vec<Item> = Vec::new();
        for rel in &self.made {
            let path = self.path(rel);
            let st =
                fs::lstat(path.as_slice()).map_err(|e| format!("cannot write {shown}: {e}"))?;
            let mut at = b"/".to_vec();
            at.extend_from_slice(rel);
            items.push(file_item(&path, &st, at, Group::Program, "the layout"));
        }
        items.push(Item {
            path: b"/blobs/sha256".to_vec(),
            what: What::Dir,
            mode: 0o755,
            group: Group::Program,
            from: "the layout".into(),
        });
        let tree = Tree::new(items)?;
        let entries = tree.layer(None);
        let fd = create(&self.archive).map_err(|e| format!("cannot write {shown}: {e}"))?;
        let mut sink = FileSink { fd, shown: &shown };
        let mut stream = TarStream::new(&entries, HostFiles, mtime);
        let copied = copy(&mut stream, &mut sink);
        let closed = sink
            .fd
            .close()
            .map_err(|e| PackError(format!("cannot write {shown}: {e}")));
        let renamed = copied.and(closed).and_then(|()| {
            fs::renameat2(
                CWD,
                self.archive.as_slice(),
                CWD,
                self.image.as_slice(),
                RenameFlags::empty(),
            )
            .map_err(|e| PackError(format!("cannot rename the archive to {shown}: {e}")))
        });
        if let Err(e) = renamed {
            let _ = fs::unlinkat(CWD, self.archive.as_slice(), AtFlags::empty());
            return Err(e);
        }
        self.remove_temp().map_err(|e| {
            PackError(format!(
                "{shown} is written, but not all of {} is removed: {e}",
                from_bytes(&self.dir)
            ))
        })
    }

    /// Removes the temporary directory and what was made in it.
    fn remove_temp(&self) -> Result<(), Errno> {
        let mut first = Ok(());
        let mut keep = |r: Result<(), Errno>| {
            if let Err(e) = r
                && e != Errno::ENOENT
            {
                first = first.and(Err(e));
            }
        };
        for rel in &self.made {
            keep(fs::unlinkat(
                CWD,
                self.path(rel).as_slice(),
                AtFlags::empty(),
            ));
        }
        for d in [&b"blobs/sha256"[..], b"blobs"] {
            keep(fs::unlinkat(
                CWD,
                self.path(d).as_slice(),
                AtFlags::REMOVEDIR,
            ));
        }
        keep(fs::unlinkat(CWD, self.dir.as_slice(), AtFlags::REMOVEDIR));
        first
    }

    /// Removes everything made, and returns `why` (with what could not be removed).
    pub fn fail(&self, why: String) -> PackError {
        match self.remove_temp() {
            Ok(()) => PackError(why),
            Err(e) => PackError(format!(
                "{why}; and cannot remove all of {}: {e}",
                from_bytes(&self.dir)
            )),
        }
    }
}

/// Copies `source` to `sink`.
fn copy(source: &mut dyn Source, sink: &mut dyn Sink) -> Result<(), PackError> {
    let mut buf = vec![0u8; CHUNK];
    loop {
        let n = fill(source, &mut buf)?;
        if n == 0 {
            return Ok(());
        }
        sink.write_all(&buf[..n])?;
    }
}

/// Whether `dir` holds an OCI layout (its `oci-layout` file), which `oci-dir` may replace.
fn is_layout(dir: &[u8]) -> bool {
    fs::lstat(join(dir, b"oci-layout").as_slice()).is_ok_and(|st| st.file_type == FileType::Regular)
}

/// Removes the OCI layout `dir`: its files, `blobs/sha256/*`, and the directories, which must
/// then be empty (anything else there stays, and is the error).
fn remove_layout(dir: &[u8]) -> Result<(), Errno> {
    for sub in [join(dir, b"blobs/sha256"), dir.to_vec()] {
        let fd = match fs::open(
            sub.as_slice(),
            OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC | OFlags::NOFOLLOW,
            Mode::empty(),
        ) {
            Ok(fd) => fd,
            Err(Errno::ENOENT) => continue,
            Err(e) => return Err(e),
        };
        let mut buf = vec![0u8; 16 * 1024];
        let mut names = Vec::new();
        loop {
            let n = fs::getdents64(&fd, &mut buf)?;
            if n == 0 {
                break;
            }
            for e in fs::DirEntries::new(&buf[..n]) {
                if e.file_type == Some(FileType::Regular) {
                    names.push(e.name.to_bytes().to_vec());
                }
            }
        }
        for name in names {
            fs::unlinkat(&fd, name.as_slice(), AtFlags::empty())?;
        }
    }
    for d in [
        join(dir, b"blobs/sha256"),
        join(dir, b"blobs"),
        dir.to_vec(),
    ] {
        match fs::unlinkat(CWD, d.as_slice(), AtFlags::REMOVEDIR) {
            Ok(()) | Err(Errno::ENOENT) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}
