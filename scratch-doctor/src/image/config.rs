//! From the top of a saved image to its layers: `index.json` (an OCI layout; an index in it
//! may list one manifest per platform) or a `docker save` archive's `manifest.json`, then the
//! image manifest, then the image's config (see the OCI image specification: image layout,
//! image index, image manifest, image configuration). Every blob read is checked against its
//! digest and size.

use alloc::borrow::ToOwned;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt;

use serde_json::Value;

use super::decode::Verified;
use super::layout::{blob_name, sha256_hex};
use super::{ImageError, Storage, bail, read_to_end};
use crate::machine::Host;

/// The largest JSON document read (an index, manifest or config).
pub const MAX_JSON: usize = 4 << 20;

/// How deep indexes may nest (an index listing indexes …).
const MAX_DEPTH: usize = 4;

/// How many descriptors the indexes may list in all, nested ones included: far more than a
/// real image's (a multi-platform image lists tens), and a bound for indexes made to list one
/// nested index many times over, each level multiplying the reads.
const MAX_DESCRIPTORS: usize = 4096;

/// How many bytes of nested indexes may be read in all: a few of the largest documents read
/// ([`MAX_JSON`]), where a real image's indexes take kilobytes; with [`MAX_DESCRIPTORS`] a
/// bound of the work one index can ask for.
const MAX_INDEX_BYTES: usize = 4 * MAX_JSON;

/// What the indexes read so far have cost: descriptors listed, bytes of nested indexes.
#[derive(Default)]
struct Spent {
    descriptors: usize,
    bytes: usize,
}

/// The media types of an index of manifests: OCI's and Docker's.
pub const INDEX_TYPES: [&str; 2] = [
    "application/vnd.oci.image.index.v1+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
];
/// The media types of an image manifest: OCI's and Docker's.
pub const MANIFEST_TYPES: [&str; 2] = [
    "application/vnd.oci.image.manifest.v1+json",
    "application/vnd.docker.distribution.manifest.v2+json",
];
const LAYER_TYPES: [&str; 8] = [
    "application/vnd.oci.image.layer.v1.tar",
    "application/vnd.oci.image.layer.v1.tar+gzip",
    "application/vnd.oci.image.layer.v1.tar+zstd",
    "application/vnd.oci.image.layer.nondistributable.v1.tar",
    "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip",
    "application/vnd.docker.image.rootfs.diff.tar.gzip",
    "application/vnd.docker.image.rootfs.diff.tar",
    "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip",
];

/// An image's platform: `linux/arm64`, `linux/arm/v7`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Platform {
    /// `os`.
    pub os: String,
    /// `architecture` (Go's names: `amd64`, `arm64`, …).
    pub architecture: String,
    /// `variant`, if any.
    pub variant: Option<String>,
}

impl fmt::Display for Platform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.os, self.architecture)?;
        if let Some(v) = &self.variant {
            write!(f, "/{v}")?;
        }
        Ok(())
    }
}

/// The OCI architecture names (Go's `GOARCH`) and the machine names of
/// [`machine_name`](crate::machine::machine_name) they run (scratch-pack names an image's
/// platform from its program's machine with it).
pub const ARCHITECTURES: [(&str, &str); 11] = [
    ("amd64", "x86_64"),
    ("arm64", "aarch64"),
    ("riscv64", "riscv64"),
    ("386", "i386"),
    ("arm", "arm"),
    ("ppc64le", "ppc64le"),
    ("ppc64", "ppc64"),
    ("s390x", "s390x"),
    ("mips64le", "mips64"),
    ("mips64", "mips64"),
    ("loong64", "loongarch64"),
];

impl Platform {
    /// `OS/ARCH[/VARIANT]` as `--platform` takes it.
    pub fn parse(text: &str) -> Result<Platform, String> {
        let mut parts = text.split('/');
        match (parts.next(), parts.next(), parts.next(), parts.next()) {
            (Some(os), Some(arch), variant, None) if !os.is_empty() && !arch.is_empty() => {
                Ok(Platform {
                    os: os.into(),
                    architecture: arch.into(),
                    variant: variant.filter(|v| !v.is_empty()).map(Into::into),
                })
            }
            _ => Err(format!(
                "--platform {text}: not OS/ARCH[/VARIANT] (such as linux/arm64)"
            )),
        }
    }

    /// This machine's: `linux/amd64` on x86_64.
    pub fn this() -> Platform {
        let machine = Host::this().name();
        let arch = ARCHITECTURES
            .iter()
            .find(|(_, m)| *m == machine)
            .map_or(machine, |(a, _)| a);
        Platform {
            os: "linux".into(),
            architecture: arch.into(),
            variant: None,
        }
    }

