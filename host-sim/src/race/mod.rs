//! `tickring-sim race`: the pipeline's queue, flat out, against the queues
//! users would otherwise pick.
//!
//! Every backend runs every scenario once per round, and the rounds are
//! interleaved (A B C … A B C …), so a burst of load from elsewhere on the
//! machine hits all backends alike. Each run moves a fixed number of ticks
//! from its producers to its consumers as fast as it can, yielding the
//! thread when the queue is full or empty, and checks that every tick arrived
//! exactly once. A backend's figure is its median over the rounds; its ratio
//! is that median over crossbeam's median in the same scenario.
//!
//! In `1p1c` and `3p2c` the consumers compete for one queue's ticks; in
//! `fanout` each consumer must see every tick, so the queues that compete
//! there are the ones that do that (see [`Scenario::backends`]).

mod backend;
mod fanout;

use core::sync::atomic::{AtomicUsize, Ordering};
use core::time::Duration;
use std::collections::VecDeque;
use std::io::{self, Write};
use std::sync::{Barrier, Mutex};
use std::thread;
use std::time::Instant;

use crossbeam_queue::ArrayQueue;
use serde::Serialize;
use tickring::{Price, Ring, Symbol, Tick};

pub use self::backend::{BATCH, CAPACITY};
use self::backend::{
    CrossbeamQueue, HeaplessQueue, MutexDequeQueue, SyncChannelQueue, TickQueue,
    TickringBatchQueue, TickringQueue,
};
use self::fanout::{BroadcastFanOut, QueuePerConsumer};

/// How big and how long a race is.
#[derive(Clone, Copy, Debug)]
pub struct RaceConfig {
    /// Rounds over every backend and scenario.
    pub rounds: usize,
    /// Ticks each run moves, split evenly among its producers.
    pub ticks_per_run: u64,
}

impl RaceConfig {
    /// A race that finishes in well under 30 s on two cores.
    pub const QUICK: Self = Self {
        rounds: 3,
        ticks_per_run: 1_500_000,
    };
    /// The default: more rounds and longer runs, for steadier medians.
    pub const FULL: Self = Self {
        rounds: 7,
        ticks_per_run: 10_000_000,
    };
}

/// A shape of pipeline: how many producers and consumers, and whether the
/// consumers share the ticks or each see them all.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scenario {
    /// One producer, one consumer.
    OneToOne,
    /// Three producers (the demo's exchanges), two consumers that compete
    /// for the ticks.
    ThreeToTwo,
    /// Three producers, two consumers that each see every tick: the
    /// pipeline's price monitor and technical analyzer.
    Fanout,
}

impl Scenario {
    /// Every scenario, in report order.
    pub const ALL: [Self; 3] = [Self::OneToOne, Self::ThreeToTwo, Self::Fanout];

    /// The name the report uses.
    pub const fn name(self) -> &'static str {
        match self {
            Self::OneToOne => "1p1c",
            Self::ThreeToTwo => "3p2c",
            Self::Fanout => "fanout",
        }
    }

    /// Producer threads.
    pub const fn producers(self) -> usize {
        match self {
            Self::OneToOne => 1,
            Self::ThreeToTwo | Self::Fanout => 3,
        }
    }

    /// Consumer threads.
    pub const fn consumers(self) -> usize {
        match self {
            Self::OneToOne => 1,
            Self::ThreeToTwo => 2,
            Self::Fanout => fanout::CONSUMERS,
        }
    }

    /// The backends that run this scenario, in report order. A broadcast
    /// ring has no competing consumers, so it runs only `fanout`; there the
    /// other backends are one queue per consumer, and only tickring's ring
    /// and crossbeam (the baseline) are raced.
    pub const fn backends(self) -> &'static [Backend] {
        match self {
            Self::OneToOne | Self::ThreeToTwo => &Backend::SHARED,
            Self::Fanout => &[
                Backend::TickringBroadcast,
                Backend::Tickring,
                Backend::Crossbeam,
            ],
        }
    }
}

/// A queue implementation in the race.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// `tickring::Broadcast`: one ring, one cursor per consumer.
    TickringBroadcast,
    /// `tickring::Ring`, one tick per operation.
    Tickring,
    /// `tickring::Ring` with batches of 64.
    TickringBatch,
    /// `crossbeam_queue::ArrayQueue`: the baseline.
    Crossbeam,
    /// `heapless::mpmc::Queue`.
    Heapless,
    /// `Mutex<VecDeque>`, the original demo's design.
    MutexDeque,
    /// `std::sync::mpsc::sync_channel`.
    SyncChannel,
}

