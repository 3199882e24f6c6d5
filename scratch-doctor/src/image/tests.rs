//! Images built in memory: tar archives, gzip layers, OCI layouts and docker archives, and
//! what the doctor makes of them.

use alloc::boxed::Box;
use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec;
use alloc::vec::Vec;

use object::elf;

use super::config::{Platform, load};
use super::decode::sha256_digest;
use super::layers::{ImageRoot, NodeKind, apply_layers};
use super::layout::ArchiveStorage;
use super::report::ImageReport;
use super::start::diagnose;
use super::{ImageError, Storage, Stream, Window};
use crate::root_view::RootView;
use crate::test_files::Elf;

/// One entry of a test tar: (path, type flag, data or link target, mode).
type T<'a> = (&'a str, u8, &'a [u8], u32);

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

fn hex(d: &str) -> &str {
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
fn doctor(archive: Vec<u8>) -> Result<ImageReport, ImageError> {
    let mut storage = ArchiveStorage::new(archive)?;
    let image = load(&mut storage, None)?;
    let tree = apply_layers(&mut storage, &image)?;
    let mut root = ImageRoot::new(&mut storage, &image, tree);
    Ok(diagnose(&mut root, &image, "test"))
}

/// A static x86_64 executable.
fn static_elf() -> Vec<u8> {
    Elf::executable(elf::EM_X86_64).bytes()
}

fn one_layer(run: &str, entries: &[T<'_>]) -> Vec<u8> {
    let layer = tar(entries);
    let c = config(run, &[&layer]);
    oci_archive(&c, &[gzip(&layer)])
}

#[test]
fn a_static_program_starts_and_its_facts_are_shown() {
    let elf = static_elf();
    let r = doctor(one_layer(
        "{\"Entrypoint\":[\"/hello\"]}",
        &[("hello", b'0', &elf, 0o755)],
    ))
    .unwrap();
    assert!(r.starts(), "{}", r.text());
    assert_eq!(r.platform, "linux/amd64");
    assert_eq!(r.program.as_deref(), Some("/hello"));
    assert!(r.text().contains("starts: yes\n"), "{}", r.text());
}

#[test]
fn the_runtime_errors_of_the_usual_causes() {
    let elf = static_elf();
    let cases: Vec<(&str, Vec<T<'_>>, &str)> = vec![
        (
            "{\"Entrypoint\":[\"/hello\"]}",
            vec![],
            "exec: \"/hello\": stat /hello: no such file or directory",
        ),
        (
            "{\"Entrypoint\":[\"/hello\"]}",
            vec![("hello", b'0', &elf, 0o644)],
            "exec: \"/hello\": permission denied",
        ),
        (
            "{\"Cmd\":[\"/bin/sh\",\"-c\",\"/hello\"]}",
            vec![("hello", b'0', &elf, 0o755)],
            "exec: \"/bin/sh\": stat /bin/sh: no such file or directory",
        ),
        (
            "{\"Entrypoint\":[\"/hello\"],\"User\":\"nobody\"}",
            vec![("hello", b'0', &elf, 0o755)],
            "unable to find user nobody: no matching entries in passwd file",
        ),
        (
            "{\"Entrypoint\":[\"hello\"]}",
            vec![("hello", b'0', &elf, 0o755)],
            "exec: \"hello\": executable file not found in $PATH",
        ),
        (
            "{\"Entrypoint\":[\"/run.sh\"]}",
            vec![("run.sh", b'0', b"#!/bin/sh\necho hi\n", 0o755)],
            "exec /run.sh: no such file or directory",
        ),
        (
            "{\"Entrypoint\":[\"/run.sh\"]}",
            vec![
                ("bin/sh", b'0', &elf, 0o755),
                ("run.sh", b'0', b"#!/bin/sh\r\necho hi\r\n", 0o755),
            ],
            "exec /run.sh: no such file or directory",
        ),
        (
            "{\"Entrypoint\":[\"/data\"]}",
            vec![("data", b'0', b"hello", 0o755)],
            "exec /data: exec format error",
        ),
    ];
    let r = doctor(one_layer(
        "{\"Entrypoint\":[\"/hello\"]}",
        &[("hello", b'0', &elf, 0o644)],
    ))
    .unwrap();
    assert_eq!(r.program.as_deref(), Some("/hello"));
    assert!(
        r.file_format
            .as_deref()
            .is_some_and(|f| f.starts_with("ELF 64-bit"))
    );
    for (run, entries, error) in cases {
        let r = doctor(one_layer(run, &entries)).unwrap();
        let f = r
            .failure
            .as_ref()
            .unwrap_or_else(|| panic!("{run}: starts?\n{}", r.text()));
        assert_eq!(f.error, error, "{run}:\n{}", r.text());
        assert_eq!(
            r.text()
                .lines()
                .filter(|l| l.starts_with("starts:"))
                .count(),
            1
        );
    }
}

#[test]
fn path_lookup_symlinks_and_users_that_work() {
    let elf = static_elf();
    let passwd = b"root:x:0:0::/root:/bin/sh\nnobody:x:65534:65534::/:/sbin/nologin\n";
    let r = doctor(one_layer(
        "{\"Entrypoint\":[\"hello\"],\"User\":\"nobody\",\"Env\":[\"PATH=/opt/bin\"]}",
        &[
            ("opt/bin/hello", b'2', b"../../usr/real", 0o777),
            ("usr/real", b'0', &elf, 0o755),
            ("etc/passwd", b'0', passwd, 0o644),
        ],
    ))
    .unwrap();
    assert!(r.starts(), "{}", r.text());
    assert_eq!(r.program.as_deref(), Some("/usr/real"));
    assert!(r.user.contains("uid 65534"), "{}", r.user);
}

/// A numeric `uid:gid` needs no /etc/passwd (runc uses the numbers as they are): no hint
/// about the file, which an earlier version gave for every `USER 65534:65534`.
#[test]
fn a_numeric_user_and_group_need_no_passwd_file() {
    let elf = static_elf();
    let r = doctor(one_layer(
        "{\"Entrypoint\":[\"/hello\"],\"User\":\"65534:65534\"}",
        &[("hello", b'0', &elf, 0o755)],
    ))
    .unwrap();
    assert!(r.starts(), "{}", r.text());
    assert!(r.user.contains("uid 65534"), "{}", r.user);
    assert!(!r.text().contains("passwd"), "{}", r.text());
}

#[test]
fn whiteouts_opaque_directories_and_hard_links_apply_in_order() {
    let elf = static_elf();
    let lower = tar(&[
        ("bin/sh", b'0', &elf, 0o755),
        ("lib/a", b'0', b"a", 0o644),
        ("lib/b", b'0', b"b", 0o644),
        ("keep", b'0', b"k", 0o644),
    ]);
    let upper = tar(&[
        ("bin/.wh.sh", b'0', b"", 0o644),
        ("lib/", b'5', b"", 0o755),
        ("lib/.wh..wh..opq", b'0', b"", 0o644),
        ("lib/c", b'0', b"c", 0o644),
        ("again", b'1', b"keep", 0o644),
    ]);
    let c = config("{\"Entrypoint\":[\"/bin/sh\"]}", &[&lower, &upper]);
    let archive = oci_archive(&c, &[gzip(&lower), upper.clone()]);
    let mut storage = ArchiveStorage::new(archive).unwrap();
    let image = load(&mut storage, None).unwrap();
    let tree = apply_layers(&mut storage, &image).unwrap();
    assert!(tree.get("/bin/sh").is_none());
    assert!(tree.get("/bin").is_some());
    assert!(tree.get("/lib/a").is_none() && tree.get("/lib/b").is_none());
    assert!(matches!(
        tree.get("/lib/c").map(|n| &n.kind),
        Some(NodeKind::File { .. })
    ));
    let mut root = ImageRoot::new(&mut storage, &image, tree);
    assert_eq!(root.read("/again"), Ok(b"k".to_vec()));
    assert_eq!(root.read("/lib/c"), Ok(b"c".to_vec()));
    let r = diagnose(&mut root, &image, "t");
    assert_eq!(
        r.failure.unwrap().error,
        "exec: \"/bin/sh\": stat /bin/sh: no such file or directory"
    );
}

#[test]
fn absolute_symlinks_stay_inside_the_image() {
    let r = doctor(one_layer(
        "{\"Entrypoint\":[\"/hello\"]}",
        &[("hello", b'2', b"/../../../bin/true", 0o777)],
    ))
    .unwrap();
    assert!(
        r.failure
            .unwrap()
            .error
            .contains("no such file or directory")
    );
}

/// Bad input: each one error, no panic.
#[test]
fn bad_input_is_one_error() {
    let elf = static_elf();
    let good = one_layer(
        "{\"Entrypoint\":[\"/hello\"]}",
        &[("hello", b'0', &elf, 0o755)],
    );
    let not_image = tar(&[("hello.txt", b'0', b"hi", 0o644)]);
    let mut random = vec![0u8; 4096];
    let mut x: u32 = 12345;
    for b in &mut random {
        x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
        *b = (x >> 16) as u8;
    }
    let mut truncated = good.clone();
    truncated.truncate(good.len() / 2);
    // A member whose base-256 size is u64::MAX in front of the good archive: its padded end
    // wraps around 64 bits; read as 0 bytes, the good archive behind it would be taken.
    let mut huge = tar(&[("junk", b'0', b"", 0o644)]);
    huge.truncate(512);
    huge[124..128].copy_from_slice(&[0x80, 0, 0, 0]);
    huge[128..136].fill(0xff);
    huge[148..156].fill(b' ');
    let sum: u32 = huge.iter().map(|&b| u32::from(b)).sum();
    huge[148..156].copy_from_slice(format!("{sum:06o}\0 ").as_bytes());
    huge.extend_from_slice(&good);
    let cases: Vec<(Vec<u8>, &str)> = vec![
        (huge, "ends inside a file"),
        (Vec::new(), "empty"),
        (random, "not an image archive"),
        (not_image, "neither index.json nor manifest.json"),
        (truncated, "truncated"),
        (
            one_layer("{}", &[("../x", b'0', b"", 0o644)]),
            "leaves the image root",
        ),
        (
            one_layer("{}", &[("/x", b'0', b"", 0o644)]),
            "absolute path",
        ),
        (
            one_layer("{}", &[("x", b'1', b"missing", 0o644)]),
            "which the image does not hold",
        ),
        (
            one_layer("{}", &[("d/", b'5', b"", 0o755), ("x", b'1', b"d", 0o644)]),
            "points to the directory d: refused",
        ),
        (
            one_layer("{}", &[(".wh.", b'0', b"", 0o644)]),
            "the whiteout .wh. names no file",
        ),
        (
            one_layer("{}", &[("a/.wh.", b'0', b"", 0o644)]),
            "the whiteout a/.wh. names no file",
        ),
        (
            one_layer("{}", &pax_path(&format!("{}ab", "a/".repeat(2047)), b'5')),
            "longer than PATH_MAX (4095)",
        ),
    ];
    for (archive, want) in cases {
        let e = doctor(archive).expect_err(want);
        assert!(e.0.contains(want), "{e} (wanted {want:?})");
        assert!(!e.0.contains('\n'));
    }
}

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
fn platforms_are_chosen_and_listed() {
    assert_eq!(Platform::this().to_string(), "linux/amd64");
    let p = Platform::parse("linux/arm64").unwrap();
    assert_eq!(p.machine(), Some("aarch64"));
    assert!(Platform::parse("arm64").is_err());
    let elf = static_elf();
    let mut storage = ArchiveStorage::new(one_layer(
        "{\"Entrypoint\":[\"/hello\"]}",
        &[("hello", b'0', &elf, 0o755)],
    ))
    .unwrap();
    let e = load(&mut storage, Some(&p)).err().unwrap();
    assert_eq!(
        e.0,
        "no image for the platform linux/arm64 here; the image has: linux/amd64"
    );
}

/// A storage of named files, as a directory layout would be.
struct Files(BTreeMap<String, Vec<u8>>);

impl Storage for Files {
    fn open(&mut self, name: &str) -> Result<Option<Box<dyn Stream + '_>>, ImageError> {
        Ok(self.0.get_mut(name).map(|d| {
            let len = d.len() as u64;
            Box::new(Window::new(d, 0, len)) as Box<dyn Stream + '_>
        }))
    }
}

#[test]
fn a_classic_docker_archive_is_read_through_its_manifest() {
    let elf = static_elf();
    let layer = tar(&[("hello", b'0', &elf, 0o755)]);
    let c = config("{\"Entrypoint\":[\"/hello\"]}", &[&layer]);
    let cd = sha256_digest(c.as_bytes());
    let mut files = BTreeMap::new();
    files.insert(format!("{}.json", hex(&cd)), c.clone().into_bytes());
    files.insert("abc/layer.tar".to_string(), layer);
    files.insert(
        "manifest.json".to_string(),
        format!(
            "[{{\"Config\":\"{}.json\",\"RepoTags\":[\"localhost/t:latest\"],\"Layers\":[\"abc/layer.tar\"]}}]",
            hex(&cd)
        )
        .into_bytes(),
    );
    let mut storage = Files(files);
    let image = load(&mut storage, None).unwrap();
    assert_eq!(image.format, "docker save archive");
    assert_eq!(image.reference.as_deref(), Some("localhost/t:latest"));
    let tree = apply_layers(&mut storage, &image).unwrap();
    let mut root = ImageRoot::new(&mut storage, &image, tree);
    assert!(diagnose(&mut root, &image, "t").starts());
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

/// An OCI archive whose index lists a nested index of two platforms and an attestation
/// manifest (`unknown/unknown`).
fn multi_platform_archive() -> Vec<u8> {
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

#[test]
fn a_multi_platform_index_gives_this_machines_image_or_the_one_asked_for() {
    let archive = multi_platform_archive();
    let mut storage = ArchiveStorage::new(archive.clone()).unwrap();
    let image = load(&mut storage, None).unwrap();
    assert_eq!(image.platform.to_string(), "linux/amd64");
    assert_eq!(image.platforms.len(), 2, "the attestation is skipped");
    let arm = Platform::parse("linux/arm64").unwrap();
    let image = load(&mut storage, Some(&arm)).unwrap();
    assert_eq!(image.platform.to_string(), "linux/arm64");
    let tree = apply_layers(&mut storage, &image).unwrap();
    let mut root = ImageRoot::new(&mut storage, &image, tree);
    let r = diagnose(&mut root, &image, "t");
    assert!(
        r.starts(),
        "an aarch64 program in an arm64 image: {}",
        r.text()
    );
    assert!(
        r.hints.iter().any(|h| h.contains("binfmt_misc")),
        "{:?}",
        r.hints
    );
    // What this host does with it, from its binfmt_misc (read through the host's /proc).
    let tree = apply_layers(&mut storage, &image).unwrap();
    let mut host = crate::memory_root::MemoryRoot::new();
    host.file(
        "/proc/sys/fs/binfmt_misc/qemu-aarch64",
        "enabled\ninterpreter /usr/libexec/qemu-binfmt/aarch64-binfmt-P\nflags: POF\noffset 0\nmagic 7f454c460201010000000000000000000200b700\nmask ffffffffffffff00fffffffffffffffffeffffff\n",
    );
    host.file("/proc/sys/fs/binfmt_misc/status", "enabled\n");
    let mut root = ImageRoot::new(&mut storage, &image, tree).with_host(&mut host);
    let hints = diagnose(&mut root, &image, "t").hints;
    assert!(
        hints.iter().any(|h| h.ends_with(
            "on this host: runs through /usr/libexec/qemu-binfmt/aarch64-binfmt-P (binfmt_misc entry qemu-aarch64, flags POF: with F the kernel holds the interpreter open, so it is found in an empty root too)"
        )),
        "{hints:?}"
    );
    let tree = apply_layers(&mut storage, &image).unwrap();
    let mut bare = crate::memory_root::MemoryRoot::new();
    let mut root = ImageRoot::new(&mut storage, &image, tree).with_host(&mut bare);
    let hints = diagnose(&mut root, &image, "t").hints;
    assert!(
        hints.iter().any(|h| h
            .ends_with("on this host: exec format error: no enabled binfmt_misc entry takes it")),
        "{hints:?}"
    );
    let riscv = Platform::parse("linux/riscv64").unwrap();
    assert_eq!(
        load(&mut storage, Some(&riscv)).unwrap_err().0,
        "no image for the platform linux/riscv64 here; the image has: linux/amd64, linux/arm64"
    );
}

mod mutated {
    //! Property test: real-shaped archives (an OCI archive with a gzip layer and a symlinked
    //! program, a multi-platform index) with random bytes changed or cut short never make the
    //! doctor panic or loop: each gives a report or one error line. A mutated byte in a blob is
    //! almost always a digest mismatch, so the mutations also go into headers and JSON, and
    //! some archives are rebuilt with mutated layer contents and fresh digests (so that the
    //! tar reader, whiteouts and links see hostile input past the digests).
    use super::*;
    use proptest::prelude::*;

    fn bases() -> Vec<Vec<u8>> {
        let elf = static_elf();
        vec![
            one_layer(
                "{\"Entrypoint\":[\"hello\"],\"User\":\"nobody\",\"Env\":[\"PATH=/bin\"]}",
                &[
                    ("bin/hello", b'2', b"../usr/hello", 0o777),
                    ("usr/hello", b'0', &elf, 0o755),
                    ("etc/passwd", b'0', b"nobody:x:65534:65534::/:/x\n", 0o644),
                ],
            ),
            multi_platform_archive(),
        ]
    }

    fn run(archive: Vec<u8>) {
        let Ok(mut storage) = ArchiveStorage::new(archive) else {
            return;
        };
        let Ok(image) = load(&mut storage, None) else {
            return;
        };
        let Ok(tree) = apply_layers(&mut storage, &image) else {
            return;
        };
        let mut root = ImageRoot::new(&mut storage, &image, tree);
        let r = diagnose(&mut root, &image, "t");
        assert_eq!(
            r.text()
                .lines()
                .filter(|l| l.starts_with("starts:"))
                .count(),
            1
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn mutated_archives_give_a_report_or_an_error(
            base in 0usize..2,
            changes in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..16),
            cut in prop::option::weighted(0.2, any::<prop::sample::Index>()),
        ) {
            let mut data = bases().swap_remove(base);
            for (at, v) in changes {
                let i = at.index(data.len());
                data[i] = v;
            }
            if let Some(cut) = cut {
                data.truncate(cut.index(data.len()));
            }
            run(data);
        }

        #[test]
        fn mutated_layers_with_fresh_digests_give_a_report_or_an_error(
            changes in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..16),
            gzip_it in any::<bool>(),
        ) {
            let elf = static_elf();
            let mut layer = tar(&[
                ("bin/", b'5', b"", 0o755),
                ("bin/hello", b'2', b"/usr/hello", 0o777),
                ("usr/hello", b'0', &elf, 0o755),
                ("usr/again", b'1', b"usr/hello", 0o755),
                ("lib/.wh..wh..opq", b'0', b"", 0o644),
                ("etc/.wh.passwd", b'0', b"", 0o644),
            ]);
            for (at, v) in changes {
                let i = at.index(layer.len());
                layer[i] = v;
            }
            let c = config("{\"Entrypoint\":[\"/bin/hello\"]}", &[&layer]);
            let stored = if gzip_it { gzip(&layer) } else { layer };
            run(oci_archive(&c, &[stored]));
        }
    }
}

/// A layout (as [`Files`]) whose one layer has the media type `media_type`, with the layer's
/// blob only when `with_layer`.
fn layout_files(media_type: &str, with_layer: bool) -> Files {
    let elf = static_elf();
    let layer = tar(&[("hello", b'0', &elf, 0o755)]);
    let c = config("{\"Entrypoint\":[\"/hello\"]}", &[&layer]);
    let d = sha256_digest(&layer);
    let mut files = BTreeMap::new();
    let cd = sha256_digest(c.as_bytes());
    files.insert(format!("blobs/sha256/{}", hex(&cd)), c.clone().into_bytes());
    if with_layer {
        files.insert(format!("blobs/sha256/{}", hex(&d)), layer.clone());
    }
    let manifest = format!(
        "{{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":{{\"digest\":\"{cd}\",\"size\":{}}},\"layers\":[{{\"mediaType\":\"{media_type}\",\"digest\":\"{d}\",\"size\":{}}}]}}",
        c.len(),
        layer.len()
    );
    let md = sha256_digest(manifest.as_bytes());
    files.insert(
        format!("blobs/sha256/{}", hex(&md)),
        manifest.clone().into_bytes(),
    );
    files.insert(
        "index.json".into(),
        format!(
            "{{\"manifests\":[{{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"{md}\",\"size\":{}}}]}}",
            manifest.len()
        )
        .into_bytes(),
    );
    Files(files)
}

#[test]
fn a_missing_blob_and_an_unknown_media_type_are_input_errors() {
    const TAR: &str = "application/vnd.oci.image.layer.v1.tar";
    let mut good = layout_files(TAR, true);
    let image = load(&mut good, None).unwrap();
    assert!(apply_layers(&mut good, &image).is_ok());
    let mut missing = layout_files(TAR, false);
    let image = load(&mut missing, None).unwrap();
    let e = apply_layers(&mut missing, &image).unwrap_err();
    assert!(e.0.starts_with("layer 1 (blobs/sha256/"), "{e}");
    assert!(e.0.ends_with("): missing from the image"), "{e}");
    let e = load(&mut layout_files("application/x-nonsense", true), None).unwrap_err();
    assert_eq!(
        e.0,
        "layer 1: unknown media type \"application/x-nonsense\""
    );
}

#[test]
fn a_symlink_loop_is_the_runtimes_eloop_and_json_is_one_object() {
    let r = doctor(one_layer(
        "{\"Entrypoint\":[\"/a\"]}",
        &[("a", b'2', b"/b", 0o777), ("b", b'2', b"/a", 0o777)],
    ))
    .unwrap();
    assert_eq!(
        r.failure.as_ref().unwrap().error,
        "exec: \"/a\": stat /a: too many levels of symbolic links"
    );
    let v: serde_json::Value = serde_json::from_str(&r.json()).unwrap();
    assert_eq!(v["starts"], serde_json::Value::Bool(false));
    assert_eq!(v["command"][0], "/a");
    assert_eq!(
        v["runtime_error"],
        "exec: \"/a\": stat /a: too many levels of symbolic links"
    );
}

#[test]
fn hints_for_a_shell_healthcheck_and_https_without_ca_bundle() {
    let mut elf = static_elf();
    elf.extend_from_slice(b"https://example.org/\0");
    let r = doctor(one_layer(
        "{\"Entrypoint\":[\"/hello\"],\"Healthcheck\":{\"Test\":[\"CMD-SHELL\",\"true\"]}}",
        &[("hello", b'0', &elf, 0o755)],
    ))
    .unwrap();
    assert!(r.starts(), "{}", r.text());
    assert_eq!(r.hints.len(), 2, "{:?}", r.hints);
    assert!(r.hints.iter().any(|h| h.contains("HEALTHCHECK")));
    assert!(r.hints.iter().any(|h| h.contains("CA bundle")));
}

#[test]
fn a_later_layer_writes_through_a_directory_link_of_a_lower_one() {
    let elf = static_elf();
    let lower = tar(&[
        ("usr/lib/", b'5', b"", 0o755),
        ("lib", b'2', b"usr/lib", 0o777),
        ("usr/lib/old", b'0', b"o", 0o644),
    ]);
    let upper = tar(&[
        ("lib/hello", b'0', &elf, 0o755),
        ("lib/.wh.old", b'0', b"", 0o644),
    ]);
    let c = config("{\"Entrypoint\":[\"/lib/hello\"]}", &[&lower, &upper]);
    let archive = oci_archive(&c, &[lower.clone(), upper.clone()]);
    let mut storage = ArchiveStorage::new(archive).unwrap();
    let image = load(&mut storage, None).unwrap();
    let tree = apply_layers(&mut storage, &image).unwrap();
    assert!(matches!(
        tree.get("/lib").map(|n| &n.kind),
        Some(NodeKind::Symlink(_))
    ));
    assert!(tree.get("/usr/lib/hello").is_some());
    assert!(tree.get("/usr/lib/old").is_none());
    let mut root = ImageRoot::new(&mut storage, &image, tree);
    let r = diagnose(&mut root, &image, "t");
    assert!(r.starts(), "{}", r.text());
    assert_eq!(r.program.as_deref(), Some("/usr/lib/hello"));
}

#[test]
fn a_script_whose_interpreter_cannot_run_fails_under_the_scripts_name() {
    let foreign = Elf::executable(elf::EM_IA_64).bytes();
    let r = doctor(one_layer(
        "{\"Entrypoint\":[\"/run.sh\"]}",
        &[
            ("bin/sh", b'0', &foreign, 0o755),
            ("run.sh", b'0', b"#!/bin/sh\necho hi\n", 0o755),
        ],
    ))
    .unwrap();
    assert_eq!(r.failure.unwrap().error, "exec /run.sh: exec format error");
}

/// A pax extended header giving `path` to the entry after it, then that entry (of type `flag`).
fn pax_path(path: &str, flag: u8) -> Vec<T<'static>> {
    let body = format!(" path={path}\n");
    // The record's length counts its own digits.
    let mut len = body.len() + 1;
    while format!("{len}{body}").len() != len {
        len += 1;
    }
    let record: &'static [u8] = format!("{len}{body}").into_bytes().leak();
    vec![("pax", b'x', record, 0o644), ("short", flag, b"", 0o755)]
}

#[test]
fn a_path_of_path_max_bytes_is_taken() {
    let path = format!("{}x", "d/".repeat(2047)); // 4095 bytes
    assert_eq!(path.len(), 4095);
    let layer = tar(&pax_path(&path, b'5'));
    let c = config("{}", &[&layer]);
    let mut storage = ArchiveStorage::new(oci_archive(&c, &[layer])).unwrap();
    let image = load(&mut storage, None).unwrap();
    let tree = apply_layers(&mut storage, &image).unwrap();
    assert!(tree.get(&format!("/{path}")).is_some());
    assert_eq!(tree.len(), 2049, "/, 2047 directories d, and x");
}

#[test]
fn a_hard_link_to_a_symbolic_link_is_a_second_link() {
    let elf = static_elf();
    let r = doctor(one_layer(
        "{\"Entrypoint\":[\"/second\"]}",
        &[
            ("hello", b'0', &elf, 0o755),
            ("first", b'2', b"hello", 0o777),
            ("second", b'1', b"first", 0o777),
        ],
    ))
    .unwrap();
    assert!(r.starts(), "{}", r.text());
    assert_eq!(r.program.as_deref(), Some("/hello"));
}

#[test]
fn a_docker_archive_whose_layer_tar_is_a_link_to_a_shared_layer() {
    let elf = static_elf();
    let layer = tar(&[("hello", b'0', &elf, 0o755)]);
    let c = config("{\"Entrypoint\":[\"/hello\"]}", &[&layer]);
    let cd = sha256_digest(c.as_bytes());
    let config_name = format!("{}.json", hex(&cd));
    let manifest = format!(
        "[{{\"Config\":\"{config_name}\",\"RepoTags\":[\"localhost/t:latest\"],\"Layers\":[\"new/layer.tar\"]}}]"
    );
    let entries: Vec<T<'_>> = vec![
        ("old/layer.tar", b'0', &layer, 0o644),
        ("./new/layer.tar", b'2', b"../old/layer.tar", 0o777),
        ("hard/layer.tar", b'1', b"old/layer.tar", 0o644),
        ("loop/layer.tar", b'2', b"layer.tar", 0o777),
        (&config_name, b'0', c.as_bytes(), 0o644),
        ("manifest.json", b'0', manifest.as_bytes(), 0o644),
    ];
    let storage = ArchiveStorage::new(tar(&entries)).unwrap();
    assert!(storage.has("new/layer.tar") && storage.has("hard/layer.tar"));
    assert!(
        !storage.has("loop/layer.tar"),
        "a link to itself leads nowhere"
    );
    let r = doctor(tar(&entries)).unwrap();
    assert!(r.starts(), "{}", r.text());
    // A link out of the archive stays in it: `..` stops at its top, as in a chroot.
    let out: Vec<T<'_>> = vec![
        ("etc/passwd", b'0', b"the archive's", 0o644),
        ("x/layer.tar", b'2', b"../../../etc/passwd", 0o777),
        ("y/layer.tar", b'2', b"../../../nothing", 0o777),
    ];
    let mut storage = ArchiveStorage::new(tar(&out)).unwrap();
    assert!(!storage.has("y/layer.tar"));
    let mut s = storage.open("x/layer.tar").unwrap().expect("a member");
    let mut data = vec![0u8; 64];
    let n = super::read_full(&mut *s, &mut data).unwrap();
    assert_eq!(&data[..n], b"the archive's");
    // A hard link to a link member is that link; one to a missing member names nothing, not
    // an earlier member of its name.
    let links: Vec<T<'_>> = vec![
        ("old/layer.tar", b'0', &layer, 0o644),
        ("sym/layer.tar", b'2', b"../old/layer.tar", 0o777),
        ("hard/layer.tar", b'1', b"sym/layer.tar", 0o644),
        ("gone/layer.tar", b'0', b"stale", 0o644),
        ("gone/layer.tar", b'1', b"missing/layer.tar", 0o644),
    ];
    let storage = ArchiveStorage::new(tar(&links)).unwrap();
    assert!(storage.has("hard/layer.tar"));
    assert!(!storage.has("gone/layer.tar"));
}

