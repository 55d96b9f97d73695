//! The lossy broadcast ring: producers overwrite the oldest items, and each
//! subscriber counts exactly what it missed.

use core::fmt;
use core::mem::MaybeUninit;

use super::{Seats, behind, first_position};
use crate::sync::{AtomicUsize, CacheAligned, Ordering, UnsafeCell};

/// A slot's state, in the low `log2(N)` bits of its stamp: the producer that
/// claimed the slot's position is writing it.
const WRITING: usize = 0;
/// A slot's state: the item is written and no subscriber is copying it.
/// `READY + k` means `k` subscribers are copying it.
const READY: usize = 1;

/// A bounded broadcast ring of `N` slots for live feeds: many producers,
/// `SUBSCRIBERS` subscribers, and producers that overwrite the oldest items
/// instead of waiting for slow subscribers.
///
/// A subscriber that fell more than `N` items behind gets
/// [`TryRecvError::Missed`] with the exact number of items overwritten
/// before it read them, then continues with the oldest item still held.
///
/// `N` must be a power of two, at least `SUBSCRIBERS + 2` and at most
/// `usize::MAX / 4 + 1`, and `SUBSCRIBERS` at least 1; anything else fails
/// to compile when the ring is created. See the
/// [module documentation](super) for the guarantees.
///
/// # Why subscribers pin slots instead of reading optimistically
///
/// The classic lossy design, a seqlock per slot, lets a subscriber copy an
/// item while a producer may be overwriting it, and throws the copy away if
/// the slot's stamp changed meanwhile. Unless `T` is a single atomic word,
/// that copy is a non-atomic read racing a non-atomic write: a data race,
/// which Rust's memory model makes undefined behaviour even when the copy
/// is discarded, and which Miri and ThreadSanitizer report (volatile reads
/// do not change that). Copying `T` through atomic words instead would read
/// its padding bytes as integers, which is undefined as well, and
/// [`Tick`](crate::Tick) has padding.
///
/// So a write never overlaps a read here. A subscriber pins the slot in its
/// stamp with a compare-and-swap before copying and unpins it after; a
/// producer claims a slot only from the unpinned state, with a
/// compare-and-swap on the same stamp. The price: a push that would
/// overwrite the item a subscriber is copying at that instant fails instead
/// of waiting, and a receive costs two read-modify-writes on the stamp.
///
/// The stamp of a slot holding position `p` is `p` with its low `log2(N)`
/// bits, which the slot index already determines, replaced by the state:
/// `WRITING`, or `READY + k` with `k` subscribers copying. That is why `N`
/// must exceed `SUBSCRIBERS + 1`.
///
/// ```
/// use tickring::broadcast::{LossyBroadcast, TryRecvError};
///
/// static QUOTES: LossyBroadcast<u32, 4, 2> = LossyBroadcast::new();
///
/// let mut chart = QUOTES.subscriber(0).unwrap();
/// for price in 100..106 {
///     QUOTES.try_push(price).expect("no subscriber is copying");
/// }
/// // Six pushes into four slots: 100 and 101 were overwritten.
/// assert_eq!(chart.try_recv(), Err(TryRecvError::Missed(2)));
/// assert_eq!(chart.try_recv(), Ok(102));
/// ```
pub struct LossyBroadcast<T, const N: usize, const SUBSCRIBERS: usize> {
    /// The next position a producer will claim. Advanced from `p` to
    /// `p + 1`, by compare-and-swap, only after slot `p % N` has been
    /// claimed for `p`; by its claimer or by a producer that saw the claim.
    tail: CacheAligned<AtomicUsize>,
    /// `saved[i]`: where subscriber `i`'s previous handle stopped. Written
    /// when a handle is dropped, read when the next one is taken.
    saved: [AtomicUsize; SUBSCRIBERS],
    seats: Seats<SUBSCRIBERS>,
    /// Position `p` lives in `slots[p % N]`.
    slots: [Slot<T>; N],
}

