//! A bounded, lock-free ring shared by many producers and a fixed number of
//! subscribers, in which every subscriber receives every item.
//!
//! Two rings share this design:
//!
//! - [`Broadcast`] is loss-free: an item stays until every subscriber has
//!   read it, so the slowest subscriber holds producers back.
//! - [`LossyBroadcast`] is for live feeds: producers overwrite the oldest
//!   items, and a subscriber that fell behind is told exactly how many it
//!   missed.
//!
//! # Guarantees
//!
//! - **No heap.** Slots, subscriber cursors and flags live inside the ring,
//!   so a ring can be a `static` on a microcontroller; `new` is a `const fn`.
//! - **Lock-free and non-blocking.** No operation waits for another thread or
//!   interrupt handler. A push may retry its compare-and-swap when another
//!   push completed first; a lossy receive may retry when another subscriber
//!   started or finished reading the same slot. So some thread always makes
//!   progress, and a preempted operation never holds anyone up: it makes the
//!   others fail at once (see below) instead of making them wait. A loss-free
//!   receive is wait-free: one load, one copy of `T`, one store.
//! - **Every item to every subscriber.** With [`Broadcast`], each item pushed
//!   is received exactly once by each of the `SUBSCRIBERS` subscribers, in
//!   the order of the positions producers claimed, so one producer's items
//!   always arrive in the order it pushed them. [`Broadcast::try_push`] hands
//!   the item back when the slot it needs has not been read by everyone.
//! - **Exact loss accounting.** With [`LossyBroadcast`], each subscriber
//!   receives a subsequence of the items in the same order, and for every
//!   item it does not receive it is told, in a
//!   [`TryRecvError::Missed`] count, that it missed it: received plus missed
//!   equals pushed, for every subscriber.
//! - **One handle per subscriber.** Subscriber `i` is read through a handle
//!   that `subscriber(i)` hands out to one owner at a time, and receiving
//!   takes `&mut self`; two threads can never read as the same subscriber.
//! - **Targets.** As for [`Ring`](crate::Ring): anything `core` builds for,
//!   with `portable-atomic` supplying compare-and-swap where the target has
//!   none (the firmware enables its `critical-section` feature).
//!
//! # Subscribers
//!
//! `SUBSCRIBERS` is fixed at compile time and every index counts from the
//! moment the ring is created, whether or not its handle has been taken: a
//! loss-free ring keeps each item until all `SUBSCRIBERS` indices have read
//! it. A ring with an index nobody reads fills up and then refuses every
//! push, so size `SUBSCRIBERS` to the consumers that actually run. Dropping
//! a handle frees the index; taking it again resumes where the last handle
//! stopped.
//!
//! # When an operation fails although the ring has room or items
//!
//! A push claims a position by advancing the write position, then writes
//! the slot and publishes it. Hence:
//!
//! - [`Broadcast::try_push`] returns `Err` when some subscriber has not
//!   finished reading the slot it needs, which includes a subscriber
//!   preempted halfway through copying it. Retrying after it runs succeeds.
//! - A receive returns nothing while its next position has been claimed by a
//!   producer that has not finished writing it. Items behind it wait; the
//!   ring never hands them out of order.
//! - [`LossyBroadcast::try_push`] returns `Err` in the lossy ring's two
//!   equivalents: a subscriber is copying the very item the push would
//!   overwrite, or the producer that claimed that slot one lap earlier has
//!   not finished writing it. Both windows last one copy of `T` unless the
//!   thread in them is preempted: on a single-core MCU, an ISR that
//!   interrupts a subscriber in the middle of copying the oldest item cannot
//!   overwrite that item, and gets its push back.
//!
//! # Wraparound
//!
//! The write position and every subscriber's position are full machine
//! words that wrap at `usize::MAX`, and every slot carries a stamp of the
//! position it holds. As for the [`Ring`](crate::Ring), a stale position is
//! confused with a current one only if a thread is suspended between reading
//! a position and acting on it while the others perform exactly
//! 2<sup>64</sup> (on 32-bit targets, 2<sup>32</sup>) operations. The lossy
//! ring packs a reader count into the stamp's low `log2(N)` bits, which the
//! slot index already determines, so its stamps lose no width either.
//!
//! One limit is the lossy ring's own: a subscriber compares its position
//! with the slot's as a signed difference, so one that stays away while
//! 2<sup>63</sup> items are pushed (2<sup>31</sup> on 32-bit targets: 36
//! minutes at a million ticks per second) mistakes how far behind it is.
//! It then reports a wrong missed count or none; what it receives is still
//! a whole item written by one push. A loss-free subscriber cannot fall
//! more than `N` behind, so it has no such limit.
//!
//! # Cost
//!
//! Uncontended, a loss-free push is two loads, one compare-and-swap, one
//! copy of `T` and one store; it reads the `SUBSCRIBERS` cursors only when a
//! cached bound says the ring may be full, so about once per `N` pushes
//! when subscribers keep up. A loss-free receive is one load, one copy and
//! one store to the subscriber's own cache line. The lossy ring adds a
//! compare-and-swap per push and two read-modify-writes per receive on the
//! slot's stamp, which pin the slot while it is copied (see
//! [`LossyBroadcast`] for why it does not read optimistically instead).
//!
//! # Example
//!
//! ```
//! use tickring::Broadcast;
//!
//! // Four slots, two subscribers: a price monitor and an analyzer.
//! static TICKS: Broadcast<u32, 4, 2> = Broadcast::new();
//!
//! let mut monitor = TICKS.subscriber(0).expect("index 0 is free");
//! let mut analyzer = TICKS.subscriber(1).expect("index 1 is free");
//! assert!(TICKS.subscriber(0).is_none(), "one handle per index");
//!
//! // Producer threads or ISRs:
//! for price in [100, 101, 102, 103] {
//!     TICKS.try_push(price).expect("room for four");
//! }
//! assert_eq!(TICKS.try_push(104), Err(104), "full until both have read");
//!
//! // Each subscriber sees every item, in order:
//! assert_eq!(monitor.try_recv(), Some(100));
//! assert_eq!(monitor.try_recv(), Some(101));
//! assert_eq!(TICKS.try_push(104), Err(104), "the analyzer still needs 100");
//! assert_eq!(analyzer.try_recv(), Some(100));
//! assert_eq!(TICKS.try_push(104), Ok(()));
//! ```