#[test]
fn kept_files_replaced_or_deleted_are_forgotten() {
    let passwd = vec![b'p'; 1000];
    let lower = tar(&[
        ("etc/passwd", b'0', &passwd, 0o644),
        ("etc/group", b'0', b"g", 0o644),
    ]);
    let last = b"nobody:x:65534:65534::/:/bin/sh\n";
    let upper = tar(&[
        ("etc/passwd", b'0', b"root:x:0:0::/:/bin/sh\n", 0o644),
        ("etc/passwd", b'0', last, 0o644),
        ("etc/.wh.group", b'0', b"", 0o644),
    ]);
    let c = config("{}", &[&lower, &upper]);
    let mut storage = ArchiveStorage::new(oci_archive(&c, &[lower, upper])).unwrap();
    let image = load(&mut storage, None).unwrap();
    let tree = apply_layers(&mut storage, &image).unwrap();
    assert_eq!(
        tree.kept(),
        last.len() as u64,
        "only the last /etc/passwd is kept"
    );
    let mut root = ImageRoot::new(&mut storage, &image, tree);
    assert_eq!(root.read("/etc/passwd"), Ok(last.to_vec()));
}

#[test]
fn a_corrupt_stream_gives_its_first_error_again() {
    let layer = tar(&[("hello", b'0', &static_elf(), 0o755)]);
    let mut g = gzip(&layer);
    let n = g.len();
    g[12..n - 8].fill(0xff);
    let len = g.len() as u64;
    let mut decoder = super::decode::Decoder::new(Window::new(&mut g, 0, len)).unwrap();
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
    assert_eq!(super::decode::drain(&mut decoder), Err(first));
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
            let mut d = super::decode::Decoder::new(Window::new(&mut stored, 0, len)).unwrap();
            d.skip(at as u64).unwrap();
            let mut rest = vec![0u8; plain.len() - at];
            assert_eq!(
                super::read_full(&mut d, &mut rest),
                Ok(rest.len()),
                "{what} {at}"
            );
            assert_eq!(rest, plain[at..], "{what}: skipped {at}");
            assert_eq!(d.read(&mut [0u8; 1]), Ok(0), "{what}: the end");
        }
        let len = stored.len() as u64;
        let mut d = super::decode::Decoder::new(Window::new(&mut stored, 0, len)).unwrap();
        assert!(
            d.skip(plain.len() as u64 + 1).is_err(),
            "{what}: past the end"
        );
    }
}