    /// The machine name ([`machine_name`](crate::machine::machine_name)) of its architecture.
    pub fn machine(&self) -> Option<&'static str> {
        ARCHITECTURES
            .iter()
            .find(|(a, _)| *a == self.architecture)
            .map(|(_, m)| *m)
    }

    /// Whether `self` (as asked for) matches `other` (as an image says): the same OS and
    /// architecture, and the variant if one is asked for.
    pub fn matches(&self, other: &Platform) -> bool {
        self.os == other.os
            && self.architecture == other.architecture
            && (self.variant.is_none() || self.variant == other.variant)
    }

    /// The platform of a descriptor or config (its `os`, `architecture`, `variant`), if it
    /// names one.
    pub fn of(v: &Value) -> Option<Platform> {
        Some(Platform {
            os: v.get("os")?.as_str()?.into(),
            architecture: v.get("architecture")?.as_str()?.into(),
            variant: v.get("variant").and_then(Value::as_str).map(Into::into),
        })
    }
}

/// What the runtime is told to start, from the config's `config` object.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RunConfig {
    /// `Entrypoint`.
    pub entrypoint: Vec<String>,
    /// `Cmd`.
    pub cmd: Vec<String>,
    /// `Env`.
    pub env: Vec<String>,
    /// `WorkingDir` (empty: `/`).
    pub working_dir: String,
    /// `User` (empty: root).
    pub user: String,
    /// `Healthcheck.Test`.
    pub healthcheck: Vec<String>,
}

/// One layer to apply.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Layer {
    /// Its file in the storage.
    pub name: String,
    /// The hex sha256 of the blob as stored, when the image says it (a manifest's
    /// descriptor, a blob's name).
    pub digest: Option<String>,
    /// Its size, when a descriptor says it.
    pub size: Option<u64>,
    /// The hex sha256 of the uncompressed tar (the config's `rootfs.diff_ids`).
    pub diff_id: Option<String>,
    /// The media type, when a manifest says it.
    pub media_type: Option<String>,
}

/// An image, chosen and read up to its layers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Image {
    /// `OCI image layout` or `docker save archive`.
    pub format: &'static str,
    /// Its platform (the config's, or the index's where the config has none).
    pub platform: Platform,
    /// The platforms the index offered (more than one for a multi-platform index).
    pub platforms: Vec<Platform>,
    /// The image's name in the archive (`org.opencontainers.image.ref.name`, `RepoTags`).
    pub reference: Option<String>,
    /// What to start.
    pub run: RunConfig,
    /// The layers, bottom first.
    pub layers: Vec<Layer>,
}

fn parse_json(bytes: &[u8], what: &str) -> Result<Value, ImageError> {
    serde_json::from_slice(bytes)
        .map_err(|e| ImageError(format!("{what}: not valid JSON ({e}): not an image's")))
}

/// The blob of `desc` (a descriptor: `mediaType`, `digest`, `size`), read whole and checked.
fn read_blob(storage: &mut dyn Storage, desc: &Value) -> Result<Vec<u8>, ImageError> {
    let digest = desc
        .get("digest")
        .and_then(Value::as_str)
        .ok_or("a descriptor without a digest")?;
    let size = desc.get("size").and_then(Value::as_u64);
    read_named(storage, &blob_name(digest)?, digest, size)
}

fn read_named(
    storage: &mut dyn Storage,
    name: &str,
    digest: &str,
    size: Option<u64>,
) -> Result<Vec<u8>, ImageError> {
    let hex = sha256_hex(digest).ok_or_else(|| ImageError(format!("bad digest {digest:?}")))?;
    let Some(stream) = storage.open(name)? else {
        bail!("the blob {digest} is missing from the image ({name})");
    };
    let mut v = Verified::new(stream, Some(hex), size, format!("the blob {digest}"));
    read_to_end(&mut v, MAX_JSON, name)
}

fn strings(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(ToString::to_string)
                .collect()
        })
        .unwrap_or_default()
}

