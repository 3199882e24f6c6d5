//! `--append`: the images IMAGE holds already, for the other platforms, kept in the new
//! image: their manifests, configs and layers copied into it, each blob's digest checked as it
//! is copied (scratch-doctor's reader: `image::host` and `decode::Verified`). The image of the
//! platform being written replaces the one IMAGE has for it.
//!
//! What IMAGE must be: an OCI layout or archive whose `index.json` lists image manifests, or
//! one index of them (as scratch-pack writes), each with its platform.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::ffi::CStr;

use scratch_doctor::image::config::{INDEX_TYPES, MANIFEST_TYPES, Platform};
use scratch_doctor::image::decode::Verified;
use scratch_doctor::image::layout::{blob_name, sha256_hex};
use scratch_doctor::image::{ImageError, Storage, host, read_to_end};
use scratch_doctor::paths::from_bytes;
use scratch_pack::PackError;
use scratch_pack::compress::{CHUNK, Written};
use scratch_pack::oci::{Descriptor, DockerImage};
use serde_json::Value;

use super::output::Layout;

/// The largest JSON document read (as scratch-doctor reads them).
const MAX_JSON: usize = scratch_doctor::image::config::MAX_JSON;

/// An image of IMAGE that is kept: its descriptor in the index, and its entry of Docker's
/// `manifest.json`.
pub struct Kept {
    /// Its manifest's descriptor, with its platform.
    pub desc: Descriptor,
    /// Its config and layers as archive members.
    pub docker: DockerImage,
}

fn text<'v>(v: &'v Value, key: &str) -> Option<&'v str> {
    v.get(key).and_then(Value::as_str)
}

/// A descriptor of `v`: media type, digest, size, platform.
fn descriptor(v: &Value) -> Result<Descriptor, ImageError> {
    let digest = text(v, "digest").ok_or("a descriptor without a digest")?;
    let size = v
        .get("size")
        .and_then(Value::as_u64)
        .ok_or("a descriptor without a size")?;
    Ok(Descriptor {
        media_type: text(v, "mediaType")
            .ok_or("a descriptor without a mediaType")?
            .into(),
        digest: digest.into(),
        size,
        platform: v.get("platform").and_then(Platform::of),
        annotations: Vec::new(),
    })
}

/// The blob of `d`, read whole and checked (a JSON document).
fn read_json(storage: &mut dyn Storage, d: &Descriptor) -> Result<Value, ImageError> {
    let hex =
        sha256_hex(&d.digest).ok_or_else(|| ImageError(format!("bad digest {:?}", d.digest)))?;
    let name = blob_name(&d.digest)?;
    let Some(stream) = storage.open(&name)? else {
        return Err(ImageError(format!("the blob {} is missing", d.digest)));
    };
    let mut v = Verified::new(
        stream,
        Some(hex),
        Some(d.size),
        format!("the blob {}", d.digest),
    );
    let bytes = read_to_end(&mut v, MAX_JSON, &name)?;
    serde_json::from_slice(&bytes).map_err(|e| ImageError(format!("{name}: not valid JSON ({e})")))
}

/// Copies the blob `digest` (`size` bytes when known) from `storage` into `layout`, checking
/// its digest as it goes.
fn copy_blob(
    storage: &mut dyn Storage,
    layout: &mut Layout,
    digest: &str,
    size: Option<u64>,
) -> Result<(), PackError> {
    let hex = sha256_hex(digest).ok_or_else(|| PackError(format!("bad digest {digest:?}")))?;
    let name = blob_name(digest).map_err(|e| PackError(e.0))?;
    let stream = storage
        .open(&name)
        .map_err(|e| PackError(e.0))?
        .ok_or_else(|| PackError(format!("the blob {digest} is missing")))?;
    let mut v = Verified::new(stream, Some(hex), size, format!("the blob {digest}"));
    layout.blob_stream(|sink| {
        let mut buf = alloc::vec![0u8; CHUNK];
        let mut copied = 0u64;
        loop {
            let n = scratch_doctor::image::Stream::read(&mut v, &mut buf)
                .map_err(|e| PackError(e.0))?;
            if n == 0 {
                break;
            }
            sink.write_all(&buf[..n])?;
            copied += n as u64;
        }
        Ok(Written {
            diff_id: digest.into(),
            digest: digest.into(),
            size: copied,
        })
    })?;
    Ok(())
}

