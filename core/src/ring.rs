//! A bounded, non-blocking queue shared by many producers and many consumers,
//! in which each item goes to exactly one consumer.
//!
//! # Guarantees
//!
//! - **No heap.** The slots live inside the [`Ring`] value, so a ring can be a
//!   `static` on a microcontroller; [`Ring::new`] is a `const fn`.
//! - **Non-blocking.** No operation ever waits for another thread or
//!   interrupt handler: each returns after a bounded number of its own steps,
//!   except that it retries its compare-and-swap when a competing operation
//!   of the same kind completed first (so the ring as a whole always makes
//!   progress). An interrupt handler that preempts a half-finished
//!   [`Ring::try_pop`] on a single-core MCU returns at once instead of waiting
//!   for it. That is what makes the ring usable from ISRs.
//! - **What a suspended operation holds back.** Between its claim and its
//!   mark (a handful of instructions, see below) an operation owns one slot.
//!   If its thread is suspended right there, that slot stays unavailable
//!   until it resumes: consumers get `None` for the items queued behind a
//!   suspended producer's slot (they are never handed out of order), and
//!   producers cannot reuse a suspended consumer's slot, so the ring fills up
//!   one slot early at that position. Other operations still return at once,
//!   with `None` or `Err`. So the ring is lock-free in the strict sense only
//!   while no operation is suspended mid-way; this is the price of strict
//!   per-position order, which crossbeam's `ArrayQueue` (it waits) and
//!   heapless's `mpmc::Queue` (it fails, as here) pay as well.
//! - **Loss-free.** [`Ring::try_push`] hands the item back when it cannot
//!   store it; nothing is dropped or overwritten. Items still in the ring when
//!   it is dropped are dropped with it.
//! - **Exactly once, in order per producer.** Every pushed item is popped
//!   exactly once. Items pushed by one producer are claimed in the order it
//!   pushed them, so a consumer never sees one producer's items out of order.
//! - **Targets.** Anything `core` builds for. Positions are `usize` counters
//!   driven by `portable-atomic`; on targets without compare-and-swap
//!   (Cortex-M0, RV32IMC) the firmware enables `portable-atomic`'s
//!   `critical-section` (or `unsafe-assume-single-core`) feature and provides
//!   the implementation. This crate never picks one.
//!
//! # When an operation fails although the ring is not full or not empty
//!
//! A push claims a position by advancing the write position, then writes the
//! slot and marks it ready. A pop claims a position by advancing the read
//! position, then reads the slot and marks it free for the next lap. Between
//! claim and mark the slot belongs to that one operation. Hence:
//!
//! - [`Ring::try_push`] returns `Err` while [`Ring::len`] `< capacity()` when
//!   the slot it needs still holds an item whose consumer has claimed it but
//!   not finished reading it (for example a consumer preempted by the ISR that
//!   is pushing). The item is handed back; retrying after that consumer runs
//!   succeeds.
//! - [`Ring::try_pop`] returns `None` while [`Ring::len`] `> 0` when the next
//!   position has been claimed by a producer that has not finished writing
//!   it. Items behind it stay queued until it finishes; the ring never hands
//!   them out of order.
//!
//! [`Ring::len`] counts claimed positions, so it includes such in-flight
//! items.
//!
//! # Wraparound
//!
//! Positions are full machine words that wrap at `usize::MAX`, and each slot
//! carries a stamp of the position it expects next. An operation reads a
//! position, checks that position's stamp, then claims the position with a
//! compare-and-swap. That compare-and-swap can only succeed on a stale
//! position if the thread is suspended between the read and the
//! compare-and-swap while the other threads move the same position on by an
//! exact multiple of 2<sup>64</sup> (on 64-bit targets) or 2<sup>32</sup> (on
//! 32-bit targets). At 100 million operations per second 2<sup>32</sup> is 43
//! seconds of continuous traffic on a 32-bit MCU during which one thread never
//! runs, which a priority-inverted task could in principle meet; narrow 8- or
//! 16-bit counters would meet it after 256 or 65,536 operations.
//!
//! # How this is checked
//!
//! `core/tests/` holds a stress test (3 producers and 2 consumers, 1,000,000
//! items each, at capacities 2, 64 and 8192: every item arrives once, in order
//! per producer), regression tests named after what they pin, and a loom
//! model of 2 producers and 2 consumers on 2 slots. CI runs them, and Miri
//! and ThreadSanitizer over them (see `.ci/run`).
//!
//! # Cost
//!
//! Uncontended, a push is two loads, one compare-and-swap, one copy of `T` and
//! one store; a pop is the same. The write position and the read position sit
//! on separate cache lines so producers and consumers do not share one.
//!
//! # Example
//!
//! ```
//! use tickring::Ring;
//!
//! static RING: Ring<u32, 4> = Ring::new();
//!
//! // An ISR or a producer thread:
//! for n in 0..4 {
//!     RING.try_push(n).expect("room for four");
//! }
//! assert_eq!(RING.try_push(4), Err(4), "full: the item comes back");
//!
//! // The main loop or a consumer thread:
//! assert_eq!(RING.try_pop(), Some(0));
//! assert_eq!(RING.len(), 3);
//! ```

