//! The heap (`KernelHeap`): collections, alignment, a random stress, growth from the kernel,
//! and running out of memory in a re-executed copy.

use alloc::boxed::Box;
use alloc::format;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;

use super::support::{Rng, run_self};
use crate::TestResult;

pub fn basics() -> TestResult {
    let mut v: Vec<u64> = Vec::new();
    for i in 0..10_000 {
        v.push(i * 3);
    }
    check!(v.iter().sum::<u64>() == 3 * 9_999 * 10_000 / 2, "sum");
    let s = format!("{}-{}-{:?}", "a", 1, [1, 2]);
    check!(s == "a-1-[1, 2]", "format!: {s}");
    let mut t = String::from("x");
    for _ in 0..12 {
        t = t.clone() + &t;
    }
    check!(t.len() == 4096, "String doubling: {}", t.len());
    let b = Box::new([7u8; 1000]);
    check!(b.iter().all(|&x| x == 7), "Box");
    Ok(())
}

pub fn alignment() -> TestResult {
    use alloc::alloc::{Layout, alloc, dealloc};
    for shift in 0..=16 {
        let align = 1usize << shift;
        let layout = Layout::from_size_align(24, align).unwrap();
        // SAFETY: non-zero size; freed below with the same layout.
        let p = unsafe { alloc(layout) };
        check!(!p.is_null(), "alloc of align {align} failed");
        check!(
            (p as usize).is_multiple_of(align),
            "{p:?} is not aligned to {align}"
        );
        // SAFETY: `p` came from `alloc(layout)`.
        unsafe { dealloc(p, layout) };
    }
    Ok(())
}

/// Thousands of allocations of random sizes, reallocations and frees in random order, each
/// block filled with a pattern derived from its id and checked before it changes or goes.
pub fn random_stress() -> TestResult {
    struct Block {
        id: u64,
        data: Vec<u8>,
    }
    fn pattern(id: u64, i: usize) -> u8 {
        (id.wrapping_mul(31).wrapping_add(i as u64 * 7) % 251) as u8
    }
    fn verify(b: &Block) -> TestResult {
        for (i, &x) in b.data.iter().enumerate() {
            check!(x == pattern(b.id, i), "block {} byte {i} corrupted", b.id);
        }
        Ok(())
    }
    let mut rng = Rng::new();
    let mut live: Vec<Block> = Vec::new();
    let mut next_id = 0u64;
    for _ in 0..20_000 {
        match rng.next() % 4 {
            0 | 1 => {
                let len = 1
                    + (rng.next()
                        % if rng.next().is_multiple_of(16) {
                            65536
                        } else {
                            512
                        }) as usize;
                let data = (0..len).map(|i| pattern(next_id, i)).collect();
                live.push(Block { id: next_id, data });
                next_id += 1;
            }
            2 if !live.is_empty() => {
                let i = rng.next() as usize % live.len();
                let b = live.swap_remove(i);
                verify(&b)?;
            }
            _ if !live.is_empty() => {
                // realloc: grow or shrink, keeping the prefix.
                let i = rng.next() as usize % live.len();
                let b = &mut live[i];
                verify(b)?;
                let new_len = 1 + (rng.next() % 4096) as usize;
                if new_len > b.data.len() {
                    b.data.reserve_exact(new_len - b.data.len());
                    let id = b.id;
                    let start = b.data.len();
                    b.data.extend((start..new_len).map(|j| pattern(id, j)));
                } else {
                    b.data.truncate(new_len);
                    b.data.shrink_to_fit();
                }
            }
            _ => {}
        }
    }
    for b in &live {
        verify(b)?;
    }
    check!(next_id > 5_000, "only {next_id} allocations");
    Ok(())
}

pub fn large() -> TestResult {
    let before = crate::HEAP.usage().1;
    let mut v = vec![0u8; 64 << 20];
    let n = v.len();
    v[n - 1] = 1;
    check!(v[0] == 0 && v[n - 1] == 1, "contents");
    let after = crate::HEAP.usage().1;
    check!(
        after >= before + (64 << 20),
        "heap grew from {before} to {after} bytes"
    );
    Ok(())
}

pub fn out_of_memory_is_clean() -> TestResult {
    let (code, stderr) = run_self(&[c"--oom"], &[])?;
    check!(code == 101, "exit status {code}: {stderr}");
    // One line, `PROGRAM: out of memory (N bytes)`, PROGRAM the last component of argv[0].
    let bytes = stderr
        .strip_prefix("kit-selftest: out of memory (")
        .and_then(|rest| rest.strip_suffix(" bytes)\n"));
    check!(
        bytes.is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())),
        "stderr: {stderr:?}"
    );
    Ok(())
}