/// The images of `image` (if it exists) for other platforms than `platform`, copied into
/// `layout`.
pub fn keep_others(
    image: &CStr,
    platform: &Platform,
    layout: &mut Layout,
) -> Result<Vec<Kept>, PackError> {
    let shown = from_bytes(image.to_bytes());
    if syscall_kit::fs::lstat(image).is_err() {
        return Ok(Vec::new());
    }
    let fail = |e: ImageError| PackError(format!("--append: {shown}: {e}"));
    let mut storage = host::open(image, &shown).map_err(fail)?;
    let storage = &mut *storage;
    let index = match storage.open("index.json").map_err(fail)? {
        Some(mut s) => read_to_end(&mut s, MAX_JSON, "index.json").map_err(fail)?,
        None => {
            return Err(PackError(format!(
                "--append: {shown}: no index.json: not an OCI image"
            )));
        }
    };
    let index: Value = serde_json::from_slice(&index).map_err(|e| {
        PackError(format!(
            "--append: {shown}: index.json: not valid JSON ({e})"
        ))
    })?;
    let mut manifests = Vec::new();
    for v in index
        .get("manifests")
        .and_then(Value::as_array)
        .ok_or_else(|| PackError(format!("--append: {shown}: index.json lists no manifests")))?
    {
        let d = descriptor(v).map_err(fail)?;
        if INDEX_TYPES.contains(&d.media_type.as_str()) {
            let inner = read_json(storage, &d).map_err(fail)?;
            for m in inner
                .get("manifests")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                manifests.push(descriptor(m).map_err(fail)?);
            }
        } else {
            manifests.push(d);
        }
    }
    let mut kept = Vec::new();
    for d in manifests {
        if !MANIFEST_TYPES.contains(&d.media_type.as_str()) {
            return Err(PackError(format!(
                "--append: {shown}: an index entry of type {} is not an image manifest",
                d.media_type
            )));
        }
        let Some(p) = &d.platform else {
            return Err(PackError(format!(
                "--append: {shown}: the manifest {} names no platform",
                d.digest
            )));
        };
        if p == platform {
            continue;
        }
        let manifest = read_json(storage, &d).map_err(fail)?;
        let config = manifest
            .get("config")
            .ok_or_else(|| PackError(format!("--append: {shown}: a manifest without a config")))?;
        let config = descriptor(config).map_err(fail)?;
        let mut layers: Vec<Descriptor> = Vec::new();
        for l in manifest
            .get("layers")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            layers.push(descriptor(l).map_err(fail)?);
        }
        copy_blob(storage, layout, &d.digest, Some(d.size))?;
        copy_blob(storage, layout, &config.digest, Some(config.size))?;
        for l in &layers {
            copy_blob(storage, layout, &l.digest, Some(l.size))?;
        }
        let member =
            |digest: &str| format!("blobs/sha256/{}", digest.trim_start_matches("sha256:"));
        kept.push(Kept {
            docker: DockerImage {
                config: member(&config.digest),
                layers: layers.iter().map(|l| member(&l.digest)).collect(),
                repo_tags: Vec::new(),
            },
            desc: d,
        });
    }
    Ok(kept)
}

/// `os/architecture[/variant]`, the order of an index's manifests.
pub fn platform_key(d: &Descriptor) -> String {
    d.platform
        .as_ref()
        .map(|p| format!("{p}"))
        .unwrap_or_default()
}
