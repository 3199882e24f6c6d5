//! Unit tests of [`elf`](super)'s [`FileReader`]: an ELF file read through positioned reads
//! costs what is read of it, not its size, and a failed read is the file's error, not a
//! malformed file.

use alloc::vec::Vec;
use core::cell::Cell;

use syscall_kit::Errno;

use crate::elf::{self, FileReader, MAX_READ};
use crate::program::{Program, inspect_from};
use crate::root_view::FileAt;
use crate::test_files::Elf;

/// A file of `size` bytes that starts with `head` and is zeros after it (a sparse file), which
/// counts the bytes asked of it and fails every read of a range holding the byte `fail_at`.
struct Sparse {
    head: Vec<u8>,
    size: u64,
    fail_at: u64,
    asked: Cell<u64>,
}

impl FileAt for Sparse {
    fn size(&self) -> u64 {
        self.size
    }

    fn read_at(&self, offset: u64, buf: &mut [u8]) -> Result<usize, Errno> {
        if offset.saturating_add(buf.len() as u64) > self.fail_at {
            return Err(Errno::EIO);
        }
        let n = (buf.len() as u64).min(self.size.saturating_sub(offset)) as usize;
        self.asked.set(self.asked.get() + n as u64);
        for (i, b) in buf[..n].iter_mut().enumerate() {
            *b = usize::try_from(offset)
                .ok()
                .and_then(|o| self.head.get(o + i))
                .copied()
                .unwrap_or(0);
        }
        Ok(n)
    }
}

fn program() -> Elf<'static> {
    Elf {
        runpath: Some("$ORIGIN/../lib"),
        ..Elf::program(&["libfoo.so.1", "libc.so.6"])
    }
}

#[test]
fn a_huge_sparse_file_is_read_only_where_the_parser_looks() {
    let head = program().bytes();
    let want = elf::parse(&head).unwrap();
    for size in [head.len() as u64, 64 << 20, 2 << 30, 1 << 40] {
        let file = Sparse {
            head: head.clone(),
            size,
            fail_at: u64::MAX,
            asked: Cell::new(0),
        };
        let reader = FileReader::new(&file);
        let Ok(Program::Elf(facts)) = inspect_from(&reader) else {
            panic!("not parsed at size {size}");
        };
        assert_eq!(reader.io_error(), None);
        assert_eq!(facts, want, "size {size}");
        // The header, program headers, PT_INTERP, PT_DYNAMIC and the strings: a few KiB,
        // whatever the size.
        assert!(
            file.asked.get() < 8 << 10,
            "{} bytes read",
            file.asked.get()
        );
    }
}

#[test]
fn a_failed_read_is_an_io_error_not_a_malformed_file() {
    let head = program().bytes();
    // A read of each part fails in turn: the header, the program headers, the strings.
    for fail_at in [0, 4, 64, head.len() as u64 - 8] {
        let file = Sparse {
            head: head.clone(),
            size: head.len() as u64,
            fail_at,
            asked: Cell::new(0),
        };
        let reader = FileReader::new(&file);
        let _ = inspect_from(&reader);
        assert_eq!(reader.io_error(), Some(Errno::EIO), "failing at {fail_at}");
    }
}

#[test]
fn a_range_larger_than_max_read_is_refused_without_reading() {
    let file = Sparse {
        head: Vec::new(),
        size: 1 << 40,
        fail_at: u64::MAX,
        asked: Cell::new(0),
    };
    let reader = FileReader::new(&file);
    assert!(object::ReadRef::read_bytes_at(&reader, 0, MAX_READ + 1).is_err());
    assert!(object::ReadRef::read_bytes_at(&reader, 1 << 40, 1).is_err());
    assert_eq!(file.asked.get(), 0);
    assert_eq!(
        object::ReadRef::read_bytes_at(&reader, 100, 10),
        Ok(&[0u8; 10][..])
    );
}
