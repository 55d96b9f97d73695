//! How ticks get from producers to consumers: the rings, and which consumer
//! reads which ring.
//!
//! - [`Distribution::Fanout`] gives every consumer every tick: one ring per
//!   consumer, and a producer pushes each tick into each ring. The indicators
//!   need this: an SMA over half the ticks is not the SMA.
//! - [`Distribution::Shared`] makes the consumers compete for the ticks of one
//!   ring, as the original Go demo did: each tick reaches one consumer.
//!
//! A broadcast ring (one ring, every tick to every subscriber) would replace
//! the ring-per-consumer fanout; [`Distribution`] is the only place that
//! would change.
//!
//! The ring's capacity is chosen at run time but `tickring::Ring` takes it as
//! a const parameter, so [`new_ring`] instantiates `Ring<Tick, N>` for every
//! power of two the command line accepts and hands it out as a
//! `dyn TickQueue`. The cost is one indirect call per push or pop.

use core::sync::atomic::{AtomicU64, Ordering};
use std::thread::Thread;

use tickring::{Ring, Tick};

use crate::wait::Backoff;

/// The smallest ring capacity, in slots.
pub(crate) const MIN_CAPACITY: usize = 2;
/// The largest ring capacity, in slots (40 MiB of slots per ring).
pub(crate) const MAX_CAPACITY: usize = 1 << 20;

