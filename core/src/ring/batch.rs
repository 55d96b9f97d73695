//! Batch operations: many items for one compare-and-swap.
//!
//! A batch claims a run of consecutive positions with a single
//! compare-and-swap on the write (or read) position, instead of one per item.
//! Uncontended, a batch of `k` costs `k` stamp loads, one compare-and-swap,
//! `k` copies and `k` stamp stores. The guarantees are those of the single-item
//! operations: lock-free, never waiting for another thread, loss-free, and in
//! order per producer (a batch's items are claimed as one consecutive run, so
//! no other producer's items interleave with them).
//!
//! A batch takes the longest run that is ready *now* and never waits for more:
//! a push stops at the first slot that is not free, a pop at the first item
//! not yet written.
//!
//! ```
//! use tickring::Ring;
//!
//! static RING: Ring<u32, 8> = Ring::new();
//!
//! assert_eq!(RING.try_push_slice(&[1, 2, 3]), 3);
//! assert_eq!(RING.try_push_slice(&[4, 5, 6, 7, 8, 9, 10]), 5, "only five slots were free");
//!
//! let mut out = [0; 4];
//! assert_eq!(RING.try_pop_slice(&mut out), 4);
//! assert_eq!(out, [1, 2, 3, 4]);
//!
//! let mut rest = Vec::new();
//! assert_eq!(RING.try_pop_with(usize::MAX, |n| rest.push(n)), 4);
//! assert_eq!(rest, [5, 6, 7, 8]);
//! ```

use core::mem::MaybeUninit;

use super::Ring;
use crate::sync::Ordering;

impl<T, const N: usize> Ring<T, N> {
    /// Pushes items from the front of `items`, as many as there are free
    /// slots in a row, with one compare-and-swap; returns how many it pushed
    /// (0 when the next slot is not free). The rest of `items` is untouched
    /// and can be retried.
    ///
    /// `T: Copy` because a claimed slot must be filled: copying out of a slice
    /// cannot panic half-way and strand a claimed, empty slot.
    pub fn try_push_slice(&self, items: &[T]) -> usize
    where
        T: Copy,
    {
        let wanted = items.len().min(N);
        if wanted == 0 {
            return 0;
        }

        let mut start = self.tail.0.load(Ordering::Relaxed);
        loop {
            let free = match self.free_run(start, wanted) {
                Run::Ready(count) => count,
                Run::Blocked => return 0,
                Run::Stale => {
                    start = self.tail.0.load(Ordering::Relaxed);
                    continue;
                }
            };

            let end = start.wrapping_add(free);
            match self.tail.0.compare_exchange_weak(
                start,
                end,
                Ordering::Relaxed,
                Ordering::Relaxed,
            ) {
                Ok(_) => {
                    for (offset, &item) in items[..free].iter().enumerate() {
                        let position = start.wrapping_add(offset);
                        let slot = &self.slots[position & Self::MASK];
                        // SAFETY: `free_run` saw `stamp == position` for every
                        // position in `start..end` (with Acquire, so each
                        // previous lap's read is complete), and our CAS moved
                        // the tail from `start` to `end`. A free slot at or
                        // beyond the tail changes only when a producer claims
                        // it, so all of them are still free and this producer
                        // alone owns them until it publishes their stamps.
                        slot.value
                            .with_mut(|cell| unsafe { cell.write(MaybeUninit::new(item)) });
                        slot.stamp
                            .store(position.wrapping_add(1), Ordering::Release);
                    }
                    return free;
                }
                Err(current) => start = current,
            }
        }
    }

