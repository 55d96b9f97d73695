//! The consumers: a loop that takes ticks from its [`TickSource`] (its
//! subscriber of the broadcast ring, or the shared ring), times them and
//! hands them to a [`Stage`] (the price monitor or the technical analyzer),
//! and the way it waits when there is nothing to read.
//!
//! # Waiting
//!
//! An empty ring makes the consumer spin a few hundred nanoseconds, yield a
//! few times, then park. Producers unpark the consumers after every batch, so
//! a parked consumer wakes as soon as there is work; the park also times out
//! after [`IDLE_PARK`] as a safety net. An idle simulator therefore sleeps
//! instead of burning a core.
//!
//! # Draining
//!
//! A consumer stops only once the producers have all finished *and* its ring
//! is empty: it reads the "producers done" flag before trying to pop, so an
//! empty pop after the flag was set means no tick can still arrive.

use core::sync::atomic::{AtomicBool, Ordering};
use core::time::Duration;
use std::sync::{Mutex, MutexGuard, PoisonError};

use hdrhistogram::Histogram;
use tickring::Tick;

use crate::alloc_count;
use crate::clock::Clock;
use crate::distribution::TickSource;
use crate::wait::Backoff;

/// The longest a parked consumer sleeps without being woken. Only a safety
/// net (every producer unparks the consumers after its ticks), so it is long:
/// at 2 ms the two consumers' time-outs alone woke an idle run 1,000 times a
/// second.
const IDLE_PARK: Duration = Duration::from_millis(20);
/// Ticks handled per hold of the consumer's lock.
const BATCH: u64 = 256;
/// The highest latency the histograms resolve; longer ones count as this.
const MAX_LATENCY_NS: u64 = 60_000_000_000;
/// Ticks handled between two reads of the clock. A read costs about 25 ns
/// on the development machine (a tenth of the analyzer's work per tick);
/// reading it after every tick took 12% of a flat-out run's CPU samples.
const CLOCK_EVERY: usize = 8;
/// Significant decimal digits the histograms keep: 2 means every recorded
/// latency is within 1% of its true value. Each extra digit multiplies the
/// histogram's size by about 8 (3 digits take 216 KiB, 2 take 30 KiB), and
/// the reporter copies each histogram at every report.
const LATENCY_DIGITS: u8 = 2;

/// What a consumer does with each tick.
pub(crate) trait Stage: Send {
    /// Handles one tick; returns how many alerts it raised.
    fn on_tick(&mut self, tick: &Tick) -> u64;
}

/// A consumer's stage and figures, behind a lock that the consumer holds
/// while it handles a batch and the reporter holds while it reads.
pub(crate) struct ConsumerState<S> {
    pub(crate) stage: S,
    /// Nanoseconds from a tick's creation to the end of its handling.
    pub(crate) latency: Histogram<u64>,
    /// Ticks handled.
    pub(crate) consumed: u64,
    /// Alerts the stage raised.
    pub(crate) alerts: u64,
}

impl<S> ConsumerState<S> {
    /// A consumer state around `stage` with an empty latency histogram.
    pub(crate) fn new(stage: S) -> Self {
        Self {
            stage,
            latency: new_latency_histogram(),
            consumed: 0,
            alerts: 0,
        }
    }
}

/// An empty histogram for latencies from 1 ns to 60 s, within 1% (30 KiB).
pub(crate) fn new_latency_histogram() -> Histogram<u64> {
    Histogram::new_with_bounds(1, MAX_LATENCY_NS, LATENCY_DIGITS)
        .unwrap_or_else(|error| panic!("latency histogram bounds are valid constants: {error}"))
}

/// Locks `state`, ignoring poisoning: a panicking consumer leaves figures
/// that are still worth reporting.
pub(crate) fn lock<S>(state: &Mutex<ConsumerState<S>>) -> MutexGuard<'_, ConsumerState<S>> {
    state.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Runs a consumer until the producers are done and `ring` has nothing left