impl Backend {
    /// Every backend, in report order.
    pub const ALL: [Self; 7] = [
        Self::TickringBroadcast,
        Self::Tickring,
        Self::TickringBatch,
        Self::Crossbeam,
        Self::Heapless,
        Self::MutexDeque,
        Self::SyncChannel,
    ];

    /// The backends whose consumers can compete for one queue's ticks: every
    /// one but the broadcast ring.
    pub const SHARED: [Self; 6] = [
        Self::Tickring,
        Self::TickringBatch,
        Self::Crossbeam,
        Self::Heapless,
        Self::MutexDeque,
        Self::SyncChannel,
    ];

    /// The name the report uses.
    pub const fn name(self) -> &'static str {
        match self {
            Self::TickringBroadcast => "tickring-broadcast",
            Self::Tickring => "tickring",
            Self::TickringBatch => "tickring-batch",
            Self::Crossbeam => "crossbeam",
            Self::Heapless => "heapless",
            Self::MutexDeque => "mutex-deque",
            Self::SyncChannel => "sync-channel",
        }
    }

    /// Runs `scenario` once on a new queue of this backend; returns the
    /// ticks per second it reached.
    pub fn run(self, scenario: Scenario, ticks: u64) -> f64 {
        let moved = ticks - ticks % scenario.producers() as u64;
        moved as f64 / self.time(scenario, ticks).as_secs_f64()
    }

    /// Runs `scenario` once on a new queue of this backend and returns how
    /// long the threads took to move the ticks: `ticks` rounded down to a
    /// multiple of the scenario's producers, from the moment every thread is
    /// ready to the moment the last consumer is done (the criterion
    /// benchmarks time this).
    ///
    /// # Panics
    ///
    /// If a tick is lost or delivered twice, or if `scenario` is not one of
    /// this backend's ([`Scenario::backends`]).
    pub fn time(self, scenario: Scenario, ticks: u64) -> Duration {
        assert!(
            scenario.backends().contains(&self),
            "{} does not run the {} scenario",
            self.name(),
            scenario.name()
        );
        if scenario == Scenario::Fanout {
            return self.time_fanout(ticks);
        }
        match self {
            Self::TickringBroadcast => unreachable!("broadcast runs only fanout, checked above"),
            Self::Tickring => run_once(&*Box::new(TickringQueue(Ring::new())), scenario, ticks, 1),
            Self::TickringBatch => run_once(
                &*Box::new(TickringBatchQueue(Ring::new())),
                scenario,
                ticks,
                BATCH,
            ),
            Self::Crossbeam => run_once(
                &CrossbeamQueue(ArrayQueue::new(CAPACITY)),
                scenario,
                ticks,
                1,
            ),
            Self::Heapless => {
                // heapless deprecates `new` to warn that a preempted operation
                // can hold up the others (heapless issue 583); the race, which
                // retries on failure, is the use its docs accept.
                #[expect(deprecated)]
                let queue = Box::new(HeaplessQueue(heapless::mpmc::Queue::new()));
                run_once(&*queue, scenario, ticks, 1)
            }
            Self::MutexDeque => {
                let deque = VecDeque::with_capacity(CAPACITY);
                run_once(&MutexDequeQueue(Mutex::new(deque)), scenario, ticks, 1)
            }
            Self::SyncChannel => run_once(&SyncChannelQueue::new(), scenario, ticks, 1),
        }
    }

    /// [`Backend::time`] for the `fanout` scenario.
    fn time_fanout(self, ticks: u64) -> Duration {
        let producers = Scenario::Fanout.producers();
        match self {
            Self::TickringBroadcast => {
                let broadcast = Box::new(BroadcastFanOut(tickring::Broadcast::new()));
                fanout::run_once(&*broadcast, producers, ticks)
            }
            Self::Tickring => {
                let rings = [(); fanout::CONSUMERS].map(|()| Box::new(TickringQueue(Ring::new())));
                fanout::run_once(&QueuePerConsumer(rings), producers, ticks)
            }
            Self::Crossbeam => {
                let queues = [(); fanout::CONSUMERS]
                    .map(|()| Box::new(CrossbeamQueue(ArrayQueue::new(CAPACITY))));
                fanout::run_once(&QueuePerConsumer(queues), producers, ticks)
            }
            other => unreachable!("{} does not run fanout, checked above", other.name()),
        }
    }
}

