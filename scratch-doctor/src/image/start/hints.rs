//! The hints of a report: what does not stop the container from starting but will fail once
//! it runs, or runs otherwise on this machine. In the order the report gives them:
//!
//! 1. of a program that starts (an ELF file): its strings mention `https://` and the image has
//!    no CA bundle; a static glibc program that calls `getaddrinfo` (which needs NSS modules);
//! 2. a `HEALTHCHECK` in `CMD-SHELL` form needs `/bin/sh`;
//! 3. an image for another machine: what this host does with its program (`foreign.rs`).

use alloc::string::String;
use alloc::vec::Vec;

use super::foreign;
use super::lookup::executable;
use crate::elf::ElfFacts;
use crate::image::config::Image;
use crate::image::layers::ImageRoot;
use crate::image::report::ImageReport;
use crate::program::{Program, inspect};
use crate::root_view::RootView;

/// Where the usual CA bundles are.
const CA_BUNDLES: [&str; 4] = [
    "/etc/ssl/certs/ca-certificates.crt",
    "/etc/ssl/cert.pem",
    "/etc/pki/tls/certs/ca-bundle.crt",
    "/etc/ssl/certs",
];

/// Adds the hints on `image`, whose merged root is `root`, to `report`, whose steps have run.
pub(super) fn add(root: &mut ImageRoot<'_>, image: &Image, report: &mut ImageReport) {
    // The program's file, as the steps read it (the root keeps the files it has read).
    let data = report.program.as_deref().and_then(|p| root.read(p).ok());
    let elf = data.as_deref().and_then(|d| match inspect(d) {
        Ok(Program::Elf(elf)) => Some(elf),
        _ => None,
    });
    if let (Some(elf), Some(data)) = (&elf, &data) {
        super::needs::add(root, image, elf, data, report);
    }
    // An ELF program that starts: the steps went to their end with it.
    if report.starts()
        && let (Some(elf), Some(data)) = (&elf, &data)
    {
        of_program(root, elf, data, &mut report.hints);
    }
    healthcheck(root, image, &mut report.hints);
    if let Some(hint) = foreign::hint(root, image, elf.as_ref(), data.as_deref()) {
        report.hints.push(hint);
    }
}

/// Whether `needle` is in `data`.
fn contains(data: &[u8], needle: &[u8]) -> bool {
    data.windows(needle.len()).any(|w| w == needle)
}

/// The hints on the ELF program `elf`, whose file is `data`.
fn of_program(root: &ImageRoot<'_>, elf: &ElfFacts, data: &[u8], hints: &mut Vec<String>) {
    if contains(data, b"https://") && !CA_BUNDLES.iter().any(|p| root.stat(p, true).is_ok()) {
        hints.push(
            "its strings mention https:// and the image has no CA bundle (/etc/ssl/certs/ca-certificates.crt): TLS connections will fail to verify; copy one in".into(),
        );
    }
    if elf.is_static() && contains(data, b"getaddrinfo") && contains(data, b"GLIBC") {
        hints.push(
            "a static glibc program that calls getaddrinfo: glibc loads NSS modules (libnss_*.so) with dlopen for it, which a static program cannot do without them in the image: name lookups may fail".into(),
        );
    }
}

/// Step 6: a `HEALTHCHECK` in `CMD-SHELL` form runs `/bin/sh -c`, which the image needs.
fn healthcheck(root: &ImageRoot<'_>, image: &Image, hints: &mut Vec<String>) {
    if image.run.healthcheck.first().map(String::as_str) == Some("CMD-SHELL")
        && executable(root, "/bin/sh").is_err()
    {
        hints.push(
            "its HEALTHCHECK is in shell form (CMD-SHELL), which runs /bin/sh -c, and the image has no /bin/sh: the check will fail (use HEALTHCHECK CMD [\"/prog\", \"arg\"])".into(),
        );
    }
}

#[cfg(test)]
mod tests;
