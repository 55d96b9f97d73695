//! End-to-end runs of the simulator's synthetic demo: the report's shape,
//! the balance of the final figures, pacing, drops, and stopping by signal.

use core::time::Duration;

use serde_json::Value;
use tickring_tests::sim::{array, assert_balanced, count, decimal, finish, run, start};

const SIM: &str = env!("CARGO_BIN_EXE_tickring-sim-under-test");

/// The JSON fields issue 4 asks of the final object.
const FINAL_FIELDS: [&str; 11] = [
    "kind",
    "elapsed_s",
    "produced",
    "consumed",
    "dropped",
    "producers",
    "consumers",
    "latency_ns",
    "peak_rss_bytes",
    "data_path_allocations",
    "symbols",
];

#[test]
fn one_second_demo_balances_and_allocates_nothing_on_the_data_path() {
    let done = run(
        SIM,
        &[
            "--duration",
            "1s",
            "--report-every",
            "300ms",
            "--json",
            "--seed",
            "7",
        ],
    );
    assert_eq!(done.code(), 0, "{}", done.stderr);
    let reports = done.reports();
    let last = done.final_report();
    for field in FINAL_FIELDS {
        assert!(
            last.get(field).is_some(),
            "final report lacks {field}: {last}"
        );
    }

    // Interval reports come first, at growing times.
    let intervals: Vec<&Value> = reports.iter().filter(|r| r["kind"] == "interval").collect();
    assert!(
        intervals.len() >= 2,
        "reports every 300 ms in 1 s: {reports:?}"
    );
    let times: Vec<f64> = reports.iter().map(|r| decimal(&r["elapsed_s"])).collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "{times:?}");

    assert_eq!(
        last["seed"], 7,
        "the seed is printed so the run can be repeated"
    );
    assert_eq!(last["distribution"], "fanout");
    assert_eq!(
        count(&last["deliveries_per_tick"]),
        2,
        "fanout: every tick to both"
    );
    assert_balanced(&last);
    assert_eq!(count(&last["dropped"]), 0, "--on-full wait loses nothing");
    assert_eq!(count(&last["data_path_allocations"]), 0);
    assert!(count(&last["peak_rss_bytes"]) > 0);
    assert!(
        count(&last["threads"]) >= 6,
        "main, 3 producers, 2 consumers: {last}"
    );

    let names: Vec<&str> = array(&last["producers"])
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["NASDAQ", "NYSE", "SSE"]);
    for consumer in array(&last["consumers"]) {
        assert_eq!(consumer["consumed"], last["produced"], "fanout: {consumer}");
        let latency = &consumer["latency_ns"];
        let [p50, p99, p999, max] = ["p50", "p99", "p999", "max"].map(|q| count(&latency[q]));
        assert!(
            0 < p50 && p50 <= p99 && p99 <= p999 && p999 <= max,
            "{latency}"
        );
    }

    // Twelve symbols, each seen about 830 times: every indicator is warm.
    let symbols = array(&last["symbols"]);
    assert_eq!(symbols.len(), 12, "{symbols:?}");
    for symbol in symbols {
        for field in [
            "last",
            "sma5",
            "sma20",
            "ema12",
            "ema26",
            "rsi14",
            "macd",
            "macd_signal",
        ] {
            let value = decimal(&symbol[field]);
            assert!(value.is_finite(), "{field} of {symbol}");
        }
        let rsi = decimal(&symbol["rsi14"]);
        assert!((0.0..=100.0).contains(&rsi), "{symbol}");
        assert!(decimal(&symbol["last"]) > 0.0);
    }
}

#[test]
fn pacing_never_runs_ahead_of_the_target_rate() {
    let done = run(
        SIM,
        &[
            "--duration",
            "1s",
            "--rate",
            "20000",
            "--json",
            "--seed",
            "1",
        ],
    );
    assert_eq!(done.code(), 0, "{}", done.stderr);
    let last = done.final_report();
    let elapsed = decimal(&last["elapsed_s"]);
    for producer in array(&last["producers"]) {
        let produced = count(&producer["produced"]) as f64;
        // Never ahead of the schedule; behind it only on a very busy machine.
        assert!(
            produced <= 20_000.0 * elapsed + 1.0,
            "{producer} in {elapsed} s"
        );
        assert!(
            produced >= 0.5 * 20_000.0 * elapsed,
            "{producer} in {elapsed} s"
        );
    }
}

