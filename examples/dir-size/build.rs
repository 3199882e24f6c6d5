//! Links dir-size as a static executable with no C start files and no C library
//! (`syscall-kit-build` passes the flags to this package's binaries only).

fn main() {
    syscall_kit_build::static_executable().emit();
}