/// One cell of a [`LossyBroadcast`].
struct Slot<T> {
    /// `(p & !MASK) | state` for the position `p` the slot holds, with the
    /// state `WRITING` or `READY + k` (see the constants). Moves only
    /// forward: `READY(p - N)` to `WRITING(p)` (a producer's claim, only
    /// with no reader), to `READY(p)` (published), where readers pin and
    /// unpin by adding and subtracting 1.
    stamp: AtomicUsize,
    /// Holds the item of `p` once the stamp has reached `READY(p)`. Written
    /// only in state `WRITING(p)`, by its one claimer; read only while the
    /// reader's pin keeps the state at `READY(p) + 1` or more.
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

impl<T: Copy, const N: usize, const SUBSCRIBERS: usize> LossyBroadcast<T, N, SUBSCRIBERS> {
    /// Evaluated wherever a ring is created, so bad parameters are a compile
    /// error.
    const VALID_PARAMETERS: () = {
        assert!(
            N >= 2 && N.is_power_of_two() && N <= usize::MAX / 4 + 1,
            "LossyBroadcast capacity N must be a power of two, at least 2 and at most \
             usize::MAX / 4 + 1"
        );
        assert!(
            SUBSCRIBERS >= 1,
            "a LossyBroadcast needs at least one subscriber"
        );
        assert!(
            N >= SUBSCRIBERS + 2,
            "LossyBroadcast capacity N must be at least SUBSCRIBERS + 2: each slot's stamp \
             counts its readers in log2(N) bits"
        );
    };

    const MASK: usize = N - 1;

    /// The stamp of slot `index` before anything is pushed when positions
    /// start at `start`: "published" one lap before the slot's first
    /// position, which no subscriber ever asks for.
    const fn first_stamp(start: usize, index: usize) -> usize {
        let first = first_position(start, index, Self::MASK);
        (first.wrapping_sub(N) & !Self::MASK) | READY
    }

    /// Creates an empty ring. Usable in a `static`.
    #[cfg(not(loom))]
    pub const fn new() -> Self {
        Self::starting_at(0)
    }

    /// Creates an empty ring whose write position and subscriber positions
    /// all start at `position` instead of 0, to cross the `usize::MAX` wrap
    /// in a few steps.
    ///
    /// ```
    /// use tickring::broadcast::{LossyBroadcast, TryRecvError};
    ///
    /// let ring: LossyBroadcast<u8, 4, 1> = LossyBroadcast::starting_at(usize::MAX - 1);
    /// let mut only = ring.subscriber(0).unwrap();
    /// for n in 0..5 {
    ///     ring.try_push(n).unwrap();
    /// }
    /// assert_eq!(ring.write_position(), 3, "wrapped past usize::MAX");
    /// assert_eq!(only.try_recv(), Err(TryRecvError::Missed(1)));
    /// assert_eq!(only.try_recv(), Ok(1));
    /// ```
    #[cfg(not(loom))]
    pub const fn starting_at(position: usize) -> Self {
        let () = Self::VALID_PARAMETERS;
        let mut saved = [const { AtomicUsize::new(0) }; SUBSCRIBERS];
        let mut index = 0;
        while index < SUBSCRIBERS {
            saved[index] = AtomicUsize::new(position);
            index += 1;
        }
        let mut slots = [const { Slot::new(0) }; N];
        let mut index = 0;
        while index < N {
            slots[index] = Slot::new(Self::first_stamp(position, index));
            index += 1;
        }
        Self {
            tail: CacheAligned(AtomicUsize::new(position)),
            saved,
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
            tail: CacheAligned(AtomicUsize::new(position)),
            saved: core::array::from_fn(|_| AtomicUsize::new(position)),
            seats: Seats::new(),
            slots: core::array::from_fn(|index| Slot::new(Self::first_stamp(position, index))),
        }
    }

