//! Stress test: 3 producers and 2 consumers share one ring; every item must
//! arrive exactly once, and each consumer must see each producer's items in
//! the order that producer pushed them.
//!
//! Each run is made twice: with the single-item operations, and with the
//! batch operations (`try_push_slice`, `try_pop_with`) moving up to
//! [`BATCH`] items per compare-and-swap.
//!
//! Each producer pushes 1,000,000 numbered items (200 under Miri, which
//! interprets every instruction). The loom build swaps in atomics that only
//! work inside a loom model, so this file is left out of it.

#![cfg(not(loom))]

use core::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use core::time::Duration;
use std::io::Write;
use std::time::Instant;
use std::{io, process, thread};

use tickring::Ring;

const PRODUCERS: usize = 3;
const CONSUMERS: usize = 2;
const ITEMS_PER_PRODUCER: u32 = if cfg!(miri) { 200 } else { 1_000_000 };

/// How long the read position may stand still before the ring counts as
/// stuck. A sound ring moves it within milliseconds; a broken one can leave
/// every thread spinning, and the test should then stop with a message
/// rather than hang the test run.
const STALL_LIMIT: Duration = Duration::from_secs(30);

/// The most items one batch operation moves in the batch runs.
const BATCH: usize = 7;

/// Which ring operations the producers and consumers use.
#[derive(Clone, Copy, Debug)]
enum Mode {
    /// `try_push` and `try_pop`.
    Single,
    /// `try_push_slice` and `try_pop_with`, up to [`BATCH`] items at a time.
    Batch,
}

/// One pushed item: who pushed it and its place in that producer's sequence.
#[derive(Clone, Copy, Debug)]
struct Numbered {
    producer: usize,
    sequence: u32,
}

/// What one consumer saw.
struct Delivery {
    /// `arrivals[producer][sequence]`: how many times that item arrived here.
    arrivals: Vec<Vec<u8>>,
    /// The first item that arrived after a later item of the same producer,
    /// and that later item's sequence number.
    first_out_of_order: Option<(Numbered, u32)>,
}

/// Runs the producers and consumers over `ring` and checks what arrived.
fn stress<const N: usize>(ring: &Ring<Numbered, N>, mode: Mode) {
    let producing = AtomicUsize::new(PRODUCERS);
    let running = AtomicBool::new(true);

    let deliveries: Vec<Delivery> = thread::scope(|scope| {
        scope.spawn(|| watch_for_stall(ring, &running));
        for producer in 0..PRODUCERS {
            let producing = &producing;
            scope.spawn(move || {
                produce(ring, producer, mode);
                producing.fetch_sub(1, Ordering::Release);
            });
        }
        let consumers: Vec<_> = (0..CONSUMERS)
            .map(|_| scope.spawn(|| consume(ring, &producing, mode)))
            .collect();
        let deliveries = consumers
            .into_iter()
            .map(|consumer| consumer.join().unwrap())
            .collect();
        running.store(false, Ordering::Release);
        deliveries
    });

    for delivery in &deliveries {
        if let Some((late, seen)) = delivery.first_out_of_order {
            panic!(
                "capacity {N}, {mode:?}: producer {}'s item {} arrived after its item {seen}",
                late.producer, late.sequence
            );
        }
    }
    for producer in 0..PRODUCERS {
        for sequence in 0..ITEMS_PER_PRODUCER as usize {
            let count: u32 = deliveries
                .iter()
                .map(|delivery| u32::from(delivery.arrivals[producer][sequence]))
                .sum();
            assert_eq!(
                count, 1,
                "capacity {N}, {mode:?}: producer {producer}'s item {sequence}"
            );
        }
    }
    assert!(ring.is_empty(), "capacity {N}, {mode:?}: ring not drained");
}

