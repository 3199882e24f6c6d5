//! "Hello, world!" with Rust's std, as `cargo new` writes it: the scratch lab builds it for the
//! host target (`x86_64-unknown-linux-gnu`: dynamically linked against glibc) and for
//! `x86_64-unknown-linux-musl` (static), and compares both with hello-nostd.

fn main() {
    println!("Hello, world!");
}