/// Stores the index `body` as a blob of `files`; returns a maker of `index.json` texts that list
/// it `n` times.
fn nested_index(files: &mut Files, body: &str) -> impl Fn(usize) -> Vec<u8> + use<> {
    let digest = sha256_digest(body.as_bytes());
    files.0.insert(
        format!("blobs/sha256/{}", hex(&digest)),
        body.as_bytes().to_vec(),
    );
    let desc = format!(
        "{{\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"digest\":\"{digest}\",\"size\":{}}}",
        body.len()
    );
    move |n| format!("{{\"manifests\":[{}]}}", vec![desc.as_str(); n].join(",")).into_bytes()
}

#[test]
fn indexes_that_fan_out_are_refused_past_a_bound() {
    const TAR: &str = "application/vnd.oci.image.layer.v1.tar";
    let mut files = layout_files(TAR, true);
    let index = files.0.get("index.json").unwrap().clone();
    let manifest_desc = {
        let text = String::from_utf8(index).unwrap();
        let start = text.find("{\"mediaType\"").unwrap();
        let end = text.rfind(']').unwrap();
        text[start..end].to_string()
    };
    // A nested index listing the manifest 70 times, and index.json listing it 70 times: 4,970
    // descriptors to visit (70 × 70, and the 70 nested indexes themselves).
    let nested = format!(
        "{{\"schemaVersion\":2,\"manifests\":[{}]}}",
        vec![manifest_desc.as_str(); 70].join(",")
    );
    let top = nested_index(&mut files, &nested);
    files.0.insert("index.json".into(), top(70));
    let Err(e) = load(&mut files, None) else {
        panic!("indexes of 4,970 descriptors were read")
    };
    assert_eq!(
        e.0,
        "its indexes list more than 4096 manifests in all: refused"
    );
    // 50 × 71 = 3,550 descriptors: read (each one the same image).
    files.0.insert("index.json".into(), top(50));
    assert!(load(&mut files, None).is_ok());
    // A nested index of 1 MiB (white space, one manifest) listed 20 times: 20 MiB to read.
    let padded = format!(
        "{{\"schemaVersion\":2,\"manifests\":[{manifest_desc}]}}{}",
        " ".repeat(1 << 20)
    );
    let list = nested_index(&mut files, &padded);
    files.0.insert("index.json".into(), list(20));
    assert_eq!(
        load(&mut files, None).err().map(|e| e.0),
        Some("its nested indexes take more than 16 MiB in all: refused".into())
    );
    files.0.insert("index.json".into(), list(15));
    assert!(load(&mut files, None).is_ok());
}