mod lossy;

use core::fmt;
use core::mem::MaybeUninit;

pub use lossy::{LossyBroadcast, LossySubscriber, TryRecvError};

use crate::sync::{AtomicBool, AtomicUsize, CacheAligned, Ordering, UnsafeCell};

/// A bounded, loss-free broadcast ring of `N` slots: many producers, and
/// `SUBSCRIBERS` subscribers that each receive every item.
///
/// `N` must be a power of two, at least 2 and at most `usize::MAX / 4 + 1`,
/// and `SUBSCRIBERS` at least 1; anything else fails to compile when the
/// ring is created. See the [module documentation](self) for the guarantees.
pub struct Broadcast<T, const N: usize, const SUBSCRIBERS: usize> {
    /// Written by producers only.
    producers: CacheAligned<Producers>,
    /// `cursors[i]`: the next position subscriber `i` will read. Written only
    /// by the holder of handle `i`, with `Release`, after it has copied the
    /// item before that position. Never passes `producers.tail`.
    cursors: [CacheAligned<AtomicUsize>; SUBSCRIBERS],
    seats: Seats<SUBSCRIBERS>,
    /// Position `p` lives in `slots[p % N]`.
    slots: [Slot<T>; N],
}

/// The producers' side of a [`Broadcast`], on its own cache line.
struct Producers {
    /// The next position a producer will claim. Only ever advanced by a
    /// successful compare-and-swap in `try_push`.
    tail: AtomicUsize,
    /// A position no subscriber's cursor is behind: the slowest cursor as a
    /// producer last saw it. Cursors only move forward, so it stays a lower
    /// bound however stale it gets; a producer stores it with `Release`
    /// after loading the cursors with `Acquire`, which passes the
    /// subscribers' finished reads on to producers that trust it.
    gate: AtomicUsize,
}

