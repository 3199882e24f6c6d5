//! Links hello-nostd as a static executable with no C start files and no C library; release
//! builds with `hello.ld`, which has the linker write the whole file, headers included.
//! (`syscall-kit-build` passes the flags to this package's binaries only.)

fn main() {
    syscall_kit_build::static_executable()
        .linker_script("hello.ld", true)
        .linker_script_32("hello32.ld")
        .emit();
}
