//! The JSON documents of an image (see the OCI image specification: image configuration, image
//! manifest, image index, image layout; and Docker's `manifest.json` of `docker save`),
//! written in one canonical form: no white space, and the keys of every object in bytewise
//! order, written in that order here (serde's maps and oci-spec-rs's `HashMap`s give no fixed
//! order; ocidir sorts them too). Strings are escaped by scratch-doctor's JSON writer
//! ([`scratch_doctor::json`]).
//!
//! The media types are OCI's, or Docker's (schema 2) for an image with a healthcheck:
//! `HEALTHCHECK` is Docker's, the OCI config has no such field, and Podman reads it only from
//! an image of Docker's format ([`MediaTypes::DOCKER`]).

use alloc::string::{String, ToString};
use alloc::vec::Vec;

use scratch_doctor::image::config::Platform;
use scratch_doctor::json::{Object, string};

/// The media types an image is written with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MediaTypes {
    /// An image manifest.
    pub manifest: &'static str,
    /// An image config.
    pub config: &'static str,
    /// A layer, before its compression's suffix.
    pub layer: &'static str,
    /// An index of manifests.
    pub index: &'static str,
    /// Whether a zstd layer has a media type here.
    pub zstd: bool,
}

impl MediaTypes {
    /// OCI's.
    pub const OCI: MediaTypes = MediaTypes {
        manifest: "application/vnd.oci.image.manifest.v1+json",
        config: "application/vnd.oci.image.config.v1+json",
        layer: "application/vnd.oci.image.layer.v1.tar",
        index: "application/vnd.oci.image.index.v1+json",
        zstd: true,
    };

    /// Docker's image manifest, version 2, schema 2: its layer types are
    /// `application/vnd.docker.image.rootfs.diff.tar` and `….tar.gzip`, with no zstd.
    pub const DOCKER: MediaTypes = MediaTypes {
        manifest: "application/vnd.docker.distribution.manifest.v2+json",
        config: "application/vnd.docker.container.image.v1+json",
        layer: "application/vnd.docker.image.rootfs.diff.tar",
        index: "application/vnd.docker.distribution.manifest.list.v2+json",
        zstd: false,
    };

    /// The type of a layer compressed as `suffix` says (``, `+gzip`, `+zstd`).
    pub fn layer_type(self, suffix: &str) -> String {
        if self == MediaTypes::DOCKER {
            // Docker's name for gzip is `.gzip`, appended with a dot.
            let mut t = String::from(self.layer);
            if suffix == "+gzip" {
                t.push_str(".gzip");
            }
            t
        } else {
            alloc::format!("{}{suffix}", self.layer)
        }
    }
}

/// A descriptor: what a document points to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Descriptor {
    /// `mediaType`.
    pub media_type: String,
    /// `digest`: `sha256:…`.
    pub digest: String,
    /// `size` in bytes.
    pub size: u64,
    /// `platform`, in an index.
    pub platform: Option<Platform>,
    /// `annotations`, sorted by key.
    pub annotations: Vec<(String, String)>,
}

impl Descriptor {
    /// A descriptor with no platform and no annotations.
    pub fn new(media_type: &str, digest: &str, size: u64) -> Descriptor {
        Descriptor {
            media_type: media_type.into(),
            digest: digest.into(),
            size,
            platform: None,
            annotations: Vec::new(),
        }
    }

    fn write(&self, out: &mut String) {
        let mut o = Object::new(out);
        if !self.annotations.is_empty() {
            map(o.key("annotations"), &self.annotations);
        }
        o.str("digest", &self.digest);
        o.str("mediaType", &self.media_type);
        if let Some(p) = &self.platform {
            platform(o.key("platform"), p);
        }
        o.raw("size", &self.size.to_string());
        o.end();
    }
}

/// `{"architecture":…,"os":…,"variant":…}`.
fn platform(out: &mut String, p: &Platform) {
    let mut o = Object::new(out);
    o.str("architecture", &p.architecture);
    o.str("os", &p.os);
    if let Some(v) = &p.variant {
        o.str("variant", v);
    }
    o.end();
}

/// An object of strings, whose keys are sorted (and unique) here.
fn map(out: &mut String, pairs: &[(String, String)]) {
    let mut sorted: Vec<&(String, String)> = pairs.iter().collect();
    sorted.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    let mut o = Object::new(out);
    for (k, v) in sorted {
        o.str(k, v);
    }
    o.end();
}

/// `["a","b"]`.
fn strings(out: &mut String, values: &[String]) {
    out.push('[');
    for (i, v) in values.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        string(out, v);
    }
    out.push(']');
}

/// `[d,d]` of descriptors.
fn descriptors(out: &mut String, list: &[Descriptor]) {
    out.push('[');
    for (i, d) in list.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        d.write(out);
    }
    out.push(']');
}

