//! Symbol versions (see `ld.so(8)` and the GNU `symbol versioning` extension of `elf(5)`): the
//! versions an object needs of each library (`SHT_GNU_verneed`: `libc.so.6` → `GLIBC_2.34`)
//! and the versions a library defines (`SHT_GNU_verdef`). The loader refuses to start a
//! program when a library it loaded does not define a version an object needs of it, with
//! `version 'GLIBC_2.34' not found`: the usual failure when a program built on a newer
//! distribution is copied onto an older base image.
//!
//! Read from the section headers with the `object` crate (as the sections name them; a file
//! without section headers is taken to need and define nothing, so the check is only ever
//! missing a failure, never inventing one). `check` is the loader's check over the objects of
//! a closure in an image, step 5 of a [start](super::start).

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use object::Endianness;
use object::elf::{FileHeader32, FileHeader64, VER_FLG_BASE, VER_FLG_WEAK};
use object::read::elf::FileHeader;

use super::layers::ImageRoot;
use super::report::Failure;
use crate::paths;
use crate::root_view::RootView;

/// The versions of one ELF file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Versions {
    /// For each library (its `DT_NEEDED` name), the versions needed of it (weak ones left out:
    /// the loader only warns of those).
    pub needs: Vec<(String, Vec<String>)>,
    /// The versions it defines (its base entry, the soname, left out). Empty when it has no
    /// version definitions: the loader then checks nothing against it.
    pub defines: Vec<String>,
}

/// The versions of the ELF file `data`; an unreadable one needs and defines nothing.
pub fn versions(data: &[u8]) -> Versions {
    let parsed = match data.get(4) {
        Some(&object::elf::ELFCLASS64) => read::<FileHeader64<Endianness>>(data),
        Some(&object::elf::ELFCLASS32) => read::<FileHeader32<Endianness>>(data),
        _ => None,
    };
    parsed.unwrap_or_default()
}

fn read<H: FileHeader<Endian = Endianness>>(data: &[u8]) -> Option<Versions> {
    let header = H::parse(data).ok()?;
    let endian = header.endian().ok()?;
    let sections = header.sections(endian, data).ok()?;
    let mut out = Versions::default();
    if let Some((mut needs, link)) = sections.gnu_verneed(endian, data).ok()? {
        let strings = sections.strings(endian, data, link).ok()?;
        while let Some((need, mut auxs)) = needs.next().ok()? {
            let file = paths::from_bytes(need.file(endian, strings).ok()?);
            let mut names = Vec::new();
            while let Some(aux) = auxs.next().ok()? {
                if aux.vna_flags.get(endian) & VER_FLG_WEAK != 0 {
                    continue;
                }
                names.push(paths::from_bytes(aux.name(endian, strings).ok()?));
            }
            out.needs.push((file, names));
        }
    }
    if let Some((mut defs, link)) = sections.gnu_verdef(endian, data).ok()? {
        let strings = sections.strings(endian, data, link).ok()?;
        while let Some((def, mut auxs)) = defs.next().ok()? {
            if def.vd_flags.get(endian) & VER_FLG_BASE != 0 {
                continue;
            }
            if let Some(aux) = auxs.next().ok()? {
                out.defines
                    .push(paths::from_bytes(aux.name(endian, strings).ok()?));
            }
        }
    }
    Some(out)
}

/// The newest of `defined` with the prefix of `version` (`GLIBC_2.36` for `GLIBC_2.38`), by its
/// numbers.
fn newest<'a>(defined: &'a [String], version: &str) -> Option<&'a str> {
    let prefix = version
        .split(|c: char| c.is_ascii_digit())
        .next()
        .unwrap_or(version);
    let key = |v: &str| -> Vec<u32> {
        v[prefix.len()..]
            .split('.')
            .map(|n| n.parse().unwrap_or(0))
            .collect()
    };
    defined
        .iter()
        .filter(|d| d.starts_with(prefix) && !prefix.is_empty())
        .max_by_key(|d| key(d))
        .map(String::as_str)
}

/// Step 5 of a start, symbol versions: every version an object of the closure `objects` needs
/// of a library must be defined by the library the loader found (when that library defines
/// versions at all); else the loader's error, `argv0` being the name it gives the program.
pub(super) fn check(
    root: &mut ImageRoot<'_>,
    objects: &[crate::closure::Object],
    argv0: &str,
) -> Result<(), Failure> {
    struct Loaded {
        path: String,
        name: String,
        soname: Option<String>,
        versions: Versions,
    }
    let mut loaded = Vec::new();
    for o in objects {
        let Ok(data) = root.read(&o.host_path) else {
            continue;
        };
        loaded.push(Loaded {
            path: o.host_path.clone(),
            name: o.name.clone(),
            soname: crate::elf::parse(&data).ok().and_then(|f| f.soname),
            versions: versions(&data),
        });
    }
    for (i, o) in loaded.iter().enumerate() {
        for (file, needed) in &o.versions.needs {
            let Some(lib) = loaded.iter().find(|l| {
                l.soname.as_deref() == Some(file.as_str())
                    || l.name == *file
                    || paths::basename(&l.name) == file
            }) else {
                continue;
            };
            if lib.versions.defines.is_empty() {
                continue;
            }
            for v in needed {
                if lib.versions.defines.contains(v) {
                    continue;
                }
                let by = if i == 0 { argv0 } else { o.path.as_str() };
                let has = newest(&lib.versions.defines, v)
                    .map(|n| format!(" (its newest is {n})"))
                    .unwrap_or_default();
                return Err(Failure::new(
                    format!(
                        "{} needs the version {v} of {file}, which the image's {} does not define{has}: built against a newer library than the image has",
                        o.path, lib.path
                    ),
                    format!(
                        "{argv0}: {}: version `{v}' not found (required by {by})",
                        lib.path
                    ),
                    "build it against the image's library (on the same distribution release as the base image), build it static, or use a base image with a newer library",
                ));
            }
        }
    }
    Ok(())
}
