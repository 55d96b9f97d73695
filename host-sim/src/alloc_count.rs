//! The counting global allocator: how many heap allocations the data path
//! made.
//!
//! Producer and consumer threads call [`enter_data_path`] once their start-up
//! is done. From then on every allocation, zeroed allocation or reallocation
//! they make adds one to a global counter that the report shows as
//! "data-path allocations"; the simulator's design target is 0. Threads that
//! never enter the data path (the reporter, start-up, clap) are not counted.
//!
//! The flag is a `const`-initialised thread-local `Cell<bool>`, which needs no
//! registration or destructor, so reading it inside the allocator cannot
//! allocate or recurse.

use core::alloc::{GlobalAlloc, Layout};
use core::cell::Cell;
use core::sync::atomic::{AtomicU64, Ordering};
use std::alloc::System;

/// The system allocator, counting the data path's allocations.
#[derive(Debug)]
pub(crate) struct CountingAllocator;

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

/// Allocations made by threads while on the data path, since the process
/// started.
static DATA_PATH_ALLOCATIONS: AtomicU64 = AtomicU64::new(0);

thread_local! {
    /// Whether this thread is on the data path (set by `enter_data_path`).
    static ON_DATA_PATH: Cell<bool> = const { Cell::new(false) };
}

/// Marks the calling thread as part of the data path: its allocations count
/// from now on.
pub(crate) fn enter_data_path() {
    ON_DATA_PATH.with(|flag| flag.set(true));
}

/// Stops counting the calling thread's allocations (for its shut-down).
pub(crate) fn leave_data_path() {
    ON_DATA_PATH.with(|flag| flag.set(false));
}

/// Allocations made on the data path so far, by all threads.
pub(crate) fn data_path_allocations() -> u64 {
    DATA_PATH_ALLOCATIONS.load(Ordering::Relaxed)
}

fn note_allocation() {
    // `try_with` so that an allocation made while the thread-local is being
    // torn down is simply not counted instead of panicking.
    if ON_DATA_PATH.try_with(Cell::get).unwrap_or(false) {
        DATA_PATH_ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
    }
}

// SAFETY: every method forwards to `System` with the caller's arguments
// unchanged, so `System`'s guarantees carry over; counting touches only an
// atomic and a thread-local `Cell`, neither of which allocates.
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note_allocation();
        // SAFETY: the caller upholds `GlobalAlloc::alloc`'s contract, which is
        // `System.alloc`'s.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        note_allocation();
        // SAFETY: as for `alloc`.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        note_allocation();
        // SAFETY: the caller guarantees `ptr` came from this allocator (hence
        // from `System`) with `layout`, and that `new_size` is valid.
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: the caller guarantees `ptr` came from this allocator (hence
        // from `System`) with `layout`.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_only_threads_on_the_data_path() {
        let before = data_path_allocations();
        let off_path = std::thread::spawn(|| core::hint::black_box(vec![1u8; 64]).len());
        assert_eq!(off_path.join().unwrap(), 64);

        let on_path = std::thread::spawn(|| {
            enter_data_path();
            let boxed = core::hint::black_box(Box::new([7u8; 32]));
            leave_data_path();
            boxed[0]
        });
        assert_eq!(on_path.join().unwrap(), 7);

        // Exactly the one box: the other thread's vector is not counted. (No
        // other unit test of this crate enters the data path.)
        assert_eq!(data_path_allocations(), before + 1);
    }
}
