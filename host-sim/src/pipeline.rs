//! The run: start the consumers and producers, report every interval, then
//! stop the producers, let the consumers drain, and report once more.
//!
//! Threads: the main thread (reporter), one producer per exchange or replay
//! file, and two consumers. Everything they share lives on the main thread's
//! stack or in boxes it owns, borrowed through a thread scope.
//!
//! Stopping, in order: the stop flag is raised (end of `--duration`,
//! SIGINT/SIGTERM, every replay file done, or a malformed line); producers
//! finish the tick in hand and exit; once all have been joined, the
//! "producers done" flag tells the consumers to exit as soon as their ring is
//! empty; the final report is gathered after they are joined, so it counts
//! every tick.

use core::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use core::time::Duration;
use std::fs::File;
use std::io::{self, Write};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};
use std::thread;

use hdrhistogram::Histogram;
use rand_xoshiro::Xoshiro256PlusPlus;
use rand_xoshiro::rand_core::SeedableRng;
use tickring::market::{DEMO_EXCHANGES, RandomWalk};

use crate::alloc_count;
use crate::cli::{Config, Source};
use crate::clock::Clock;
use crate::consumer::{self, ConsumerState};
use crate::distribution::{Distribution, DistributionKind, OnFull, wake};
use crate::exchange::{self, Outlet, ProducerStats, Rate, Speed};
use crate::replay::{ReplayError, ReplayReader};
use crate::report::{self, ConsumerFigures, Figures, Kind, Latency, ProducerFigures};
use crate::stages::{self, Analyzer, Monitor};
use crate::system;

/// The consumers, in report order: (report name, thread name).
const CONSUMERS: [(&str, &str); 2] = [
    ("price-monitor", "price-monitor"),
    ("technical-analyzer", "tech-analyzer"),
];

/// How often the reporter looks at the stop conditions.
const POLL: Duration = Duration::from_millis(10);

/// How a run ended.
#[derive(Debug, Default)]
pub(crate) struct Outcome {
    /// Data errors that stopped it, as `file:line: what is wrong`.
    pub(crate) errors: Vec<String>,
}

