//! Signals, one topic a file:
//!
//! | topic | system calls |
//! |---|---|
//! | the set of signals (`set.rs`) | [`SigSet`], the kernel's 8-byte `sigset_t`, and the signal numbers |
//! | dispositions (`action.rs`) | [`sigaction`] (`rt_sigaction(2)`) with the kernel's own `struct sigaction`, [`set_ignored`], [`set_default`] |
//! | the mask and waiting (`mask.rs`) | [`sigprocmask`] (`rt_sigprocmask(2)`), [`sigtimedwait`] (`rt_sigtimedwait(2)`) and [`SigInfo`] |
//! | signals as a descriptor (`signalfd.rs`) | [`signalfd`] (`signalfd4(2)`) and [`SignalfdInfo`] |
//! | sending (`send.rs`) | [`kill`] (`kill(2)`), [`tgkill`] (`tgkill(2)`), [`gettid`] |
//!
//! The handler-free pattern is the robust one for a program that must react to signals, an init
//! most of all: block the signals with [`sigprocmask`], then take them one at a time with
//! [`sigtimedwait`] or by reading a [`signalfd`]; nothing runs asynchronously. [`sigaction`]
//! with a handler is there for the rest, with the return trampoline each architecture needs
//! (see [`SigAction::new`]).
//!
//! Everything is re-exported here: the functions are `syscall_kit::signal::kill` and so on.
//!
//! # References
//!  - [Linux]: signals, dispositions and masks
//!
//! [Linux]: https://man7.org/linux/man-pages/man7/signal.7.html

mod action;
mod mask;
mod send;
mod set;
mod signalfd;

pub use action::{Handler, SaFlags, SigAction, set_default, set_ignored, sigaction};
pub use mask::{How, SigInfo, set_mask, sigprocmask, sigtimedwait};
pub use send::{gettid, kill, tgkill};
pub use set::*;
pub use signalfd::{SfdFlags, SignalfdInfo, signalfd, signalfd_read};
