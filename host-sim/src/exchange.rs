//! The producers: synthetic exchanges and file replays, and their pacing.
//!
//! # Pacing
//!
//! A paced producer never sleeps per tick. It wakes, computes how many ticks
//! are due by now since it started (`elapsed × rate`), emits that batch, wakes
//! the consumers, and sleeps until the next tick is due but at least
//! [`QUANTUM`] later. Because "due" is computed from the clock, not by adding
//! up sleeps, late wake-ups do not accumulate: the achieved rate converges on
//! the target. At 10,000 ticks/s a batch is about 10 ticks per millisecond;
//! at 1,000,000 ticks/s about 1,000. `--rate max` skips the clock and emits
//! flat out.
//!
//! A replay at `--speed Nx` paces each trade by its recorded time instead:
//! trade `t` is due `(t - t0) / N` after the first trade `t0`.

use core::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use core::time::Duration;
use std::thread::Thread;

use rand_xoshiro::Xoshiro256PlusPlus;
use tickring::Tick;
use tickring::market::RandomWalk;

use crate::clock::Clock;
use crate::distribution::{Distribution, OnFull, wake};
use crate::replay::{Record, ReplayError, ReplayReader};

/// The shortest sleep between two batches of a paced producer.
pub(crate) const QUANTUM: Duration = Duration::from_millis(1);
/// The longest sleep, so that a slow producer still notices a stop quickly.
const MAX_SLEEP: Duration = Duration::from_millis(20);
/// Ticks a synthetic exchange emits between two looks at the stop flag.
const STOP_CHECK_EVERY: u64 = 1024;
/// Ticks emitted between two wake-ups of the consumers when not sleeping.
const WAKE_EVERY: u64 = 256;
/// At `--rate max`, ticks made per read of the clock. Each carries the time
/// read just before the first of them was made, so its latency is measured
/// from no later than its creation. (Paced producers stamp every tick.)
const STAMP_EVERY: u64 = 8;

/// How fast a synthetic exchange produces.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Rate {
    /// This many ticks per second.
    PerSecond(u64),
    /// As fast as the rings take them.
    Max,
}

/// How fast a replay goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Speed {
    /// As fast as the rings take them.
    Max,
    /// The recorded pace times this many thousandths (`10x` is 10,000).
    Scaled {
        /// Speed-up in thousandths.
        thousandths: u64,
    },
}

/// A producer's counters, read by the report. Written by its producer only.
#[derive(Debug, Default)]
#[repr(align(128))]
pub(crate) struct ProducerStats {
    /// Ticks published.
    pub(crate) produced: AtomicU64,
    /// Records that were valid but not trades.
    pub(crate) skipped: AtomicU64,
    /// Malformed lines skipped under `--skip-bad`.
    pub(crate) bad_lines: AtomicU64,
}

/// What every producer shares: where ticks go, who to wake, when to stop.
#[derive(Clone, Copy)]
pub(crate) struct Outlet<'a> {
    pub(crate) distribution: &'a Distribution,
    pub(crate) on_full: OnFull,
    pub(crate) consumers: &'a [Thread],
    pub(crate) stop: &'a AtomicBool,
    pub(crate) clock: Clock,
}

impl Outlet<'_> {
    fn stopping(&self) -> bool {
        self.stop.load(Ordering::Relaxed)
    }

    fn publish(&self, tick: Tick) {
        self.distribution
            .publish(tick, self.on_full, self.consumers);
    }

    fn wake_consumers(&self) {
        wake(self.consumers);
    }

    /// Sleeps until `deadline_ns`, at most [`MAX_SLEEP`].
    fn sleep_until(&self, deadline_ns: u64) {
        let cap = self.clock.now_ns() + MAX_SLEEP.as_nanos() as u64;
        self.clock.sleep_until_ns(deadline_ns.min(cap));
    }
}