#[test]
fn proc_is_read_from_the_host_when_one_is_given() {
    let layer = tar(&[("etc/passwd", b'0', b"root:x:0:0::/:/bin/sh\n", 0o644)]);
    let c = config("{\"WorkingDir\":\"/etc\"}", &[&layer]);
    let mut storage = ArchiveStorage::new(oci_archive(&c, &[layer])).unwrap();
    let image = load(&mut storage, None).unwrap();
    let tree = apply_layers(&mut storage, &image).unwrap();
    let mut without = ImageRoot::new(&mut storage, &image, tree.clone());
    assert!(
        without.read("/proc/cpuinfo").is_err(),
        "a saved image has no /proc"
    );
    let mut host = crate::memory_root::MemoryRoot::new();
    host.file("/proc/cpuinfo", "flags : sse2\n");
    host.file("/etc/passwd", "the host's\n");
    let mut root = ImageRoot::new(&mut storage, &image, tree).with_host(&mut host);
    assert_eq!(root.read("/proc/cpuinfo"), Ok(b"flags : sse2\n".to_vec()));
    assert_eq!(
        root.read("../proc/./cpuinfo"),
        Ok(b"flags : sse2\n".to_vec())
    );
    assert_eq!(root.read("passwd"), Ok(b"root:x:0:0::/:/bin/sh\n".to_vec()));
}

