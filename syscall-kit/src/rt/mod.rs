//! The runtime of a `#![no_std]`, `#![no_main]` program (feature `runtime`).
//!
//! A program writes an ordinary `fn main() -> i32` and names it in [`main!`](crate::main):
//!
//! ```ignore
//! #![no_std]
//! #![no_main]
//! syscall_kit::main!(main);
//!
//! fn main() -> i32 {
//!     syscall_kit::println!("{} arguments", syscall_kit::rt::args().len());
//!     0
//! }
//! ```
//!
//! Nothing runs at start-up but one store of the initial stack pointer: no system call, no
//! allocation. Arguments, environment and auxiliary vector are read from that stack when asked
//! for; the heap (feature `alloc`) asks the kernel for memory at the first allocation.

pub mod entry;
pub mod error_names;
#[cfg(feature = "alloc")]
pub mod heap;
pub mod panic;
pub mod startup;
pub mod stdio;

pub use startup::{arg_table, args, auxv, env, env_table, getenv, page_size, random_bytes};