/// What the runtime is told, the `config` object of an image config. Empty fields are left out.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RunConfig {
    /// `Entrypoint`.
    pub entrypoint: Vec<String>,
    /// `Env`, `K=V`, in the order given.
    pub env: Vec<String>,
    /// `ExposedPorts`: `8080/tcp`, sorted and unique here.
    pub exposed: Vec<String>,
    /// `Healthcheck.Test`: `["CMD", …]`.
    pub healthcheck: Vec<String>,
    /// `Labels`.
    pub labels: Vec<(String, String)>,
    /// `StopSignal`.
    pub stop_signal: Option<String>,
    /// `User`.
    pub user: String,
    /// `WorkingDir`.
    pub workdir: Option<String>,
}

impl RunConfig {
    fn write(&self, out: &mut String) {
        let mut o = Object::new(out);
        strings(o.key("Entrypoint"), &self.entrypoint);
        if !self.env.is_empty() {
            strings(o.key("Env"), &self.env);
        }
        if !self.exposed.is_empty() {
            let mut ports: Vec<&String> = self.exposed.iter().collect();
            ports.sort_by(|a, b| a.as_bytes().cmp(b.as_bytes()));
            ports.dedup();
            let mut p = Object::new(o.key("ExposedPorts"));
            for port in ports {
                p.raw(port, "{}");
            }
            p.end();
        }
        if !self.healthcheck.is_empty() {
            let mut h = Object::new(o.key("Healthcheck"));
            strings(h.key("Test"), &self.healthcheck);
            h.end();
        }
        if !self.labels.is_empty() {
            map(o.key("Labels"), &self.labels);
        }
        if let Some(s) = &self.stop_signal {
            o.str("StopSignal", s);
        }
        if !self.user.is_empty() {
            o.str("User", &self.user);
        }
        if let Some(w) = &self.workdir {
            o.str("WorkingDir", w);
        }
        o.end();
    }
}

/// An image config: its platform, what to run, when it was made and its layers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImageConfig {
    /// `os`, `architecture`, `variant`.
    pub platform: Platform,
    /// `config`.
    pub run: RunConfig,
    /// `created` (RFC 3339), and each history entry's.
    pub created: String,
    /// Each layer's `diff_id` and what made it (`history[].created_by`), bottom first.
    pub layers: Vec<(String, String)>,
}

impl ImageConfig {
    /// The config's JSON.
    pub fn json(&self) -> String {
        let mut out = String::new();
        let mut o = Object::new(&mut out);
        o.str("architecture", &self.platform.architecture);
        self.run.write(o.key("config"));
        o.str("created", &self.created);
        {
            let h = o.key("history");
            h.push('[');
            for (i, (_, by)) in self.layers.iter().enumerate() {
                if i > 0 {
                    h.push(',');
                }
                let mut e = Object::new(h);
                e.str("created", &self.created);
                e.str("created_by", by);
                e.end();
            }
            h.push(']');
        }
        o.str("os", &self.platform.os);
        {
            let mut r = Object::new(o.key("rootfs"));
            let ids: Vec<String> = self.layers.iter().map(|(id, _)| id.clone()).collect();
            strings(r.key("diff_ids"), &ids);
            r.str("type", "layers");
            r.end();
        }
        if let Some(v) = &self.platform.variant {
            o.str("variant", v);
        }
        o.end();
        out
    }
}

/// An image manifest's JSON: its config and layers.
pub fn manifest(types: MediaTypes, config: &Descriptor, layers: &[Descriptor]) -> String {
    let mut out = String::new();
    let mut o = Object::new(&mut out);
    config.write(o.key("config"));
    descriptors(o.key("layers"), layers);
    o.str("mediaType", types.manifest);
    o.raw("schemaVersion", "2");
    o.end();
    out
}

/// An image index's JSON (`index.json`, or a multi-platform index blob).
pub fn index(types: MediaTypes, manifests: &[Descriptor]) -> String {
    let mut out = String::new();
    let mut o = Object::new(&mut out);
    descriptors(o.key("manifests"), manifests);
    o.str("mediaType", types.index);
    o.raw("schemaVersion", "2");
    o.end();
    out
}

/// `oci-layout`.
pub const OCI_LAYOUT: &str = r#"{"imageLayoutVersion":"1.0.0"}"#;

/// One image of a Docker `manifest.json`: its config and layers as member names of the archive
/// (`blobs/sha256/…`), and its names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DockerImage {
    /// `Config`.
    pub config: String,
    /// `Layers`.
    pub layers: Vec<String>,
    /// `RepoTags`.
    pub repo_tags: Vec<String>,
}

/// Docker's `manifest.json`, which `docker load` of the classic image store reads.
pub fn docker_manifest(images: &[DockerImage]) -> String {
    let mut out = String::from("[");
    for (i, image) in images.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let mut o = Object::new(&mut out);
        o.str("Config", &image.config);
        strings(o.key("Layers"), &image.layers);
        strings(o.key("RepoTags"), &image.repo_tags);
        o.end();
    }
    out.push(']');
    out
}

#[cfg(test)]
mod tests;