#[test]
fn the_tree_refuses_more_paths_or_longer_names_than_its_bounds() {
    use super::layers::Tree;
    use super::tar::TarReader;
    let apply = |mut tree: Tree, entries: &[T<'_>]| {
        let mut data = tar(entries);
        let len = data.len() as u64;
        tree.apply(&mut TarReader::new(Window::new(&mut data, 0, len)), 0)
    };
    let files: Vec<String> = (0..10).map(|i| format!("f{i}")).collect();
    let entries: Vec<T<'_>> = files
        .iter()
        .map(|f| (f.as_str(), b'0', &b""[..], 0o644))
        .collect();
    // `/` and 10 files: 11 paths, 1 + 10 × 3 bytes of names.
    assert!(apply(Tree::with_limits(11, 31), &entries).is_ok());
    assert_eq!(
        apply(Tree::with_limits(10, 1000), &entries).unwrap_err().0,
        "it holds more than 10 paths: refused (far more than a real image)"
    );
    assert_eq!(
        apply(Tree::with_limits(100, 30), &entries).unwrap_err().0,
        "its paths take more than 30 bytes: refused (far more than a real image's)"
    );
    // A deep path counts each of its directories.
    let deep = format!("{}x", "d/".repeat(20));
    assert_eq!(
        apply(Tree::with_limits(20, 1 << 20), &[(&deep, b'0', b"", 0o644)])
            .unwrap_err()
            .0,
        "it holds more than 20 paths: refused (far more than a real image)"
    );
}

