//! Each compression read back by the decoders scratch-doctor uses, with its digests; the same
//! bytes whatever the reads under the encoder; errors of the source and the sink returned.

use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;

use miniz_oxide::inflate::decompress_to_vec;
use ruzstd::decoding::StreamingDecoder;
use ruzstd::io::Read;
use scratch_doctor::image::decode::sha256_digest;

use super::{Compression, GZIP_HEADER, Written, encode};
use crate::PackError;
use crate::stream::{Sink, Source};

/// `data` given `step` bytes at a time, failing after `fail_at` bytes if set.
struct Bytes<'a> {
    data: &'a [u8],
    at: usize,
    step: usize,
    fail_at: Option<usize>,
}

impl Source for Bytes<'_> {
    fn read(&mut self, buf: &mut [u8]) -> Result<usize, PackError> {
        if self.fail_at.is_some_and(|f| self.at >= f) {
            return Err("the source failed".into());
        }
        let n = buf.len().min(self.step).min(self.data.len() - self.at);
        buf[..n].copy_from_slice(&self.data[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

#[derive(Default)]
struct Collect {
    out: Vec<u8>,
    fail: bool,
}

impl Sink for Collect {
    fn write_all(&mut self, bytes: &[u8]) -> Result<(), PackError> {
        if self.fail {
            return Err("the sink failed".into());
        }
        self.out.extend_from_slice(bytes);
        Ok(())
    }
}

fn sample() -> Vec<u8> {
    // Text and noise, past two of the encoders' pieces.
    let mut data = Vec::new();
    let mut x: u32 = 1;
    while data.len() < 300_000 {
        data.extend_from_slice(b"a line of a tar layer, over and over; ");
        x = x.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        data.extend_from_slice(&x.to_le_bytes());
    }
    data
}

fn run(data: &[u8], how: Compression, step: usize) -> (Written, Vec<u8>) {
    let mut source = Bytes {
        data,
        at: 0,
        step,
        fail_at: None,
    };
    let mut sink = Collect::default();
    let w = encode(&mut source, how, &mut sink).unwrap();
    (w, sink.out)
}

fn unzstd(bytes: &[u8]) -> Vec<u8> {
    let mut d = StreamingDecoder::new(bytes).unwrap();
    let mut out = Vec::new();
    d.read_to_end(&mut out).unwrap();
    out
}

#[test]
fn every_compression_reads_back_with_its_digests() {
    let data = sample();
    for how in [Compression::None, Compression::Gzip, Compression::Zstd] {
        let (w, out) = run(&data, how, 1 << 20);
        assert_eq!(w.diff_id, sha256_digest(&data), "{how:?}");
        assert_eq!(w.digest, sha256_digest(&out), "{how:?}");
        assert_eq!(w.size, out.len() as u64);
        let back = match how {
            Compression::None => out.clone(),
            Compression::Gzip => {
                assert_eq!(out[..10], GZIP_HEADER);
                let n = out.len();
                let crc = u32::from_le_bytes(out[n - 8..n - 4].try_into().unwrap());
                assert_eq!(crc, crc32fast::hash(&data));
                let len = u32::from_le_bytes(out[n - 4..].try_into().unwrap());
                assert_eq!(len as usize, data.len());
                decompress_to_vec(&out[10..n - 8]).unwrap()
            }
            Compression::Zstd => unzstd(&out),
        };
        assert!(back == data, "{how:?}");
        if how != Compression::None {
            assert!(out.len() < data.len() / 2, "{how:?}: {} bytes", out.len());
        }
    }
}

#[test]
fn the_bytes_do_not_depend_on_the_reads_under_the_encoder() {
    let data = sample();
    for how in [Compression::Gzip, Compression::Zstd] {
        let (_, whole) = run(&data, how, 1 << 20);
        for step in [1000, 4096, 65_536, 131_071] {
            assert!(run(&data, how, step).1 == whole, "{how:?}, reads of {step}");
        }
    }
}

#[test]
fn an_empty_layer_is_a_valid_stream() {
    for how in [Compression::None, Compression::Gzip, Compression::Zstd] {
        let (w, out) = run(&[], how, 10);
        assert_eq!(w.diff_id, sha256_digest(&[]));
        match how {
            Compression::None => assert!(out.is_empty()),
            Compression::Gzip => assert!(
                decompress_to_vec(&out[10..out.len() - 8])
                    .unwrap()
                    .is_empty()
            ),
            Compression::Zstd => assert!(unzstd(&out).is_empty()),
        }
    }
}

#[test]
fn an_error_of_the_source_or_the_sink_is_returned() {
    let data = sample();
    for how in [Compression::None, Compression::Gzip, Compression::Zstd] {
        let mut source = Bytes {
            data: &data,
            at: 0,
            step: 5000,
            fail_at: Some(150_000),
        };
        let e = encode(&mut source, how, &mut Collect::default()).unwrap_err();
        assert_eq!(e.0, "the source failed", "{how:?}");
        let mut source = Bytes {
            data: &data,
            at: 0,
            step: 5000,
            fail_at: None,
        };
        let mut sink = Collect {
            out: Vec::new(),
            fail: true,
        };
        let e = encode(&mut source, how, &mut sink).unwrap_err();
        assert_eq!(e.0, "the sink failed", "{how:?}");
    }
}

#[test]
fn media_type_suffixes() {
    let s: Vec<String> = [Compression::None, Compression::Gzip, Compression::Zstd]
        .iter()
        .map(|c| String::from(c.suffix()))
        .collect();
    assert_eq!(s, vec!["", "+gzip", "+zstd"]);
    assert_eq!(Compression::parse("xz"), None);
}
