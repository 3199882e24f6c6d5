//! Memory of a size fixed at start-up, without a heap: anonymous mappings that the kernel fills
//! with pages only as they are first touched. A table of [`Slots`] (the connections) and a
//! [`Pool`] of fixed-size buffers (their bytes in and out) each reserve room for the most a
//! worker can hold, and cost memory only for what it has used.

use core::mem::{MaybeUninit, size_of};
use core::ptr::NonNull;

use syscall_kit::mm::{self, MapFlags, ProtFlags};
use syscall_kit::{Errno, Result};

/// `len` bytes of zeroed memory that is never given back (a worker holds its tables until it
/// exits), reserved without counting against the commit limit (`MAP_NORESERVE`).
fn map(len: usize) -> Result<NonNull<u8>> {
    // SAFETY: a new anonymous private mapping at an address of the kernel's choosing replaces
    // nothing; the memory is used only through the types below, each the sole owner of its
    // mapping.
    let p = unsafe {
        mm::mmap(
            core::ptr::null_mut(),
            len.max(1),
            ProtFlags::READ | ProtFlags::WRITE,
            MapFlags::PRIVATE | MapFlags::ANONYMOUS | MapFlags::NORESERVE,
            None,
            0,
        )
    }?;
    NonNull::new(p).ok_or(Errno::ENOMEM)
}

/// A table of up to `capacity` values of `T`, each in a slot with an index: slots are written
/// the first time they are taken (the pages of those never taken are never touched), and a slot
/// given back is the next one taken.
pub struct Slots<T> {
    base: NonNull<MaybeUninit<T>>,
    capacity: usize,
    /// Slots `0..made` have been written once and hold a `T`.
    made: usize,
    /// The slots given back, most recent last: indexes into the first `made` slots.
    free: NonNull<u32>,
    free_len: usize,
}

impl<T> Slots<T> {
    /// Room for `capacity` values, reserved.
    pub fn new(capacity: usize) -> Result<Slots<T>> {
        // The values, then the free list's `u32`s from the next multiple of 4.
        let free_offset = capacity
            .checked_mul(size_of::<T>())
            .ok_or(Errno::ENOMEM)?
            .next_multiple_of(4);
        let bytes = capacity
            .checked_mul(size_of::<u32>())
            .and_then(|n| n.checked_add(free_offset))
            .ok_or(Errno::ENOMEM)?;
        let base = map(bytes)?;
        Ok(Slots {
            base: base.cast(),
            capacity,
            made: 0,
            // SAFETY: `free_offset` is within the mapping (or at its end, for no slot), and a
            // multiple of 4 from a page-aligned start: aligned for `u32`. (A mapping is
            // page-aligned, enough for the values of any `T` a table holds.)
            free: unsafe { base.add(free_offset) }.cast(),
            free_len: 0,
        })
    }

    /// Puts `value` in a free slot and returns its index; `None` when all are taken.
    pub fn insert(&mut self, value: T) -> Option<usize> {
        if let Some(last) = self.free_len.checked_sub(1) {
            self.free_len = last;
            // SAFETY: `last` is below `free_len`, within the free list, whose entries are the
            // indexes of slots below `made`, each written once (and still holding the value
            // that `remove` left there).
            let index = unsafe { *self.free.as_ptr().add(last) } as usize;
            // SAFETY: as above: slot `index` holds a `T`, which the assignment drops.
            unsafe { *(*self.base.as_ptr().add(index)).assume_init_mut() = value };
            return Some(index);
        }
        if self.made == self.capacity {
            return None;
        }
        let index = self.made;
        // SAFETY: `index` is below `capacity`, in the mapping; the slot was never written.
        unsafe { (*self.base.as_ptr().add(index)).write(value) };
        self.made += 1;
        Some(index)
    }

    /// Gives slot `index` back after replacing its value with `empty` (which drops the old
    /// one: a connection's descriptors are closed there).
    pub fn remove(&mut self, index: usize, empty: T) {
        if let Some(slot) = self.get_mut(index) {
            *slot = empty;
            // SAFETY: there are at most `made` free entries (each slot is given back once
            // between two takes: `insert` takes it off the list), and `made <= capacity`.
            unsafe { *self.free.as_ptr().add(self.free_len) = index as u32 };
            self.free_len += 1;
        }
    }

