//! [`KernelHeap`]: a global allocator fed by the kernel on demand (feature `alloc`).
//!
//! Memory comes from raising the program break (`brk(2)`), so the heap is one contiguous range
//! that grows at its top; [`linked_list_allocator`] manages the holes inside it. Nothing
//! happens until the first allocation.
//!
//! In front of it sits a size-class cache for small blocks (up to [`SMALL_MAX`] bytes,
//! alignment up to 16): a request is rounded up to a power of two from 16 B, and each class keeps
//! a free list of its blocks (the first word of a free block points to the next). A class gets
//! memory from the list heap a chunk at a time (4 KiB to 64 KiB) and cuts blocks from it as
//! needed. Freeing a small block pushes it on its list, so allocating and freeing small blocks
//! costs a few instructions instead of a search through the list heap's holes, which grows
//! with the number of live blocks. Small blocks are never given back to the list heap: memory
//! a class once held stays with that class. Larger blocks go to the list heap directly.
//!
//! When the kernel refuses more memory, the allocation returns null, and Rust's allocation error
//! handler panics with `memory allocation of N bytes failed`, which the runtime's panic handler
//! reports as the one line `PROGRAM: out of memory (N bytes)` before exiting with status 101
//! (see [`rt::panic`](super::panic#out-of-memory)).
//!
//! ```ignore
//! #[global_allocator]
//! static HEAP: syscall_kit::rt::heap::KernelHeap = syscall_kit::rt::heap::KernelHeap::new();
//! ```

use core::alloc::{GlobalAlloc, Layout};
use core::cell::UnsafeCell;
use core::ptr::{NonNull, null_mut};

use linked_list_allocator::{Heap, LockedHeap};

use crate::Result;
use crate::mm::brk;

/// The least the heap grows by at a time (it grows by more for a larger request).
pub const GROW_STEP: usize = 256 * 1024;

/// The largest request the size classes serve; larger ones go to the list heap.
pub const SMALL_MAX: usize = 16 * 1024;

/// Classes 16, 32, 64 … [`SMALL_MAX`] bytes.
const CLASSES: usize = (SMALL_MAX.trailing_zeros() - MIN_SHIFT + 1) as usize;
const MIN_SHIFT: u32 = 4;

/// The size class of `layout`, when the front end serves it.
#[inline]
fn class_of(layout: Layout) -> Option<usize> {
    if layout.size() > SMALL_MAX || layout.align() > 16 {
        return None;
    }
    let shift = layout
        .size()
        .max(1 << MIN_SHIFT)
        .next_power_of_two()
        .trailing_zeros();
    Some((shift - MIN_SHIFT) as usize)
}

/// Bytes of a block of class `c`.
const fn class_size(c: usize) -> usize {
    1 << (c as u32 + MIN_SHIFT)
}

/// The free lists and the chunk being cut, per class.
struct Classes {
    /// First free block of each class (null: none); each free block's first word holds the
    /// next one.
    free: [*mut u8; CLASSES],
    /// The unused rest of each class's current chunk, `[next, end)`.
    next: [*mut u8; CLASSES],
    end: [*mut u8; CLASSES],
}

/// A `GlobalAlloc` over memory obtained with `brk(2)`; see the [module](self).
pub struct KernelHeap {
    heap: LockedHeap,
    /// Only touched while `heap`'s lock is held.
    classes: UnsafeCell<Classes>,
    /// Made by [`KernelHeap::from_region`]: never grows, never calls `brk(2)`.
    fixed: bool,
}

impl KernelHeap {
    /// An empty heap: no memory is asked for until the first allocation.
    pub const fn new() -> KernelHeap {
        KernelHeap {
            heap: LockedHeap::empty(),
            classes: UnsafeCell::new(Classes::EMPTY),
            fixed: false,
        }
    }