    /// Takes the handle of subscriber `index`, or returns `None` while
    /// another handle for that index is alive. The handle resumes where the
    /// previous handle for `index` stopped; if producers overwrote items
    /// since, its first receive reports them as missed.
    ///
    /// # Panics
    ///
    /// If `index >= SUBSCRIBERS`.
    pub fn subscriber(&self, index: usize) -> Option<LossySubscriber<'_, T, N, SUBSCRIBERS>> {
        if !self.seats.take(index) {
            return None;
        }
        // Taking the seat acquired the previous handle's release of it, which
        // came after it saved its position.
        let next = self.saved[index].load(Ordering::Relaxed);
        Some(LossySubscriber {
            ring: self,
            index,
            next,
        })
    }

    /// Appends `item`, overwriting the oldest item once the ring is full.
    ///
    /// Hands `item` back in `Err` only when the slot it must take is busy: a
    /// subscriber is copying the item in it at this instant, or the producer
    /// that claimed it one lap earlier has not finished writing (see the
    /// [module docs](super)). Never blocks and never waits for another
    /// thread.
    pub fn try_push(&self, item: T) -> Result<(), T> {
        let tail = &self.tail.0;
        let mut position = tail.load(Ordering::Acquire);
        loop {
            let slot = &self.slots[position & Self::MASK];
            let stamp = slot.stamp.load(Ordering::Acquire);
            let laps = behind(position, held_position(stamp, position, Self::MASK));

            if laps > 0 {
                // Our `position` is stale: the slot already holds a later one.
                position = tail.load(Ordering::Acquire);
                continue;
            }
            if laps == 0 {
                // Another producer claimed `position` and may not have moved
                // the tail yet: move it for them rather than wait.
                position = match tail.compare_exchange(
                    position,
                    position.wrapping_add(1),
                    Ordering::AcqRel,
                    Ordering::Acquire,
                ) {
                    Ok(_) => position.wrapping_add(1),
                    Err(current) => current,
                };
                continue;
            }

            // The slot holds an older lap. Having read `position` from the
            // tail with Acquire, we see the claim of `position - N` that moved
            // the tail past it, so the slot holds exactly `position - N`.
            if laps != -(N as isize) || stamp & Self::MASK != READY {
                // A subscriber is copying that item, or its producer is
                // still writing it.
                return Err(item);
            }
            // AcqRel: Acquire to see every earlier copy finished (below), and
            // Release so that whoever sees the claim also sees the tail we
            // read, and does not take its own `position` for current.
            let claimed = (position & !Self::MASK) | WRITING;
            if slot
                .stamp
                .compare_exchange(stamp, claimed, Ordering::AcqRel, Ordering::Relaxed)
                .is_err()
            {
                // Another producer claimed `position`, or a subscriber pinned
                // the slot: look again.
                continue;
            }

            // The slot went from `position - N` to `position`, so no producer
            // has claimed `position` before us and the tail is still there,
            // unless a producer that saw our claim has already moved it.
            let _ = tail.compare_exchange(
                position,
                position.wrapping_add(1),
                Ordering::AcqRel,
                Ordering::Relaxed,
            );

            // SAFETY: our CAS took the stamp from `READY(position - N)` with
            // no reader to `WRITING(position)`. Subscribers pin only a
            // `READY` stamp, and producers claim only from `READY` with no
            // reader, so until we publish below nobody else touches the
            // value. The claim CAS acquired the last reader's unpin (the
            // unpins and pins form one chain of read-modify-writes on the
            // stamp), so every earlier copy is complete. `T: Copy`:
            // overwriting needs no drop.
            slot.value
                .with_mut(|cell| unsafe { cell.write(MaybeUninit::new(item)) });
            slot.stamp
                .store((position & !Self::MASK) | READY, Ordering::Release);
            return Ok(());
        }
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
}

/// The position whose stamp is `stamp`, in the slot that `position` maps
/// to: the stamp's high bits with `position`'s slot index.
fn held_position(stamp: usize, position: usize, mask: usize) -> usize {
    (stamp & !mask) | (position & mask)
}

impl<T: Copy, const N: usize, const SUBSCRIBERS: usize> Default
    for LossyBroadcast<T, N, SUBSCRIBERS>
{
    fn default() -> Self {
        Self::new()
    }
}

impl<T, const N: usize, const SUBSCRIBERS: usize> fmt::Debug for LossyBroadcast<T, N, SUBSCRIBERS> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LossyBroadcast")
            .field("write_position", &self.tail.0.load(Ordering::Relaxed))
            .field("capacity", &N)
            .field("subscribers", &SUBSCRIBERS)
            .finish()
    }
}

