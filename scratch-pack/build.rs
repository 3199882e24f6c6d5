//! Links scratch-pack as a static executable with no C start files and no C library, as
//! scratch-doctor (`syscall-kit-build` passes the flags to this package's binaries only): it
//! runs in the FROM scratch image it can write for itself.

fn main() {
    syscall_kit_build::static_executable().emit();
}