/// The `config` part of an image config, its platform and `rootfs.diff_ids`.
fn read_config(bytes: &[u8]) -> Result<(RunConfig, Option<Platform>, Vec<String>), ImageError> {
    let v = parse_json(bytes, "the image config")?;
    if !v.is_object() {
        bail!("the image config is not a JSON object: not an image's");
    }
    let c = v.get("config").or_else(|| v.get("container_config"));
    let s = |key: &str| {
        c.and_then(|c| c.get(key))
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    let run = RunConfig {
        entrypoint: strings(c.and_then(|c| c.get("Entrypoint"))),
        cmd: strings(c.and_then(|c| c.get("Cmd"))),
        env: strings(c.and_then(|c| c.get("Env"))),
        working_dir: s("WorkingDir"),
        user: s("User"),
        healthcheck: strings(
            c.and_then(|c| c.get("Healthcheck"))
                .and_then(|h| h.get("Test")),
        ),
    };
    let diff_ids = strings(v.get("rootfs").and_then(|r| r.get("diff_ids")))
        .into_iter()
        .map(|d| {
            sha256_hex(&d)
                .map(Into::into)
                .ok_or_else(|| ImageError(format!("the config's diff_id {d:?} is not sha256")))
        })
        .collect::<Result<Vec<String>, ImageError>>()?;
    Ok((run, Platform::of(&v), diff_ids))
}

fn media_type(v: &Value) -> Option<&str> {
    v.get("mediaType").and_then(Value::as_str)
}

/// A manifest found in an index, with the platform the index gives it.
struct Candidate {
    desc: Value,
    platform: Option<Platform>,
    reference: Option<String>,
}

/// The manifests `index` lists, nested indexes followed; `spent` counts the descriptors and the
/// bytes of nested indexes read so far (at most [`MAX_DESCRIPTORS`] and [`MAX_INDEX_BYTES`]).
fn collect(
    storage: &mut dyn Storage,
    index: &Value,
    depth: usize,
    spent: &mut Spent,
    out: &mut Vec<Candidate>,
) -> Result<(), ImageError> {
    let manifests = index
        .get("manifests")
        .and_then(Value::as_array)
        .ok_or("index.json has no \"manifests\" list: not an OCI image layout")?;
    for desc in manifests {
        spent.descriptors += 1;
        if spent.descriptors > MAX_DESCRIPTORS {
            bail!("its indexes list more than {MAX_DESCRIPTORS} manifests in all: refused");
        }
        let platform = desc.get("platform").and_then(Platform::of);
        if platform
            .as_ref()
            .is_some_and(|p| p.os == "unknown" || p.architecture == "unknown")
        {
            continue; // an attestation manifest (build provenance, SBOM)
        }
        let reference = desc
            .get("annotations")
            .and_then(|a| a.get("org.opencontainers.image.ref.name"))
            .and_then(Value::as_str)
            .map(Into::into);
        match media_type(desc) {
            Some(t) if INDEX_TYPES.contains(&t) => {
                if depth >= MAX_DEPTH {
                    bail!("indexes nested more than {MAX_DEPTH} deep");
                }
                let bytes = read_blob(storage, desc)?;
                spent.bytes += bytes.len();
                if spent.bytes > MAX_INDEX_BYTES {
                    bail!(
                        "its nested indexes take more than {} MiB in all: refused",
                        MAX_INDEX_BYTES >> 20
                    );
                }
                let inner = parse_json(&bytes, "an image index")?;
                collect(storage, &inner, depth + 1, spent, out)?;
            }
            Some(t) if MANIFEST_TYPES.contains(&t) => out.push(Candidate {
                desc: desc.clone(),
                platform,
                reference,
            }),
            Some(t) => bail!("unknown media type {t:?} in an image index"),
            None => bail!("a manifest descriptor without a mediaType in an image index"),
        }
    }
    Ok(())
}

/// The file `name` of the storage, if it has one.
fn read_file(storage: &mut dyn Storage, name: &str) -> Result<Option<Vec<u8>>, ImageError> {
    match storage.open(name)? {
        Some(mut s) => read_to_end(&mut s, MAX_JSON, name).map(Some),
        None => Ok(None),
    }
}

/// Reads the image of `storage` for `want` (`--platform`; `None`: the only image, or this
/// machine's platform when the index has several).
pub fn load(storage: &mut dyn Storage, want: Option<&Platform>) -> Result<Image, ImageError> {
    if let Some(bytes) = read_file(storage, "index.json")? {
        let index = parse_json(&bytes, "index.json")?;
        return load_oci(storage, &index, want);
    }
    if let Some(bytes) = read_file(storage, "manifest.json")? {
        let manifest = parse_json(&bytes, "manifest.json")?;
        return load_docker(storage, &manifest, want);
    }
    bail!("neither index.json nor manifest.json: not an OCI image layout or a docker save archive")
}

fn load_oci(
    storage: &mut dyn Storage,
    index: &Value,
    want: Option<&Platform>,
) -> Result<Image, ImageError> {
    let mut candidates = Vec::new();
    collect(storage, index, 0, &mut Spent::default(), &mut candidates)?;
    if candidates.is_empty() {
        bail!("index.json lists no image manifest");
    }
    // Each manifest and config, read for its platform where the index gives none.
    let mut read = Vec::new();
    for c in candidates {
        let manifest = parse_json(&read_blob(storage, &c.desc)?, "an image manifest")?;
        let config_desc = manifest
            .get("config")
            .ok_or("an image manifest without a config")?;
        let config = read_blob(storage, config_desc)?;
        let (run, config_platform, diff_ids) = read_config(&config)?;
        let platform = c.platform.or(config_platform).unwrap_or(Platform {
            os: "unknown".into(),
            architecture: "unknown".into(),
            variant: None,
        });
        read.push((platform, manifest, run, diff_ids, c.reference));
    }
    let platforms: Vec<Platform> = read.iter().map(|r| r.0.clone()).collect();
    let chosen = choose(&platforms, want)?;
    let (platform, manifest, run, diff_ids, reference) = read.swap_remove(chosen);
    let descs = manifest
        .get("layers")
        .and_then(Value::as_array)
        .ok_or("an image manifest without a layers list")?;
    if !diff_ids.is_empty() && diff_ids.len() != descs.len() {
        bail!(
            "the manifest lists {} layers and the config {} diff_ids: not a valid image",
            descs.len(),
            diff_ids.len()
        );
    }
    let mut layers = Vec::new();
    for (i, d) in descs.iter().enumerate() {
        let digest = d
            .get("digest")
            .and_then(Value::as_str)
            .ok_or("a layer descriptor without a digest")?;
        let t = media_type(d).unwrap_or_default();
        if !LAYER_TYPES.contains(&t) {
            bail!("layer {}: unknown media type {t:?}", i + 1);
        }
        layers.push(Layer {
            name: blob_name(digest)?,
            digest: sha256_hex(digest).map(Into::into),
            size: d.get("size").and_then(Value::as_u64),
            diff_id: diff_ids.get(i).cloned(),
            media_type: Some(t.into()),
        });
    }
    Ok(Image {
        format: "OCI image layout",
        platform,
        platforms,
        reference,
        run,
        layers,
    })
}

/// Which of `platforms` to use.
fn choose(platforms: &[Platform], want: Option<&Platform>) -> Result<usize, ImageError> {
    let list = || {
        platforms
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    };
    match want {
        Some(w) => platforms.iter().position(|p| w.matches(p)).ok_or_else(|| {
            ImageError(format!(
                "no image for the platform {w} here; the image has: {}",
                list()
            ))
        }),
        None if platforms.len() == 1 => Ok(0),
        None => {
            let this = Platform::this();
            platforms.iter().position(|p| this.matches(p)).ok_or_else(|| {
                ImageError(format!(
                    "no image for this machine's platform {this}; the image has: {} (choose one with --platform)",
                    list()
                ))
            })
        }
    }
}

fn load_docker(
    storage: &mut dyn Storage,
    manifest: &Value,
    want: Option<&Platform>,
) -> Result<Image, ImageError> {
    let entry = manifest
        .as_array()
        .and_then(|a| a.first())
        .ok_or("manifest.json is not a list of images: not a docker save archive")?;
    let config_name = entry
        .get("Config")
        .and_then(Value::as_str)
        .ok_or("manifest.json names no Config: not a docker save archive")?;
    // The config's name is its digest: `<hex>.json` or `blobs/sha256/<hex>`.
    let base = config_name.rsplit('/').next().unwrap_or(config_name);
    let hex = base.strip_suffix(".json").unwrap_or(base);
    let digest = format!("sha256:{hex}");
    if sha256_hex(&digest).is_none() {
        bail!("manifest.json: the config {config_name:?} is not named by its digest");
    }
    let config = read_named(storage, config_name, &digest, None)?;
    let (run, platform, diff_ids) = read_config(&config)?;
    let platform = platform.unwrap_or(Platform {
        os: "unknown".into(),
        architecture: "unknown".into(),
        variant: None,
    });
    choose(core::slice::from_ref(&platform), want)?;
    let names = strings(entry.get("Layers"));
    if diff_ids.len() != names.len() {
        bail!(
            "manifest.json lists {} layers and the config {} diff_ids: not a valid image",
            names.len(),
            diff_ids.len()
        );
    }
    let layers = names
        .into_iter()
        .zip(diff_ids)
        .map(|(name, diff_id)| {
            let digest = name
                .strip_prefix("blobs/sha256/")
                .filter(|h| sha256_hex(&format!("sha256:{h}")).is_some())
                .map(Into::into);
            Layer {
                name,
                digest,
                size: None,
                diff_id: Some(diff_id),
                media_type: None,
            }
        })
        .collect();
    let reference = strings(entry.get("RepoTags")).into_iter().next();
    Ok(Image {
        format: "docker save archive",
        platforms: alloc::vec![platform.clone()],
        platform,
        reference,
        run,
        layers,
    })
}

#[cfg(test)]
mod tests;
