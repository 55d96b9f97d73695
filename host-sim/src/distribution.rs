//! How ticks get from producers to consumers: the rings, and which consumer
//! reads which ring.
//!
//! - [`Distribution::Fanout`] gives every consumer every tick through one
//!   [`tickring::Broadcast`]: a producer pushes each tick once, and each
//!   consumer reads it through its own subscriber cursor. The indicators need
//!   this: an SMA over half the ticks is not the SMA. The slowest consumer
//!   gates the producers, so with `--on-full wait` nothing is lost; with
//!   `--on-full drop` a push that finds the ring full is a tick that every
//!   consumer misses.
//! - [`Distribution::Shared`] makes the consumers compete for the ticks of one
//!   [`tickring::Ring`], as the original Go demo did: each tick reaches one
//!   consumer.
//!
//! The capacity is chosen at run time but both rings take it as a const
//! parameter, so [`new_ring`] and [`new_broadcast`] instantiate a ring for
//! every power of two the command line accepts and hand it out as a trait
//! object. The cost is one indirect call per push or pop.

use core::sync::atomic::{AtomicU64, Ordering};
use std::thread::Thread;

use tickring::broadcast::Subscriber;
use tickring::{Broadcast, Ring, Tick};

use crate::report::{ReaderFigures, RingFigures};
use crate::wait::Backoff;

/// The smallest ring capacity, in slots.
pub(crate) const MIN_CAPACITY: usize = 2;
/// The largest ring capacity, in slots (40 MiB of slots per ring).
pub(crate) const MAX_CAPACITY: usize = 1 << 20;
/// The consumers the pipeline runs: the broadcast ring's subscribers.
pub(crate) const CONSUMERS: usize = 2;

/// The producer end of a ring whose capacity is known only at run time.
pub(crate) trait TickSink: Send + Sync {
    /// Pushes `tick`, or hands it back when the ring is full.
    fn try_push(&self, tick: Tick) -> Result<(), Tick>;
}

/// Where a consumer takes its ticks from: its subscriber of the broadcast
/// ring, or the shared ring.
pub(crate) trait TickSource {
    /// The next tick for this consumer, if any.
    fn try_pop(&mut self) -> Option<Tick>;
}

/// A ring of ticks that consumers compete for.
pub(crate) trait TickQueue: TickSink {
    /// Pops the oldest tick, if any.
    fn try_pop(&self) -> Option<Tick>;
    /// Ticks in the ring, counting pushes and pops in flight.
    fn len(&self) -> usize;
    /// Slots in the ring.
    fn capacity(&self) -> usize;
    /// Positions claimed by producers so far (wrapping).
    fn write_position(&self) -> usize;
    /// Positions claimed by consumers so far (wrapping).
    fn read_position(&self) -> usize;
}

/// A ring of ticks that every consumer reads in full.
pub(crate) trait BroadcastQueue: TickSink {
    /// The handle of consumer `index`, or `None` while one is out.
    fn subscribe(&self, index: usize) -> Option<Box<dyn TickSource + Send + '_>>;
    /// Slots in the ring.
    fn capacity(&self) -> usize;
    /// Positions claimed by producers so far (wrapping).
    fn write_position(&self) -> usize;
    /// The position consumer `index` reads next (wrapping).
    fn read_position(&self, index: usize) -> usize;
}

impl<const N: usize> TickSink for Ring<Tick, N> {
    fn try_push(&self, tick: Tick) -> Result<(), Tick> {
        Ring::try_push(self, tick)
    }
}

impl<const N: usize> TickQueue for Ring<Tick, N> {
    fn try_pop(&self) -> Option<Tick> {
        Ring::try_pop(self)
    }

    fn len(&self) -> usize {
        Ring::len(self)
    }

    fn capacity(&self) -> usize {
        Ring::capacity(self)
    }

    fn write_position(&self) -> usize {
        Ring::write_position(self)
    }

    fn read_position(&self) -> usize {
        Ring::read_position(self)
    }
}

impl<Q: TickQueue + ?Sized> TickSource for &Q {
    fn try_pop(&mut self) -> Option<Tick> {
        Q::try_pop(self)
    }
}

impl<const N: usize> TickSink for Broadcast<Tick, N, CONSUMERS> {
    fn try_push(&self, tick: Tick) -> Result<(), Tick> {
        Broadcast::try_push(self, tick)
    }
}