/// Runs a synthetic exchange until the stop flag is raised.
pub(crate) fn run_exchange(
    mut walk: RandomWalk<Xoshiro256PlusPlus, 4>,
    rate: Rate,
    stats: &ProducerStats,
    outlet: &Outlet<'_>,
) {
    let mut emitted: u64 = 0;
    let mut emit = |outlet: &Outlet<'_>, created_ns: u64| {
        outlet.publish(walk.next_tick(created_ns));
        emitted += 1;
        stats.produced.store(emitted, Ordering::Relaxed);
        emitted
    };
    match rate {
        Rate::Max => {
            while !outlet.stopping() {
                for _ in 0..STOP_CHECK_EVERY / STAMP_EVERY {
                    let created_ns = outlet.clock.now_ns();
                    for _ in 0..STAMP_EVERY {
                        if emit(outlet, created_ns) % WAKE_EVERY == 0 {
                            outlet.wake_consumers();
                        }
                    }
                }
            }
        }
        Rate::PerSecond(per_second) => {
            let pace = Pace { per_second };
            let started_ns = outlet.clock.now_ns();
            let mut done = 0;
            while !outlet.stopping() {
                let now = outlet.clock.now_ns();
                let due = pace.due_by(now - started_ns);
                let batch_end = due.min(done + STOP_CHECK_EVERY);
                while done < batch_end {
                    done = emit(outlet, outlet.clock.now_ns());
                }
                outlet.wake_consumers();
                if done < due {
                    continue;
                }
                let next = started_ns + pace.time_of(done + 1);
                outlet.sleep_until(next.max(now + QUANTUM.as_nanos() as u64));
            }
        }
    }
    outlet.wake_consumers();
}

/// A target rate and the schedule it implies.
#[derive(Clone, Copy, Debug)]
struct Pace {
    per_second: u64,
}

impl Pace {
    /// How many ticks are due `elapsed_ns` after the start.
    fn due_by(self, elapsed_ns: u64) -> u64 {
        let due = u128::from(elapsed_ns) * u128::from(self.per_second) / 1_000_000_000;
        u64::try_from(due).unwrap_or(u64::MAX)
    }

    /// When tick number `n` (1-based) is due, in ns after the start.
    fn time_of(self, n: u64) -> u64 {
        let ns = (u128::from(n) * 1_000_000_000).div_ceil(u128::from(self.per_second));
        u64::try_from(ns).unwrap_or(u64::MAX)
    }
}

/// Replays one file until its end, a stop, or a malformed line (unless
/// `skip_bad`). Returns the error that stopped it, if any.
pub(crate) fn run_replay<R: std::io::Read>(
    mut reader: ReplayReader<R>,
    speed: Speed,
    skip_bad: bool,
    stats: &ProducerStats,
    outlet: &Outlet<'_>,
) -> Result<(), ReplayError> {
    let mut produced: u64 = 0;
    let mut origin: Option<(u64, u64)> = None;
    let outcome = loop {
        if outlet.stopping() {
            break Ok(());
        }
        let trade = match reader.next_record() {
            Ok(Some(Record::Trade(trade))) => trade,
            Ok(Some(Record::Skipped)) => {
                stats.skipped.fetch_add(1, Ordering::Relaxed);
                continue;
            }
            Ok(None) => break Ok(()),
            Err(error) if skip_bad && error.is_skippable() => {
                stats.bad_lines.fetch_add(1, Ordering::Relaxed);
                continue;
            }
            Err(error) => break Err(error),
        };

        if let Speed::Scaled { thousandths } = speed {
            let (recorded_start, wall_start) =
                *origin.get_or_insert((trade.time_ns, outlet.clock.now_ns()));
            let offset = trade.time_ns.saturating_sub(recorded_start);
            let scaled = u128::from(offset) * 1000 / u128::from(thousandths);
            let due = wall_start.saturating_add(u64::try_from(scaled).unwrap_or(u64::MAX));
            if due > outlet.clock.now_ns() + QUANTUM.as_nanos() as u64 / 4 {
                outlet.wake_consumers();
                while outlet.clock.now_ns() < due && !outlet.stopping() {
                    outlet.sleep_until(due);
                }
            }
        }

        outlet.publish(Tick {
            symbol: trade.symbol,
            price: trade.price,
            volume: trade.volume,
            created_ns: outlet.clock.now_ns(),
        });
        produced += 1;
        stats.produced.store(produced, Ordering::Relaxed);
        if produced.is_multiple_of(WAKE_EVERY) {
            outlet.wake_consumers();
        }
    };
    outlet.wake_consumers();
    outcome
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pace_schedule_is_exact_and_does_not_drift() {
        let pace = Pace { per_second: 10_000 };
        assert_eq!(pace.due_by(0), 0);
        assert_eq!(pace.due_by(99_999), 0);
        assert_eq!(pace.due_by(100_000), 1);
        assert_eq!(pace.due_by(10_000_000_000), 100_000);
        assert_eq!(pace.time_of(1), 100_000);
        let odd = Pace { per_second: 3 };
        assert_eq!(odd.time_of(1), 333_333_334);
        assert_eq!(odd.due_by(odd.time_of(1)), 1);
        assert_eq!(odd.due_by(odd.time_of(1) - 1), 0);
    }
}
