//! Links scratch-doctor as a static executable with no C start files and no C library, as
//! kit-selftest (`syscall-kit-build` passes the flags to this package's binaries only): the
//! program is itself what it checks for.

fn main() {
    syscall_kit_build::static_executable().emit();
}