    /// A heap over the memory `[start, start + size)` that the caller provides (for example
    /// from `mmap(2)`), which never grows and never calls `brk(2)`: an allocation that does
    /// not fit returns null.
    ///
    /// For benchmarks and tests inside a process whose C library owns the program break (glibc's
    /// `malloc` moves it too, so a [`KernelHeap::new`] there would corrupt both heaps). The
    /// allocator is the same; only where memory comes from differs.
    ///
    /// # Safety
    /// The range must be readable and writable, aligned to 16 bytes, at least a few words
    /// long, used by nothing else, and stay mapped for as long as the heap or any block from it
    /// is used.
    pub unsafe fn from_region(start: *mut u8, size: usize) -> KernelHeap {
        KernelHeap {
            // SAFETY: forwarded to the caller.
            heap: unsafe { LockedHeap::new(start, size) },
            classes: UnsafeCell::new(Classes::EMPTY),
            fixed: true,
        }
    }

    /// Bytes the heap holds (in use or free), as `(used, size)`. The chunks of the size
    /// classes count as used, whether their blocks are in use or on a free list.
    pub fn usage(&self) -> (usize, usize) {
        let heap = self.heap.lock();
        (heap.used(), heap.size())
    }
}

impl Classes {
    const EMPTY: Classes = Classes {
        free: [null_mut(); CLASSES],
        next: [null_mut(); CLASSES],
        end: [null_mut(); CLASSES],
    };
}

// SAFETY: the raw pointers of `classes` point into the heap's own memory, and `classes` is only
// read or written while the spin lock of `heap` is held (see `alloc`, `dealloc`), so sharing a
// `KernelHeap` between threads is as safe as sharing `LockedHeap`.
unsafe impl Sync for KernelHeap {}

impl Default for KernelHeap {
    fn default() -> Self {
        KernelHeap::new()
    }
}

/// Raises the break so that `heap` can hold `layout`, and hands the new memory to `heap`.
fn grow(heap: &mut Heap, layout: Layout) -> Result<()> {
    use crate::Errno;
    // Room for the block, its worst-case alignment padding, and the allocator's bookkeeping.
    let need = layout
        .size()
        .checked_add(layout.align())
        .and_then(|n| n.checked_add(4 * size_of::<usize>()))
        .ok_or(Errno::ENOMEM)?;
    let by = need
        .max(GROW_STEP)
        .checked_next_multiple_of(4096)
        .ok_or(Errno::ENOMEM)?;
    if heap.bottom().is_null() {
        // SAFETY: asking for the break changes nothing.
        let start = unsafe { brk(null_mut()) }?;
        let start = start.wrapping_add(start.align_offset(16));
        let end = start.wrapping_add(by);
        if end < start {
            return Err(Errno::ENOMEM);
        }
        // SAFETY: only raises the break; nothing else in the process uses it.
        unsafe { brk(end) }?;
        // SAFETY: `[start, end)` was just made part of the data segment, is used by nothing
        // else and stays mapped for the life of the process (the break is never lowered).
        unsafe { heap.init(start, by) };
    } else {
        let top = heap.top();
        let end = top.wrapping_add(by);
        if end < top {
            return Err(Errno::ENOMEM);
        }
        // SAFETY: as above; the heap's top is the break, since only this heap moves it.
        unsafe { brk(end) }?;
        // SAFETY: `[top, end)` directly follows the heap's memory and is now mapped for good.
        unsafe { heap.extend(by) };
    }
    Ok(())
}

