//! Unit tests of [`decode`](super): digests checked, gzip and zstd layers read, corrupt streams
//! named, skips.

use alloc::vec;

use crate::image::test_images::{config, doctor, gzip, oci_archive, static_elf, tar};
use crate::image::{Stream, Window};

#[test]
fn a_corrupt_blob_is_a_digest_mismatch() {
    let elf = static_elf();
    let layer = tar(&[("hello", b'0', &elf, 0o755)]);
    let c = config("{\"Entrypoint\":[\"/hello\"]}", &[&layer]);
    let mut archive = oci_archive(&c, core::slice::from_ref(&layer));
    // Flip a byte of the ELF inside the layer (in the archive's copy of the blob).
    let at = archive
        .windows(4)
        .position(|w| w == b"\x7fELF")
        .expect("the ELF in the archive");
    archive[at + 8] ^= 0xff;
    let e = doctor(archive).expect_err("a mismatch");
    assert!(e.0.contains("digest mismatch"), "{e}");
}

#[test]
fn zstd_layers_with_skippable_frames_are_read() {
    let elf = static_elf();
    let layer = tar(&[("hello", b'0', &elf, 0o755)]);
    let c = config("{\"Entrypoint\":[\"/hello\"]}", &[&layer]);
    // A skippable frame (as zstd:chunked writes), then two frames.
    let mut z = vec![0x50, 0x2a, 0x4d, 0x18];
    z.extend_from_slice(&3u32.to_le_bytes());
    z.extend_from_slice(b"abc");
    let (a, b) = layer.split_at(700);
    for part in [a, b] {
        z.extend(ruzstd::encoding::compress_to_vec(
            part,
            ruzstd::encoding::CompressionLevel::Fastest,
        ));
    }
    let archive = oci_archive(&c, &[z.clone()]);
    let r = doctor(archive).unwrap();
    assert!(r.starts(), "{}", r.text());
    // Corrupt: cut in the middle of a frame.
    let mut cut = z.clone();
    cut.truncate(z.len() - 20);
    let e = doctor(oci_archive(&c, &[cut])).unwrap_err();
    assert!(e.0.contains("zstd"), "{e}");
}

#[test]
fn a_corrupt_gzip_stream_is_named() {
    let elf = static_elf();
    let layer = tar(&[("hello", b'0', &elf, 0o755)]);
    let c = config("{\"Entrypoint\":[\"/hello\"]}", &[&layer]);
    let mut g = gzip(&layer);
    let n = g.len();
    g[n / 2] ^= 0xff;
    g[n / 2 + 1] ^= 0xff;
    let e = doctor(oci_archive(&c, &[g])).unwrap_err();
    assert!(
        e.0.contains("gzip") || e.0.contains("digest mismatch"),
        "{e}"
    );
}

#[test]
fn a_corrupt_stream_gives_its_first_error_again() {
    let layer = tar(&[("hello", b'0', &static_elf(), 0o755)]);
    let mut g = gzip(&layer);
    let n = g.len();
    g[12..n - 8].fill(0xff);
    let len = g.len() as u64;
    let mut decoder = crate::image::decode::Decoder::new(Window::new(&mut g, 0, len)).unwrap();
    let mut buf = [0u8; 512];
    let first = loop {
        match decoder.read(&mut buf) {
            Ok(0) => panic!("the corrupt stream decoded to its end"),
            Ok(_) => {}
            Err(e) => break e,
        }
    };
    assert!(first.0.contains("gzip"), "{first}");
    assert_eq!(decoder.read(&mut buf), Err(first.clone()));
    assert_eq!(crate::image::decode::drain(&mut decoder), Err(first));
}

#[test]
fn a_decoder_skips_to_the_same_bytes_plain_or_compressed() {
    let plain = tar(&[
        ("hello", b'0', &static_elf(), 0o755),
        ("x", b'0', b"xyz", 0o644),
    ]);
    for (what, mut stored) in [("plain", plain.clone()), ("gzip", gzip(&plain))] {
        for at in [0, 3, 700, 1536, plain.len() - 1] {
            let len = stored.len() as u64;
            let mut d =
                crate::image::decode::Decoder::new(Window::new(&mut stored, 0, len)).unwrap();
            d.skip(at as u64).unwrap();
            let mut rest = vec![0u8; plain.len() - at];
            assert_eq!(
                crate::image::read_full(&mut d, &mut rest),
                Ok(rest.len()),
                "{what} {at}"
            );
            assert_eq!(rest, plain[at..], "{what}: skipped {at}");
            assert_eq!(d.read(&mut [0u8; 1]), Ok(0), "{what}: the end");
        }
        let len = stored.len() as u64;
        let mut d = crate::image::decode::Decoder::new(Window::new(&mut stored, 0, len)).unwrap();
        assert!(
            d.skip(plain.len() as u64 + 1).is_err(),
            "{what}: past the end"
        );
    }
}