/// One cell of a [`Broadcast`].
struct Slot<T> {
    /// For the position `p` that maps to this slot on the current lap: `p`
    /// while the item of `p` is not written yet, `p + 1` once it is.
    published: AtomicUsize,
    /// Initialised once `published` has been `p + 1` for any `p`. Written
    /// only by the producer that claimed `p`, which no subscriber can read
    /// before `published == p + 1` and which no producer can claim before
    /// every cursor has passed `p - N`.
    value: UnsafeCell<MaybeUninit<T>>,
}

impl<T> Slot<T> {
    #[cfg(not(loom))]
    const fn new(published: usize) -> Self {
        Self {
            published: AtomicUsize::new(published),
            value: UnsafeCell::new(MaybeUninit::uninit()),
        }
    }

    #[cfg(loom)]
    fn new(published: usize) -> Self {
        Self {
            published: AtomicUsize::new(published),
            value: UnsafeCell::new(MaybeUninit::uninit()),
        }
    }
}

impl<T: Copy, const N: usize, const SUBSCRIBERS: usize> Broadcast<T, N, SUBSCRIBERS> {
    /// Evaluated wherever a ring is created, so bad parameters are a compile
    /// error.
    const VALID_PARAMETERS: () = {
        assert!(
            N >= 2 && N.is_power_of_two() && N <= usize::MAX / 4 + 1,
            "Broadcast capacity N must be a power of two, at least 2 and at most usize::MAX / 4 + 1"
        );
        assert!(
            SUBSCRIBERS >= 1,
            "a Broadcast needs at least one subscriber"
        );
    };

    const MASK: usize = N - 1;

    /// Creates an empty ring. Usable in a `static`.
    #[cfg(not(loom))]
    pub const fn new() -> Self {
        Self::starting_at(0)
    }

    /// Creates an empty ring whose write position and subscriber positions
    /// all start at `position` instead of 0.
    ///
    /// The ring behaves exactly as a new one; only the reported positions
    /// differ. Tests use it to cross the `usize::MAX` wrap in a few steps.
    ///
    /// ```
    /// let ring: tickring::Broadcast<u8, 2, 1> = tickring::Broadcast::starting_at(usize::MAX);
    /// let mut only = ring.subscriber(0).unwrap();
    /// ring.try_push(7).unwrap();
    /// ring.try_push(8).unwrap();
    /// assert_eq!(ring.write_position(), 1, "wrapped past usize::MAX");
    /// assert_eq!((only.try_recv(), only.try_recv()), (Some(7), Some(8)));
    /// ```
    #[cfg(not(loom))]
    pub const fn starting_at(position: usize) -> Self {
        let () = Self::VALID_PARAMETERS;
        let mut cursors = [const { CacheAligned(AtomicUsize::new(0)) }; SUBSCRIBERS];
        let mut index = 0;
        while index < SUBSCRIBERS {
            cursors[index] = CacheAligned(AtomicUsize::new(position));
            index += 1;
        }
        let mut slots = [const { Slot::new(0) }; N];
        let mut index = 0;
        while index < N {
            slots[index] = Slot::new(first_position(position, index, Self::MASK));
            index += 1;
        }
        Self {
            producers: CacheAligned(Producers {
                tail: AtomicUsize::new(position),
                gate: AtomicUsize::new(position),
            }),
            cursors,
            seats: Seats::new(),
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
        let () = Self::VALID_PARAMETERS;
        Self {
            producers: CacheAligned(Producers {
                tail: AtomicUsize::new(position),
                gate: AtomicUsize::new(position),
            }),
            cursors: core::array::from_fn(|_| CacheAligned(AtomicUsize::new(position))),
            seats: Seats::new(),
            slots: core::array::from_fn(|index| {
                Slot::new(first_position(position, index, Self::MASK))
            }),
        }
    }

    /// Takes the handle of subscriber `index`, or returns `None` while
    /// another handle for that index is alive. The handle resumes at the
    /// position where the previous handle for `index` stopped (at first, the
    /// ring's starting position).
    ///
    /// # Panics
    ///
    /// If `index >= SUBSCRIBERS`.
    pub fn subscriber(&self, index: usize) -> Option<Subscriber<'_, T, N, SUBSCRIBERS>> {
        if !self.seats.take(index) {
            return None;
        }
        // Taking the seat acquired the previous handle's release of it, so
        // this sees its last cursor store; nobody else writes the cursor.
        let next = self.cursors[index].0.load(Ordering::Relaxed);
        Some(Subscriber {
            ring: self,
            index,
            next,
        })
    }

