//! Step 5 of a start, for a dynamic ELF program: what the dynamic loader does before the
//! program runs. Its ELF interpreter (`PT_INTERP`, the loader itself) must be in the image;
//! then every library it needs is found the way the loader finds it in the image
//! ([`resolve_closure`] over the image's root), and every symbol version an object needs of a
//! library is defined by it ([`versions::check`](crate::image::versions)).

use alloc::format;
use alloc::string::String;

use syscall_kit::Errno;

use super::Failure;
use super::exec::Exec;
use crate::elf::ElfFacts;
use crate::image::layers::ImageRoot;
use crate::image::versions;
use crate::search::Search;
use crate::{Closure, resolve_closure};

/// Step 5 for `file`, the ELF program `elf`, in the image whose merged root is `root`.
pub(super) fn check(
    root: &mut ImageRoot<'_>,
    file: &Exec<'_>,
    elf: &ElfFacts,
) -> Result<(), Failure> {
    let Exec {
        name,
        in_image,
        argv0,
        ..
    } = *file;
    if let Some(interp) = &elf.interpreter
        && root.stat(interp, true).is_err()
    {
        return Err(Failure::new(
            format!(
                "{name} is dynamically linked and its ELF interpreter {interp} is not in the image"
            ),
            file.error(Errno::ENOENT),
            closure_fix(in_image),
        ));
    }
    if elf.is_static() {
        return Ok(());
    }
    let closure =
        Search::load(root, elf).and_then(|search| resolve_closure(root, in_image, elf, &search));
    match closure {
        Ok(Closure { missing, objects }) => {
            if missing.is_empty() {
                versions::check(root, &objects, argv0)?;
            }
            if let Some(m) = missing.into_iter().next() {
                return Err(Failure::new(
                    format!(
                        "{} needs {}, which the loader does not find in the image ({})",
                        m.needed_by, m.name, m.reason
                    ),
                    format!(
                        "{argv0}: error while loading shared libraries: {}: cannot open shared object file: No such file or directory",
                        m.name
                    ),
                    closure_fix(in_image),
                ));
            }
            Ok(())
        }
        Err(e) => Err(Failure::new(
            format!("its libraries cannot be resolved in the image: {e}"),
            file.error(e.errno),
            "check the image",
        )),
    }
}

/// The fix for a dynamic `program` whose interpreter or a library is missing.
fn closure_fix(program: &str) -> String {
    format!(
        "build it static, or copy its interpreter and libraries into the image: on a machine where it runs, `scratch-doctor --copy-closure DIR {program}`, then `COPY DIR /`"
    )
}