    /// Pops up to `max` items that are ready in a row, with one
    /// compare-and-swap, handing each to `consume` oldest first; returns how
    /// many it popped (0 when the next item is not ready).
    ///
    /// Each slot is freed for producers before its item is handed to
    /// `consume`, so a slow `consume` delays no producer. If `consume`
    /// panics, the rest of the claimed items are dropped and their slots
    /// freed, so the ring stays usable and nothing leaks.
    pub fn try_pop_with(&self, max: usize, mut consume: impl FnMut(T)) -> usize {
        let wanted = max.min(N);
        if wanted == 0 {
            return 0;
        }

        let mut start = self.head.0.load(Ordering::Relaxed);
        loop {
            let ready = match self.ready_run(start, wanted) {
                Run::Ready(count) => count,
                Run::Blocked => return 0,
                Run::Stale => {
                    start = self.head.0.load(Ordering::Relaxed);
                    continue;
                }
            };

            let end = start.wrapping_add(ready);
            match self.head.0.compare_exchange_weak(
                start,
                end,
                Ordering::Relaxed,
                Ordering::Relaxed,
            ) {
                Ok(_) => {
                    let mut claim = Claim {
                        ring: self,
                        next: start,
                        end,
                    };
                    while let Some(item) = claim.take() {
                        consume(item);
                    }
                    return ready;
                }
                Err(current) => start = current,
            }
        }
    }

    /// Pops up to `out.len()` items that are ready in a row into the front of
    /// `out`, with one compare-and-swap; returns how many.
    pub fn try_pop_slice(&self, out: &mut [T]) -> usize
    where
        T: Copy,
    {
        let mut filled = 0;
        self.try_pop_with(out.len(), |item| {
            out[filled] = item;
            filled += 1;
        })
    }

    /// How many slots from `start` on, up to `wanted`, are free for the lap
    /// of their position.
    fn free_run(&self, start: usize, wanted: usize) -> Run {
        self.run(start, wanted, 0)
    }

    /// How many slots from `start` on, up to `wanted`, hold a written item of
    /// their position.
    fn ready_run(&self, start: usize, wanted: usize) -> Run {
        self.run(start, wanted, 1)
    }

    /// Counts the slots from `start` whose stamp is `position + offset`.
    fn run(&self, start: usize, wanted: usize, offset: usize) -> Run {
        let mut count = 0;
        while count < wanted {
            let position = start.wrapping_add(count);
            let stamp = self.slots[position & Self::MASK]
                .stamp
                .load(Ordering::Acquire);
            let lag = stamp.wrapping_sub(position.wrapping_add(offset)) as isize;
            if lag != 0 {
                return match (count, lag > 0) {
                    (0, true) => Run::Stale,
                    (0, false) => Run::Blocked,
                    _ => Run::Ready(count),
                };
            }
            count += 1;
        }
        Run::Ready(count)
    }
}

/// What a scan of slot stamps found.
enum Run {
    /// This many slots in a row, at least one, are ready to claim.
    Ready(usize),
    /// The first slot is not ready: full (push) or empty (pop), for now.
    Blocked,
    /// The first slot was already taken by another thread: the position read
    /// is out of date.
    Stale,
}

/// Positions `next..end` that one consumer claimed and has not read yet.
struct Claim<'a, T, const N: usize> {
    ring: &'a Ring<T, N>,
    next: usize,
    end: usize,
}

impl<T, const N: usize> Claim<'_, T, N> {
    /// Reads the next claimed item and frees its slot.
    fn take(&mut self) -> Option<T> {
        if self.next == self.end {
            return None;
        }
        let position = self.next;
        self.next = position.wrapping_add(1);

        let slot = &self.ring.slots[position & Ring::<T, N>::MASK];
        // SAFETY: `ready_run` saw `stamp == position + 1` for every claimed
        // position (with Acquire, so the producer's write is visible), and the
        // CAS that created this claim moved the head past all of them, so this
        // consumer alone reads each, once: `next` only moves forward. A ready
        // slot behind the tail changes only when a consumer claims it.
        let item = slot
            .value
            .with_mut(|cell| unsafe { cell.read().assume_init() });
        slot.stamp
            .store(position.wrapping_add(N), Ordering::Release);
        Some(item)
    }
}

