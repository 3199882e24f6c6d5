//! System-call cost: one `write(2)` of one byte to `/dev/null`, and one `getppid(2)`, through
//! syscall-kit, glibc (the `libc` crate) and rustix, side by side (Criterion groups `write`
//! and `getppid`; `cargo make bench` prints the ratios).

use std::hint::black_box;
use std::os::fd::AsRawFd;

use criterion::{Criterion, criterion_group, criterion_main};

fn write_dev_null(c: &mut Criterion) {
    let null = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/null")
        .unwrap();
    let raw = null.as_raw_fd();
    // SAFETY: `null` stays open for the whole function, longer than every borrow.
    let kit_fd = unsafe { syscall_kit::BorrowedFd::borrow_raw(raw) };
    // SAFETY: as above (rustix without `std` has its own `BorrowedFd`).
    let rustix_fd = unsafe { rustix::fd::BorrowedFd::borrow_raw(raw) };
    let byte = [b'x'];
    let mut g = c.benchmark_group("write");
    g.bench_function("kit", |b| {
        b.iter(|| syscall_kit::io::write(black_box(kit_fd), black_box(&byte)))
    });
    g.bench_function("libc", |b| {
        // SAFETY: `raw` is open and `byte` is a live 1-byte buffer.
        b.iter(|| unsafe { libc::write(black_box(raw), black_box(byte.as_ptr()).cast(), 1) })
    });
    g.bench_function("rustix", |b| {
        b.iter(|| rustix::io::write(black_box(rustix_fd), black_box(&byte)))
    });
    g.finish();
    drop(null);
}

fn getppid(c: &mut Criterion) {
    let mut g = c.benchmark_group("getppid");
    g.bench_function("kit", |b| b.iter(syscall_kit::process::getppid));
    // SAFETY: getppid has no preconditions.
    g.bench_function("libc", |b| b.iter(|| unsafe { libc::getppid() }));
    g.bench_function("rustix", |b| b.iter(rustix::process::getppid));
    g.finish();
}

criterion_group!(benches, write_dev_null, getppid);
criterion_main!(benches);
