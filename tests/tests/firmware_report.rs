//! The firmware example's run (`examples/firmware`), replayed on the host.
//!
//! The boards print a report between `== report ==` and
//! `== end of report ==`; the host computes the same report with the same
//! scenario code and tickring compiled for x86-64. `.ci/firmware` runs both
//! boards under QEMU and then the ignored test below, which compares each
//! board's report with the host's.

use std::{env, fs};

use tickring::{Ring, Tick};
use tickring_firmware_scenario::{
    Counts, Desk, EXCHANGE, Feed, REPORT_END, REPORT_START, TICKS, host_report, write_report,
};

fn host_text() -> String {
    let mut text = String::new();
    host_report(&mut text).expect("formatting into a String cannot fail");
    text
}

/// Runs the firmware's structure on the host: each batch goes through a
/// ring, and the consumer drains `pops_per_batch` ticks after each batch
/// (all of them when `None`), then everything at the end.
fn replay_through_ring<const N: usize>(pops_per_batch: Option<usize>) -> (Counts, String) {
    let ring: Ring<Tick, N> = Ring::new();
    let mut feed = Feed::new();
    let mut desk = Desk::new();
    let (mut produced, mut dropped) = (0, 0);

    while let Some(batch) = feed.next_batch() {
        for tick in batch {
            produced += 1;
            if ring.try_push(tick).is_err() {
                dropped += 1;
            }
        }
        let mut budget = pops_per_batch.unwrap_or(usize::MAX);
        while budget > 0
            && let Some(tick) = ring.try_pop()
        {
            desk.consume(&tick);
            budget -= 1;
        }
    }
    while let Some(tick) = ring.try_pop() {
        desk.consume(&tick);
    }

    let counts = Counts {
        produced,
        consumed: desk.consumed(),
        dropped,
    };
    let mut text = String::new();
    write_report(&mut text, &counts, &desk).unwrap();
    (counts, text)
}

/// Cuts the report out of a board's whole output.
fn report_in(output: &str) -> Option<String> {
    let start = output.find(REPORT_START)?;
    let end = start + output[start..].find(REPORT_END)? + REPORT_END.len();
    Some(format!("{}\n", &output[start..end]))
}

#[test]
fn host_report_accounts_for_every_tick_of_every_instrument() {
    let text = host_text();
    let counts = format!("ticks: produced {TICKS}, consumed {TICKS}, dropped 0");
    assert!(text.contains(&counts), "no `{counts}` in\n{text}");
    let mut ticks = 0;
    for instrument in EXCHANGE.instruments {
        let symbol = instrument.symbol();
        let line = text
            .lines()
            .find(|line| line.split_whitespace().next() == Some(symbol.as_str()))
            .unwrap_or_else(|| panic!("no line for {symbol} in\n{text}"));
        // A `-` is an indicator still warming up: the run is too short.
        assert!(!line.contains(" - "), "{symbol} lacks a figure: {line}");
        let column: u32 = line.split_whitespace().nth(1).unwrap().parse().unwrap();
        ticks += column;
    }
    assert_eq!(ticks, TICKS, "the symbols' tick columns do not add up");
    assert_eq!(report_in(&text).as_deref(), Some(text.as_str()));
}

#[test]
fn a_consumer_that_keeps_up_reproduces_the_host_report() {
    let (counts, text) = replay_through_ring::<64>(None);
    assert_eq!(counts.dropped, 0);
    assert!(counts.is_balanced());
    assert_eq!(text, host_text());
}

#[test]
fn a_slow_consumer_drops_ticks_but_accounts_for_them() {
    // Three pops per batch of four: the ring fills, then drops one per batch.
    let (counts, text) = replay_through_ring::<8>(Some(3));
    assert!(counts.dropped > 0, "{counts:?}");
    assert!(counts.is_balanced(), "{counts:?}");
    assert_eq!(counts.produced, TICKS);
    assert_ne!(text, host_text(), "a drop must show in the report");
}

#[test]
#[ignore = "needs the boards' output under QEMU: .ci/firmware runs it"]
fn board_reports_equal_the_host_report() {
    let logs = env::var("TICKRING_FIRMWARE_LOGS")
        .expect("TICKRING_FIRMWARE_LOGS must list the boards' output files, separated by ':'");
    let host = host_text();
    println!("--- host report\n{host}");
    for path in logs.split(':') {
        let output = fs::read_to_string(path).unwrap_or_else(|e| panic!("read {path}: {e}"));
        let board = report_in(&output).unwrap_or_else(|| panic!("no report in {path}:\n{output}"));
        println!("--- report in {path}\n{board}");
        assert_eq!(board, host, "{path}'s report differs from the host's");
    }
}
