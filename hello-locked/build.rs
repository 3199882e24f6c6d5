//! Links hello-locked as a static executable with no C start files and no C library; release
//! builds with hello-nostd's linker script (`../hello-nostd/hello.ld`), which has the linker write
//! the whole file, headers included, with no writable segment.
//! (`syscall-kit-build` passes the flags to this package's binaries only.)

fn main() {
    syscall_kit_build::static_executable()
        .linker_script("../hello-nostd/hello.ld", true)
        .linker_script_32("../hello-nostd/hello32.ld")
        .emit();
}
