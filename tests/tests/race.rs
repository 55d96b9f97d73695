//! `tickring-sim race` end to end: every backend runs every scenario, every
//! tick arrives (the race itself panics on a lost or duplicated tick), and
//! the JSON lines carry the fields BENCHMARKS.md and CI read. The figures are
//! not asserted: a shared machine is too noisy for that.

use tickring_tests::sim::{array, run};

const SIM: &str = env!("CARGO_BIN_EXE_tickring-sim-under-test");

const BACKENDS: [&str; 6] = [
    "tickring",
    "tickring-batch",
    "crossbeam",
    "heapless",
    "mutex-deque",
    "sync-channel",
];

#[test]
fn race_json_has_one_line_per_backend_and_scenario() {
    let done = run(
        SIM,
        &["race", "--rounds", "2", "--ticks", "30000", "--json"],
    );
    assert_eq!(done.code(), 0, "{}", done.stderr);

    let lines = done.reports();
    for scenario in ["1p1c", "3p2c"] {
        for backend in BACKENDS {
            let line = lines
                .iter()
                .find(|line| line["scenario"] == scenario && line["backend"] == backend)
                .unwrap_or_else(|| panic!("no line for {scenario} {backend}: {}", done.stdout));
            let median = line["median_ticks_per_s"].as_f64().expect("a number");
            assert!(median > 0.0, "{line}");
            assert!(
                line["ratio_vs_crossbeam"].as_f64().expect("a number") > 0.0,
                "{line}"
            );
            assert_eq!(array(&line["rounds_ticks_per_s"]).len(), 2, "{line}");
        }
    }
    assert_eq!(lines.len(), 2 * BACKENDS.len());
    let crossbeam = lines.iter().filter(|line| line["backend"] == "crossbeam");
    for line in crossbeam {
        assert_eq!(
            line["ratio_vs_crossbeam"], 1.0,
            "crossbeam is its own baseline"
        );
    }
}

#[test]
fn race_refuses_bad_rounds_and_pipeline_flags() {
    let done = run(SIM, &["race", "--rounds", "0"]);
    assert_eq!(done.code(), 2);
    assert!(
        done.stderr.contains("'0'") && done.stderr.contains("--rounds"),
        "{}",
        done.stderr
    );

    let done = run(SIM, &["race", "--ticks", "10"]);
    assert_eq!(done.code(), 2);
    assert!(
        done.stderr.contains("'10'") && done.stderr.contains("--ticks"),
        "{}",
        done.stderr
    );

    let done = run(SIM, &["--rate", "5", "race"]);
    assert_eq!(
        done.code(),
        2,
        "pipeline flags do not mix with race: {}",
        done.stdout
    );
}