/// Runs the pipeline `config` describes, writing reports to `out`.
///
/// `Err` means the run could not start or a thread died; data errors are in
/// the [`Outcome`].
pub(crate) fn run(config: &Config, out: &mut dyn Write) -> io::Result<Outcome> {
    let signals = Signals::install()?;
    let names = CONSUMERS.map(|(name, _)| name);
    let distribution = Distribution::new(config.distribution, names, config.capacity);
    // Taken before the data path starts: a subscriber's handle is boxed.
    let [mut monitor_ticks, mut analyzer_ticks] = [0, 1].map(|index| distribution.source_of(index));
    let monitor = Box::new(Mutex::new(ConsumerState::new(Monitor::new(
        stages::alert_rules(),
    ))));
    let analyzer = Box::new(Mutex::new(ConsumerState::new(Analyzer::new())));
    let producers = plan_producers(config)?;
    let stats: Vec<ProducerStats> = producers.iter().map(|_| ProducerStats::default()).collect();

    let run = Run {
        config,
        distribution: &distribution,
        monitor: &monitor,
        analyzer: &analyzer,
        producer_names: producers.iter().map(|p| p.name.clone()).collect(),
        stats: &stats,
        clock: Clock::start(),
    };
    let stop = AtomicBool::new(false);
    let producers_done = AtomicBool::new(false);
    let running = AtomicUsize::new(producers.len());
    // Filled once the consumers run; producers borrow it to wake them.
    let consumer_threads: OnceLock<[thread::Thread; 2]> = OnceLock::new();

    let (errors, threads_at_stop) = thread::scope(|scope| -> io::Result<_> {
        // Whatever happens below, let every thread of the scope finish.
        let _release = Release {
            stop: &stop,
            producers_done: &producers_done,
        };
        let monitor_thread = thread::Builder::new()
            .name(CONSUMERS[0].1.into())
            .spawn_scoped(scope, || {
                consumer::run_consumer(&mut *monitor_ticks, &monitor, &producers_done, run.clock)
            })?;
        let analyzer_thread = thread::Builder::new()
            .name(CONSUMERS[1].1.into())
            .spawn_scoped(scope, || {
                consumer::run_consumer(&mut *analyzer_ticks, &analyzer, &producers_done, run.clock)
            })?;
        let consumers = consumer_threads.get_or_init(|| {
            [
                monitor_thread.thread().clone(),
                analyzer_thread.thread().clone(),
            ]
        });
        let outlet = Outlet {
            distribution: &distribution,
            on_full: config.on_full,
            consumers,
            stop: &stop,
            clock: run.clock,
        };

        let mut producer_threads = Vec::with_capacity(producers.len());
        for (plan, stats) in producers.into_iter().zip(&stats) {
            let (stop, running) = (&stop, &running);
            let thread = thread::Builder::new()
                .name(plan.thread_name.clone())
                .spawn_scoped(scope, move || {
                    alloc_count::enter_data_path();
                    let result = plan.feed.run(stats, &outlet);
                    alloc_count::leave_data_path();
                    if result.is_err() {
                        stop.store(true, Ordering::Relaxed);
                    }
                    running.fetch_sub(1, Ordering::Release);
                    result
                })?;
            producer_threads.push((plan.path, thread));
        }

        let threads_at_stop = report_until_stop(&run, &signals, &stop, &running, out);

        stop.store(true, Ordering::Relaxed);
        let mut errors = Vec::new();
        for (path, thread) in producer_threads {
            match thread.join() {
                Ok(Ok(())) => {}
                Ok(Err(error)) => errors.push(match path {
                    Some(path) => format!("{}:{error}", path.display()),
                    None => error.to_string(),
                }),
                Err(_) => errors.push("a producer thread panicked".to_owned()),
            }
        }
        producers_done.store(true, Ordering::Release);
        wake(consumers);
        for consumer in [monitor_thread, analyzer_thread] {
            if consumer.join().is_err() {
                errors.push("a consumer thread panicked".to_owned());
            }
        }
        Ok((errors, threads_at_stop))
    })?;

    let mut last = run.figures(Kind::Final);
    // By now the workers have exited; report how many threads the run had.
    last.threads = threads_at_stop.or(last.threads);
    // A closed stdout (e.g. piped into `head`) is not the run's failure.
    let _ = report::write(out, &last, config.json);
    Ok(Outcome { errors })
}

/// Prints interval reports until a stop condition holds; returns the
/// process's thread count at that moment, all workers still alive.
fn report_until_stop(
    run: &Run<'_>,
    signals: &Signals,
    stop: &AtomicBool,
    running: &AtomicUsize,
    out: &mut dyn Write,
) -> Option<u64> {
    let every = run.config.report_every;
    let end = run.config.duration.unwrap_or(Duration::MAX);
    let mut next_report = every;
    loop {
        let elapsed = run.clock.elapsed();
        let finished = running.load(Ordering::Acquire) == 0;
        if signals.raised() || stop.load(Ordering::Relaxed) || finished || elapsed >= end {
            return system::process_figures().threads;
        }
        if elapsed >= next_report {
            let _ = report::write(out, &run.figures(Kind::Interval), run.config.json);
            while next_report <= elapsed {
                next_report += every;
            }
            continue;
        }
        thread::sleep((next_report.min(end) - elapsed).min(POLL));
    }
}

/// What the reporter reads.
struct Run<'a> {
    config: &'a Config,
    distribution: &'a Distribution,
    monitor: &'a Mutex<ConsumerState<Monitor>>,
    analyzer: &'a Mutex<ConsumerState<Analyzer>>,
    producer_names: Vec<String>,
    stats: &'a [ProducerStats],
    clock: Clock,
}

