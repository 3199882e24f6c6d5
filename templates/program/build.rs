//! Links the program as a static executable with no C start files and no C library (the kit's
//! `main!` defines `_start`), and stops the build with the fix when `.cargo/config.toml`'s flags
//! are missing.

fn main() {
    syscall_kit_build::static_executable().emit();
}