impl<const N: usize> BroadcastQueue for Broadcast<Tick, N, CONSUMERS> {
    fn subscribe(&self, index: usize) -> Option<Box<dyn TickSource + Send + '_>> {
        let subscriber = self.subscriber(index)?;
        Some(Box::new(subscriber))
    }

    fn capacity(&self) -> usize {
        Broadcast::capacity(self)
    }

    fn write_position(&self) -> usize {
        Broadcast::write_position(self)
    }

    fn read_position(&self, index: usize) -> usize {
        self.subscriber_position(index)
    }
}

impl<const N: usize> TickSource for Subscriber<'_, Tick, N, CONSUMERS> {
    fn try_pop(&mut self) -> Option<Tick> {
        self.try_recv()
    }
}

/// A ring built by `build` on the heap.
///
/// The rings' constructors build them by value, which without optimisation
/// means on the stack, in several copies: a debug build needs several times
/// the ring's size (`bytes`, up to 40 MiB) of stack, beyond a main thread's
/// 8 MiB. So rings larger than a few pages are built on a helper thread whose
/// stack fits them (stack pages are only committed when touched), then moved
/// into a box.
fn boxed<R: ?Sized + Send + 'static>(bytes: usize, build: fn() -> Box<R>) -> Box<R> {
    const ON_CALLER_STACK: usize = 64 * 1024;
    if bytes <= ON_CALLER_STACK {
        return build();
    }
    std::thread::Builder::new()
        .name("ring-builder".into())
        .stack_size(8 * bytes + (1 << 20))
        .spawn(build)
        .and_then(|builder| {
            builder
                .join()
                .map_err(|_| std::io::Error::other("the ring builder panicked"))
        })
        .unwrap_or_else(|error| panic!("cannot build a ring of {bytes} bytes: {error}"))
}

/// Builds a ring on the current stack and boxes it. A function of its own,
/// so that its stack frame (a ring's size, in a debug build) is only taken by
/// the thread that calls it.
#[inline(never)]
fn build_ring<const N: usize>() -> Box<dyn TickQueue> {
    Box::new(Ring::<Tick, N>::new())
}

/// As [`build_ring`], for the broadcast ring.
#[inline(never)]
fn build_broadcast<const N: usize>() -> Box<dyn BroadcastQueue> {
    Box::new(Broadcast::<Tick, N, CONSUMERS>::new())
}

/// Calls `$make::<N>()` for the `N` that equals `$capacity`, for every power
/// of two the command line accepts.
macro_rules! by_capacity {
    ($capacity:expr, $make:ident) => {
        by_capacity!($capacity, $make; 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20)
    };
    ($capacity:expr, $make:ident; $($bits:literal)*) => {
        match $capacity {
            $(n if n == 1 << $bits => $make::<{ 1 << $bits }>(),)*
            other => panic!("ring capacity {other} is not a power of two in 2..=2^20"),
        }
    };
}

/// A ring of `capacity` slots that consumers compete for.
///
/// # Panics
///
/// If `capacity` is not a power of two in
/// [`MIN_CAPACITY`]`..=`[`MAX_CAPACITY`]; the command line checks that first.
pub(crate) fn new_ring(capacity: usize) -> Box<dyn TickQueue> {
    fn make<const N: usize>() -> Box<dyn TickQueue> {
        boxed(size_of::<Ring<Tick, N>>(), build_ring::<N>)
    }
    by_capacity!(capacity, make)
}

/// A broadcast ring of `capacity` slots for [`CONSUMERS`] consumers.
///
/// # Panics
///
/// As [`new_ring`].
pub(crate) fn new_broadcast(capacity: usize) -> Box<dyn BroadcastQueue> {
    fn make<const N: usize>() -> Box<dyn BroadcastQueue> {
        boxed(
            size_of::<Broadcast<Tick, N, CONSUMERS>>(),
            build_broadcast::<N>,
        )
    }
    by_capacity!(capacity, make)
}

/// What a producer does when a ring is full.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum OnFull {
    /// Wait (with backoff) until there is room: nothing is lost.
    Wait,
    /// Drop the tick for that ring and count it.
    Drop,
}

/// One ring and what happened at its producer end.
pub(crate) struct Lane<R: ?Sized> {
    pub(crate) ring: Box<R>,
    /// Pushes that found the ring full and waited.
    pub(crate) full_waits: AtomicU64,
    /// Pushes that found the ring full and dropped their tick.
    pub(crate) drops: AtomicU64,
}

impl<R: ?Sized + TickSink> Lane<R> {
    fn new(ring: Box<R>) -> Self {
        Self {
            ring,
            full_waits: AtomicU64::new(0),
            drops: AtomicU64::new(0),
        }
    }