impl Run<'_> {
    /// Gathers the figures of a report now.
    fn figures(&self, kind: Kind) -> Figures {
        let elapsed_s = self.clock.elapsed().as_secs_f64();
        let per_s = |count: u64| {
            if elapsed_s > 0.0 {
                (count as f64 / elapsed_s * 10.0).round() / 10.0
            } else {
                0.0
            }
        };

        let rings = vec![self.distribution.ring_figures()];

        let producers: Vec<ProducerFigures> = self
            .producer_names
            .iter()
            .zip(self.stats)
            .map(|(name, stats)| {
                let produced = stats.produced.load(Ordering::Relaxed);
                ProducerFigures {
                    name: name.clone(),
                    produced,
                    per_s: per_s(produced),
                    skipped: stats.skipped.load(Ordering::Relaxed),
                    bad_lines: stats.bad_lines.load(Ordering::Relaxed),
                }
            })
            .collect();

        // Copy under the locks, compute outside them: the consumers wait
        // only for a copy.
        let (monitor_latency, monitor_consumed, monitor_alerts) = {
            let state = consumer::lock(self.monitor);
            (state.latency.clone(), state.consumed, state.alerts)
        };
        let (analyzer_latency, analyzer_consumed, analyzer_alerts) = {
            let state = consumer::lock(self.analyzer);
            (state.latency.clone(), state.consumed, state.alerts)
        };
        let (symbols, overflow_ticks) = {
            let monitor = consumer::lock(self.monitor);
            let analyzer = consumer::lock(self.analyzer);
            (
                stages::symbol_figures(&analyzer.stage, &monitor.stage),
                analyzer.stage.overflow_ticks(),
            )
        };
        let mut all_latency: Histogram<u64> = consumer::new_latency_histogram();
        for histogram in [&monitor_latency, &analyzer_latency] {
            // Same bounds on both sides, so adding cannot fail.
            let _ = all_latency.add(histogram);
        }
        let consumers = vec![
            ConsumerFigures {
                name: CONSUMERS[0].0,
                consumed: monitor_consumed,
                per_s: per_s(monitor_consumed),
                alerts: monitor_alerts,
                raises_alerts: true,
                latency_ns: Latency::of(&monitor_latency),
            },
            ConsumerFigures {
                name: CONSUMERS[1].0,
                consumed: analyzer_consumed,
                per_s: per_s(analyzer_consumed),
                alerts: analyzer_alerts,
                raises_alerts: false,
                latency_ns: Latency::of(&analyzer_latency),
            },
        ];

        let produced = producers.iter().map(|p| p.produced).sum();
        let consumed = monitor_consumed + analyzer_consumed;
        let process = system::process_figures();
        Figures {
            kind,
            elapsed_s: (elapsed_s * 1000.0).round() / 1000.0,
            source: match self.config.source {
                Source::Synthetic { .. } => "synthetic",
                Source::Replay { .. } => "replay",
            },
            seed: match self.config.source {
                Source::Synthetic { seed, .. } => Some(seed),
                Source::Replay { .. } => None,
            },
            distribution: match self.config.distribution {
                DistributionKind::Fanout => "fanout",
                DistributionKind::Shared => "shared",
            },
            on_full: match self.config.on_full {
                OnFull::Wait => "wait",
                OnFull::Drop => "drop",
            },
            deliveries_per_tick: self.distribution.deliveries_per_tick(),
            produced,
            consumed,
            dropped: rings.iter().map(|r| r.dropped).sum(),
            full_waits: rings.iter().map(|r| r.full_waits).sum(),
            produced_per_s: per_s(produced),
            consumed_per_s: per_s(consumed),
            threads: process.threads,
            peak_rss_bytes: process.peak_rss_bytes,
            data_path_allocations: alloc_count::data_path_allocations(),
            latency_ns: Latency::of(&all_latency),
            rings,
            producers,
            consumers,
            symbols,
            overflow_ticks,
        }
    }
}

/// One producer to start: its names and what it feeds from.
struct ProducerPlan {
    /// Name in the report: the exchange, or the replayed file's name.
    name: String,
    /// Thread name (Linux shows at most 15 bytes).
    thread_name: String,
    /// The replayed file, for error messages.
    path: Option<PathBuf>,
    feed: Feed,
}