/// A ring of ticks whose capacity is known only at run time.
pub(crate) trait TickQueue: Send + Sync {
    /// Pushes `tick`, or hands it back when the ring is full.
    fn try_push(&self, tick: Tick) -> Result<(), Tick>;
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

impl<const N: usize> TickQueue for Ring<Tick, N> {
    fn try_push(&self, tick: Tick) -> Result<(), Tick> {
        Ring::try_push(self, tick)
    }

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

/// A ring of `N` slots on the heap.
///
/// `Ring::new` builds the ring by value, which without optimisation means on
/// the stack, in several copies: a debug build needs several times the ring's
/// size (up to 40 MiB) of stack, beyond a main thread's 8 MiB. So rings larger
/// than a few pages are built on a helper thread whose stack fits them (stack
/// pages are only committed when touched), then moved into a box.
fn boxed_ring<const N: usize>() -> Box<dyn TickQueue> {
    const ON_CALLER_STACK: usize = 64 * 1024;
    let bytes = size_of::<Ring<Tick, N>>();
    if bytes <= ON_CALLER_STACK {
        return build_ring::<N>();
    }
    std::thread::Builder::new()
        .name("ring-builder".into())
        .stack_size(8 * bytes + (1 << 20))
        .spawn(build_ring::<N>)
        .and_then(|builder| {
            builder
                .join()
                .map_err(|_| std::io::Error::other("the ring builder panicked"))
        })
        .unwrap_or_else(|error| panic!("cannot build a ring of {N} slots: {error}"))
}

/// Builds a ring on the current stack and boxes it. A function of its own,
/// so that its stack frame (a ring's size, in a debug build) is only taken by
/// the thread that calls it.
#[inline(never)]
fn build_ring<const N: usize>() -> Box<dyn TickQueue> {
    Box::new(Ring::<Tick, N>::new())
}

/// A ring of `capacity` slots.
///
/// # Panics
///
/// If `capacity` is not a power of two in
/// [`MIN_CAPACITY`]`..=`[`MAX_CAPACITY`]; the command line checks that first.
pub(crate) fn new_ring(capacity: usize) -> Box<dyn TickQueue> {
    macro_rules! by_capacity {
        ($($bits:literal)*) => {
            match capacity {
                $(n if n == 1 << $bits => boxed_ring::<{ 1 << $bits }>(),)*
                other => panic!("ring capacity {other} is not a power of two in 2..=2^20"),
            }
        };
    }
    by_capacity!(1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20)
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
pub(crate) struct Lane {
    /// Who reads this ring ("price-monitor", or "shared").
    pub(crate) name: &'static str,
    pub(crate) ring: Box<dyn TickQueue>,
    /// Pushes that found the ring full and waited.
    pub(crate) full_waits: AtomicU64,
    /// Ticks dropped because the ring was full.
    pub(crate) drops: AtomicU64,
}

impl Lane {
    fn new(name: &'static str, capacity: usize) -> Self {
        Self {
            name,
            ring: new_ring(capacity),
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

/// The rings between producers and consumers, and who reads which.
pub(crate) enum Distribution {
    /// One ring per consumer; every tick goes into every ring.
    Fanout(Vec<Lane>),
    /// One ring that all consumers pop from.
    Shared(Lane),
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
    /// The rings for `consumers` (their names) with `capacity` slots each.
    pub(crate) fn new(kind: DistributionKind, consumers: &[&'static str], capacity: usize) -> Self {
        match kind {
            DistributionKind::Fanout => Self::Fanout(
                consumers
                    .iter()
                    .map(|name| Lane::new(name, capacity))
                    .collect(),
            ),
            DistributionKind::Shared => Self::Shared(Lane::new("shared", capacity)),
        }
    }

    /// How many consumers each produced tick is meant for: the number of
    /// deliveries that a tick makes, counting a drop as one.
    pub(crate) fn deliveries_per_tick(&self) -> u64 {
        match self {
            Self::Fanout(lanes) => lanes.len() as u64,
            Self::Shared(_) => 1,
        }
    }

    /// The ring consumer number `index` pops from.
    pub(crate) fn ring_of(&self, index: usize) -> &dyn TickQueue {
        match self {
            Self::Fanout(lanes) => &*lanes[index].ring,
            Self::Shared(lane) => &*lane.ring,
        }
    }

    /// Every ring, for the report.
    pub(crate) fn lanes(&self) -> &[Lane] {
        match self {
            Self::Fanout(lanes) => lanes,
            Self::Shared(lane) => core::slice::from_ref(lane),
        }
    }

    /// Delivers `tick` to its ring(s) according to `on_full`.
    pub(crate) fn publish(&self, tick: Tick, on_full: OnFull, consumers: &[Thread]) {
        for lane in self.lanes() {
            lane.push(tick, on_full, consumers);
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
    fn every_accepted_capacity_builds_a_ring_of_that_size() {
        let mut capacity = MIN_CAPACITY;
        while capacity <= MAX_CAPACITY {
            assert_eq!(new_ring(capacity).capacity(), capacity);
            capacity *= 2;
        }
    }

    #[test]
    fn fanout_delivers_every_tick_to_every_ring_and_counts_drops_per_ring() {
        let fanout = Distribution::new(DistributionKind::Fanout, &["a", "b"], 2);
        for n in 0..3 {
            fanout.publish(tick(n), OnFull::Drop, &[]);
        }
        assert_eq!(fanout.deliveries_per_tick(), 2);
        for (index, lane) in fanout.lanes().iter().enumerate() {
            assert_eq!(lane.drops.load(Ordering::Relaxed), 1, "third tick dropped");
            assert_eq!(fanout.ring_of(index).try_pop(), Some(tick(0)));
            assert_eq!(fanout.ring_of(index).try_pop(), Some(tick(1)));
            assert_eq!(fanout.ring_of(index).try_pop(), None);
        }
    }

    #[test]
    fn shared_consumers_pop_one_ring() {
        let shared = Distribution::new(DistributionKind::Shared, &["a", "b"], 4);
        shared.publish(tick(1), OnFull::Wait, &[]);
        assert_eq!(shared.deliveries_per_tick(), 1);
        assert_eq!(shared.ring_of(1).try_pop(), Some(tick(1)));
        assert_eq!(shared.ring_of(0).try_pop(), None);
    }

    #[test]
    fn a_waiting_producer_completes_once_a_consumer_makes_room() {
        let shared = Distribution::new(DistributionKind::Shared, &["a"], 2);
        shared.publish(tick(0), OnFull::Wait, &[]);
        shared.publish(tick(1), OnFull::Wait, &[]);
        std::thread::scope(|scope| {
            scope.spawn(|| shared.publish(tick(2), OnFull::Wait, &[]));
            std::thread::sleep(core::time::Duration::from_millis(20));
            assert_eq!(shared.ring_of(0).try_pop(), Some(tick(0)));
        });
        let lane = &shared.lanes()[0];
        assert_eq!(lane.full_waits.load(Ordering::Relaxed), 1);
        assert_eq!(lane.drops.load(Ordering::Relaxed), 0);
        assert_eq!(shared.ring_of(0).try_pop(), Some(tick(1)));
        assert_eq!(shared.ring_of(0).try_pop(), Some(tick(2)));
    }
}
