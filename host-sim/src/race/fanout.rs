//! The `fanout` scenario: every consumer must see every tick, as the
//! pipeline's price monitor and technical analyzer do.
//!
//! Two ways to get there are raced against each other: one broadcast ring
//! that every consumer reads through its own cursor (each tick stored once),
//! and one queue per consumer that producers push each tick into (each tick
//! stored once per consumer). A producer whose queue is full yields and
//! retries that queue only, so a tick goes into each queue exactly once.

use core::sync::atomic::{AtomicUsize, Ordering};
use core::time::Duration;
use std::sync::Barrier;
use std::thread;

use tickring::broadcast::Subscriber;
use tickring::{Broadcast, Tick};

use super::backend::{CAPACITY, TickQueue};
use super::{Checksum, race_tick, release_and_join};

/// Consumers in the `fanout` scenario, each seeing every tick.
pub(crate) const CONSUMERS: usize = 2;

/// Queues that hand every tick to each of [`CONSUMERS`] consumers.
pub(crate) trait FanOut: Sync {
    /// How one consumer reads.
    type Reader<'a>: Reader + Send
    where
        Self: 'a;

    /// Delivers `tick` to every consumer, yielding while a queue is full.
    fn publish(&self, tick: Tick);

    /// The reading end of consumer `index`.
    fn reader(&self, index: usize) -> Self::Reader<'_>;
}

/// One consumer's end of a [`FanOut`].
pub(crate) trait Reader {
    /// The next tick for this consumer, if any.
    fn next(&mut self) -> Option<Tick>;
}

/// tickring's broadcast ring: one ring, one cursor per consumer.
pub(crate) struct BroadcastFanOut(pub(crate) Broadcast<Tick, CAPACITY, CONSUMERS>);

impl FanOut for BroadcastFanOut {
    type Reader<'a> = Subscriber<'a, Tick, CAPACITY, CONSUMERS>;

    fn publish(&self, mut tick: Tick) {
        while let Err(back) = self.0.try_push(tick) {
            tick = back;
            thread::yield_now();
        }
    }

    fn reader(&self, index: usize) -> Self::Reader<'_> {
        self.0
            .subscriber(index)
            .expect("each consumer subscribes once")
    }
}

impl Reader for Subscriber<'_, Tick, CAPACITY, CONSUMERS> {
    fn next(&mut self) -> Option<Tick> {
        self.try_recv()
    }
}

/// One queue per consumer; producers push every tick into each. Each queue
/// is boxed on its own, so that an unoptimised build never holds them all
/// on its stack at once.
pub(crate) struct QueuePerConsumer<Q>(pub(crate) [Box<Q>; CONSUMERS]);

impl<Q: TickQueue> FanOut for QueuePerConsumer<Q> {
    type Reader<'a>
        = OwnQueue<'a, Q>
    where
        Self: 'a;

    fn publish(&self, tick: Tick) {
        for queue in &self.0 {
            let mut item = tick;
            while let Err(back) = queue.push(item) {
                item = back;
                thread::yield_now();
            }
        }
    }

    fn reader(&self, index: usize) -> Self::Reader<'_> {
        OwnQueue(&*self.0[index])
    }
}

/// The queue only one consumer pops.
pub(crate) struct OwnQueue<'a, Q>(&'a Q);

impl<Q: TickQueue> Reader for OwnQueue<'_, Q> {
    fn next(&mut self) -> Option<Tick> {
        self.0.pop()
    }
}

/// Moves `ticks` ticks (rounded down to a multiple of the producers) from
/// `producers` threads to every one of [`CONSUMERS`] consumers; returns the
/// time from the moment all threads are ready to the moment the last
/// consumer is done (at least 1 ns).
///
/// # Panics
///
/// If any consumer misses a tick or receives one twice.
pub(crate) fn run_once<F: FanOut>(fanout: &F, producers: usize, ticks: u64) -> Duration {
    let per_producer = ticks / producers as u64;
    let producing = AtomicUsize::new(producers);
    let start = Barrier::new(producers + CONSUMERS + 1);

    let (elapsed, checksums) = thread::scope(|scope| {
        for producer in 0..producers {
            let (producing, start) = (&producing, &start);
            scope.spawn(move || {
                start.wait();
                for sequence in 0..per_producer {
                    fanout.publish(race_tick(producer, sequence));
                }
                producing.fetch_sub(1, Ordering::Release);
            });
        }
        let consumers: Vec<_> = (0..CONSUMERS)
            .map(|index| {
                let mut reader = fanout.reader(index);
                let (producing, start) = (&producing, &start);
                scope.spawn(move || {
                    start.wait();
                    consume(&mut reader, producing)
                })
            })
            .collect();

        release_and_join(&start, consumers)
    });

    let expected = Checksum::of_sequences(producers as u64, per_producer);
    for (index, checksum) in checksums.iter().enumerate() {
        assert_eq!(
            *checksum, expected,
            "fanout: consumer {index} lost or duplicated ticks"
        );
    }
    elapsed.max(Duration::from_nanos(1))
}

/// Reads until the producers are done and nothing is left for this reader.
fn consume(reader: &mut impl Reader, producing: &AtomicUsize) -> Checksum {
    let mut checksum = Checksum::default();
    loop {
        // Read before receiving: once all producers are done, nothing to
        // receive means nothing left, not a push still in flight.
        let done = producing.load(Ordering::Acquire) == 0;
        match reader.next() {
            Some(tick) => checksum = checksum.add(Checksum::of_tick(&tick)),
            None if done => return checksum,
            None => thread::yield_now(),
        }
    }
}