/// Pushes this producer's numbered items in order, retrying while full.
fn produce<const N: usize>(ring: &Ring<Numbered, N>, producer: usize, mode: Mode) {
    let item = |sequence| Numbered { producer, sequence };
    match mode {
        Mode::Single => {
            for sequence in 0..ITEMS_PER_PRODUCER {
                let mut next = item(sequence);
                while let Err(rejected) = ring.try_push(next) {
                    next = rejected;
                    thread::yield_now();
                }
            }
        }
        Mode::Batch => {
            let all: Vec<Numbered> = (0..ITEMS_PER_PRODUCER).map(item).collect();
            let mut sent = 0;
            while sent < all.len() {
                let end = (sent + BATCH).min(all.len());
                match ring.try_push_slice(&all[sent..end]) {
                    0 => thread::yield_now(),
                    pushed => sent += pushed,
                }
            }
        }
    }
}

/// Pops until every producer has finished and the ring is empty, noting
/// whether each producer's items arrive here in increasing order.
fn consume<const N: usize>(
    ring: &Ring<Numbered, N>,
    producing: &AtomicUsize,
    mode: Mode,
) -> Delivery {
    let mut arrivals = vec![vec![0u8; ITEMS_PER_PRODUCER as usize]; PRODUCERS];
    let mut latest: [Option<u32>; PRODUCERS] = [None; PRODUCERS];
    let mut first_out_of_order = None;
    let mut record = |item: Numbered| {
        let latest = &mut latest[item.producer];
        match *latest {
            Some(seen) if seen >= item.sequence => {
                first_out_of_order.get_or_insert((item, seen));
            }
            _ => *latest = Some(item.sequence),
        }
        let count = &mut arrivals[item.producer][item.sequence as usize];
        *count = count.saturating_add(1);
    };

    loop {
        // Read before popping: once every producer is seen finished, an empty
        // pop means the ring is empty, not that a push is still in flight.
        let finished = producing.load(Ordering::Acquire) == 0;
        let popped = match mode {
            Mode::Single => ring.try_pop().map(&mut record).is_some(),
            Mode::Batch => ring.try_pop_with(BATCH, &mut record) > 0,
        };
        if !popped {
            if finished {
                break;
            }
            thread::yield_now();
        }
    }

    Delivery {
        arrivals,
        first_out_of_order,
    }
}

/// Aborts the test process if the read position stops moving for
/// [`STALL_LIMIT`] while the test runs: a spinning thread cannot be stopped
/// any other way, and the abort keeps a broken ring from hanging the run.
fn watch_for_stall<const N: usize>(ring: &Ring<Numbered, N>, running: &AtomicBool) {
    let mut last_read = ring.read_position();
    let mut moved_at = Instant::now();

    while running.load(Ordering::Acquire) {
        thread::sleep(Duration::from_millis(50));
        let read = ring.read_position();
        if read != last_read {
            (last_read, moved_at) = (read, Instant::now());
        } else if moved_at.elapsed() > STALL_LIMIT {
            // Straight to stderr: the test harness captures `eprintln!`, and
            // the abort would lose it.
            let _ = writeln!(
                io::stderr(),
                "ring_stress: capacity {N}: read position stuck at {read} for {} s \
                 (write position {}): the ring is stuck",
                STALL_LIMIT.as_secs(),
                ring.write_position(),
            );
            process::abort();
        }
    }
}

#[test]
fn every_item_arrives_once_in_producer_order_at_capacity_2() {
    stress(&Ring::<Numbered, 2>::new(), Mode::Single);
}

#[test]
fn every_batched_item_arrives_once_in_producer_order_at_capacity_2() {
    stress(&Ring::<Numbered, 2>::new(), Mode::Batch);
}

#[test]
fn every_item_arrives_once_in_producer_order_at_capacity_64() {
    stress(&Ring::<Numbered, 64>::new(), Mode::Single);
}

#[test]
fn every_batched_item_arrives_once_in_producer_order_at_capacity_64() {
    stress(&Ring::<Numbered, 64>::new(), Mode::Batch);
}

#[test]
fn every_item_arrives_once_in_producer_order_at_capacity_8192() {
    stress(&Ring::<Numbered, 8192>::new(), Mode::Single);
}

#[test]
fn every_batched_item_arrives_once_in_producer_order_at_capacity_8192() {
    stress(&Ring::<Numbered, 8192>::new(), Mode::Batch);
}