/// One backend's result in one scenario.
#[derive(Clone, Debug, Serialize)]
pub struct RaceResult {
    /// The scenario's name.
    pub scenario: &'static str,
    /// The backend's name.
    pub backend: &'static str,
    /// The median over the rounds.
    pub median_ticks_per_s: f64,
    /// `median_ticks_per_s` over crossbeam's in the same scenario.
    pub ratio_vs_crossbeam: f64,
    /// Every round's figure, in order.
    pub rounds_ticks_per_s: Vec<f64>,
}

/// Runs the race and returns one result per scenario and backend.
pub fn race(config: RaceConfig) -> Vec<RaceResult> {
    let mut samples: Vec<(Scenario, Backend, Vec<f64>)> = Scenario::ALL
        .iter()
        .flat_map(|&scenario| {
            scenario
                .backends()
                .iter()
                .map(move |&backend| (scenario, backend, vec![]))
        })
        .collect();

    for _ in 0..config.rounds {
        for (scenario, backend, figures) in &mut samples {
            figures.push(backend.run(*scenario, config.ticks_per_run));
        }
    }

    let medians: Vec<f64> = samples
        .iter()
        .map(|(_, _, figures)| median(figures))
        .collect();
    samples
        .iter()
        .zip(&medians)
        .map(|((scenario, backend, figures), &median)| {
            let baseline = samples
                .iter()
                .zip(&medians)
                .find(|((s, b, _), _)| s == scenario && *b == Backend::Crossbeam)
                .map_or(f64::NAN, |(_, &m)| m);
            RaceResult {
                scenario: scenario.name(),
                backend: backend.name(),
                median_ticks_per_s: median,
                ratio_vs_crossbeam: median / baseline,
                rounds_ticks_per_s: figures.clone(),
            }
        })
        .collect()
}

/// Writes the results as a table for a terminal.
pub fn write_table(
    out: &mut impl Write,
    config: RaceConfig,
    results: &[RaceResult],
) -> io::Result<()> {
    writeln!(
        out,
        "race: {} rounds, {} ticks per run, {CAPACITY} slots, batches of {BATCH}, {} cores",
        config.rounds,
        config.ticks_per_run,
        thread::available_parallelism().map_or(0, usize::from),
    )?;
    writeln!(
        out,
        "{:<9} {:<18} {:>16} {:>13}",
        "scenario", "backend", "median", "vs crossbeam"
    )?;
    for result in results {
        writeln!(
            out,
            "{:<9} {:<18} {:>10.2} M/s {:>12.2}x",
            result.scenario,
            result.backend,
            result.median_ticks_per_s / 1e6,
            result.ratio_vs_crossbeam,
        )?;
    }
    Ok(())
}

/// Writes one JSON object per result and line.
pub fn write_json(out: &mut impl Write, results: &[RaceResult]) -> io::Result<()> {
    for result in results {
        serde_json::to_writer(&mut *out, result)?;
        writeln!(out)?;
    }
    Ok(())
}

/// The middle figure (the mean of the two middle ones for an even count).
fn median(figures: &[f64]) -> f64 {
    let mut sorted = figures.to_vec();
    sorted.sort_by(f64::total_cmp);
    match sorted.len() {
        0 => f64::NAN,
        len if len % 2 == 1 => sorted[len / 2],
        len => (sorted[len / 2 - 1] + sorted[len / 2]) / 2.0,
    }
}