mod batch;

use core::fmt;
use core::mem::MaybeUninit;

use crate::sync::{AtomicUsize, CacheAligned, Ordering, UnsafeCell};

/// A bounded multi-producer, multi-consumer, non-blocking queue of `N` slots.
///
/// `N` must be a power of two, at least 2 and at most `usize::MAX / 4 + 1`;
/// any other `N` fails to compile when the ring is created:
///
/// ```compile_fail,E0080
/// static RING: tickring::Ring<u8, 3> = tickring::Ring::new();
/// ```
///
/// A ring can be shared between threads (is `Sync`) when its items can be
/// sent between them (`T: Send`); `T: Sync` is not needed, since each item
/// goes to one consumer. A ring of `Rc`, which must stay on its thread, cannot
/// be shared:
///
/// ```compile_fail,E0277
/// static RING: tickring::Ring<std::rc::Rc<u8>, 2> = tickring::Ring::new();
/// ```
///
/// See the [module documentation](self) for the guarantees.
pub struct Ring<T, const N: usize> {
    /// The next position a producer will claim. Only ever advanced by a
    /// successful compare-and-swap in `try_push`.
    tail: CacheAligned<AtomicUsize>,
    /// The next position a consumer will claim. Never passes `tail`.
    head: CacheAligned<AtomicUsize>,
    /// Position `p` lives in `slots[p % N]`.
    slots: [Slot<T>; N],
}

/// One cell of the ring and the stamp that says who may touch it.
struct Slot<T> {
    /// For the position `p` that maps to this slot on the current lap:
    /// `stamp == p` means the slot is empty and the producer that claims `p`
    /// may write it; `stamp == p + 1` means it holds the item of `p`, which
    /// the consumer that claims `p` may read; after that read the stamp
    /// becomes `p + N`, the next lap's empty mark.
    stamp: AtomicUsize,
    /// Initialised exactly while `stamp == p + 1` for the slot's position `p`,
    /// and while a consumer that claimed `p` has not yet read it.
    value: UnsafeCell<MaybeUninit<T>>,
}

impl<T> Slot<T> {
    #[cfg(not(loom))]
    const fn new(stamp: usize) -> Self {
        Self {
            stamp: AtomicUsize::new(stamp),
            value: UnsafeCell::new(MaybeUninit::uninit()),
        }
    }

    #[cfg(loom)]
    fn new(stamp: usize) -> Self {
        Self {
            stamp: AtomicUsize::new(stamp),
            value: UnsafeCell::new(MaybeUninit::uninit()),
        }
    }
}

