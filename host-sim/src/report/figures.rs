//! [`Figures`]: everything one report shows, as plain data.

use serde::Serialize;

/// Whether a report is a periodic one or the last.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Kind {
    /// Printed every `--report-every`.
    Interval,
    /// Printed once, after the consumers drained the rings.
    Final,
}

/// One report. Counts are totals since the start; rates are those totals
/// divided by the elapsed time.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct Figures {
    pub(crate) kind: Kind,
    /// Seconds since the producers started.
    pub(crate) elapsed_s: f64,
    /// `synthetic` or `replay`.
    pub(crate) source: &'static str,
    /// The random walk's seed (synthetic runs).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) seed: Option<u64>,
    /// `fanout` or `shared`.
    pub(crate) distribution: &'static str,
    /// `wait` or `drop`.
    pub(crate) on_full: &'static str,
    /// How many consumers each tick is for: produced × this = consumed +
    /// dropped once the rings are drained.
    pub(crate) deliveries_per_tick: u64,
    pub(crate) rings: Vec<RingFigures>,
    pub(crate) producers: Vec<ProducerFigures>,
    pub(crate) consumers: Vec<ConsumerFigures>,
    /// Ticks made by all producers.
    pub(crate) produced: u64,
    /// Ticks handled by all consumers.
    pub(crate) consumed: u64,
    /// Deliveries dropped at full rings.
    pub(crate) dropped: u64,
    /// Pushes that found a ring full and waited.
    pub(crate) full_waits: u64,
    pub(crate) produced_per_s: f64,
    pub(crate) consumed_per_s: f64,
    /// Threads in the process (final report: when the stop began, before
    /// the workers exited).
    pub(crate) threads: Option<u64>,
    /// Peak resident memory.
    pub(crate) peak_rss_bytes: Option<u64>,
    /// Heap allocations by producer and consumer threads since start-up.
    pub(crate) data_path_allocations: u64,
    /// Latency over all consumers.
    pub(crate) latency_ns: Latency,
    /// Per-symbol indicators, in the order the analyzer first saw them.
    pub(crate) symbols: Vec<SymbolFigures>,
    /// Ticks of symbols beyond the analyzer's table, not analysed.
    pub(crate) overflow_ticks: u64,
}

/// One ring's state and what its producers met.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct RingFigures {
    /// `broadcast` (every consumer reads every tick) or `shared`.
    pub(crate) name: &'static str,
    pub(crate) write_position: u64,
    /// For the broadcast ring, the slowest reader's position.
    pub(crate) read_position: u64,
    /// Ticks in the ring: for the broadcast ring, those the slowest reader
    /// has yet to read.
    pub(crate) in_use: u64,
    /// Slots.
    pub(crate) capacity: u64,
    /// Pushes that found the ring full and waited.
    pub(crate) full_waits: u64,
    /// Deliveries lost to a full ring: a tick dropped at the broadcast ring
    /// counts once per consumer.
    pub(crate) dropped: u64,
    /// Each consumer's cursor in the broadcast ring (empty for `shared`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) readers: Vec<ReaderFigures>,
}

/// One consumer's cursor in the broadcast ring.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct ReaderFigures {
    /// The consumer.
    pub(crate) name: &'static str,
    /// The position it reads next.
    pub(crate) read_position: u64,
    /// Ticks pushed that it has yet to read.
    pub(crate) in_use: u64,
}

/// One producer's output.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct ProducerFigures {
    /// Exchange name or replayed file name.
    pub(crate) name: String,
    pub(crate) produced: u64,
    pub(crate) per_s: f64,
    /// Replay: valid records that are not trades (LOBSTER orders, cancels).
    pub(crate) skipped: u64,
    /// Replay: malformed lines skipped under `--skip-bad`.
    pub(crate) bad_lines: u64,
}

/// One consumer's work.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct ConsumerFigures {
    pub(crate) name: &'static str,
    pub(crate) consumed: u64,
    pub(crate) per_s: f64,
    /// Alerts it raised (always 0 for a stage that raises none).
    pub(crate) alerts: u64,
    /// Whether the stage raises alerts at all (the text view shows the
    /// count only then).
    #[serde(skip)]
    pub(crate) raises_alerts: bool,
    pub(crate) latency_ns: Latency,
}

/// Latency percentiles, in nanoseconds, from tick creation to the end of its
/// handling. All 0 before the first tick.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub(crate) struct Latency {
    pub(crate) p50: u64,
    pub(crate) p99: u64,
    pub(crate) p999: u64,
    pub(crate) max: u64,
}

impl Latency {
    /// The percentiles of `histogram`.
    pub(crate) fn of(histogram: &hdrhistogram::Histogram<u64>) -> Self {
        if histogram.is_empty() {
            return Self::default();
        }
        Self {
            p50: histogram.value_at_quantile(0.50),
            p99: histogram.value_at_quantile(0.99),
            p999: histogram.value_at_quantile(0.999),
            max: histogram.max(),
        }
    }
}

/// One symbol's indicators, as exact decimal strings (`None` while an
/// indicator is warming up).
#[derive(Clone, Debug, Default, Serialize)]
pub(crate) struct SymbolFigures {
    pub(crate) symbol: String,
    /// Ticks the analyzer saw for it.
    pub(crate) ticks: u64,
    pub(crate) last: String,
    pub(crate) sma5: Option<String>,
    pub(crate) sma20: Option<String>,
    pub(crate) ema12: Option<String>,
    pub(crate) ema26: Option<String>,
    pub(crate) rsi14: Option<String>,
    pub(crate) macd: Option<String>,
    pub(crate) macd_signal: Option<String>,
    /// Alerts the price monitor raised for it.
    pub(crate) alerts: u64,
}