    /// Appends `item` for every subscriber, or hands it back in `Err` when
    /// the slot it needs has not been read by every subscriber: the ring is
    /// full, or a subscriber is still copying the oldest item (see the
    /// [module docs](self)).
    ///
    /// Never blocks and never waits for another thread.
    pub fn try_push(&self, item: T) -> Result<(), T> {
        let tail = &self.producers.0.tail;
        let mut position = tail.load(Ordering::Relaxed);
        loop {
            if !self.has_room_for(position) {
                return Err(item);
            }

            let next = position.wrapping_add(1);
            match tail.compare_exchange_weak(position, next, Ordering::Relaxed, Ordering::Relaxed) {
                Ok(_) => {
                    let slot = &self.slots[position & Self::MASK];
                    // SAFETY: our CAS moved the tail past `position`, so no
                    // other producer writes this slot until the tail comes
                    // round again, which needs every cursor past `position`,
                    // which needs our publication below. `has_room_for` saw
                    // every cursor past `position - N` (with Acquire, directly
                    // or through the gate), so every subscriber has finished
                    // copying the slot's previous item and none reads it
                    // until `published` says `position + 1`. `T: Copy`, so
                    // overwriting the old item needs no drop.
                    slot.value
                        .with_mut(|cell| unsafe { cell.write(MaybeUninit::new(item)) });
                    slot.published.store(next, Ordering::Release);
                    return Ok(());
                }
                Err(current) => position = current,
            }
        }
    }

    /// Whether every subscriber has read position `position - N`, the item
    /// whose slot `position` reuses. May be true for a stale `position`
    /// that the cursors have passed: the caller's compare-and-swap then
    /// fails.
    fn has_room_for(&self, position: usize) -> bool {
        let gate = &self.producers.0.gate;
        let known = gate.load(Ordering::Acquire);
        // Trusted only within one lap behind: a gate stored by a producer
        // that was suspended for half the position space must not look ahead.
        if (0..N as isize).contains(&behind(known, position)) {
            return true;
        }

        let slowest = self.slowest_cursor(position);
        if slowest != known {
            gate.store(slowest, Ordering::Release);
        }
        behind(slowest, position) < N as isize
    }

    /// The cursor farthest behind `position`.
    fn slowest_cursor(&self, position: usize) -> usize {
        let mut slowest = position;
        for cursor in &self.cursors {
            let cursor = cursor.0.load(Ordering::Acquire);
            if behind(cursor, position) > behind(slowest, position) {
                slowest = cursor;
            }
        }
        slowest
    }

    /// The number of items the slowest subscriber has yet to receive,
    /// including pushes in flight. A snapshot that may be stale by the time
    /// it returns; never more than [`Broadcast::capacity`].
    pub fn len(&self) -> usize {
        let tail = self.producers.0.tail.load(Ordering::Acquire);
        clamp_lag(behind(self.slowest_cursor(tail), tail), N)
    }

    /// Whether [`Broadcast::len`] is 0: every subscriber has received every
    /// item.
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
        self.producers.0.tail.load(Ordering::Relaxed)
    }

    /// The position subscriber `index` reads next, wrapping at `usize::MAX`,
    /// whether or not its handle is taken: what a monitor shows beside
    /// [`Broadcast::write_position`]. A snapshot, stale as soon as the
    /// subscriber receives again.
    ///
    /// # Panics
    ///
    /// If `index >= SUBSCRIBERS`.
    ///
    /// ```
    /// let ring: tickring::Broadcast<u8, 4, 2> = tickring::Broadcast::new();
    /// let mut first = ring.subscriber(0).unwrap();
    /// ring.try_push(1).unwrap();
    /// first.try_recv();
    /// assert_eq!((ring.subscriber_position(0), ring.subscriber_position(1)), (1, 0));
    /// ```
    pub fn subscriber_position(&self, index: usize) -> usize {
        self.cursors[index].0.load(Ordering::Relaxed)
    }
}

