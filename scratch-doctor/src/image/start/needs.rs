//! The needs at run time of the image's program ([`needs`](crate::needs)): the files it will
//! look for once it runs, from what its ELF file says and the image's `TZ`, checked against the
//! image's files; a library it loads by name (`libgcc_s.so.1`) is looked for the way the loader
//! in the image looks for it. The fix of each names the file to copy; its size on this machine
//! is added by the caller that has the machine's files (`cli::image_io::doctor`, through
//! [`needs::add_sizes_here`]), where a file it cannot read can end the run with its error.

use crate::elf::ElfFacts;
use crate::image::config::Image;
use crate::image::layers::{ImageRoot, NodeKind};
use crate::image::report::ImageReport;
use crate::needs::{self, Place, RunsWith, read_calls};
use crate::paths;
use crate::search::Search;

/// Fills in the needs of `report`'s program, the ELF file `elf` whose bytes are `data`.
pub(super) fn add(
    root: &mut ImageRoot<'_>,
    image: &Image,
    elf: &ElfFacts,
    data: &[u8],
    report: &mut ImageReport,
) {
    let Some(program) = report.program.clone() else {
        return;
    };
    // In memory: reading it cannot fail.
    let Ok(calls) = read_calls(&data, elf) else {
        return;
    };
    let tz = image
        .run
        .env
        .iter()
        .rev()
        .find_map(|e| e.strip_prefix("TZ="));
    let all = needs::of_program(&program, elf, &calls, RunsWith { tz });
    let search = Search::load(root, elf).ok();
    let mut place = InImage {
        root,
        search,
        elf,
        program: &program,
    };
    report.needs = needs::lacking(all, &mut place);
    report.needs_unread = calls.unread;
}

/// The image's files, as the program in a container of it finds them.
struct InImage<'a, 'r> {
    root: &'a mut ImageRoot<'r>,
    /// What the loader in the image knows (none for a static program, or an image whose
    /// loader configuration cannot be read).
    search: Option<Search>,
    elf: &'a ElfFacts,
    program: &'a str,
}

impl Place for InImage<'_, '_> {
    fn has(&mut self, path: &str) -> bool {
        self.root.stat(path, true).is_ok()
    }

    /// As glibc's `dlopen` from the C library finds a library by name: the `DT_RPATH` of the
    /// program (the object that loaded the C library), not its `DT_RUNPATH`, then the cache
    /// and the default directories.
    fn finds_library(&mut self, name: &str) -> bool {
        let Some(search) = &self.search else {
            return false;
        };
        let program = ElfFacts {
            runpath: None,
            ..self.elf.clone()
        };
        let origin = paths::dirname(self.program);
        search
            .candidates(name, &[(&program, origin)])
            .iter()
            .any(|c| {
                self.root
                    .stat(&c.path, true)
                    .is_ok_and(|(_, node)| matches!(node.kind, NodeKind::File { .. }))
            })
    }
}
