//! Per-architecture code: the only assembly of the kit, and the few constants whose values
//! differ between architectures. One file per architecture.

#[cfg(target_arch = "x86_64")]
mod x86_64;
#[cfg(target_arch = "x86_64")]
pub use x86_64::*;

#[cfg(not(target_arch = "x86_64"))]
compile_error!("syscall-kit supports x86_64 Linux only (for now)");