    /// Pushes `tick` according to `on_full`; returns whether it was stored.
    /// While waiting, wakes `consumers` so that one of them makes room.
    fn push(&self, tick: Tick, on_full: OnFull, consumers: &[Thread]) -> bool {
        let Err(mut tick) = self.ring.try_push(tick) else {
            return true;
        };
        match on_full {
            OnFull::Drop => {
                self.drops.fetch_add(1, Ordering::Relaxed);
                false
            }
            OnFull::Wait => {
                self.full_waits.fetch_add(1, Ordering::Relaxed);
                wake(consumers);
                let mut backoff = Backoff::new();
                loop {
                    backoff.snooze();
                    match self.ring.try_push(tick) {
                        Ok(()) => return true,
                        Err(back) => tick = back,
                    }
                    if backoff.is_sleeping() {
                        wake(consumers);
                    }
                }
            }
        }
    }
}

/// Wakes parked consumers. Costs one atomic swap per consumer that is not
/// parked.
pub(crate) fn wake(consumers: &[Thread]) {
    for consumer in consumers {
        consumer.unpark();
    }
}

/// The ring between producers and consumers, and who reads it how.
pub(crate) enum Distribution {
    /// One broadcast ring; every consumer reads every tick through its own
    /// subscriber. Holds the consumers' names, in subscriber order.
    Fanout(Lane<dyn BroadcastQueue>, [&'static str; CONSUMERS]),
    /// One ring that all consumers pop from.
    Shared(Lane<dyn TickQueue>),
}

/// Which distribution to build, as chosen on the command line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum DistributionKind {
    /// Every consumer gets every tick.
    Fanout,
    /// Consumers compete for ticks.
    Shared,
}

impl Distribution {
    /// The ring for `consumers` (their names), with `capacity` slots.
    pub(crate) fn new(
        kind: DistributionKind,
        consumers: [&'static str; CONSUMERS],
        capacity: usize,
    ) -> Self {
        match kind {
            DistributionKind::Fanout => Self::Fanout(Lane::new(new_broadcast(capacity)), consumers),
            DistributionKind::Shared => Self::Shared(Lane::new(new_ring(capacity))),
        }
    }

    /// How many consumers each produced tick is meant for: the number of
    /// deliveries that a tick makes, counting a drop as one.
    pub(crate) fn deliveries_per_tick(&self) -> u64 {
        match self {
            Self::Fanout(..) => CONSUMERS as u64,
            Self::Shared(_) => 1,
        }
    }

    /// Where consumer number `index` takes its ticks from. Call it once per
    /// consumer, before the data path starts: it allocates the handle.
    ///
    /// # Panics
    ///
    /// If consumer `index`'s handle is already out.
    pub(crate) fn source_of(&self, index: usize) -> Box<dyn TickSource + Send + '_> {
        match self {
            Self::Fanout(lane, _) => lane
                .ring
                .subscribe(index)
                .unwrap_or_else(|| panic!("consumer {index} already reads the broadcast ring")),
            Self::Shared(lane) => Box::new(&*lane.ring),
        }
    }

    /// Delivers `tick` to the ring according to `on_full`.
    pub(crate) fn publish(&self, tick: Tick, on_full: OnFull, consumers: &[Thread]) {
        match self {
            Self::Fanout(lane, _) => lane.push(tick, on_full, consumers),
            Self::Shared(lane) => lane.push(tick, on_full, consumers),
        };
    }

