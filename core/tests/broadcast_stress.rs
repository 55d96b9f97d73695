//! Three producers and two or three subscribers hammer one broadcast ring.
//!
//! Loss-free: every subscriber receives every tick exactly once, in each
//! producer's order. Lossy: every subscriber receives each producer's ticks
//! in order, and what it received plus what it was told it missed adds up to
//! exactly what was pushed. Items are `Tick`s, which have padding bytes, and
//! every received tick is checked field by field so that a torn copy fails.
//!
//! Scaled down under Miri, where each run is a few hundred items.

use core::sync::atomic::{AtomicBool, Ordering};
use std::thread;

use tickring::broadcast::{LossySubscriber, Subscriber, TryRecvError};
use tickring::{Broadcast, LossyBroadcast, Price, Symbol, Tick};

const PRODUCERS: usize = 3;
const PER_PRODUCER: u64 = if cfg!(miri) { 40 } else { 40_000 };
const TOTAL: usize = PRODUCERS * PER_PRODUCER as usize;

const SYMBOLS: [&str; PRODUCERS] = ["AAPL", "MSFT", "NVDA"];

/// Tick number `seq` of `producer`; every field is derived from the two, so
/// a tick mixed from two writes does not pass [`decode`].
fn encode(producer: usize, seq: u64) -> Tick {
    Tick {
        symbol: Symbol::new(SYMBOLS[producer]).unwrap(),
        price: Price::from_units(seq as i64 * 7 + producer as i64),
        volume: seq as u32 ^ 0x5555_5555,
        created_ns: seq,
    }
}

/// The producer and sequence number of a tick made by [`encode`].
fn decode(tick: Tick) -> (usize, u64) {
    let producer = SYMBOLS
        .iter()
        .position(|symbol| tick.symbol.as_str() == *symbol)
        .unwrap_or_else(|| panic!("unknown symbol in {tick:?}"));
    assert_eq!(tick, encode(producer, tick.created_ns), "torn tick");
    (producer, tick.created_ns)
}

/// Pushes a producer's ticks, retrying whatever the ring hands back, and
/// yields after an irregular number of pushes so that, on a machine with
/// fewer cores than threads, subscribers run while producers are still
/// pushing (without it a lossy run can finish before they start).
fn produce(producer: usize, mut push: impl FnMut(Tick) -> Result<(), Tick>) {
    let mut pace = 0x9e37_79b9_u32 ^ producer as u32;
    for seq in 0..PER_PRODUCER {
        let mut tick = encode(producer, seq);
        while let Err(back) = push(tick) {
            tick = back;
            thread::yield_now();
        }
        // xorshift32: yield after 1 to 16 pushes, irregularly.
        pace ^= pace << 13;
        pace ^= pace >> 17;
        pace ^= pace << 5;
        if pace.is_multiple_of(16) {
            thread::yield_now();
        }
    }
}

/// Receives until every tick has arrived, checking per-producer order.
fn receive_all<const N: usize, const S: usize>(mut subscriber: Subscriber<'_, Tick, N, S>) {
    let mut expected = [0_u64; PRODUCERS];
    let mut received = 0;
    while received < TOTAL {
        match subscriber.try_recv() {
            Some(tick) => {
                let (producer, seq) = decode(tick);
                assert_eq!(
                    seq,
                    expected[producer],
                    "subscriber {} got {producer}'s tick {seq} out of turn",
                    subscriber.index()
                );
                expected[producer] += 1;
                received += 1;
            }
            None => thread::yield_now(),
        }
    }
    assert_eq!(subscriber.try_recv(), None, "more ticks than were pushed");
}

fn loss_free<const N: usize, const S: usize>(start: usize) {
    let ring: Broadcast<Tick, N, S> = Broadcast::starting_at(start);
    thread::scope(|scope| {
        for index in 0..S {
            let subscriber = ring.subscriber(index).unwrap();
            scope.spawn(move || receive_all(subscriber));
        }
        for producer in 0..PRODUCERS {
            let ring = &ring;
            scope.spawn(move || produce(producer, |tick| ring.try_push(tick)));
        }
    });
    assert!(ring.is_empty());
    assert_eq!(ring.write_position(), start.wrapping_add(TOTAL));
}

