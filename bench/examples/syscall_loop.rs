//! `syscall_loop IMPL CALL N`: makes the system call CALL (`write`: one byte to `/dev/null`;
//! `getppid`) N times through IMPL (`kit`, `libc` or `rustix`). `cargo make bench` runs it
//! under `valgrind --tool=callgrind` for two values of N: the difference of the two totals,
//! divided by the difference of N, is the exact number of user-space instructions one call
//! costs through that wrapper, free of the noise that timing has on a shared machine.

use std::hint::black_box;
use std::os::fd::AsRawFd;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, imp, call, n] = args.as_slice() else {
        eprintln!("usage: syscall_loop kit|libc|rustix write|getppid N");
        std::process::exit(2);
    };
    let n: u64 = n.parse().unwrap_or_else(|_| {
        eprintln!("syscall_loop: N must be a whole number, not {n:?}");
        std::process::exit(2);
    });
    let null = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/null")
        .expect("open /dev/null");
    let raw = null.as_raw_fd();
    // SAFETY: `null` stays open until the end of `main`, longer than every borrow.
    let kit_fd = unsafe { syscall_kit::BorrowedFd::borrow_raw(raw) };
    // SAFETY: as above.
    let rustix_fd = unsafe { rustix::fd::BorrowedFd::borrow_raw(raw) };
    let byte = [b'x'];
    match (imp.as_str(), call.as_str()) {
        // Each `write` loop keeps the same thing of each result, whether the call succeeded, so
        // that the count compares the wrappers and not how big their return types are.
        ("kit", "write") => (0..n).for_each(|_| {
            black_box(syscall_kit::io::write(black_box(kit_fd), black_box(&byte)).is_ok());
        }),
        ("libc", "write") => (0..n).for_each(|_| {
            // SAFETY: `raw` is open and `byte` is a live 1-byte buffer.
            black_box(
                unsafe { libc::write(black_box(raw), black_box(byte.as_ptr()).cast(), 1) } >= 0,
            );
        }),
        ("rustix", "write") => (0..n).for_each(|_| {
            black_box(rustix::io::write(black_box(rustix_fd), black_box(&byte)).is_ok());
        }),
        ("kit", "getppid") => (0..n).for_each(|_| {
            black_box(syscall_kit::process::getppid());
        }),
        ("libc", "getppid") => (0..n).for_each(|_| {
            // SAFETY: getppid has no preconditions.
            black_box(unsafe { libc::getppid() });
        }),
        ("rustix", "getppid") => (0..n).for_each(|_| {
            black_box(rustix::process::getppid());
        }),
        _ => {
            eprintln!("syscall_loop: unknown IMPL or CALL: {imp} {call}");
            std::process::exit(2);
        }
    }
    drop(null);
}
