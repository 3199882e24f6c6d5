//! The heap: syscall-kit's `KernelHeap` against glibc's `malloc` (Rust's `System` allocator
//! on this target), on a mixed workload and per size class (Criterion groups `heap-mixed` and
//! `heap-class-N`; `cargo make bench` prints the ratios).
//!
//! `KernelHeap` is not this process's global allocator: glibc's `malloc` owns the program
//! break here, so the kit's heap is made with `KernelHeap::from_region` over 1 GiB from
//! `mmap(2)` and its `GlobalAlloc` methods are called directly. Both allocators run the same
//! code on the same sequence of requests.

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use syscall_kit::mm::{MapFlags, ProtFlags, mmap};
use syscall_kit::rt::heap::KernelHeap;

/// xorshift64*: a fixed, cheap pseudo-random sequence, the same for both allocators.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A size from 8 B to 64 KiB, uniform in its logarithm (small blocks are the common case).
    fn size(&mut self) -> usize {
        let shift = 3 + self.next() % 14; // 8 ..= 64 KiB
        let base = 1usize << shift;
        (base + (self.next() as usize % base)).min(64 * 1024)
    }
}

/// Live objects at most; each step frees a random slot if it is full, fills it otherwise.
const SLOTS: usize = 2000;
const STEPS: usize = 20_000;

/// The mixed workload: many live objects, random sizes, random frees, and a `Vec`-like buffer
/// grown by `realloc` doubling from 8 B to 64 KiB every 1000 steps. Leaves nothing allocated.
fn mixed(a: &dyn GlobalAlloc) -> usize {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut slots: Vec<Option<(*mut u8, Layout)>> = vec![None; SLOTS];
    let mut sum = 0usize;
    for step in 0..STEPS {
        let i = rng.next() as usize % SLOTS;
        match slots[i].take() {
            // SAFETY: `p` came from `a.alloc(l)` and is freed once.
            Some((p, l)) => unsafe { a.dealloc(p, l) },
            None => {
                let l = Layout::from_size_align(rng.size(), 8).unwrap();
                // SAFETY: `l` has a non-zero size.
                let p = unsafe { a.alloc(l) };
                assert!(!p.is_null());
                // SAFETY: `p` holds at least one byte; touching it keeps the work honest.
                unsafe { p.write(step as u8) };
                sum += p as usize & 0xff;
                slots[i] = Some((p, l));
            }
        }
        if step % 1000 == 0 {
            let mut l = Layout::from_size_align(8, 8).unwrap();
            // SAFETY: non-zero size.
            let mut p = unsafe { a.alloc(l) };
            while l.size() < 64 * 1024 {
                // SAFETY: `p` came from `a` with `l`; the new size is non-zero and fits.
                p = unsafe { a.realloc(p, l, l.size() * 2) };
                assert!(!p.is_null());
                l = Layout::from_size_align(l.size() * 2, 8).unwrap();
            }
            // SAFETY: as above.
            unsafe { a.dealloc(p, l) };
        }
    }
    for (p, l) in slots.into_iter().flatten() {
        // SAFETY: each block is live and freed once.
        unsafe { a.dealloc(p, l) };
    }
    sum
}

/// One size class: 1000 blocks of `size` allocated, then freed in a shuffled order.
fn class(a: &dyn GlobalAlloc, size: usize, order: &[usize]) {
    let l = Layout::from_size_align(size, 8).unwrap();
    let mut blocks = Vec::with_capacity(order.len());
    for _ in 0..order.len() {
        // SAFETY: non-zero size.
        let p = unsafe { a.alloc(l) };
        assert!(!p.is_null());
        blocks.push(p);
    }
    for &i in order {
        // SAFETY: each block is live and freed once (`order` is a permutation).
        unsafe { a.dealloc(blocks[i], l) };
    }
}

/// The kit's heap over 1 GiB of fresh anonymous memory (reserved lazily, never unmapped).
fn kit_heap() -> &'static KernelHeap {
    const SIZE: usize = 1 << 30;
    // SAFETY: a new private anonymous mapping, placed by the kernel: it replaces nothing.
    let start = unsafe {
        mmap(
            std::ptr::null_mut(),
            SIZE,
            ProtFlags::READ | ProtFlags::WRITE,
            MapFlags::PRIVATE | MapFlags::ANONYMOUS | MapFlags::NORESERVE,
            None,
            0,
        )
    }
    .expect("mmap 1 GiB for the kit's heap");
    // SAFETY: the mapping is page-aligned, ours alone, and leaked (mapped for good).
    Box::leak(Box::new(unsafe { KernelHeap::from_region(start, SIZE) }))
}

fn heap(c: &mut Criterion) {
    let kit = kit_heap();
    let peers: [(&str, &dyn GlobalAlloc); 2] = [("kit", kit), ("glibc", &System)];
    let mut g = c.benchmark_group("heap-mixed");
    for (name, a) in peers {
        g.bench_function(name, |b| b.iter(|| black_box(mixed(a))));
    }
    g.finish();
    let mut rng = Rng(42);
    let mut order: Vec<usize> = (0..1000).collect();
    for i in (1..order.len()).rev() {
        order.swap(i, rng.next() as usize % (i + 1));
    }
    for size in [16, 64, 256, 1024, 4096, 16384, 65536] {
        let mut g = c.benchmark_group(format!("heap-class-{size}"));
        for (name, a) in peers {
            g.bench_function(name, |b| b.iter(|| class(a, size, &order)));
        }
        g.finish();
    }
}

criterion_group!(benches, heap);
criterion_main!(benches);