#[test]
fn loss_free_capacity_2_three_subscribers() {
    loss_free::<2, 3>(0);
}

#[test]
fn loss_free_capacity_8_two_subscribers() {
    loss_free::<8, 2>(0);
}

#[test]
fn loss_free_capacity_1024_three_subscribers() {
    loss_free::<1024, 3>(0);
}

/// Positions cross `usize::MAX` halfway through the run.
#[test]
fn loss_free_across_usize_max() {
    loss_free::<4, 2>(usize::MAX - TOTAL / 2);
}

/// Receives until the producers are done and the ring is drained; returns
/// how many ticks arrived and how many were reported missed.
fn receive_lossy<const N: usize, const S: usize>(
    mut subscriber: LossySubscriber<'_, Tick, N, S>,
    producers_done: &AtomicBool,
    slow: bool,
) -> (usize, usize) {
    let mut last: [Option<u64>; PRODUCERS] = [None; PRODUCERS];
    let (mut received, mut missed) = (0, 0);
    loop {
        // Read before trying, so an `Empty` after it means drained.
        let done = producers_done.load(Ordering::Acquire);
        match subscriber.try_recv() {
            Ok(tick) => {
                let (producer, seq) = decode(tick);
                assert!(
                    last[producer].is_none_or(|before| seq > before),
                    "subscriber {} got {producer}'s tick {seq} after {:?}",
                    subscriber.index(),
                    last[producer]
                );
                last[producer] = Some(seq);
                received += 1;
                if slow {
                    thread::yield_now();
                }
            }
            Err(TryRecvError::Missed(count)) => missed += count,
            Err(TryRecvError::Empty) if done => return (received, missed),
            Err(TryRecvError::Empty) => thread::yield_now(),
        }
    }
}

fn lossy<const N: usize, const S: usize>(start: usize) {
    let ring: LossyBroadcast<Tick, N, S> = LossyBroadcast::starting_at(start);
    let producers_done = AtomicBool::new(false);
    let counts = thread::scope(|scope| {
        let receivers: Vec<_> = (0..S)
            .map(|index| {
                let subscriber = ring.subscriber(index).unwrap();
                let done = &producers_done;
                // Subscriber 0 yields after every tick, so it falls behind.
                scope.spawn(move || receive_lossy(subscriber, done, index == 0))
            })
            .collect();
        let producers: Vec<_> = (0..PRODUCERS)
            .map(|producer| {
                let ring = &ring;
                scope.spawn(move || produce(producer, |tick| ring.try_push(tick)))
            })
            .collect();
        for producer in producers {
            producer.join().unwrap();
        }
        producers_done.store(true, Ordering::Release);
        receivers
            .into_iter()
            .map(|receiver| receiver.join().unwrap())
            .collect::<Vec<_>>()
    });
    for (index, (received, missed)) in counts.into_iter().enumerate() {
        assert_eq!(
            received + missed,
            TOTAL,
            "subscriber {index}: {received} received + {missed} missed != {TOTAL} pushed"
        );
    }
    assert_eq!(ring.write_position(), start.wrapping_add(TOTAL));
}

#[test]
fn lossy_capacity_4_two_subscribers() {
    lossy::<4, 2>(0);
}

#[test]
fn lossy_capacity_8_three_subscribers() {
    lossy::<8, 3>(0);
}

#[test]
fn lossy_capacity_256_three_subscribers() {
    lossy::<256, 3>(0);
}

/// Positions cross `usize::MAX` halfway through the run.
#[test]
fn lossy_across_usize_max() {
    lossy::<4, 2>(usize::MAX - TOTAL / 2);
}