#[test]
fn a_tiny_ring_with_drop_counts_every_drop() {
    let args = [
        "--capacity",
        "2",
        "--rate",
        "max",
        "--on-full",
        "drop",
        "--duration",
        "300ms",
    ];
    let done = run(SIM, &[&args[..], &["--json"]].concat());
    assert_eq!(done.code(), 0, "{}", done.stderr);
    let last = done.final_report();
    assert_balanced(&last);
    assert!(
        count(&last["dropped"]) > 0,
        "two slots cannot keep up: {last}"
    );
    let per_ring: u64 = array(&last["rings"])
        .iter()
        .map(|r| count(&r["dropped"]))
        .sum();
    assert_eq!(per_ring, count(&last["dropped"]));
    assert_eq!(count(&last["full_waits"]), 0, "drop never waits");
}

#[test]
fn a_tiny_ring_with_wait_loses_nothing_and_counts_full_waits() {
    let args = [
        "--capacity",
        "2",
        "--rate",
        "max",
        "--duration",
        "300ms",
        "--json",
    ];
    let done = run(SIM, &args);
    assert_eq!(done.code(), 0, "{}", done.stderr);
    let last = done.final_report();
    assert_balanced(&last);
    assert_eq!(count(&last["dropped"]), 0);
    assert!(count(&last["full_waits"]) > 0, "two slots fill up: {last}");
    assert_eq!(count(&last["data_path_allocations"]), 0);
}

#[test]
fn shared_distribution_delivers_each_tick_once() {
    let done = run(
        SIM,
        &["--distribution", "shared", "--duration", "500ms", "--json"],
    );
    assert_eq!(done.code(), 0, "{}", done.stderr);
    let last = done.final_report();
    assert_eq!(count(&last["deliveries_per_tick"]), 1);
    assert_eq!(array(&last["rings"]).len(), 1);
    assert_balanced(&last);
}

#[test]
fn text_report_shows_every_section_with_units() {
    let done = run(
        SIM,
        &[
            "--duration",
            "700ms",
            "--report-every",
            "300ms",
            "--seed",
            "3",
        ],
    );
    assert_eq!(done.code(), 0, "{}", done.stderr);
    let text = &done.stdout;
    let sections = [
        "Ring",
        "Producers",
        "Consumers",
        "System",
        "Latency",
        "Symbols",
    ];
    let mut from = text.rfind("final report after").expect("a final report");
    for section in sections {
        let at = text[from..]
            .find(&format!("\n{section}"))
            .unwrap_or_else(|| panic!("no {section} section in order:\n{text}"));
        from += at + 1;
    }
    for unit in [
        "ticks/s",
        "slots",
        "µs",
        "MiB",
        "seed 3",
        "data-path allocations 0",
    ] {
        assert!(text.contains(unit), "{unit:?} missing:\n{text}");
    }
    assert!(
        text.matches("report at").count() >= 2,
        "interval reports:\n{text}"
    );
}

#[test]
fn sigterm_stops_drains_and_prints_the_final_report() {
    let child = start(
        SIM,
        &["--duration", "60s", "--report-every", "100ms", "--json"],
    );
    wait_until_catching_sigterm(child.id());
    std::thread::sleep(Duration::from_millis(300));
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(killed.success());
    let done = finish(child);
    assert_eq!(done.code(), 0, "{}", done.stderr);
    let last = done.final_report();
    assert!(decimal(&last["elapsed_s"]) < 30.0, "stopped early: {last}");
    assert!(count(&last["produced"]) > 0);
    assert_balanced(&last);
}

/// Waits until process `pid` has installed its SIGTERM handler (Linux's
/// `SigCgt` mask in `/proc/PID/status`), so that the signal cannot arrive
/// before the handler on a slow machine and kill the process outright.
fn wait_until_catching_sigterm(pid: u32) {
    const SIGTERM_BIT: u64 = 1 << (15 - 1);
    let status = format!("/proc/{pid}/status");
    for _ in 0..3000 {
        let text = std::fs::read_to_string(&status).unwrap_or_default();
        let caught = text
            .lines()
            .find_map(|line| line.strip_prefix("SigCgt:"))
            .and_then(|mask| u64::from_str_radix(mask.trim(), 16).ok())
            .unwrap_or(0);
        if caught & SIGTERM_BIT != 0 {
            return;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    panic!("the simulator did not install a SIGTERM handler within 30 s");
}
