//! Images built in memory for the unit tests of [`image`](super): tar archives, gzip layers, OCI
//! archives (one platform or several), and what the doctor makes of one ([`doctor`]).

use alloc::format;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;

use object::elf;

use crate::image::ImageError;
use crate::image::config::load;
use crate::image::decode::sha256_digest;
use crate::image::layers::{ImageRoot, apply_layers};
use crate::image::layout::ArchiveStorage;
use crate::image::report::ImageReport;
use crate::image::start::diagnose;
use crate::test_files::Elf;

/// One entry of a test tar: (path, type flag, data or link target, mode).
pub type T<'a> = (&'a str, u8, &'a [u8], u32);

/// `v` in octal, zero-padded to fill `out` but its last byte, which is NUL: a tar header field.
fn octal(out: &mut [u8], v: u64) {
    let s = format!("{v:0w$o}\0", w = out.len() - 1);
    out.copy_from_slice(s.as_bytes());
}

/// A ustar archive of `entries`.
pub fn tar(entries: &[T<'_>]) -> Vec<u8> {
    let mut out = Vec::new();
    for &(path, flag, data, mode) in entries {
        let mut h = [0u8; 512];
        h[..path.len()].copy_from_slice(path.as_bytes());
        octal(&mut h[100..108], u64::from(mode));
        octal(&mut h[108..116], 0);
        octal(&mut h[116..124], 0);
        // Regular files and pax extended headers carry data; links their target.
        let has_data = flag == b'0' || flag == b'x';
        let size = if has_data { data.len() } else { 0 };
        octal(&mut h[124..136], size as u64);
        octal(&mut h[136..148], 0);
        h[156] = flag;
        if flag == b'1' || flag == b'2' {
            h[157..157 + data.len()].copy_from_slice(data);
        }
        h[257..263].copy_from_slice(b"ustar\0");
        h[263..265].copy_from_slice(b"00");
        h[148..156].fill(b' ');
        let sum: u32 = h.iter().map(|&b| u32::from(b)).sum();
        let s = format!("{sum:06o}\0 ");
        h[148..156].copy_from_slice(s.as_bytes());
        out.extend_from_slice(&h);
        if has_data {
            out.extend_from_slice(data);
            out.resize(out.len().div_ceil(512) * 512, 0);
        }
    }
    out.resize(out.len() + 1024, 0);
    out
}

/// `data` as one gzip member.
pub fn gzip(data: &[u8]) -> Vec<u8> {
    let mut out = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3];
    out.extend(miniz_oxide::deflate::compress_to_vec(data, 6));
    out.extend_from_slice(&0u32.to_le_bytes()); // CRC32: not checked (the digests are)
    out.extend_from_slice(&(data.len() as u32).to_le_bytes());
    out
}

pub fn hex(d: &str) -> &str {
    d.strip_prefix("sha256:").unwrap()
}

