//! Linker flags of the no_std program (and only of it: `rustc-link-arg-bins` applies to this
//! package's binaries, not to other workspace members).

fn main() {
    for arg in [
        // No C start files (crt1.o, crti.o …): syscall-kit's `main!` defines `_start`.
        "-nostartfiles",
        // No C library, no libgcc: the program calls the kernel itself.
        "-nostdlib",
        // A static executable with no ELF interpreter (PT_INTERP) and no dynamic section;
        // `-no-pie` makes it ET_EXEC at a fixed address, which needs no relocation at start-up.
        "-static",
        "-no-pie",
        // No .note.gnu.build-id and no .eh_frame_hdr: nothing reads them in this program.
        "-Wl,--build-id=none",
        "-Wl,--no-eh-frame-hdr",
        // No RELRO padding.
        "-Wl,-z,norelro",
    ] {
        println!("cargo:rustc-link-arg-bins={arg}");
    }
    // The release layout, headers written by the linker: see hello.ld. It relies on what the
    // release profile gives (LTO: no unused code, no writable data); a debug build keeps the
    // linker's default layout.
    if std::env::var("PROFILE").as_deref() == Ok("release") {
        let dir = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
        let script = std::path::Path::new(&dir).join("hello.ld");
        println!("cargo:rustc-link-arg-bins=-Wl,-T,{}", script.display());
    }
    println!("cargo:rerun-if-changed=hello.ld");
    println!("cargo:rerun-if-changed=build.rs");
}