/// Where a producer's ticks come from.
enum Feed {
    Exchange {
        walk: RandomWalk<Xoshiro256PlusPlus, 4>,
        rate: Rate,
    },
    Replay {
        reader: ReplayReader<File>,
        speed: Speed,
        skip_bad: bool,
    },
}

impl Feed {
    fn run(self, stats: &ProducerStats, outlet: &Outlet<'_>) -> Result<(), ReplayError> {
        match self {
            Self::Exchange { walk, rate } => {
                exchange::run_exchange(walk, rate, stats, outlet);
                Ok(())
            }
            Self::Replay {
                reader,
                speed,
                skip_bad,
            } => exchange::run_replay(reader, speed, skip_bad, stats, outlet),
        }
    }
}

/// The producers `config` asks for, with their generators seeded or their
/// files opened.
fn plan_producers(config: &Config) -> io::Result<Vec<ProducerPlan>> {
    match &config.source {
        Source::Synthetic { rate, seed } => {
            // One generator, jumped 2^128 steps ahead per exchange: the
            // exchanges' streams never overlap, and one seed fixes all three.
            let mut rng = Xoshiro256PlusPlus::seed_from_u64(*seed);
            Ok(DEMO_EXCHANGES
                .iter()
                .map(|exchange| {
                    let walk = RandomWalk::new(rng.clone(), exchange.instruments);
                    rng.jump();
                    ProducerPlan {
                        name: exchange.name.to_owned(),
                        thread_name: exchange.name.to_owned(),
                        path: None,
                        feed: Feed::Exchange { walk, rate: *rate },
                    }
                })
                .collect())
        }
        Source::Replay {
            files,
            speed,
            skip_bad,
        } => files
            .iter()
            .enumerate()
            .map(|(index, file)| {
                let input = File::open(&file.path).map_err(|error| {
                    io::Error::new(
                        error.kind(),
                        format!("cannot open replay file '{}': {error}", file.path.display()),
                    )
                })?;
                Ok(ProducerPlan {
                    name: file.path.file_name().map_or_else(
                        || file.path.display().to_string(),
                        |name| name.to_string_lossy().into_owned(),
                    ),
                    thread_name: format!("replay-{}", index + 1),
                    path: Some(file.path.clone()),
                    feed: Feed::Replay {
                        reader: ReplayReader::new(input, file.format, file.symbol),
                        speed: *speed,
                        skip_bad: *skip_bad,
                    },
                })
            })
            .collect(),
    }
}

/// On drop, raises the flags that make every producer and consumer exit, so
/// that a failed start cannot leave the thread scope waiting forever.
struct Release<'a> {
    stop: &'a AtomicBool,
    producers_done: &'a AtomicBool,
}

impl Drop for Release<'_> {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        self.producers_done.store(true, Ordering::Release);
    }
}

/// SIGINT and SIGTERM handling: the first raises a flag the reporter polls;
/// a second one while the run is stopping ends the process at once with
/// exit code 130.
struct Signals {
    raised: Arc<AtomicBool>,
    ids: Vec<signal_hook::SigId>,
}

impl Signals {
    fn install() -> io::Result<Self> {
        use signal_hook::consts::{SIGINT, SIGTERM};
        use signal_hook::flag;

        let raised = Arc::new(AtomicBool::new(false));
        let mut ids = Vec::with_capacity(4);
        for signal in [SIGINT, SIGTERM] {
            ids.push(flag::register_conditional_shutdown(
                signal,
                130,
                Arc::clone(&raised),
            )?);
            ids.push(flag::register(signal, Arc::clone(&raised))?);
        }
        Ok(Self { raised, ids })
    }

    fn raised(&self) -> bool {
        self.raised.load(Ordering::Relaxed)
    }
}

impl Drop for Signals {
    fn drop(&mut self) {
        for id in self.ids.drain(..) {
            signal_hook::low_level::unregister(id);
        }
    }
}