impl<T, const N: usize> Ring<T, N> {
    /// Evaluated wherever a ring is created, so a bad `N` is a compile error.
    const VALID_CAPACITY: () = assert!(
        N >= 2 && N.is_power_of_two() && N <= usize::MAX / 4 + 1,
        "Ring capacity N must be a power of two, at least 2 and at most usize::MAX / 4 + 1"
    );

    const MASK: usize = N - 1;

    /// The stamp slot `index` starts with when the first position is `start`:
    /// the position in `start..start + N` that maps to that slot.
    const fn first_stamp(start: usize, index: usize) -> usize {
        start.wrapping_add(index.wrapping_sub(start) & Self::MASK)
    }

    /// Creates an empty ring. Usable in a `static`.
    #[cfg(not(loom))]
    pub const fn new() -> Self {
        Self::starting_at(0)
    }

    /// Creates an empty ring whose write and read positions both start at
    /// `position` instead of 0.
    ///
    /// The ring behaves exactly as a new one; only the reported positions
    /// differ. Tests use it to cross the `usize::MAX` wrap in a few steps.
    ///
    /// ```
    /// let ring: tickring::Ring<u8, 2> = tickring::Ring::starting_at(usize::MAX);
    /// ring.try_push(7).unwrap();
    /// ring.try_push(8).unwrap();
    /// assert_eq!(ring.write_position(), 1, "wrapped past usize::MAX");
    /// assert_eq!((ring.try_pop(), ring.try_pop()), (Some(7), Some(8)));
    /// ```
    #[cfg(not(loom))]
    pub const fn starting_at(position: usize) -> Self {
        let () = Self::VALID_CAPACITY;
        let mut slots = [const { Slot::new(0) }; N];
        let mut index = 0;
        while index < N {
            slots[index] = Slot::new(Self::first_stamp(position, index));
            index += 1;
        }
        Self {
            tail: CacheAligned(AtomicUsize::new(position)),
            head: CacheAligned(AtomicUsize::new(position)),
            slots,
        }
    }

    /// Creates an empty ring (loom build: loom's atomics are not `const`).
    #[cfg(loom)]
    pub fn new() -> Self {
        Self::starting_at(0)
    }

    /// Creates an empty ring starting at `position` (loom build).
    #[cfg(loom)]
    pub fn starting_at(position: usize) -> Self {
        let () = Self::VALID_CAPACITY;
        Self {
            tail: CacheAligned(AtomicUsize::new(position)),
            head: CacheAligned(AtomicUsize::new(position)),
            slots: core::array::from_fn(|index| Slot::new(Self::first_stamp(position, index))),
        }
    }

    /// Appends `item`, or hands it back in `Err` when the slot it needs is
    /// not free: the ring is full, or the oldest item's consumer has not
    /// finished reading it (see the [module docs](self)).
    ///
    /// Never blocks and never waits for another thread.
    pub fn try_push(&self, item: T) -> Result<(), T> {
        let mut position = self.tail.0.load(Ordering::Relaxed);
        loop {
            let slot = &self.slots[position & Self::MASK];
            let stamp = slot.stamp.load(Ordering::Acquire);
            let lag = stamp.wrapping_sub(position) as isize;

            if lag < 0 {
                // The slot still holds the item from one lap ago.
                return Err(item);
            }
            if lag > 0 {
                // Another producer took `position` and finished: look again.
                position = self.tail.0.load(Ordering::Relaxed);
                continue;
            }

            let next = position.wrapping_add(1);
            match self.tail.0.compare_exchange_weak(
                position,
                next,
                Ordering::Relaxed,
                Ordering::Relaxed,
            ) {
                Ok(_) => {
                    // SAFETY: `stamp == position` (loaded with Acquire, so the
                    // previous lap's read is complete) and our CAS moved the
                    // tail past `position`, so this producer alone owns the
                    // slot until it publishes the new stamp below. The slot is
                    // empty, so overwriting it leaks nothing.
                    slot.value
                        .with_mut(|cell| unsafe { cell.write(MaybeUninit::new(item)) });
                    slot.stamp.store(next, Ordering::Release);
                    return Ok(());
                }
                Err(current) => position = current,
            }
        }
    }

