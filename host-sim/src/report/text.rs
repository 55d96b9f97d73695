//! The text view, for a terminal: the original demo's sections, in its
//! order, with a unit on every figure.

use core::fmt::Write as _;
use std::io::{self, Write};

use super::{Figures, Kind, Latency};

/// Column width of names (rings, producers, consumers).
const NAME: usize = 20;
/// Column width of a broadcast ring's readers, indented two more than names.
const READER: usize = NAME - 2;

/// Writes `figures` as a text block followed by a blank line.
pub(super) fn write(out: &mut dyn Write, figures: &Figures) -> io::Result<()> {
    out.write_all(render(figures).as_bytes())
}

fn render(f: &Figures) -> String {
    let mut text = String::new();
    // Writing to a `String` cannot fail.
    let _ = render_into(&mut text, f);
    text
}

fn render_into(text: &mut String, f: &Figures) -> core::fmt::Result {
    let title = match f.kind {
        Kind::Interval => "report at",
        Kind::Final => "final report after",
    };
    write!(
        text,
        "── tickring-sim {title} {:.2} s · {}",
        f.elapsed_s, f.source
    )?;
    if let Some(seed) = f.seed {
        write!(text, " (seed {seed})")?;
    }
    writeln!(text, " · {} · on full: {} ──", f.distribution, f.on_full)?;

    writeln!(text, "Ring")?;
    for ring in &f.rings {
        let used = percent(ring.in_use, ring.capacity);
        writeln!(
            text,
            "  {:<NAME$} write {}  read {}  in use {} / {} slots ({used:.1}%)  \
             full waits {}  drops {} ticks",
            ring.name,
            count(ring.write_position),
            count(ring.read_position),
            count(ring.in_use),
            count(ring.capacity),
            count(ring.full_waits),
            count(ring.dropped),
        )?;
        for reader in &ring.readers {
            writeln!(
                text,
                "    {:<READER$} read {}  behind {} ticks",
                reader.name,
                count(reader.read_position),
                count(reader.in_use),
            )?;
        }
    }

    writeln!(text, "Producers")?;
    for producer in &f.producers {
        write!(
            text,
            "  {:<NAME$} {} ticks  {} ticks/s",
            producer.name,
            count(producer.produced),
            rate(producer.per_s)
        )?;
        if producer.skipped > 0 || producer.bad_lines > 0 {
            write!(
                text,
                "  skipped {} non-trade events, {} bad lines",
                count(producer.skipped),
                count(producer.bad_lines)
            )?;
        }
        writeln!(text)?;
    }

    writeln!(text, "Consumers")?;
    for consumer in &f.consumers {
        write!(
            text,
            "  {:<NAME$} {} ticks  {} ticks/s",
            consumer.name,
            count(consumer.consumed),
            rate(consumer.per_s),
        )?;
        if consumer.raises_alerts {
            write!(text, "  alerts {}", count(consumer.alerts))?;
        }
        writeln!(text)?;
    }

    writeln!(text, "System")?;
    writeln!(
        text,
        "  produced {} ticks/s  consumed {} ticks/s  dropped {} ticks  threads {}  \
         peak RSS {}  data-path allocations {}",
        rate(f.produced_per_s),
        rate(f.consumed_per_s),
        count(f.dropped),
        f.threads.map_or_else(|| "n/a".to_owned(), count),
        f.peak_rss_bytes.map_or_else(|| "n/a".to_owned(), mebibytes),
        count(f.data_path_allocations),
    )?;

    writeln!(text, "Latency, tick created → handled")?;
    for consumer in &f.consumers {
        writeln!(
            text,
            "  {:<NAME$} {}",
            consumer.name,
            latency(consumer.latency_ns)
        )?;
    }
    writeln!(
        text,
        "  {:<NAME$} {}",
        "all consumers",
        latency(f.latency_ns)
    )?;

    writeln!(text, "Symbols (prices in the quote currency)")?;
    writeln!(
        text,
        "  {:<8} {:>9} {:>12} {:>12} {:>12} {:>12} {:>12} {:>8} {:>10} {:>10} {:>8}",
        "symbol",
        "ticks",
        "last",
        "SMA5",
        "SMA20",
        "EMA12",
        "EMA26",
        "RSI14",
        "MACD",
        "signal",
        "alerts"
    )?;
    let dash = || "–".to_owned();
    for s in &f.symbols {
        writeln!(
            text,
            "  {:<8} {:>9} {:>12} {:>12} {:>12} {:>12} {:>12} {:>8} {:>10} {:>10} {:>8}",
            s.symbol,
            count(s.ticks),
            s.last,
            s.sma5.clone().unwrap_or_else(dash),
            s.sma20.clone().unwrap_or_else(dash),
            s.ema12.clone().unwrap_or_else(dash),
            s.ema26.clone().unwrap_or_else(dash),
            s.rsi14.clone().unwrap_or_else(dash),
            s.macd.clone().unwrap_or_else(dash),
            s.macd_signal.clone().unwrap_or_else(dash),
            count(s.alerts),
        )?;
    }
    if f.overflow_ticks > 0 {
        writeln!(
            text,
            "  {} ticks of symbols beyond the analyzer's table were not analysed",
            count(f.overflow_ticks)
        )?;
    }
    writeln!(text)
}

/// `1234567` as `1,234,567`.
fn count(n: u64) -> String {
    let digits = n.to_string();
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    grouped
}

/// A rate rounded to whole ticks per second, grouped.
fn rate(per_s: f64) -> String {
    count(per_s.round().max(0.0) as u64)
}

fn percent(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 * 100.0 / whole as f64
    }
}

fn mebibytes(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
}

/// A duration in nanoseconds in the unit that reads best.
fn nanos(ns: u64) -> String {
    let ns_f = ns as f64;
    if ns < 1_000 {
        format!("{ns} ns")
    } else if ns < 1_000_000 {
        format!("{:.1} µs", ns_f / 1e3)
    } else if ns < 1_000_000_000 {
        format!("{:.2} ms", ns_f / 1e6)
    } else {
        format!("{:.2} s", ns_f / 1e9)
    }
}

fn latency(l: Latency) -> String {
    format!(
        "p50 {}  p99 {}  p99.9 {}  max {}",
        nanos(l.p50),
        nanos(l.p99),
        nanos(l.p999),
        nanos(l.max)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_read_with_units() {
        assert_eq!(count(0), "0");
        assert_eq!(count(999), "999");
        assert_eq!(count(1_000), "1,000");
        assert_eq!(count(1_234_567), "1,234,567");
        assert_eq!(rate(10_000.4), "10,000");
        assert_eq!(nanos(850), "850 ns");
        assert_eq!(nanos(12_345), "12.3 µs");
        assert_eq!(nanos(1_200_000), "1.20 ms");
        assert_eq!(nanos(2_500_000_000), "2.50 s");
        assert_eq!(mebibytes(3 * 1024 * 1024 + 104_858), "3.1 MiB");
    }
}
