//! The report the firmware prints and the host replays, and the counts it
//! starts with.

use core::fmt;

use crate::{Desk, EXCHANGE, Feed, SEED, TICKS};

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
    pub const fn balance(&self) -> bool {
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

/// Writes the report: the counts, then one line per instrument. The first
/// and last lines are [`REPORT_START`] and [`REPORT_END`], so that the
/// report can be cut out of the rest of the firmware's output.
pub fn write_report(out: &mut impl fmt::Write, counts: &Counts, desk: &Desk) -> fmt::Result {
    writeln!(out, "{REPORT_START}")?;
    writeln!(out, "seed {SEED:#018x}, {TICKS} ticks planned")?;
    writeln!(
        out,
        "ticks: produced {}, consumed {}, dropped {}",
        counts.produced, counts.consumed, counts.dropped
    )?;
    writeln!(
        out,
        "{:<8} {:>6} {:>10} {:>8}",
        "symbol", "ticks", "last", "volume"
    )?;
    for (instrument, position) in EXCHANGE.instruments.iter().zip(desk.positions()) {
        writeln!(
            out,
            "{:<8} {:>6} {:>10} {:>8}",
            instrument.symbol(),
            position.ticks,
            position.last,
            position.volume
        )?;
    }
    writeln!(out, "{REPORT_END}")
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
