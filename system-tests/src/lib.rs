//! Helpers shared by the system tests in `tests/`, by the lab and by the workspace's task binary
//! (`xtask`): where the built programs are, whether the tools a test needs are present, and the
//! system calls a program makes.
//!
//! | module | what it holds |
//! |---|---|
//! | [`arch`](mod@arch) | the architectures ([`Arch`], the table of `syscall-kit-build`), binfmt_misc |
//! | [`build`] | the workspace, the no_std programs built for a test ([`nostd_bin`]), the program template, `cargo make` |
//! | [`command`] | running a command and showing its output when it fails |
//! | [`doc_section`] | a document's generated section between two marker lines |
//! | [`elf`] | the class, machine, flags and header size of an ELF file |
//! | [`require`] | the skip rule: a missing tool skips a test, or fails it under `CI=true` |
//! | [`strace`](mod@strace) | running a program under strace or `qemu-user -strace`, and reading the log |
//! | [`engine`] | the container engine: its lock, test images, the locked-down `run` flags |
//! | [`fixtures`] | the C and Go programs of `fixtures/` built for a test, never under /tmp |
//! | [`temp`] | temporary directories |
//! | [`ldd`](mod@ldd) | the paths `ldd` prints |
//! | [`leftovers`] | what a run leaves behind: a directory's files, processes with a marker |

pub mod arch;
pub mod build;
pub mod command;
pub mod doc_section;
pub mod elf;
pub mod engine;
pub mod fixtures;
pub mod ldd;
pub mod leftovers;
pub mod require;
pub mod scratch_image;
pub mod strace;
pub mod temp;

pub use arch::{Arch, NOSTD_TARGET, require_binfmt};
pub use build::{
    cargo, cargo_make, nostd_bin, nostd_bin_for, task_stdout, template_cargo_config, template_dir,
    workspace_root,
};
pub use command::{assert_success_with, run};
pub use engine::{
    PodmanStore, TestImages, committed_profile, engine_lock, engine_setup_hint, locked_run_flags,
    test_image_name,
};
pub use ldd::ldd;
pub use require::{
    in_ci, is_root, loader_searches_x86_64_v2, path_without, require_empty_root, require_root,
    require_tool, skip_or_fail,
};
pub use strace::strace;
pub use temp::TempDir;
