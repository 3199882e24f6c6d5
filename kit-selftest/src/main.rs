#![no_std]
#![no_main]
syscall_kit::main!(main);
fn main() -> i32 {
    0
}