impl<T: Copy, const N: usize, const SUBSCRIBERS: usize> Default for Broadcast<T, N, SUBSCRIBERS> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T, const N: usize, const SUBSCRIBERS: usize> fmt::Debug for Broadcast<T, N, SUBSCRIBERS> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut positions = [0; SUBSCRIBERS];
        for (position, cursor) in positions.iter_mut().zip(&self.cursors) {
            *position = cursor.0.load(Ordering::Relaxed);
        }
        f.debug_struct("Broadcast")
            .field(
                "write_position",
                &self.producers.0.tail.load(Ordering::Relaxed),
            )
            .field("subscriber_positions", &positions)
            .field("capacity", &N)
            .finish()
    }
}

// SAFETY: producers move each `T` into a slot; subscribers copy it out
// (`T: Copy`), so a `T` pushed on one thread ends up copied on others, which
// is sound when `T: Send`. Several subscribers may copy the same slot at
// once, but a copy only reads the bytes and hands out no reference, and
// writes to a slot are made exclusive of all reads by the cursor protocol
// (see `Slot::value`).
unsafe impl<T: Send, const N: usize, const SUBSCRIBERS: usize> Sync
    for Broadcast<T, N, SUBSCRIBERS>
{
}

/// The receiving end of one subscriber index of a [`Broadcast`].
///
/// Taken with [`Broadcast::subscriber`]; dropping it frees the index. It
/// can move to another thread (when `T: Send`), and it receives through
/// `&mut self`, so exactly one thread reads as this subscriber at a time.
pub struct Subscriber<'a, T, const N: usize, const SUBSCRIBERS: usize> {
    ring: &'a Broadcast<T, N, SUBSCRIBERS>,
    index: usize,
    /// The next position to read: this handle's copy of
    /// `ring.cursors[index]`, which only this handle writes.
    next: usize,
}

impl<T: Copy, const N: usize, const SUBSCRIBERS: usize> Subscriber<'_, T, N, SUBSCRIBERS> {
    /// Receives the next item, or `None` when there is none ready: every
    /// item has been received, or the next one's producer has not finished
    /// writing it (see the [module docs](self)).
    ///
    /// Wait-free: one load, one copy of `T`, one store.
    pub fn try_recv(&mut self) -> Option<T> {
        let ring = self.ring;
        let slot = &ring.slots[self.next & Broadcast::<T, N, SUBSCRIBERS>::MASK];
        let next = self.next.wrapping_add(1);
        if slot.published.load(Ordering::Acquire) != next {
            return None;
        }

        // SAFETY: `published == position + 1` (loaded with Acquire, so the
        // producer's write is visible) means the slot holds the initialised
        // item of our position. No producer can overwrite it before our
        // cursor passes it, which happens only in the store below, after the
        // copy. Other subscribers may copy it at the same time; reads do not
        // conflict.
        let item = slot.value.with(|cell| unsafe { cell.read().assume_init() });
        self.next = next;
        ring.cursors[self.index].0.store(next, Ordering::Release);
        Some(item)
    }

    /// The number of items pushed (or being pushed) that this subscriber has
    /// not received yet: at most [`Broadcast::capacity`].
    pub fn pending(&self) -> usize {
        let tail = self.ring.producers.0.tail.load(Ordering::Acquire);
        clamp_lag(behind(self.next, tail), N)
    }

    /// The position this subscriber reads next, wrapping at `usize::MAX`.
    pub fn position(&self) -> usize {
        self.next
    }

    /// This subscriber's index, below `SUBSCRIBERS`.
    pub fn index(&self) -> usize {
        self.index
    }
}

impl<T, const N: usize, const SUBSCRIBERS: usize> Drop for Subscriber<'_, T, N, SUBSCRIBERS> {
    fn drop(&mut self) {
        self.ring.seats.release(self.index);
    }
}

