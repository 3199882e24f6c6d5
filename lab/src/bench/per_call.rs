//! Exact user-space instructions per system call, through each wrapper: `bench/examples/
//! syscall_loop.rs` makes the call N times; the difference of callgrind's totals for two values
//! of N, divided by their difference, is what one call costs in user space (the kernel's part is
//! not counted). Exact, unlike the times of Criterion.

use std::path::Path;

use super::table::{Row, Unit};
use crate::instructions;

/// The two loop lengths.
const N: [u64; 2] = [1000, 2000];

/// The rows: each call, the kit against glibc (`libc`) and rustix.
pub fn rows(syscall_loop: &Path, work: &Path) -> Result<Vec<Row>, String> {
    let mut rows = Vec::new();
    for call in ["write", "getppid"] {
        let kit = per_call(syscall_loop, "kit", call, work)?;
        for peer in ["libc", "rustix"] {
            rows.push(Row::new(
                format!("syscall {call} (user instructions/call)"),
                kit as f64,
                peer,
                per_call(syscall_loop, peer, call, work)? as f64,
                Some("1.00"),
                Unit::Instr,
            ));
        }
    }
    Ok(rows)
}

/// The user-space instructions of one `call` through `imp`: whole instructions, rounded down.
fn per_call(syscall_loop: &Path, imp: &str, call: &str, work: &Path) -> Result<i64, String> {
    let mut totals = [0i64; 2];
    for (total, n) in totals.iter_mut().zip(N) {
        let n = n.to_string();
        *total = instructions::on_host_with_args(syscall_loop, &[imp, call, &n], work)?
            .map_err(|why| format!("syscall_loop {imp} {call} {n}: {why}"))?
            as i64;
    }
    Ok((totals[1] - totals[0]) / (N[1] - N[0]) as i64)
}