impl<T, const N: usize> Drop for Claim<'_, T, N> {
    fn drop(&mut self) {
        // Reached with items left only when `consume` panicked: drop them and
        // free their slots so producers are not stuck behind them.
        while self.take().is_some() {}
    }
}

#[cfg(test)]
mod tests {
    extern crate std;

    use core::cell::Cell;
    use std::vec::Vec;

    use super::*;

    #[test]
    fn push_slice_stops_at_the_first_full_slot() {
        let ring: Ring<u8, 4> = Ring::new();
        assert_eq!(ring.try_push_slice(&[1, 2, 3]), 3);
        assert_eq!(ring.try_push_slice(&[4, 5]), 1);
        assert_eq!(ring.try_push_slice(&[6]), 0);
        assert_eq!(ring.try_push_slice(&[]), 0);
        assert_eq!(ring.try_pop(), Some(1));
        assert_eq!(ring.try_push_slice(&[6, 7]), 1);
        let mut out = [0; 8];
        assert_eq!(ring.try_pop_slice(&mut out), 4);
        assert_eq!(out[..4], [2, 3, 4, 6]);
    }

    #[test]
    fn pop_with_respects_max_and_empty() {
        let ring: Ring<u32, 8> = Ring::new();
        assert_eq!(ring.try_pop_with(5, |_| unreachable!("empty ring")), 0);
        ring.try_push_slice(&[10, 11, 12]);
        let mut seen = Vec::new();
        assert_eq!(ring.try_pop_with(2, |n| seen.push(n)), 2);
        assert_eq!(ring.try_pop_with(0, |n| seen.push(n)), 0);
        assert_eq!(ring.try_pop_with(9, |n| seen.push(n)), 1);
        assert_eq!(seen, [10, 11, 12]);
    }

    #[test]
    fn batches_cross_the_usize_wrap() {
        // Guards the index and stamp arithmetic of runs that span usize::MAX.
        let ring: Ring<u64, 4> = Ring::starting_at(usize::MAX - 5);
        let mut next = 0_u64;
        let mut expected = 0_u64;
        for _ in 0..10 {
            let batch = [next, next + 1, next + 2];
            next += ring.try_push_slice(&batch) as u64;
            ring.try_pop_with(2, |n| {
                assert_eq!(n, expected);
                expected += 1;
            });
        }
        while let Some(n) = ring.try_pop() {
            assert_eq!(n, expected);
            expected += 1;
        }
        assert_eq!(expected, next);
        assert!(ring.write_position() < 100, "the positions wrapped");
    }

    #[test]
    fn panicking_consumer_drops_the_rest_of_its_claim_and_frees_the_slots() {
        // Guards against a panic stranding claimed slots (producers stuck
        // forever) or leaking the items still in them.
        std::thread_local! { static DROPS: Cell<usize> = const { Cell::new(0) }; }
        struct Counted;
        impl Drop for Counted {
            fn drop(&mut self) {
                DROPS.with(|d| d.set(d.get() + 1));
            }
        }

        let ring: Ring<Counted, 4> = Ring::new();
        for _ in 0..4 {
            assert!(ring.try_push(Counted).is_ok());
        }
        let mut calls = 0;
        let outcome = std::panic::catch_unwind(core::panic::AssertUnwindSafe(|| {
            ring.try_pop_with(3, |item| {
                calls += 1;
                drop(item);
                if calls == 1 {
                    panic!("consumer fails on its first item");
                }
            })
        }));
        assert!(outcome.is_err());
        assert_eq!(DROPS.with(Cell::get), 3, "the claimed three were dropped");
        assert_eq!(ring.len(), 1);
        for _ in 0..3 {
            assert!(ring.try_push(Counted).is_ok(), "freed slots take new items");
        }
        drop(ring);
        assert_eq!(DROPS.with(Cell::get), 7);
    }
}