// SAFETY: `GlobalAlloc` asks that a block be null or at least `layout.size()` bytes aligned to
// `layout.align()`, overlap no other live block, and stay valid until it is freed. There are two
// kinds of block, and which kind depends only on the layout (`class_of`), so the `dealloc` or
// `realloc` of a block (given the layout of its `alloc`, by the trait's contract) finds the kind
// and the class it came from:
// - Large layouts go to the list heap with that layout and come back to it with the same one,
//   which is `linked_list_allocator`'s own contract.
// - A small layout of class `c` gets a block of `class_size(c)` bytes, a power of two no smaller
//   than the size. Blocks are cut one after the other from a chunk, a live block of the list
//   heap (16-aligned, a multiple of the class size) that is never given back; so blocks are
//   disjoint, and each sits at a multiple of its class size from a 16-aligned start, which is
//   16-aligned, and no small layout asks more than 16. A freed block is pushed on the free list
//   of its own class only, and handed out again only from that list, for a layout of that class
//   (`realloc` within one class keeps the block, which is already big enough).
// The memory stays mapped: the break is never lowered, and a `from_region` heap's caller
// promised its region. The free lists and chunk pointers are read and written only with the spin
// lock of `heap` held, which serialises every call; none of them panics.
unsafe impl GlobalAlloc for KernelHeap {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let mut heap = self.heap.lock();
        let Some(c) = class_of(layout) else {
            return self.alloc_large(&mut heap, layout);
        };
        // SAFETY: the lock is held (see the `Sync` impl).
        let classes = unsafe { &mut *self.classes.get() };
        let head = classes.free[c];
        if !head.is_null() {
            // SAFETY: `head` is a free block of this class, whose first word holds the next
            // one (written by `dealloc`); blocks are at least 16 bytes and 16-aligned.
            classes.free[c] = unsafe { head.cast::<*mut u8>().read() };
            return head;
        }
        let size = class_size(c);
        if classes.next[c] == classes.end[c] {
            let chunk = (size * 64).clamp(4096, 64 * 1024);
            // SAFETY: 16 divides `chunk`, a power of two, and is a power of two.
            let chunk_layout = unsafe { Layout::from_size_align_unchecked(chunk, 16) };
            let p = self.alloc_large(&mut heap, chunk_layout);
            if p.is_null() {
                return p;
            }
            classes.next[c] = p;
            classes.end[c] = p.wrapping_add(chunk);
        }
        let p = classes.next[c];
        // `size` divides the chunk, so `next` reaches `end` exactly.
        classes.next[c] = p.wrapping_add(size);
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        let mut heap = self.heap.lock();
        match class_of(layout) {
            Some(c) => {
                // SAFETY: the lock is held (see the `Sync` impl).
                let classes = unsafe { &mut *self.classes.get() };
                // SAFETY: `ptr` is a block of class `c` (same layout as its `alloc`), at least
                // 16 bytes and 16-aligned, no longer used by the caller: its first word is ours.
                unsafe { ptr.cast::<*mut u8>().write(classes.free[c]) };
                classes.free[c] = ptr;
            }
            // SAFETY: GlobalAlloc's contract: `ptr` came from `alloc` of this heap with
            // `layout`, which went to the list heap.
            None => unsafe { heap.deallocate(NonNull::new_unchecked(ptr), layout) },
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: GlobalAlloc's contract: `new_size` rounded up to `layout.align()` does not
        // overflow, so this layout is valid.
        let new_layout = unsafe { Layout::from_size_align_unchecked(new_size, layout.align()) };
        if let (Some(old), Some(new)) = (class_of(layout), class_of(new_layout))
            && old == new
        {
            // Same class: the block already has room.
            return ptr;
        }
        // SAFETY: `new_layout` has a non-zero size (GlobalAlloc's contract).
        let new = unsafe { self.alloc(new_layout) };
        if !new.is_null() {
            // SAFETY: both blocks are live, distinct, and at least this long.
            unsafe { core::ptr::copy_nonoverlapping(ptr, new, layout.size().min(new_size)) };
            // SAFETY: `ptr` came from this heap with `layout` and is not used again.
            unsafe { self.dealloc(ptr, layout) };
        }
        new
    }
}

impl KernelHeap {
    /// A block from the list heap, growing it when needed (unless the heap is fixed).
    fn alloc_large(&self, heap: &mut Heap, layout: Layout) -> *mut u8 {
        if let Ok(p) = heap.allocate_first_fit(layout) {
            return p.as_ptr();
        }
        if self.fixed || grow(heap, layout).is_err() {
            return null_mut();
        }
        heap.allocate_first_fit(layout)
            .map_or(null_mut(), |p| p.as_ptr())
    }
}
