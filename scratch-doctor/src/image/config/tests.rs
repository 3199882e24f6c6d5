//! Unit tests of [`config`](super): platforms, `index.json` (nested indexes, their bounds) and a
//! `docker save` archive's `manifest.json`, media types and missing blobs.

use alloc::boxed::Box;
use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec;
use alloc::vec::Vec;

use crate::image::config::{Platform, load};
use crate::image::decode::sha256_digest;
use crate::image::layers::{ImageRoot, apply_layers};
use crate::image::layout::ArchiveStorage;
use crate::image::start::diagnose;
use crate::image::test_images::{config, hex, multi_platform_archive, one_layer, static_elf, tar};
use crate::image::{ImageError, Storage, Stream, Window};

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