// SAFETY: producers move each `T` into a slot and subscribers copy it out
// (`T: Copy`), so sharing the ring is sound when `T` may be sent between
// threads. Concurrent copies of one slot only read it; the stamp protocol
// (see `Slot`) keeps every write exclusive of all reads and other writes.
unsafe impl<T: Send, const N: usize, const SUBSCRIBERS: usize> Sync
    for LossyBroadcast<T, N, SUBSCRIBERS>
{
}

/// Why [`LossySubscriber::try_recv`] returned no item.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TryRecvError {
    /// No item is ready: the subscriber has received everything, or the
    /// next item's producer has not finished writing it.
    Empty,
    /// Producers overwrote this many items before the subscriber read them.
    /// It now stands at the oldest item still held, which the next receive
    /// returns unless that one is overwritten too (then it reports another
    /// `Missed`). Received plus missed always equals pushed.
    Missed(usize),
}

impl fmt::Display for TryRecvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Empty => f.write_str("no item ready"),
            Self::Missed(count) => write!(f, "fell behind: {count} items overwritten unread"),
        }
    }
}

impl core::error::Error for TryRecvError {}

/// The receiving end of one subscriber index of a [`LossyBroadcast`].
///
/// Taken with [`LossyBroadcast::subscriber`]; dropping it frees the index.
/// It receives through `&mut self`, so exactly one thread reads as this
/// subscriber at a time.
pub struct LossySubscriber<'a, T, const N: usize, const SUBSCRIBERS: usize> {
    ring: &'a LossyBroadcast<T, N, SUBSCRIBERS>,
    index: usize,
    /// The next position to read. Never passes the ring's tail.
    next: usize,
}

