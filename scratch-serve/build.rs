//! Links scratch-serve as a static executable with no C start files and no C library; release
//! builds as a flat image (syscall-kit-build's `flat.ld`: headers written by the linker, no
//! section headers, symbols or unwind tables). `syscall-kit-build` passes the flags to this
//! package's binaries only.

fn main() {
    syscall_kit_build::static_executable().flat_image().emit();
}
