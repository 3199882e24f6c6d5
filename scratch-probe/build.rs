//! Links scratch-probe as a static executable with no C start files and no C library; release
//! builds add `probe.ld`, which drops the unwind tables (`syscall-kit-build` passes the flags
//! to this package's binaries only).

fn main() {
    syscall_kit_build::static_executable()
        .linker_script("probe.ld", true)
        .emit();
}