    /// The ring's state for the report. A dropped tick counts once per
    /// consumer it was meant for, so that the report's drops are deliveries
    /// lost, as its `produced × deliveries_per_tick = consumed + dropped`
    /// promises.
    pub(crate) fn ring_figures(&self) -> RingFigures {
        match self {
            Self::Fanout(lane, names) => {
                let ring = &*lane.ring;
                let write = ring.write_position();
                let readers: Vec<ReaderFigures> = names
                    .iter()
                    .enumerate()
                    .map(|(index, &name)| {
                        let read = ring.read_position(index);
                        ReaderFigures {
                            name,
                            read_position: read as u64,
                            in_use: write.wrapping_sub(read).min(ring.capacity()) as u64,
                        }
                    })
                    .collect();
                // The slowest reader's position gates the producers.
                let in_use = readers.iter().map(|r| r.in_use).max().unwrap_or(0);
                RingFigures {
                    name: "broadcast",
                    write_position: write as u64,
                    read_position: (write as u64).wrapping_sub(in_use),
                    in_use,
                    capacity: ring.capacity() as u64,
                    full_waits: lane.full_waits.load(Ordering::Relaxed),
                    dropped: lane.drops.load(Ordering::Relaxed) * CONSUMERS as u64,
                    readers,
                }
            }
            Self::Shared(lane) => RingFigures {
                name: "shared",
                write_position: lane.ring.write_position() as u64,
                read_position: lane.ring.read_position() as u64,
                in_use: lane.ring.len() as u64,
                capacity: lane.ring.capacity() as u64,
                full_waits: lane.full_waits.load(Ordering::Relaxed),
                dropped: lane.drops.load(Ordering::Relaxed),
                readers: Vec::new(),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tickring::{Price, Symbol};

    fn tick(n: u64) -> Tick {
        Tick {
            symbol: Symbol::new("T").unwrap(),
            price: Price::from_units(100),
            volume: 1,
            created_ns: n,
        }
    }

    #[test]
    fn every_accepted_capacity_builds_rings_of_that_size() {
        let mut capacity = MIN_CAPACITY;
        while capacity <= MAX_CAPACITY {
            assert_eq!(new_ring(capacity).capacity(), capacity);
            assert_eq!(new_broadcast(capacity).capacity(), capacity);
            capacity *= 2;
        }
    }

    #[test]
    fn fanout_delivers_every_tick_to_every_consumer_and_counts_drops_per_consumer() {
        let fanout = Distribution::new(DistributionKind::Fanout, ["a", "b"], 2);
        let mut sources = [fanout.source_of(0), fanout.source_of(1)];
        for n in 0..3 {
            fanout.publish(tick(n), OnFull::Drop, &[]);
        }
        assert_eq!(fanout.deliveries_per_tick(), 2);
        let full = fanout.ring_figures();
        assert_eq!(full.dropped, 2, "the third tick is lost to both consumers");
        assert_eq!((full.write_position, full.in_use), (2, 2));

        for source in &mut sources {
            assert_eq!(source.try_pop(), Some(tick(0)));
            assert_eq!(source.try_pop(), Some(tick(1)));
            assert_eq!(source.try_pop(), None);
        }
        let drained = fanout.ring_figures();
        assert_eq!((drained.read_position, drained.in_use), (2, 0));
        assert!(drained.readers.iter().all(|r| r.read_position == 2));
    }

    #[test]
    fn fanout_report_shows_each_reader_and_the_slowest_as_the_ring() {
        // Guards the report: the ring's read position is the slowest reader's,
        // the one that keeps producers waiting.
        let fanout = Distribution::new(DistributionKind::Fanout, ["fast", "slow"], 4);
        let (mut fast, _slow) = (fanout.source_of(0), fanout.source_of(1));
        for n in 0..3 {
            fanout.publish(tick(n), OnFull::Wait, &[]);
        }
        fast.try_pop();
        fast.try_pop();

        let ring = fanout.ring_figures();
        assert_eq!((ring.name, ring.write_position), ("broadcast", 3));
        assert_eq!((ring.read_position, ring.in_use), (0, 3));
        let readers: Vec<_> = ring
            .readers
            .iter()
            .map(|r| (r.name, r.read_position, r.in_use))
            .collect();
        assert_eq!(readers, [("fast", 2, 1), ("slow", 0, 3)]);
    }

    #[test]
    fn shared_consumers_pop_one_ring() {
        let shared = Distribution::new(DistributionKind::Shared, ["a", "b"], 4);
        shared.publish(tick(1), OnFull::Wait, &[]);
        assert_eq!(shared.deliveries_per_tick(), 1);
        assert_eq!(shared.source_of(1).try_pop(), Some(tick(1)));
        assert_eq!(shared.source_of(0).try_pop(), None);
        assert!(shared.ring_figures().readers.is_empty());
    }

    #[test]
    fn a_waiting_producer_completes_once_a_consumer_makes_room() {
        let fanout = Distribution::new(DistributionKind::Fanout, ["a", "b"], 2);
        let (mut a, mut b) = (fanout.source_of(0), fanout.source_of(1));
        fanout.publish(tick(0), OnFull::Wait, &[]);
        fanout.publish(tick(1), OnFull::Wait, &[]);
        std::thread::scope(|scope| {
            scope.spawn(|| fanout.publish(tick(2), OnFull::Wait, &[]));
            std::thread::sleep(core::time::Duration::from_millis(20));
            assert_eq!(a.try_pop(), Some(tick(0)));
            assert_eq!(b.try_pop(), Some(tick(0)));
        });
        let ring = fanout.ring_figures();
        assert_eq!((ring.full_waits, ring.dropped), (1, 0));
        for source in [&mut a, &mut b] {
            assert_eq!(source.try_pop(), Some(tick(1)));
            assert_eq!(source.try_pop(), Some(tick(2)));
        }
    }
}
