//! The tar stream read back by scratch-doctor's reader, in reads of every size; files that
//! change while they are read are errors.

use alloc::boxed::Box;
use alloc::collections::BTreeMap;
use alloc::vec;
use alloc::vec::Vec;

use scratch_doctor::image::Window;
use scratch_doctor::image::tar::{Kind as TarKind, TarReader};

use super::{FileData, Files, Source, TarStream};
use crate::PackError;
use crate::tar::BLOCK;
use crate::tree::{Data, Group, Item, Tree, What};

/// Files held in memory; `grow` adds a byte to each after it has been looked at.
#[derive(Default)]
struct Memory {
    files: BTreeMap<Vec<u8>, Vec<u8>>,
    grow: bool,
}

struct Reading {
    bytes: Vec<u8>,
    at: usize,
}

impl FileData for Reading {
    fn read(&mut self, buf: &mut [u8]) -> Result<usize, PackError> {
        let n = buf.len().min(self.bytes.len() - self.at);
        buf[..n].copy_from_slice(&self.bytes[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }

    fn finish(&mut self) -> Result<(), PackError> {
        if self.at < self.bytes.len() {
            return Err("it grew".into());
        }
        Ok(())
    }
}

impl Files for &mut Memory {
    fn open(&mut self, path: &[u8], _size: u64) -> Result<Box<dyn FileData>, PackError> {
        let mut bytes = self.files.get(path).cloned().ok_or("no such file")?;
        if self.grow {
            bytes.push(b'!');
        }
        Ok(Box::new(Reading { bytes, at: 0 }))
    }
}

fn file(memory: &mut Memory, image: &str, host: &str, bytes: Vec<u8>, id: u64) -> Item {
    let size = bytes.len() as u64;
    memory.files.insert(host.as_bytes().to_vec(), bytes);
    Item {
        path: image.as_bytes().to_vec(),
        what: What::File(Data::Host {
            path: host.as_bytes().to_vec(),
            size,
            id: (0, id),
        }),
        mode: 0o755,
        group: Group::Program,
        from: "test".into(),
    }
}

/// The whole stream, read `step` bytes at a time.
fn read_all(source: &mut dyn Source, step: usize) -> Result<Vec<u8>, PackError> {
    let mut out = Vec::new();
    let mut buf = vec![0u8; step];
    loop {
        let n = source.read(&mut buf)?;
        if n == 0 {
            return Ok(out);
        }
        out.extend_from_slice(&buf[..n]);
    }
}

fn sample(memory: &mut Memory) -> Tree {
    let big: Vec<u8> = (0..70_000u32).map(|i| (i % 251) as u8).collect();
    Tree::new([
        file(memory, "/bin/prog", "/h/prog", big.clone(), 1),
        file(memory, "/bin/empty", "/h/empty", Vec::new(), 2),
        // The same file under another name: a hard link.
        file(memory, "/bin/again", "/h/prog", big, 1),
        Item {
            path: b"/etc/passwd".to_vec(),
            what: What::File(Data::Bytes(b"root:x:0:0::/:\n".to_vec())),
            mode: 0o644,
            group: Group::Base,
            from: "test".into(),
        },
        Item {
            path: b"/lib".to_vec(),
            what: What::Symlink(b"usr/lib".to_vec()),
            mode: 0o777,
            group: Group::Base,
            from: "test".into(),
        },
    ])
    .unwrap()
}

#[test]
fn the_stream_is_the_same_in_reads_of_any_size_and_reads_back() {
    let mut memory = Memory::default();
    let tree = sample(&mut memory);
    let entries = tree.layer(None);
    let whole = read_all(&mut TarStream::new(&entries, &mut memory, 1), 1 << 20).unwrap();
    assert_eq!(whole.len() % BLOCK, 0);
    assert!(whole.ends_with(&[0; 2 * BLOCK]));
    for step in [1, 7, 511, 512, 513, 4096, 65_537] {
        let again = read_all(&mut TarStream::new(&entries, &mut memory, 1), step).unwrap();
        assert!(again == whole, "reads of {step} bytes");
    }
    let mut bytes: &[u8] = &whole;
    let len = bytes.len() as u64;
    let mut tar = TarReader::new(Window::new(&mut bytes, 0, len));
    let mut seen = Vec::new();
    while let Some(e) = tar.next_entry().unwrap() {
        let mut data = Vec::new();
        let mut buf = [0u8; 1000];
        loop {
            let n = tar.read_data(&mut buf).unwrap();
            if n == 0 {
                break;
            }
            data.extend_from_slice(&buf[..n]);
        }
        seen.push((e.path, e.kind, e.link, data.len()));
    }
    assert!(tar.ended_with_marker());
    let want = [
        ("bin/", TarKind::Dir, "", 0),
        ("bin/again", TarKind::File, "", 70_000),
        ("bin/empty", TarKind::File, "", 0),
        ("bin/prog", TarKind::HardLink, "bin/again", 0),
        ("etc/", TarKind::Dir, "", 0),
        ("etc/passwd", TarKind::File, "", 15),
        ("lib", TarKind::Symlink, "usr/lib", 0),
    ];
    let seen: Vec<(&str, TarKind, &str, usize)> = seen
        .iter()
        .map(|(p, k, l, n)| (p.as_str(), *k, l.as_str(), *n))
        .collect();
    assert_eq!(seen, want);
}

#[test]
fn a_file_that_grew_or_shrank_since_it_was_looked_at_is_an_error() {
    let mut memory = Memory::default();
    let tree = sample(&mut memory);
    let entries = tree.layer(None);
    memory.grow = true;
    let e = read_all(&mut TarStream::new(&entries, &mut memory, 1), 4096).unwrap_err();
    assert_eq!(e.0, "it grew");
    memory.grow = false;
    memory.files.insert(b"/h/prog".to_vec(), vec![1, 2, 3]);
    let e = read_all(&mut TarStream::new(&entries, &mut memory, 1), 4096).unwrap_err();
    assert_eq!(e.0, "/h/prog: it got shorter while it was packed");
}