/// Moves `ticks` ticks through `queue` with the scenario's threads, `batch`
/// at a time; returns the time from the moment all threads are ready to the
/// moment the last consumer is done (at least 1 ns).
///
/// # Panics
///
/// If a tick is lost or delivered twice: a race between broken queues
/// proves nothing.
fn run_once<Q: TickQueue>(queue: &Q, scenario: Scenario, ticks: u64, batch: usize) -> Duration {
    let producers = scenario.producers();
    let per_producer = ticks / producers as u64;
    let producing = AtomicUsize::new(producers);
    let start = Barrier::new(producers + scenario.consumers() + 1);

    let (elapsed, checksums) = thread::scope(|scope| {
        for producer in 0..producers {
            let (producing, start) = (&producing, &start);
            scope.spawn(move || {
                start.wait();
                produce(queue, producer, per_producer, batch);
                producing.fetch_sub(1, Ordering::Release);
            });
        }
        let consumers: Vec<_> = (0..scenario.consumers())
            .map(|_| {
                scope.spawn(|| {
                    start.wait();
                    consume(queue, &producing, batch)
                })
            })
            .collect();

        release_and_join(&start, consumers)
    });

    let total = checksums
        .iter()
        .fold(Checksum::default(), |sum, part| sum.add(*part));
    let expected = Checksum::of_sequences(producers as u64, per_producer);
    assert_eq!(
        total,
        expected,
        "{}: ticks were lost or duplicated",
        scenario.name()
    );
    elapsed.max(Duration::from_nanos(1))
}

/// Releases every thread waiting at `start` (the caller is its last
/// participant), waits for `consumers`, and returns the time from the
/// release to the last consumer's end with each consumer's checksum.
fn release_and_join(
    start: &Barrier,
    consumers: Vec<thread::ScopedJoinHandle<'_, Checksum>>,
) -> (Duration, Vec<Checksum>) {
    start.wait();
    let began = Instant::now();
    let checksums = consumers
        .into_iter()
        .map(|consumer| consumer.join().expect("consumer"))
        .collect();
    (began.elapsed(), checksums)
}

/// Pushes `count` ticks numbered from 0, `batch` at a time.
fn produce<Q: TickQueue>(queue: &Q, producer: usize, count: u64, batch: usize) {
    let tick = |sequence: u64| race_tick(producer, sequence);

    if batch == 1 {
        for sequence in 0..count {
            let mut item = tick(sequence);
            while let Err(back) = queue.push(item) {
                item = back;
                thread::yield_now();
            }
        }
        return;
    }

    let mut buffer = vec![tick(0); batch];
    let mut next = 0;
    while next < count {
        let len = (count - next).min(batch as u64) as usize;
        for (offset, slot) in buffer[..len].iter_mut().enumerate() {
            *slot = tick(next + offset as u64);
        }
        let mut sent = 0;
        while sent < len {
            match queue.push_batch(&buffer[sent..len]) {
                0 => thread::yield_now(),
                pushed => sent += pushed,
            }
        }
        next += len as u64;
    }
}

/// Pops until the producers are done and the queue is empty.
fn consume<Q: TickQueue>(queue: &Q, producing: &AtomicUsize, batch: usize) -> Checksum {
    let mut checksum = Checksum::default();
    let mut record = |tick: Tick| checksum = checksum.add(Checksum::of_tick(&tick));
    loop {
        // Read before popping: once all producers are done, an empty pop
        // means an empty queue, not a push still in flight.
        let done = producing.load(Ordering::Acquire) == 0;
        if queue.pop_batch(batch, &mut record) == 0 {
            if done {
                return checksum;
            }
            thread::yield_now();
        }
    }
}

/// Tick number `sequence` of producer `producer`: the sequence number rides
/// in `created_ns`, where the consumers' checksum reads it.
fn race_tick(producer: usize, sequence: u64) -> Tick {
    const RACE: Symbol = match Symbol::new("RACE") {
        Ok(symbol) => symbol,
        Err(_) => panic!("RACE is a valid symbol"),
    };
    Tick {
        symbol: RACE,
        price: Price::from_units(sequence as i64),
        volume: producer as u32,
        created_ns: sequence,
    }
}

/// A count and sum of sequence numbers: cheap enough for the hot loop, and
/// any loss or duplicate changes it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Checksum {
    ticks: u64,
    sequence_sum: u64,
}

impl Checksum {
    fn of_tick(tick: &Tick) -> Self {
        Self {
            ticks: 1,
            sequence_sum: tick.created_ns,
        }
    }

    fn of_sequences(producers: u64, per_producer: u64) -> Self {
        let sum = per_producer * per_producer.saturating_sub(1) / 2;
        Self {
            ticks: producers * per_producer,
            sequence_sum: producers * sum,
        }
    }

    fn add(self, other: Self) -> Self {
        Self {
            ticks: self.ticks + other.ticks,
            sequence_sum: self.sequence_sum.wrapping_add(other.sequence_sum),
        }
    }
}