impl<T, const N: usize, const SUBSCRIBERS: usize> fmt::Debug for Subscriber<'_, T, N, SUBSCRIBERS> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Subscriber")
            .field("index", &self.index)
            .field("position", &self.next)
            .finish()
    }
}

/// Which subscriber indices have a live handle: one flag per index, so that
/// each index has at most one handle at a time.
struct Seats<const SUBSCRIBERS: usize> {
    taken: [AtomicBool; SUBSCRIBERS],
}

impl<const SUBSCRIBERS: usize> Seats<SUBSCRIBERS> {
    #[cfg(not(loom))]
    const fn new() -> Self {
        Self {
            taken: [const { AtomicBool::new(false) }; SUBSCRIBERS],
        }
    }

    #[cfg(loom)]
    fn new() -> Self {
        Self {
            taken: core::array::from_fn(|_| AtomicBool::new(false)),
        }
    }

    /// Marks `index` taken; false if it already was. `Acquire` pairs with
    /// [`Seats::release`], so the new holder sees everything the previous
    /// one did.
    fn take(&self, index: usize) -> bool {
        assert!(
            index < SUBSCRIBERS,
            "subscriber index {index} is out of range: the ring has {SUBSCRIBERS} subscribers"
        );
        !self.taken[index].swap(true, Ordering::Acquire)
    }

    fn release(&self, index: usize) {
        self.taken[index].store(false, Ordering::Release);
    }
}

/// The position in `start..start + N` that maps to slot `index`, where
/// `mask == N - 1`.
const fn first_position(start: usize, index: usize, mask: usize) -> usize {
    start.wrapping_add(index.wrapping_sub(start) & mask)
}

/// How far `position` is behind `reference`, negative when it is ahead.
/// Exact while the two are less than `isize::MAX` apart, which the ring's
/// bounds guarantee except after the 2<sup>64</sup>-operation stall
/// described in the module docs.
fn behind(position: usize, reference: usize) -> isize {
    reference.wrapping_sub(position) as isize
}