impl<T: Copy, const N: usize, const SUBSCRIBERS: usize> LossySubscriber<'_, T, N, SUBSCRIBERS> {
    const MASK: usize = N - 1;

    /// Receives the next item; or reports [`TryRecvError::Missed`] with how
    /// many items were overwritten before this subscriber read them (and
    /// moves on to the oldest item still held); or [`TryRecvError::Empty`].
    ///
    /// Never blocks. Retries its pin only when another subscriber pinned or
    /// unpinned the same slot first.
    pub fn try_recv(&mut self) -> Result<T, TryRecvError> {
        let position = self.next;
        let slot = &self.ring.slots[position & Self::MASK];
        let mut stamp = slot.stamp.load(Ordering::Acquire);
        loop {
            let held = held_position(stamp, position, Self::MASK);
            let laps = behind(position, held);
            if laps < 0 || (laps == 0 && stamp & Self::MASK == WRITING) {
                return Err(TryRecvError::Empty);
            }
            if laps > 0 {
                return Err(TryRecvError::Missed(self.skip_overwritten(held)));
            }

            // Pin: one more reader of `READY(position)`. At most
            // `SUBSCRIBERS` pins exist at once, so the count stays below `N`.
            match slot.stamp.compare_exchange_weak(
                stamp,
                stamp + 1,
                Ordering::Acquire,
                Ordering::Acquire,
            ) {
                Ok(_) => break,
                Err(current) => stamp = current,
            }
        }

        // SAFETY: the pin CAS saw `READY(position)` and acquired the
        // producer's Release publication of it (pins and unpins since then
        // are read-modify-writes that carry it along), so the value is the
        // initialised item of `position`. While our pin holds, the state is
        // not `READY` with zero readers, so no producer can claim the slot;
        // other pinned subscribers only read.
        let item = slot.value.with(|cell| unsafe { cell.read().assume_init() });
        slot.stamp.fetch_sub(1, Ordering::Release);
        self.next = position.wrapping_add(1);
        Ok(item)
    }

    /// Moves past every position known to be overwritten, given that the
    /// slot of `self.next` already holds the later position `held`, and
    /// returns how many positions it skipped.
    fn skip_overwritten(&mut self, held: usize) -> usize {
        // `held` was claimed, which needs the tail to have reached it, so
        // every position before `held` was claimed too; a claim of `p + N`
        // overwrites `p`. So every position up to `held - N` is gone, and so
        // is every position more than `N` behind the tail.
        let after_held_lap = held.wrapping_sub(N).wrapping_add(1);
        let oldest_held = self.ring.tail.0.load(Ordering::Acquire).wrapping_sub(N);
        let next = if behind(after_held_lap, oldest_held) > 0 {
            oldest_held
        } else {
            after_held_lap
        };
        let missed = next.wrapping_sub(self.next);
        self.next = next;
        missed
    }

    /// The number of items pushed (or being pushed) that this subscriber has
    /// neither received nor been told it missed. Above
    /// [`LossyBroadcast::capacity`], the excess will be reported as missed.
    pub fn pending(&self) -> usize {
        let tail = self.ring.tail.0.load(Ordering::Acquire);
        behind(self.next, tail).max(0) as usize
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

impl<T, const N: usize, const SUBSCRIBERS: usize> Drop for LossySubscriber<'_, T, N, SUBSCRIBERS> {
    fn drop(&mut self) {
        self.ring.saved[self.index].store(self.next, Ordering::Relaxed);
        self.ring.seats.release(self.index);
    }
}

