//! The image's figures (docs/image.md): the image `hello-nostd` built and saved with Podman as
//! `cargo make image` and `cargo make image-save` do, then its size as Podman counts it, the
//! size of its one layer and that of the saved archive.
//!
//! The image is built with `SOURCE_DATE_EPOCH=0`: the layer is a gzipped tar whose file times
//! are that time (scripts/build-image.sh), and its compressed size changes by a few bytes with
//! it, which would otherwise be the time of the last commit. It is built in a Podman store of
//! its own (`system_tests::PodmanStore`), removed afterwards: measuring does not replace the
//! machine's own image `hello-nostd`.

use std::process::Command;

use system_tests::{PodmanStore, TempDir};

use crate::build::root;
use crate::measure::{output_of, output_of_command, size};
use crate::text::{Text, Tool, grouped};

/// The image, under the name the image tasks give it.
const IMAGE: &str = "hello-nostd";

/// The image's figures, measured.
pub struct Image {
    /// Its size as Podman counts it (`podman image inspect --format {{.Size}}`).
    pub podman_size: u64,
    /// The bytes of its one layer, a gzipped tar.
    pub layer: u64,
    /// The bytes of the archive `cargo make image-save` writes.
    pub archive: u64,
}

/// Runs the repository's script `script` with Podman and the time 0; `Err` with its output
/// when it fails.
fn script(script: &str, store: &PodmanStore, archive: &std::path::Path) -> Result<(), String> {
    let out = store
        .apply(&mut Command::new(root().join(script)))
        .env("CONTAINER_ENGINE", "podman")
        .env("HELLO_IMAGE", IMAGE)
        .env("HELLO_ARCHIVE", archive)
        .env("SOURCE_DATE_EPOCH", "0")
        .output()
        .map_err(|e| format!("cannot run {script}: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{script} failed ({}):\n{}{}",
            out.status,
            String::from_utf8_lossy(&out.stderr),
            system_tests::engine_setup_hint()
        ))
    }
}

/// The number after `"size":` that follows `after` in the JSON text `json`.
fn size_after(json: &str, after: &str) -> Result<u64, String> {
    let rest = &json[json
        .find(after)
        .ok_or_else(|| format!("no {after} in {json}"))?..];
    let rest = &rest[rest
        .find("\"size\":")
        .ok_or_else(|| format!("no size after {after} in {json}"))?
        + "\"size\":".len()..];
    let digits: String = rest
        .trim_start()
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits
        .parse()
        .map_err(|_| format!("no number after {after}'s size in {json}"))
}

/// The sha256 hex digits of the first `"digest":"sha256:…"` in `json`.
fn first_digest(json: &str) -> Result<&str, String> {
    let key = "\"digest\":\"sha256:";
    let at = json
        .find(key)
        .ok_or_else(|| format!("no sha256 digest in {json}"))?
        + key.len();
    json.get(at..at + 64)
        .ok_or_else(|| format!("a short digest in {json}"))
}

/// Builds and saves the image (Podman, `tar`), and measures it.
pub fn measure() -> Result<Image, String> {
    let dir = TempDir::try_new("xtask-image")?;
    let archive = dir.path().join("hello-nostd.oci.tar");
    let store = PodmanStore::new("xtask-image");
    script("scripts/image.sh", &store, &archive)?;
    script("scripts/image-save.sh", &store, &archive)?;
    let podman_size = output_of_command(store.apply(Command::new("podman").args([
        "image",
        "inspect",
        "--format",
        "{{.Size}}",
        IMAGE,
    ])))?;
    let podman_size = podman_size
        .trim()
        .parse()
        .map_err(|_| format!("podman image inspect printed {podman_size:?}"))?;
    let archive_arg = archive.to_string_lossy();
    let index = output_of("tar", &["-xOf", &archive_arg, "index.json"])?;
    let manifest_path = format!("blobs/sha256/{}", first_digest(&index)?);
    let manifest = output_of("tar", &["-xOf", &archive_arg, &manifest_path])?;
    Ok(Image {
        podman_size,
        layer: size_after(&manifest, "\"layers\"")?,
        archive: size(&archive)?,
    })
}

impl Image {
    /// The table of docs/image.md, with `binary` the bytes of hello-nostd.
    pub fn text(&self, binary: u64, rustc: &str, podman: &str) -> Text {
        let mut t = Text::new();
        t.words("Measured with Podman ")
            .version(Tool::Podman, podman)
            .words(" and rustc ")
            .version(Tool::Rustc, rustc)
            .words(
                ", the image built with `SOURCE_DATE_EPOCH=0`\n(the compressed layer's size \
                 changes by a few bytes with the time its files carry, otherwise\nthe time of \
                 the last commit):\n\n| what | bytes |\n|---|---:|\n\
                 | hello-nostd, the image's one file | ",
            )
            .figure(Tool::Rustc, grouped(binary))
            .words(" |\n| the image's one layer, a gzipped tar | ")
            .figure(Tool::Rustc, grouped(self.layer))
            .words(
                " |\n| the image as Podman counts it (`podman image inspect --format '{{.Size}}'`; \
                 `podman images` shows it in kB) | ",
            )
            .figure(Tool::Rustc, grouped(self.podman_size))
            .words(" |\n| the archive of `cargo make image-save` | ")
            .figure(Tool::Rustc, grouped(self.archive))
            .words(" |\n");
        t
    }
}

#[cfg(test)]
mod tests {
    use super::{first_digest, size_after};

    #[test]
    fn the_layer_size_and_the_manifest_digest_are_read_from_podmans_json() {
        let index = r#"{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:9cf05576da02b3d131452191dfc681b6a73dadbfb16d6e4ccd2806a7f1af8f88","size":500}]}"#;
        assert_eq!(
            first_digest(index),
            Ok("9cf05576da02b3d131452191dfc681b6a73dadbfb16d6e4ccd2806a7f1af8f88")
        );
        let manifest = r#"{"schemaVersion":2,"config":{"digest":"sha256:aa","size":1350},"layers":[{"digest":"sha256:bb","size":514}]}"#;
        assert_eq!(size_after(manifest, "\"layers\""), Ok(514));
        assert!(size_after(r#"{"config":{"size":1}}"#, "\"layers\"").is_err());
        assert!(first_digest("{}").is_err());
    }
}