/// for it.
pub(crate) fn run_consumer<S: Stage>(
    ring: &mut dyn TickSource,
    state: &Mutex<ConsumerState<S>>,
    producers_done: &AtomicBool,
    clock: Clock,
) {
    alloc_count::enter_data_path();
    let mut idle = Backoff::new();
    loop {
        let finished = producers_done.load(Ordering::Acquire);
        if handle_batch(ring, state, clock) > 0 {
            idle.reset();
        } else if finished {
            break;
        } else if idle.is_sleeping() {
            std::thread::park_timeout(IDLE_PARK);
        } else {
            idle.snooze();
        }
    }
    alloc_count::leave_data_path();
}

/// Pops and handles up to [`BATCH`] ticks; returns how many.
///
/// The clock is read once per [`CLOCK_EVERY`] ticks handled and once after
/// the last: each tick's latency ends at the first read after its handling,
/// so it is an upper bound that may include the handling of up to
/// `CLOCK_EVERY - 1` later ticks, never an underestimate.
fn handle_batch<S: Stage>(
    ring: &mut dyn TickSource,
    state: &Mutex<ConsumerState<S>>,
    clock: Clock,
) -> u64 {
    let Some(first) = ring.try_pop() else {
        return 0;
    };
    let mut guard = lock(state);
    let state = &mut *guard;
    let mut next = Some(first);
    let mut handled = 0;
    let mut created = [0; CLOCK_EVERY];
    let mut unclocked = 0;
    while let Some(tick) = next {
        state.alerts += state.stage.on_tick(&tick);
        created[unclocked] = tick.created_ns;
        unclocked += 1;
        handled += 1;
        next = if handled < BATCH {
            ring.try_pop()
        } else {
            None
        };

        if unclocked == CLOCK_EVERY || next.is_none() {
            let now = clock.now_ns();
            for &created_ns in &created[..unclocked] {
                state
                    .latency
                    .saturating_record(now.saturating_sub(created_ns));
            }
            unclocked = 0;
        }
    }
    state.consumed += handled;
    handled
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latency_histogram_is_small_and_within_one_percent() {
        // Guards the peak RSS: the reporter copies every histogram at each
        // report, and three significant digits made each one 216 KiB.
        let mut histogram = new_latency_histogram();
        assert!(histogram.distinct_values() * size_of::<u64>() <= 32 * 1024);

        for latency in [850, 42_500, 3_770_000, MAX_LATENCY_NS] {
            histogram.reset();
            histogram.saturating_record(latency);
            let reported = histogram.value_at_quantile(0.99);
            let error = reported.abs_diff(latency) as f64 / latency as f64;
            assert!(error <= 0.01, "{latency} ns reported as {reported} ns");
        }
        histogram.saturating_record(10 * MAX_LATENCY_NS);
        assert!(histogram.max() <= MAX_LATENCY_NS + MAX_LATENCY_NS / 100);
    }

    struct Counter;

    impl Stage for Counter {
        fn on_tick(&mut self, _: &Tick) -> u64 {
            1
        }
    }

    #[test]
    fn every_handled_tick_gets_a_latency_even_between_clock_reads() {
        // Guards the clock grouping: a batch that is not a multiple of
        // CLOCK_EVERY must still record its last ticks, each measured from
        // its own creation stamp.
        let clock = Clock::start();
        let ring: tickring::Ring<Tick, 64> = tickring::Ring::new();
        let ticks = 2 * CLOCK_EVERY as u64 + 3;
        for _ in 0..ticks {
            let tick = Tick {
                symbol: tickring::Symbol::new("T").unwrap(),
                price: tickring::Price::from_units(1),
                volume: 1,
                created_ns: clock.now_ns(),
            };
            ring.try_push(tick).unwrap();
        }
        let state = Mutex::new(ConsumerState::new(Counter));

        assert_eq!(handle_batch(&mut &ring, &state, clock), ticks);
        let after_handling = clock.now_ns();
        let state = lock(&state);
        assert_eq!((state.consumed, state.alerts), (ticks, ticks));
        assert_eq!(state.latency.len(), ticks);
        // No latency can exceed the time since the first tick was made.
        assert!(state.latency.max() <= after_handling + after_handling / 100);
    }
}