/// `lag` clamped to `0..=capacity`: two positions loaded one after the other
/// are not one snapshot, and a race between the loads can push their
/// difference out of range.
fn clamp_lag(lag: isize, capacity: usize) -> usize {
    lag.clamp(0, capacity as isize) as usize
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    #[test]
    fn every_subscriber_receives_every_item_in_order() {
        let ring: Broadcast<u32, 4, 3> = Broadcast::new();
        let mut subscribers = [0, 1, 2].map(|index| ring.subscriber(index).unwrap());
        for lap in 0..5 {
            for n in 0..4 {
                ring.try_push(lap * 4 + n).unwrap();
            }
            for subscriber in &mut subscribers {
                for n in 0..4 {
                    assert_eq!(subscriber.try_recv(), Some(lap * 4 + n));
                }
                assert_eq!(subscriber.try_recv(), None);
            }
        }
    }

    /// Guards against reusing a slot as soon as the fastest subscriber has
    /// read it.
    #[test]
    fn slowest_subscriber_gates_producers() {
        let ring: Broadcast<u8, 2, 2> = Broadcast::new();
        let mut fast = ring.subscriber(0).unwrap();
        let mut slow = ring.subscriber(1).unwrap();
        ring.try_push(1).unwrap();
        ring.try_push(2).unwrap();
        assert_eq!((fast.try_recv(), fast.try_recv()), (Some(1), Some(2)));
        assert_eq!(ring.try_push(3), Err(3));
        assert_eq!(ring.len(), 2);

        assert_eq!(slow.try_recv(), Some(1));
        assert_eq!(ring.try_push(3), Ok(()));
        assert_eq!(ring.try_push(4), Err(4));
        assert_eq!((slow.try_recv(), slow.try_recv()), (Some(2), Some(3)));
        assert_eq!(fast.try_recv(), Some(3));
        assert!(ring.is_empty());
    }

    /// Pins the documented rule that an index nobody took still counts.
    #[test]
    fn untaken_subscriber_still_holds_items() {
        let ring: Broadcast<u8, 2, 2> = Broadcast::new();
        let mut only = ring.subscriber(0).unwrap();
        for n in 0..2 {
            ring.try_push(n).unwrap();
            assert_eq!(only.try_recv(), Some(n));
        }
        assert_eq!(ring.try_push(2), Err(2));

        let mut late = ring.subscriber(1).unwrap();
        assert_eq!((late.try_recv(), late.try_recv()), (Some(0), Some(1)));
        assert_eq!(ring.try_push(2), Ok(()));
    }

    #[test]
    fn one_handle_per_index_until_dropped() {
        let ring: Broadcast<u8, 4, 2> = Broadcast::new();
        let mut first = ring.subscriber(1).unwrap();
        assert_eq!(first.index(), 1);
        assert!(ring.subscriber(1).is_none());
        ring.try_push(10).unwrap();
        ring.try_push(11).unwrap();
        assert_eq!(first.try_recv(), Some(10));
        drop(first);

        let mut second = ring.subscriber(1).expect("freed by the drop");
        assert_eq!(
            second.position(),
            1,
            "resumes where the first handle stopped"
        );
        assert_eq!(second.try_recv(), Some(11));
    }

    #[test]
    #[should_panic(expected = "subscriber index 2 is out of range")]
    fn out_of_range_index_panics() {
        let ring: Broadcast<u8, 4, 2> = Broadcast::new();
        let _ = ring.subscriber(2);
    }

    /// Guards the signed distance arithmetic against the `usize::MAX` wrap.
    #[test]
    fn positions_wrap_past_usize_max() {
        let ring: Broadcast<u16, 4, 2> = Broadcast::starting_at(usize::MAX - 5);
        let mut a = ring.subscriber(0).unwrap();
        let mut b = ring.subscriber(1).unwrap();
        for n in 0..40 {
            ring.try_push(n).unwrap();
            if n % 3 == 0 {
                ring.try_push(1000 + n).unwrap();
                assert_eq!(a.try_recv(), Some(n));
                assert_eq!(a.try_recv(), Some(1000 + n));
                assert_eq!(b.try_recv(), Some(n));
                assert_eq!(b.pending(), 1);
                assert_eq!(b.try_recv(), Some(1000 + n));
            } else {
                assert_eq!(a.try_recv(), Some(n));
                assert_eq!(b.try_recv(), Some(n));
            }
            assert_eq!(ring.len(), 0);
        }
        assert_eq!(
            ring.write_position(),
            (40 + 14_usize).wrapping_sub(6),
            "54 pushes"
        );
    }

    /// Guards against trusting a cached bound that a long-suspended
    /// producer stored half the position space ago, which looks ahead.
    #[test]
    fn stale_gate_does_not_fake_room() {
        let ring: Broadcast<u8, 2, 1> = Broadcast::new();
        ring.try_push(1).unwrap();
        ring.try_push(2).unwrap();
        let far = ring.write_position().wrapping_add(usize::MAX / 2);
        ring.producers.0.gate.store(far, Ordering::Relaxed);
        assert_eq!(ring.try_push(3), Err(3));

        let mut only = ring.subscriber(0).unwrap();
        assert_eq!(only.try_recv(), Some(1));
        assert_eq!(ring.try_push(3), Ok(()));
    }

    /// A producer that claimed a position but has not published it holds
    /// back the items behind it instead of letting them overtake.
    #[test]
    fn unpublished_position_holds_back_later_items() {
        let ring: Broadcast<u8, 4, 1> = Broadcast::new();
        let mut only = ring.subscriber(0).unwrap();
        ring.producers.0.tail.fetch_add(1, Ordering::Relaxed);
        ring.try_push(7).unwrap();
        assert_eq!(only.try_recv(), None);
        assert_eq!(only.pending(), 2);

        ring.slots[0].value.with_mut(|cell| {
            // SAFETY: this test plays the producer that claimed position 0;
            // nothing else touches slot 0 until it is published below.
            unsafe { cell.write(MaybeUninit::new(6)) }
        });
        ring.slots[0].published.store(1, Ordering::Release);
        assert_eq!((only.try_recv(), only.try_recv()), (Some(6), Some(7)));
    }
}
