//! Program entry: [`main!`](crate::main) and what runs between `_start` and `main`.

use core::cell::UnsafeCell;

/// The initial stack pointer `_start` received: null until the program starts, and in programs
/// that do not use [`main!`](crate::main).
pub(crate) struct InitialStack(UnsafeCell<*const usize>);

// SAFETY: the pointer is written once, by `start`, before `main` runs and before the program
// could have started any other thread (the kit has no thread API, and nothing runs before
// `main`); afterwards it is only read.
unsafe impl Sync for InitialStack {}

impl InitialStack {
    /// The recorded pointer (null before `start`).
    pub(crate) fn get(&self) -> *const usize {
        // SAFETY: no write can race with this read (see the `Sync` impl).
        unsafe { *self.0.get() }
    }
}

/// A plain static, not an atomic: a program that never reads its arguments lets the optimiser
/// drop the store, and with it the program's only writable data.
pub(crate) static INITIAL_STACK: InitialStack = InitialStack(UnsafeCell::new(core::ptr::null()));

/// Records the initial stack, runs `main` and exits with the status it returns.
///
/// # Safety
/// Called once, by `_start`, with the stack pointer the kernel handed to the process.
#[doc(hidden)]
#[inline(always)]
pub unsafe fn start(initial_stack: *const usize, main: fn() -> i32) -> ! {
    // SAFETY: the one write, before `main` and before any other thread exists.
    unsafe { *INITIAL_STACK.0.get() = initial_stack };
    crate::process::exit(main())
}

/// Makes `$main`, an ordinary `fn main() -> i32`, the program: its return value becomes the
/// exit status.
///
/// It defines the entry point `_start` of the target architecture (see [`crate::arch`]), the
/// panic handler ([`rt::panic`](crate::rt::panic)) and the memory functions the compiler calls
/// (see [`crate::arch`]), so the program needs `#![no_std]`,
/// `#![no_main]` and `panic = "abort"` in its profiles.
#[macro_export]
macro_rules! main {
    ($main:path) => {
        // A program without `panic = "abort"` would fail later with rustc's "unwinding panics
        // are not supported without std" and a hint about nightly: say the fix first. (Not for
        // rustdoc, which does not apply the profile's panic strategy and links nothing.)
        #[cfg(all(panic = "unwind", not(doc)))]
        ::core::compile_error!(
            "syscall-kit's main! needs `panic = \"abort\"` in [profile.dev] and [profile.release] \
             of the program's Cargo.toml (a no_std program has no unwinder)"
        );
        $crate::__arch_mem_functions!();

        const _: () = {
            unsafe extern "C" fn __syscall_kit_entry(initial_stack: *const usize) -> ! {
                // SAFETY: called once, by `_start`, with the kernel's initial stack pointer.
                unsafe { $crate::rt::entry::start(initial_stack, $main) }
            }

            $crate::__arch_start!(__syscall_kit_entry);

            #[panic_handler]
            fn __syscall_kit_panic(info: &::core::panic::PanicInfo<'_>) -> ! {
                $crate::rt::panic::report(info)
            }
        };
    };
}