#[test]
fn a_hard_link_names_its_target_through_the_directory_links_of_lower_layers() {
    let elf = static_elf();
    let lower = tar(&[
        ("usr/lib/", b'5', b"", 0o755),
        ("lib", b'2', b"usr/lib", 0o777),
    ]);
    let upper = tar(&[
        ("lib/a", b'0', &elf, 0o755),
        ("lib/b", b'1', b"lib/a", 0o755),
    ]);
    let c = config("{\"Entrypoint\":[\"/lib/b\"]}", &[&lower, &upper]);
    let r = doctor(oci_archive(&c, &[lower.clone(), upper.clone()])).unwrap();
    assert!(r.starts(), "{}", r.text());
    assert_eq!(r.program.as_deref(), Some("/usr/lib/b"));
}

#[test]
fn path_max_counts_the_path_as_the_engine_unpacks_it() {
    // 4095 bytes once `./` and the trailing `/` of a directory are dropped.
    let path = format!("./{}x/", "d/".repeat(2047));
    let layer = tar(&pax_path(&path, b'5'));
    let c = config("{}", &[&layer]);
    let mut storage = ArchiveStorage::new(oci_archive(&c, &[layer])).unwrap();
    let image = load(&mut storage, None).unwrap();
    assert!(apply_layers(&mut storage, &image).is_ok());
}

