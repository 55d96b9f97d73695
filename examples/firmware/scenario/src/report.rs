//! The report the firmware prints and the host replays, and the counts it
//! starts with.

use core::fmt;

use crate::desk::{DEVIATION_BPS, DEVIATION_PERIOD};
use crate::{Desk, EXCHANGE, Feed, INTERRUPTS, SEED, TICKS_PER_INTERRUPT};

/// How many ticks went where.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Counts {
    /// Ticks the producer generated.
    pub produced: u32,
    /// Ticks the consumer took in.
    pub consumed: u32,
    /// Ticks the producer could not queue because the ring was full.
    pub dropped: u32,
}

impl Counts {
    /// Whether every produced tick is accounted for:
    /// `produced == consumed + dropped`.
    pub const fn is_balanced(&self) -> bool {
        match self.consumed.checked_add(self.dropped) {
            Some(accounted) => accounted == self.produced,
            None => false,
        }
    }
}

/// The line that opens a report.
pub const REPORT_START: &str = "== report ==";
/// The line that closes a report.
pub const REPORT_END: &str = "== end of report ==";

/// Writes the report: the counts, the alerts, then one line per instrument
/// of [`EXCHANGE`] with its ticks, last price, SMA(20), RSI(14) and alerts
/// (`-` for an indicator still warming up). The first and last lines are
/// [`REPORT_START`] and [`REPORT_END`], so that the report can be cut out of
/// the rest of the firmware's output.
pub fn write_report(out: &mut impl fmt::Write, counts: &Counts, desk: &Desk) -> fmt::Result {
    let monitor = desk.monitor();
    let analyzer = desk.analyzer();

    writeln!(out, "{REPORT_START}")?;
    writeln!(
        out,
        "seed {SEED:#018x}: {INTERRUPTS} interrupts of {TICKS_PER_INTERRUPT} ticks"
    )?;
    writeln!(
        out,
        "ticks: produced {}, consumed {}, dropped {}",
        counts.produced, counts.consumed, counts.dropped
    )?;
    write!(
        out,
        "alerts: {} (price {DEVIATION_BPS} bps or more from its SMA({DEVIATION_PERIOD}))",
        monitor.alerts()
    )?;
    match monitor.recent().last() {
        Some(alert) => writeln!(
            out,
            "; last: {} at {} ms, {}",
            alert.symbol,
            alert.created_ns / 1_000_000,
            alert.price
        )?,
        None => writeln!(out)?,
    }

    writeln!(
        out,
        "{:<8} {:>6} {:>10} {:>10} {:>8} {:>6}",
        "symbol", "ticks", "last", "sma20", "rsi14", "alerts"
    )?;
    for instrument in &EXCHANGE.instruments {
        let symbol = instrument.symbol();
        write!(out, "{symbol:<8}")?;
        match analyzer.get(&symbol) {
            Some(analysis) => {
                write!(out, " {:>6} {:>10}", analysis.ticks(), analysis.last())?;
                write_or_dash(out, 10, analysis.sma20())?;
                write_or_dash(out, 8, analysis.rsi14())?;
            }
            None => write!(out, " {:>6} {:>10} {:>10} {:>8}", 0, "-", "-", "-")?,
        }
        let alerts = monitor.get(&symbol).map_or(0, |state| state.alerts());
        writeln!(out, " {alerts:>6}")?;
    }
    writeln!(out, "{REPORT_END}")
}

/// Writes `value` right-aligned in `width` columns after a space, or `-`.
fn write_or_dash(
    out: &mut impl fmt::Write,
    width: usize,
    value: Option<impl fmt::Display>,
) -> fmt::Result {
    match value {
        Some(value) => write!(out, " {value:>width$}"),
        None => write!(out, " {:>width$}", "-"),
    }
}

/// The report of the run as the host computes it: every batch of [`Feed`]
/// goes straight into a [`Desk`], nothing is dropped.
pub fn host_report(out: &mut impl fmt::Write) -> fmt::Result {
    let mut feed = Feed::new();
    let mut desk = Desk::new();
    let mut produced = 0;
    while let Some(batch) = feed.next_batch() {
        for tick in &batch {
            produced += 1;
            desk.consume(tick);
        }
    }
    let counts = Counts {
        produced,
        consumed: desk.consumed(),
        dropped: 0,
    };
    write_report(out, &counts, &desk)
}