impl<T, const N: usize, const SUBSCRIBERS: usize> fmt::Debug
    for LossySubscriber<'_, T, N, SUBSCRIBERS>
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LossySubscriber")
            .field("index", &self.index)
            .field("position", &self.next)
            .finish()
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    #[test]
    fn keeps_up_without_missing() {
        let ring: LossyBroadcast<u32, 4, 2> = LossyBroadcast::new();
        let mut a = ring.subscriber(0).unwrap();
        let mut b = ring.subscriber(1).unwrap();
        for n in 0..20 {
            ring.try_push(n).unwrap();
            assert_eq!(a.try_recv(), Ok(n));
            assert_eq!(b.try_recv(), Ok(n));
            assert_eq!(a.try_recv(), Err(TryRecvError::Empty));
        }
    }

    /// Received plus missed must equal pushed, for a lagging and a
    /// keeping-up subscriber alike.
    #[test]
    fn missed_counts_add_up_to_overwritten_items() {
        let ring: LossyBroadcast<u32, 8, 2> = LossyBroadcast::new();
        let mut eager = ring.subscriber(0).unwrap();
        let mut lagging = ring.subscriber(1).unwrap();
        let mut seen = [0_usize; 2];
        let mut missed = [0_usize; 2];
        let mut last = [None::<u32>; 2];
        for n in 0..100 {
            ring.try_push(n).unwrap();
            let rounds = if n % 10 == 9 { 20 } else { 0 };
            for (which, subscriber) in [&mut eager, &mut lagging].into_iter().enumerate() {
                let turns = if which == 0 { 1 } else { rounds };
                for _ in 0..turns {
                    match subscriber.try_recv() {
                        Ok(item) => {
                            assert!(last[which].is_none_or(|before| item > before));
                            last[which] = Some(item);
                            seen[which] += 1;
                        }
                        Err(TryRecvError::Missed(count)) => missed[which] += count,
                        Err(TryRecvError::Empty) => break,
                    }
                }
            }
        }
        assert_eq!((seen[0], missed[0]), (100, 0));
        assert_eq!(seen[1] + missed[1], 100);
        assert_eq!(missed[1], 20, "each burst of 10 overwrote the 2 oldest");
    }

    /// A producer must not overwrite a slot a subscriber is copying.
    #[test]
    fn pinned_slot_refuses_overwrite() {
        let ring: LossyBroadcast<u8, 4, 1> = LossyBroadcast::new();
        for n in 0..4 {
            ring.try_push(n).unwrap();
        }
        // Play a subscriber halfway through copying position 0.
        ring.slots[0].stamp.fetch_add(1, Ordering::Acquire);
        assert_eq!(ring.try_push(4), Err(4));
        assert_eq!(ring.write_position(), 4, "the failed push claimed nothing");

        ring.slots[0].stamp.fetch_sub(1, Ordering::Release);
        assert_eq!(ring.try_push(4), Ok(()));
        let mut only = ring.subscriber(0).unwrap();
        assert_eq!(only.try_recv(), Err(TryRecvError::Missed(1)));
        assert_eq!(only.try_recv(), Ok(1));
    }

    /// A claim that has not yet moved the tail is finished by the next
    /// producer instead of making it wait or fail.
    #[test]
    fn producer_moves_the_tail_for_a_preempted_claim() {
        let ring: LossyBroadcast<u8, 4, 1> = LossyBroadcast::new();
        ring.slots[0].stamp.store(WRITING, Ordering::Relaxed);
        assert_eq!(ring.try_push(9), Ok(()));
        assert_eq!(ring.write_position(), 2);

        let mut only = ring.subscriber(0).unwrap();
        assert_eq!(
            only.try_recv(),
            Err(TryRecvError::Empty),
            "position 0 still in flight"
        );
        ring.slots[0].value.with_mut(|cell| {
            // SAFETY: this test plays the producer that claimed position 0;
            // nothing else touches slot 0 until it is published below.
            unsafe { cell.write(MaybeUninit::new(8)) }
        });
        ring.slots[0].stamp.store(READY, Ordering::Release);
        assert_eq!((only.try_recv(), only.try_recv()), (Ok(8), Ok(9)));
    }

    #[test]
    fn retaken_subscriber_reports_what_it_missed_meanwhile() {
        let ring: LossyBroadcast<u8, 4, 2> = LossyBroadcast::new();
        let mut first = ring.subscriber(1).unwrap();
        ring.try_push(0).unwrap();
        assert_eq!(first.try_recv(), Ok(0));
        drop(first);
        for n in 1..11 {
            ring.try_push(n).unwrap();
        }
        let mut second = ring.subscriber(1).unwrap();
        assert_eq!(second.pending(), 10);
        assert_eq!(second.try_recv(), Err(TryRecvError::Missed(6)));
        assert_eq!(second.try_recv(), Ok(7));
    }

    /// Guards the stamp's lap arithmetic against the `usize::MAX` wrap.
    #[test]
    fn positions_wrap_past_usize_max() {
        let ring: LossyBroadcast<u16, 4, 2> = LossyBroadcast::starting_at(usize::MAX - 6);
        let mut a = ring.subscriber(0).unwrap();
        let mut b = ring.subscriber(1).unwrap();
        let mut b_total = 0;
        for n in 0..60 {
            ring.try_push(n).unwrap();
            assert_eq!(a.try_recv(), Ok(n));
            if n % 6 == 5 {
                loop {
                    match b.try_recv() {
                        Ok(_) => b_total += 1,
                        Err(TryRecvError::Missed(count)) => b_total += count,
                        Err(TryRecvError::Empty) => break,
                    }
                }
                assert_eq!(b_total, n as usize + 1);
            }
        }
    }
}