#[test]
fn an_i386_image_runs_natively_here_unless_a_binfmt_entry_takes_it() {
    let elf = Elf {
        class: elf::ELFCLASS32,
        ..Elf::executable(elf::EM_386)
    }
    .bytes();
    let layer = tar(&[("hello", b'0', &elf, 0o755)]);
    let c = config("{\"Entrypoint\":[\"/hello\"]}", &[&layer]).replace("\"amd64\"", "\"386\"");
    let archive = oci_archive(&c, &[layer]);
    let hint = |host: &mut crate::memory_root::MemoryRoot| {
        let mut storage = ArchiveStorage::new(archive.clone()).unwrap();
        let image = load(&mut storage, Some(&Platform::parse("linux/386").unwrap())).unwrap();
        let tree = apply_layers(&mut storage, &image).unwrap();
        let mut root = ImageRoot::new(&mut storage, &image, tree).with_host(host);
        let r = diagnose(&mut root, &image, "t");
        assert!(r.starts(), "{}", r.text());
        r.hints
            .into_iter()
            .find(|h| h.contains("on this host"))
            .unwrap_or_default()
    };
    assert!(hint(&mut crate::memory_root::MemoryRoot::new()).ends_with(
        "on this host: its i386 program runs natively (x86_64's 32-bit compatibility mode)"
    ));
    // The kernel tries binfmt_misc entries first: one for i386 takes it.
    let mut host = crate::memory_root::MemoryRoot::new();
    host.file(
        "/proc/sys/fs/binfmt_misc/qemu-i386",
        "enabled\ninterpreter /usr/libexec/qemu-binfmt/i386-binfmt-P\nflags: F\noffset 0\nmagic 7f454c4601010100000000000000000002000300\nmask fffffffffffefefcfffffffffffffffffeffffff\n",
    );
    assert!(
        hint(&mut host)
            .contains("on this host: runs through /usr/libexec/qemu-binfmt/i386-binfmt-P"),
        "{}",
        hint(&mut host)
    );
}
