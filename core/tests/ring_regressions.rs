//! Regression tests for `tickring::Ring`, each named after the failure it pins.
//!
//! Every test uses the public API only. The loom build replaces the ring's
//! atomics with loom's, which only work inside a loom model, so this file is
//! left out of it.

#![cfg(not(loom))]

use core::cell::Cell;
use core::sync::atomic::{AtomicUsize, Ordering};
use std::thread;

use tickring::Ring;

/// An item that counts how many times it has been dropped.
#[derive(Debug)]
struct Counted<'a> {
    drops: &'a AtomicUsize,
}

impl Drop for Counted<'_> {
    fn drop(&mut self) {
        self.drops.fetch_add(1, Ordering::Relaxed);
    }
}

/// Compiles only when `T` is `Sync`.
fn assert_sync<T: Sync>() {}

// Guards against an 8-bit position wrapping to a stale slot stamp after 256
// operations, which makes an empty ring look as if it held an item.
#[test]
fn empty_after_255_pairs_pops_none() {
    let ring: Ring<u32, 2> = Ring::new();
    for n in 0..255 {
        ring.try_push(n).unwrap();
        assert_eq!(ring.try_pop(), Some(n));
    }

    assert_eq!(ring.try_pop(), None);
    assert_eq!((ring.write_position(), ring.read_position()), (255, 255));
    assert!(ring.is_empty());
}

// Guards against the same narrow-counter wrap letting a push overwrite the
// oldest item of a full ring instead of handing the new one back.
#[test]
fn full_after_254_pairs_hands_back_third_push() {
    let ring: Ring<u32, 2> = Ring::new();
    for n in 0..254 {
        ring.try_push(n).unwrap();
        assert_eq!(ring.try_pop(), Some(n));
    }

    ring.try_push(1000).unwrap();
    ring.try_push(1001).unwrap();
    assert_eq!(ring.try_push(1002), Err(1002));
    assert_eq!(ring.len(), 2);
    assert_eq!(ring.try_pop(), Some(1000));
    assert_eq!(ring.try_pop(), Some(1001));
    assert_eq!(ring.try_pop(), None);
}

// Guards against losing or repeating items when the positions wrap past
// `usize::MAX`, where a signed-difference or stamp bug would show.
#[test]
fn positions_wrapping_past_usize_max_lose_and_repeat_nothing() {
    for start in [usize::MAX - 9, usize::MAX - 1, usize::MAX] {
        let ring: Ring<usize, 4> = Ring::starting_at(start);
        let mut next_in = 0;
        let mut next_out = 0;

        // Alternate bursts that fill the ring with partial drains, so the
        // wrap is crossed both while full and while half full.
        while next_out < 24 {
            while ring.try_push(next_in).is_ok() {
                next_in += 1;
            }
            assert_eq!(ring.len(), 4, "full ring from start {start}");
            for _ in 0..3 {
                assert_eq!(ring.try_pop(), Some(next_out), "start {start}");
                next_out += 1;
            }
        }
        while let Some(item) = ring.try_pop() {
            assert_eq!(item, next_out, "start {start}");
            next_out += 1;
        }

        assert_eq!(next_out, next_in, "start {start}: every pushed item popped");
        assert_eq!(ring.write_position(), start.wrapping_add(next_in));
        assert_eq!(ring.read_position(), start.wrapping_add(next_out));
        assert!(ring.is_empty());
    }
}

// Guards against `len` reading the wrap as a huge count, or as empty, while
// items straddle `usize::MAX`.
#[test]
fn len_counts_items_straddling_the_wrap() {
    let ring: Ring<u8, 8> = Ring::starting_at(usize::MAX - 2);
    for n in 0..6 {
        ring.try_push(n).unwrap();
    }

    assert_eq!(ring.write_position(), 3);
    assert_eq!(ring.read_position(), usize::MAX - 2);
    assert_eq!(ring.len(), 6);
}