    /// Removes the oldest item, or returns `None` when there is none ready:
    /// the ring is empty, or the next item's producer has not finished
    /// writing it (see the [module docs](self)).
    ///
    /// Never blocks and never waits for another thread.
    pub fn try_pop(&self) -> Option<T> {
        let mut position = self.head.0.load(Ordering::Relaxed);
        loop {
            let slot = &self.slots[position & Self::MASK];
            let stamp = slot.stamp.load(Ordering::Acquire);
            let next = position.wrapping_add(1);
            let lag = stamp.wrapping_sub(next) as isize;

            if lag < 0 {
                // Nothing written at `position` yet.
                return None;
            }
            if lag > 0 {
                // Another consumer took `position` and finished: look again.
                position = self.head.0.load(Ordering::Relaxed);
                continue;
            }

            match self.head.0.compare_exchange_weak(
                position,
                next,
                Ordering::Relaxed,
                Ordering::Relaxed,
            ) {
                Ok(_) => {
                    // SAFETY: `stamp == position + 1` (loaded with Acquire, so
                    // the producer's write is visible) means the slot holds an
                    // initialised item, and our CAS moved the head past
                    // `position`, so this consumer alone reads it, once. The
                    // stamp below hands the slot, now logically empty, to the
                    // producer of the next lap.
                    let item = slot
                        .value
                        .with_mut(|cell| unsafe { cell.read().assume_init() });
                    slot.stamp
                        .store(position.wrapping_add(N), Ordering::Release);
                    return Some(item);
                }
                Err(current) => position = current,
            }
        }
    }

    /// The number of claimed positions not yet claimed by a consumer: queued
    /// items plus pushes in flight. A snapshot that may be stale by the time
    /// it returns; never more than [`Ring::capacity`].
    pub fn len(&self) -> usize {
        let head = self.head.0.load(Ordering::Acquire);
        let tail = self.tail.0.load(Ordering::Acquire);
        // The two loads are not one atomic snapshot: clamp what a race between
        // them can make of the difference.
        (tail.wrapping_sub(head) as isize).clamp(0, N as isize) as usize
    }

    /// Whether [`Ring::len`] is 0.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The number of slots, `N`.
    pub const fn capacity(&self) -> usize {
        N
    }

    /// How many positions producers have claimed since the ring was created
    /// (plus its starting position), wrapping at `usize::MAX`.
    pub fn write_position(&self) -> usize {
        self.tail.0.load(Ordering::Relaxed)
    }

    /// How many positions consumers have claimed since the ring was created
    /// (plus its starting position), wrapping at `usize::MAX`.
    pub fn read_position(&self) -> usize {
        self.head.0.load(Ordering::Relaxed)
    }
}

#[cfg(not(loom))]
impl<T, const N: usize> Default for Ring<T, N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T, const N: usize> Drop for Ring<T, N> {
    fn drop(&mut self) {
        if core::mem::needs_drop::<T>() {
            // `&mut self`: no operation is in flight, so every claimed
            // position holds a finished item and `try_pop` drains them all.
            while self.try_pop().is_some() {}
        }
    }
}

impl<T, const N: usize> fmt::Debug for Ring<T, N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Ring")
            .field("write_position", &self.write_position())
            .field("read_position", &self.read_position())
            .field("len", &self.len())
            .field("capacity", &N)
            .finish()
    }
}

// SAFETY: the ring moves each `T` from the pushing thread to exactly one
// popping thread, and never hands out a shared reference to a `T`. Every slot
// access is made exclusive by the stamp protocol on `Slot::stamp`. So sharing
// the ring between threads is sound exactly when `T` may be sent between
// them; `T: Sync` is not needed.
unsafe impl<T: Send, const N: usize> Sync for Ring<T, N> {}
