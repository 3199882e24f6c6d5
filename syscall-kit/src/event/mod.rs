//! Events: readiness of many descriptors at once, and counters as descriptors, one story a
//! file:
//!
//! | topic | system calls |
//! |---|---|
//! | readiness (`epoll.rs`) | [`epoll_create1`], [`epoll_ctl`] (and [`epoll_add`], [`epoll_mod`], [`epoll_del`]), [`epoll_pwait`] over [`EpollEvent`] |
//! | counters (`eventfd.rs`) | [`eventfd2`], [`eventfd_read`], [`eventfd_write`] |
//!
//! For one or a few descriptors, [`poll`](crate::io::poll) is simpler.

mod epoll;
mod eventfd;

pub use epoll::{
    EpollCreateFlags, EpollEvent, EpollFlags, EpollOp, epoll_add, epoll_create1, epoll_ctl,
    epoll_del, epoll_mod, epoll_pwait,
};
pub use eventfd::{EventfdFlags, eventfd_read, eventfd_write, eventfd2};
