//! [`KernelHeap`]: a global allocator fed by the kernel on demand (feature `alloc`).
//!
//! Memory comes from raising the program break (`brk(2)`), so the heap is one contiguous range
//! that grows at its top; [`linked_list_allocator`] manages the holes inside it. Nothing
//! happens until the first allocation. When the kernel refuses more memory, the allocation
//! returns null, and Rust's allocation error handler panics with `memory allocation of N bytes
//! failed`, which the runtime's panic handler prints before exiting with status 101.
//!
//! ```ignore
//! #[global_allocator]
//! static HEAP: syscall_kit::rt::heap::KernelHeap = syscall_kit::rt::heap::KernelHeap::new();
//! ```

use core::alloc::{GlobalAlloc, Layout};
use core::ptr::{NonNull, null_mut};

use linked_list_allocator::{Heap, LockedHeap};

use crate::Result;
use crate::mm::brk;

/// The least the heap grows by at a time (it grows by more for a larger request).
pub const GROW_STEP: usize = 256 * 1024;

/// A `GlobalAlloc` over memory obtained with `brk(2)`; see the [module](self).
pub struct KernelHeap {
    heap: LockedHeap,
}

impl KernelHeap {
    /// An empty heap: no memory is asked for until the first allocation.
    pub const fn new() -> KernelHeap {
        KernelHeap {
            heap: LockedHeap::empty(),
        }
    }

    /// Bytes the heap holds (in use or free), as `(used, size)`.
    pub fn usage(&self) -> (usize, usize) {
        let heap = self.heap.lock();
        (heap.used(), heap.size())
    }
}

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

// SAFETY: every block returned comes from `Heap::allocate_first_fit` for that layout, within
// memory that stays mapped; blocks go back to the same heap with the same layout. The spin lock
// of `LockedHeap` serialises all access.
unsafe impl GlobalAlloc for KernelHeap {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let mut heap = self.heap.lock();
        if let Ok(p) = heap.allocate_first_fit(layout) {
            return p.as_ptr();
        }
        if grow(&mut heap, layout).is_err() {
            return null_mut();
        }
        heap.allocate_first_fit(layout)
            .map_or(null_mut(), |p| p.as_ptr())
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: GlobalAlloc's contract: `ptr` came from `alloc` of this heap with `layout`.
        unsafe {
            self.heap
                .lock()
                .deallocate(NonNull::new_unchecked(ptr), layout)
        }
    }
}