    /// The value of slot `index`, if it was ever taken (a slot given back holds its `empty`).
    pub fn get(&self, index: usize) -> Option<&T> {
        if index < self.made {
            // SAFETY: slots below `made` hold a `T`.
            Some(unsafe { (*self.base.as_ptr().add(index)).assume_init_ref() })
        } else {
            None
        }
    }

    /// The value of slot `index`, to change, if it was ever taken.
    pub fn get_mut(&mut self, index: usize) -> Option<&mut T> {
        if index < self.made {
            // SAFETY: slots below `made` hold a `T`; `&mut self` makes the borrow unique.
            Some(unsafe { (*self.base.as_ptr().add(index)).assume_init_mut() })
        } else {
            None
        }
    }

    /// How many slots are taken now.
    pub fn len(&self) -> usize {
        self.made - self.free_len
    }

    /// How many slots were ever written: every index below is [`get_mut`](Slots::get_mut)'s.
    pub fn made(&self) -> usize {
        self.made
    }
}

/// Bytes, zeroed at first: a file's text read whole.
pub struct Bytes {
    base: NonNull<u8>,
    len: usize,
}

impl Bytes {
    /// `len` bytes, reserved.
    pub fn new(len: usize) -> Result<Bytes> {
        Ok(Bytes {
            base: map(len)?,
            len,
        })
    }

    pub fn as_ref(&self) -> &[u8] {
        // SAFETY: the mapping holds `len` bytes (zeroed or written), owned by `self`.
        unsafe { core::slice::from_raw_parts(self.base.as_ptr(), self.len) }
    }

    pub fn as_mut(&mut self) -> &mut [u8] {
        // SAFETY: as above; `&mut self` makes the borrow unique.
        unsafe { core::slice::from_raw_parts_mut(self.base.as_ptr(), self.len) }
    }
}

/// The size of a [`Pool`]'s buffers: a request's head at most (RFC 9112 has no limit; 8 KiB is
/// what nginx and most servers take), and the head of a response with room to spare.
pub const BUF: usize = 8192;

/// A buffer's index in its [`Pool`].
pub type BufId = u32;

/// Buffers of [`BUF`] bytes, taken and given back by index, the last given back taken first
/// (so that the buffers in use stay few and their pages warm).
pub struct Pool {
    base: NonNull<[u8; BUF]>,
    capacity: usize,
    made: usize,
    /// The buffers given back, most recent last.
    free: NonNull<BufId>,
    free_len: usize,
}

impl Pool {
    /// Room for `capacity` buffers (at least one), reserved.
    pub fn new(capacity: usize) -> Result<Pool> {
        let capacity = capacity.max(1);
        let bytes = capacity
            .checked_mul(BUF + size_of::<BufId>())
            .ok_or(Errno::ENOMEM)?;
        let base = map(bytes)?;
        Ok(Pool {
            base: base.cast(),
            capacity,
            made: 0,
            // SAFETY: the mapping holds `capacity` buffers, then `capacity` indexes, 4-aligned
            // after buffers of 8192 bytes.
            free: unsafe { base.add(capacity * BUF) }.cast(),
            free_len: 0,
        })
    }

    /// A buffer, with whatever it held before; `None` when all are in use.
    pub fn take(&mut self) -> Option<BufId> {
        if let Some(last) = self.free_len.checked_sub(1) {
            self.free_len = last;
            // SAFETY: `last` is within the free list, whose entries are indexes below `made`.
            return Some(unsafe { *self.free.as_ptr().add(last) });
        }
        if self.made == self.capacity {
            return None;
        }
        self.made += 1;
        Some((self.made - 1) as BufId)
    }

    /// Gives buffer `id` back.
    pub fn give(&mut self, id: BufId) {
        if (id as usize) < self.made && self.free_len < self.made {
            // SAFETY: `free_len < made <= capacity`: within the free list.
            unsafe { *self.free.as_ptr().add(self.free_len) = id };
            self.free_len += 1;
        }
    }

    /// The bytes of buffer `id`.
    pub fn bytes(&mut self, id: BufId) -> &mut [u8; BUF] {
        let index = (id as usize).min(self.capacity.saturating_sub(1));
        // SAFETY: `index` is below `capacity` (a pool of no buffer hands out no id), in the
        // mapping; zeroed or written bytes are valid `u8`s; `&mut self` makes the borrow
        // unique.
        unsafe { &mut *self.base.as_ptr().add(index) }
    }
}
