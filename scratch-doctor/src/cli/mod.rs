//! The program's own modules, the only ones that do I/O (with `scratch_doctor::check` and the
//! library's tracer): the command line, the host's root file system read through syscall-kit,
//! the copy of a closure, `--run-in` and `--trace`. The analysis they feed is
//! the `scratch_doctor` library, which reads nothing itself.

pub mod args;
pub mod copy;
/// The machine's root file system, which scratch-pack reads too: in the library.
pub use scratch_doctor::host_root;
pub mod image_io;
pub mod run_in;
pub mod trace;
