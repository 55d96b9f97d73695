//! The ring's own operations, and every `tickring-sim race` backend in each
//! race scenario, under criterion.
//!
//! - `ring_uncontended`: one thread pushes a burst of 64 ticks into a ring
//!   and pops them again, one at a time (`try_push` / `try_pop`) or as one
//!   batch (`try_push_slice` / `try_pop_slice`); crossbeam's `ArrayQueue`
//!   does the same one at a time for scale. No other thread touches the
//!   queue, so this is the cost of the operations themselves.
//! - `race_1p1c`, `race_3p2c` and `race_fanout`: the race's own code
//!   (`tickring_sim::race::Backend::time`), threads and all, for each
//!   backend of the scenario: each iteration moves [`RACE_TICKS`] ticks
//!   through a new queue, yielding when it is full or empty, and checks that
//!   every tick arrived (once, or once per consumer in fanout).
//!
//! Throughput is set in ticks, so criterion prints ticks per second. Run with
//! `cargo bench -p tickring-tests --bench queues`; measurement times are kept
//! short here so the whole file takes a few minutes on two cores.

use core::hint::black_box;
use core::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use crossbeam_queue::ArrayQueue;
use tickring::{Price, Ring, Symbol, Tick};
use tickring_sim::race::{BATCH, Scenario};

/// Ticks per burst in the uncontended benchmarks: the race's batch size.
const BURST: usize = BATCH;
/// Slots of the rings in the uncontended benchmarks.
const SLOTS: usize = 1024;
/// Ticks one race iteration moves (a few milliseconds of work).
const RACE_TICKS: u64 = 300_000;

fn tick(sequence: u64) -> Tick {
    Tick {
        symbol: Symbol::new("BENCH").expect("a valid symbol"),
        price: Price::from_units(1_000_000 + sequence as i64),
        volume: 100,
        created_ns: sequence,
    }
}

fn ring_uncontended(c: &mut Criterion) {
    let burst: Vec<Tick> = (0..BURST as u64).map(tick).collect();
    let mut group = c.benchmark_group("ring_uncontended");
    group.throughput(Throughput::Elements(BURST as u64));
    group.warm_up_time(Duration::from_millis(500));
    group.measurement_time(Duration::from_secs(2));

    let ring: Box<Ring<Tick, SLOTS>> = Box::new(Ring::new());
    group.bench_function("tickring_single", |b| {
        b.iter(|| {
            for &item in &burst {
                let pushed = ring.try_push(black_box(item));
                debug_assert!(pushed.is_ok());
            }
            let mut sum = 0;
            while let Some(item) = ring.try_pop() {
                sum += item.created_ns;
            }
            black_box(sum)
        })
    });

    let ring: Box<Ring<Tick, SLOTS>> = Box::new(Ring::new());
    let mut out = vec![tick(0); BURST];
    group.bench_function("tickring_batch", |b| {
        b.iter(|| {
            let pushed = ring.try_push_slice(black_box(&burst));
            let popped = ring.try_pop_slice(&mut out);
            debug_assert_eq!((pushed, popped), (BURST, BURST));
            black_box(&out);
        })
    });

    let queue = ArrayQueue::new(SLOTS);
    group.bench_function("crossbeam_single", |b| {
        b.iter(|| {
            for &item in &burst {
                let pushed = queue.push(black_box(item));
                debug_assert!(pushed.is_ok());
            }
            let mut sum = 0;
            while let Some(item) = queue.pop() {
                sum += item.created_ns;
            }
            black_box(sum)
        })
    });
    group.finish();
}

fn race_backends(c: &mut Criterion) {
    for scenario in Scenario::ALL {
        let mut group = c.benchmark_group(format!("race_{}", scenario.name()));
        group.throughput(Throughput::Elements(RACE_TICKS));
        group.sample_size(10);
        group.warm_up_time(Duration::from_millis(500));
        group.measurement_time(Duration::from_secs(3));
        for &backend in scenario.backends() {
            let id = BenchmarkId::from_parameter(backend.name());
            group.bench_function(id, |b| {
                b.iter_custom(|iterations| {
                    (0..iterations)
                        .map(|_| backend.time(scenario, RACE_TICKS))
                        .sum()
                })
            });
        }
        group.finish();
    }
}

criterion_group!(benches, ring_uncontended, race_backends);
criterion_main!(benches);