/// An image (config JSON, layers as stored) as an OCI archive: (archive bytes).
pub fn oci_archive(config: &str, layers: &[Vec<u8>]) -> Vec<u8> {
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    let cd = sha256_digest(config.as_bytes());
    files.push((
        format!("blobs/sha256/{}", hex(&cd)),
        config.as_bytes().to_vec(),
    ));
    let mut descs = Vec::new();
    for l in layers {
        let d = sha256_digest(l);
        let t = if l.starts_with(&[0x1f, 0x8b]) {
            "+gzip"
        } else {
            ""
        };
        descs.push(format!(
            "{{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar{t}\",\"digest\":\"{d}\",\"size\":{}}}",
            l.len()
        ));
        files.push((format!("blobs/sha256/{}", hex(&d)), l.clone()));
    }
    let manifest = format!(
        "{{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":{{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"{cd}\",\"size\":{}}},\"layers\":[{}]}}",
        config.len(),
        descs.join(",")
    );
    let md = sha256_digest(manifest.as_bytes());
    files.push((
        format!("blobs/sha256/{}", hex(&md)),
        manifest.clone().into_bytes(),
    ));
    let index = format!(
        "{{\"schemaVersion\":2,\"manifests\":[{{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"{md}\",\"size\":{}}}]}}",
        manifest.len()
    );
    files.push(("index.json".into(), index.into_bytes()));
    files.push((
        "oci-layout".into(),
        b"{\"imageLayoutVersion\":\"1.0.0\"}".to_vec(),
    ));
    let entries: Vec<T<'_>> = files
        .iter()
        .map(|(n, d)| (n.as_str(), b'0', d.as_slice(), 0o644))
        .collect();
    tar(&entries)
}

/// A config with `run` as its `config` object, and the diff_ids of `layers` (uncompressed).
pub fn config(run: &str, plain_layers: &[&[u8]]) -> String {
    let ids: Vec<String> = plain_layers
        .iter()
        .map(|l| format!("\"{}\"", sha256_digest(l)))
        .collect();
    format!(
        "{{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{run},\"rootfs\":{{\"type\":\"layers\",\"diff_ids\":[{}]}}}}",
        ids.join(",")
    )
}

/// The doctor's report on an archive.
pub fn doctor(archive: Vec<u8>) -> Result<ImageReport, ImageError> {
    let mut storage = ArchiveStorage::new(archive)?;
    let image = load(&mut storage, None)?;
    let tree = apply_layers(&mut storage, &image)?;
    let mut root = ImageRoot::new(&mut storage, &image, tree);
    Ok(diagnose(&mut root, &image, "test"))
}

/// A static x86_64 executable.
pub fn static_elf() -> Vec<u8> {
    Elf::executable(elf::EM_X86_64).bytes()
}

pub fn one_layer(run: &str, entries: &[T<'_>]) -> Vec<u8> {
    let layer = tar(entries);
    let c = config(run, &[&layer]);
    oci_archive(&c, &[gzip(&layer)])
}

/// An OCI archive whose index lists a nested index of two platforms and an attestation
/// manifest (`unknown/unknown`).
pub fn multi_platform_archive() -> Vec<u8> {
    let elf = static_elf();
    let arm = Elf::executable(elf::EM_AARCH64).bytes();
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    let blob = |data: Vec<u8>, files: &mut Vec<(String, Vec<u8>)>| {
        let d = sha256_digest(&data);
        let len = data.len();
        files.push((format!("blobs/sha256/{}", hex(&d)), data));
        (d, len)
    };
    let mut descs = Vec::new();
    for (arch, program) in [("amd64", &elf), ("arm64", &arm)] {
        let layer = tar(&[("hello", b'0', program, 0o755)]);
        let c = config("{\"Entrypoint\":[\"/hello\"]}", &[&layer])
            .replace("\"amd64\"", &format!("\"{arch}\""));
        let (ld, ll) = blob(layer, &mut files);
        let (cd, cl) = blob(c.into_bytes(), &mut files);
        let manifest = format!(
            "{{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":{{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"{cd}\",\"size\":{cl}}},\"layers\":[{{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\"{ld}\",\"size\":{ll}}}]}}"
        );
        let (md, ml) = blob(manifest.into_bytes(), &mut files);
        descs.push(format!(
            "{{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"{md}\",\"size\":{ml},\"platform\":{{\"os\":\"linux\",\"architecture\":\"{arch}\"}}}}"
        ));
    }
    // An attestation: its manifest is never read (a missing blob here would be an error).
    descs.push(format!(
        "{{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"sha256:{}\",\"size\":1,\"platform\":{{\"os\":\"unknown\",\"architecture\":\"unknown\"}}}}",
        "0".repeat(64)
    ));
    let inner = format!(
        "{{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":[{}]}}",
        descs.join(",")
    );
    let (id, il) = blob(inner.into_bytes(), &mut files);
    let index = format!(
        "{{\"schemaVersion\":2,\"manifests\":[{{\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"digest\":\"{id}\",\"size\":{il}}}]}}"
    );
    files.push(("index.json".into(), index.into_bytes()));
    let entries: Vec<T<'_>> = files
        .iter()
        .map(|(n, d)| (n.as_str(), b'0', d.as_slice(), 0o644))
        .collect();
    tar(&entries)
}

/// A pax extended header giving `path` to the entry after it, then that entry (of type `flag`).
pub fn pax_path(path: &str, flag: u8) -> Vec<T<'static>> {
    let body = format!(" path={path}\n");
    // The record's length counts its own digits.
    let mut len = body.len() + 1;
    while format!("{len}{body}").len() != len {
        len += 1;
    }
    let record: &'static [u8] = format!("{len}{body}").into_bytes().leak();
    vec![("pax", b'x', record, 0o644), ("short", flag, b"", 0o755)]
}