// Guards against leaking the items a ring still holds when it is dropped.
#[test]
fn dropping_a_ring_drops_each_held_item_once() {
    for held in 0..=8 {
        let drops = AtomicUsize::new(0);
        let ring: Ring<Counted<'_>, 8> = Ring::new();
        for _ in 0..held {
            ring.try_push(Counted { drops: &drops }).unwrap();
        }
        assert_eq!(
            drops.load(Ordering::Relaxed),
            0,
            "held items are not dropped early"
        );

        drop(ring);

        assert_eq!(drops.load(Ordering::Relaxed), held, "ring holding {held}");
    }
}

// Guards against a drop running twice (or never) for popped items, and for
// items a full ring hands back, including across a wrap of the slots.
#[test]
fn popped_and_rejected_items_are_dropped_once() {
    let drops = AtomicUsize::new(0);
    let ring: Ring<Counted<'_>, 2> = Ring::starting_at(usize::MAX);

    for round in 1..=5 {
        ring.try_push(Counted { drops: &drops }).unwrap();
        ring.try_push(Counted { drops: &drops }).unwrap();
        let rejected = ring.try_push(Counted { drops: &drops }).unwrap_err();
        drop(rejected);
        drop(ring.try_pop().unwrap());
        drop(ring.try_pop().unwrap());
        assert_eq!(drops.load(Ordering::Relaxed), 3 * round);
    }

    ring.try_push(Counted { drops: &drops }).unwrap();
    drop(ring);
    assert_eq!(drops.load(Ordering::Relaxed), 16);
}

// Guards against `len` combining a stale read position with a fresh write
// position (or the reverse) into a count above the capacity, or a wrapped one.
#[test]
fn len_stays_within_capacity_under_three_producers_and_two_consumers() {
    const ROUNDS: usize = if cfg!(miri) { 200 } else { 200_000 };
    let ring: Ring<usize, 4> = Ring::new();
    let producing = AtomicUsize::new(3);
    let worst = AtomicUsize::new(0);

    thread::scope(|scope| {
        for _ in 0..3 {
            scope.spawn(|| {
                let mut seen = 0;
                for n in 0..ROUNDS {
                    while ring.try_push(n).is_err() {
                        thread::yield_now();
                    }
                    seen = seen.max(ring.len());
                }
                producing.fetch_sub(1, Ordering::Release);
                worst.fetch_max(seen, Ordering::Relaxed);
            });
        }
        for _ in 0..2 {
            scope.spawn(|| {
                let mut seen = 0;
                loop {
                    let finished = producing.load(Ordering::Acquire) == 0;
                    let popped = ring.try_pop();
                    seen = seen.max(ring.len());
                    if popped.is_none() {
                        if finished {
                            break;
                        }
                        thread::yield_now();
                    }
                }
                worst.fetch_max(seen, Ordering::Relaxed);
            });
        }

        // A watcher that is often preempted between `len`'s two loads, which
        // is when a stale read position meets a fresh write position.
        let mut seen = 0;
        while producing.load(Ordering::Acquire) > 0 {
            for _ in 0..1000 {
                seen = seen.max(ring.len());
            }
            thread::yield_now();
        }
        worst.fetch_max(seen, Ordering::Relaxed);
    });

    let worst = worst.load(Ordering::Relaxed);
    assert!(
        worst <= ring.capacity(),
        "len() reported {worst} on a ring of 4"
    );
    assert!(ring.is_empty());
}

// Guards against requiring `T: Sync` for a shared ring: `Ring` hands each item
// to one thread, so `Cell` (Send, not Sync) items must be allowed.
#[test]
fn ring_of_send_only_items_is_sync() {
    assert_sync::<Ring<Cell<u32>, 2>>();

    static CELLS: Ring<Cell<u32>, 2> = Ring::new();
    CELLS.try_push(Cell::new(5)).unwrap();
    assert_eq!(CELLS.try_pop().map(Cell::into_inner), Some(5));
}
