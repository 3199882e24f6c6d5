//! The hint on an image for another machine (`linux/arm64` on an x86_64 host): what this host
//! does with its program. A `binfmt_misc` entry that takes it (read through the host's
//! `/proc`: the runtime's exec in the container is this kernel's, and the kernel tries those
//! entries first), else this kernel runs it natively (i386 on x86_64), or not at all.

use alloc::format;
use alloc::string::{String, ToString};

use crate::binfmt;
use crate::elf::ElfFacts;
use crate::image::config::Image;
use crate::image::layers::ImageRoot;
use crate::machine::{Host, machine_name};
use crate::program::head;

/// The hint when `image` is for another machine than this one; `elf` and `data`: its program
/// and its file, when it is an ELF file in the image.
pub(super) fn hint(
    root: &mut ImageRoot<'_>,
    image: &Image,
    elf: Option<&ElfFacts>,
    data: Option<&[u8]>,
) -> Option<String> {
    let here = Host::this().name();
    let machine = image.platform.machine().filter(|&m| m != here)?;
    Some(format!(
        "the image is for {} ({machine} programs) and this machine is {here}: {}",
        image.platform,
        this_host(root, elf, data)
    ))
}

/// What this host does with the program `elf` (whose file is `data`).
fn this_host(root: &mut ImageRoot<'_>, elf: Option<&ElfFacts>, data: Option<&[u8]>) -> String {
    // Natively: i386 on x86_64, or a program not of the image's platform but of this
    // machine's (whose verdict says so).
    let host = Host::this();
    let native = elf
        .filter(|elf| host.runs(elf.machine, elf.class, elf.byte_order))
        .map(|elf| {
            let name = machine_name(elf.machine, elf.class, elf.byte_order);
            let compat = if elf.machine == host.machine {
                ""
            } else {
                " (x86_64's 32-bit compatibility mode)"
            };
            format!(
                "on this host: its {} program runs natively{compat}",
                name.unwrap_or("unknown")
            )
        });
    let generic =
        || "an engine here runs it only through binfmt_misc emulation (qemu-user)".to_string();
    match (elf, data) {
        (Some(_), Some(data)) if root.has_host() => {
            let entries = binfmt::load(root);
            let header = head(data, binfmt::HEADER_BYTES);
            let taken = entries
                .as_ref()
                .is_ok_and(|es| es.iter().any(|e| e.matches(header)));
            match native {
                Some(native) if !taken => native,
                _ => format!("on this host: {}", binfmt::this_host(&entries, header)),
            }
        }
        (Some(_), _) => native.unwrap_or_else(generic),
        _ => generic(),
    }
}

#[cfg(test)]
mod tests;
