//! Linker flags of the no_std self-test (only of its binaries: `rustc-link-arg-bins`).

fn main() {
    for arg in [
        // No C start files: syscall-kit's `main!` defines `_start`.
        "-nostartfiles",
        // No C library: the program calls the kernel itself.
        "-nostdlib",
        // A static ET_EXEC: no ELF interpreter, no dynamic section, no start-up relocation.
        "-static",
        "-no-pie",
    ] {
        println!("cargo:rustc-link-arg-bins={arg}");
    }
    println!("cargo:rerun-if-changed=build.rs");
}
