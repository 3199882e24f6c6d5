//! The headers read back by scratch-doctor's tar reader (the project's one reader, as
//! engines read them): ustar where it fits, pax records only where needed.

use alloc::vec;
use alloc::vec::Vec;

use scratch_doctor::image::Window;
use scratch_doctor::image::tar::{Entry, Kind, TarReader, is_header};
use scratch_doctor::paths::from_bytes;

use super::{BLOCK, Header, Type, USTAR_MAX_SIZE, write_header};

fn header(name: &[u8], kind: Type, size: u64, link: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    write_header(
        &Header {
            name,
            kind,
            size,
            mode: 0o755,
            link,
            mtime: 1,
        },
        &mut out,
    );
    out
}

/// The entry `blocks` (a header, without data) reads as.
fn read_back(blocks: &[u8]) -> Entry {
    let mut archive = blocks.to_vec();
    archive.extend_from_slice(&[0; 2 * BLOCK]);
    let mut bytes: &[u8] = &archive;
    let len = bytes.len() as u64;
    let mut tar = TarReader::new(Window::new(&mut bytes, 0, len));
    tar.next_entry().unwrap().unwrap()
}

fn block(out: &[u8], i: usize) -> &[u8; 512] {
    out[i * BLOCK..(i + 1) * BLOCK].try_into().unwrap()
}

#[test]
fn a_short_name_is_one_ustar_block_with_its_fixed_fields() {
    let out = header(b"usr/bin/", Type::Dir, 0, b"");
    assert_eq!(out.len(), BLOCK);
    let b = block(&out, 0);
    assert!(is_header(b));
    assert_eq!(&b[0..9], b"usr/bin/\0");
    assert_eq!(&b[100..108], b"0000755\0");
    assert_eq!(&b[108..116], b"0000000\0", "uid 0");
    assert_eq!(&b[116..124], b"0000000\0", "gid 0");
    assert_eq!(&b[124..136], b"00000000000\0");
    assert_eq!(&b[136..148], b"00000000001\0", "the one mtime");
    assert_eq!(b[156], b'5');
    assert_eq!(&b[257..265], b"ustar\x0000");
    assert!(b[265..329].iter().all(|&c| c == 0), "no user or group name");
    assert_eq!(&b[155..156], b" ");
    let e = read_back(&out);
    assert_eq!(
        (e.path.as_str(), e.kind, e.mode),
        ("usr/bin/", Kind::Dir, 0o755)
    );
}

#[test]
fn a_long_ascii_name_is_split_into_prefix_and_name_as_go_does() {
    let dir = "d".repeat(120);
    let name = alloc::format!("{dir}/file");
    let out = header(name.as_bytes(), Type::File, 0, b"");
    assert_eq!(out.len(), BLOCK, "no pax header");
    assert_eq!(&block(&out, 0)[345..465], dir.as_bytes());
    assert_eq!(read_back(&out).path, name);
}

#[test]
fn a_name_no_slash_splits_or_one_not_ascii_takes_a_pax_path() {
    let long = "x".repeat(150);
    let out = header(long.as_bytes(), Type::File, 0, b"");
    assert_eq!(out.len(), 3 * BLOCK, "pax header, its records, the header");
    assert_eq!(block(&out, 0)[156], b'x');
    assert_eq!(&block(&out, 0)[0..15], b"././@PaxHeader\0");
    assert_eq!(read_back(&out).path, long);

    // A name of 100 bytes fits; one that is not ASCII does not, whatever its length.
    let hundred = "y".repeat(100);
    assert_eq!(header(hundred.as_bytes(), Type::File, 0, b"").len(), BLOCK);
    let utf8 = "caf\u{e9}";
    let out = header(utf8.as_bytes(), Type::File, 0, b"");
    assert_eq!(out.len(), 3 * BLOCK);
    assert_eq!(read_back(&out).path, utf8);
    let records = &out[BLOCK..2 * BLOCK];
    assert!(records.starts_with(b"14 path=caf\xc3\xa9\n"), "{records:?}");
}

#[test]
fn a_name_that_is_not_utf8_says_hdrcharset_binary() {
    let name = b"bin/\xff\xfe";
    let out = header(name, Type::File, 0, b"");
    let records = &out[BLOCK..2 * BLOCK];
    assert!(
        records.starts_with(b"21 hdrcharset=BINARY\n15 path=bin/\xff\xfe\n"),
        "{records:?}"
    );
    assert_eq!(read_back(&out).path, from_bytes(name));
}

#[test]
fn a_size_past_eight_gib_is_a_pax_size_record() {
    let out = header(b"big", Type::File, USTAR_MAX_SIZE, b"");
    assert_eq!(out.len(), BLOCK, "8 GiB less a byte fits");
    assert_eq!(read_back(&out).size, USTAR_MAX_SIZE);
    let big = USTAR_MAX_SIZE + 1;
    let out = header(b"big", Type::File, big, b"");
    assert_eq!(out.len(), 3 * BLOCK);
    assert!(out[BLOCK..].starts_with(b"19 size=8589934592\n"));
    assert_eq!(read_back(&out).size, big);
}

#[test]
fn a_long_or_non_ascii_link_is_a_pax_linkpath() {
    let out = header(b"l", Type::Symlink, 0, b"../lib/x");
    assert_eq!(out.len(), BLOCK);
    assert_eq!(read_back(&out).link, "../lib/x");
    let target = "t/".repeat(60);
    let out = header(b"l", Type::HardLink, 0, target.as_bytes());
    assert_eq!(out.len(), 3 * BLOCK);
    let e = read_back(&out);
    assert_eq!((e.kind, e.link.as_str()), (Kind::HardLink, target.as_str()));
}

#[test]
fn record_lengths_count_their_own_digits_across_a_power_of_ten() {
    // " path=" and "\n" are 7 bytes: a name of 92 to 95 bytes makes a record of 99 to 102.
    for n in 88..100 {
        let name = vec![b'\xe9'; n];
        let out = header(&name, Type::File, 0, b"");
        assert_eq!(read_back(&out).path, from_bytes(&name), "{n}");
    }
}
