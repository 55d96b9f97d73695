//! `tickring-sim race` end to end: each scenario runs its backends, every
//! tick arrives (the race itself panics on a lost or duplicated tick), and
//! the JSON lines carry the fields BENCHMARKS.md and CI read. The figures are
//! not asserted: a shared machine is too noisy for that.

use tickring_sim::race::{Backend, Scenario};
use tickring_tests::sim::{array, run};

const SIM: &str = env!("CARGO_BIN_EXE_tickring-sim-under-test");

/// The backends of the scenarios whose consumers compete for the ticks.
const SHARED_BACKENDS: [&str; 6] = [
    "tickring",
    "tickring-batch",
    "crossbeam",
    "heapless",
    "mutex-deque",
    "sync-channel",
];

/// The backends of `fanout`, where every consumer sees every tick.
const FANOUT_BACKENDS: [&str; 3] = ["tickring-broadcast", "tickring", "crossbeam"];

#[test]
fn race_json_has_one_line_per_backend_and_scenario() {
    let done = run(
        SIM,
        &["race", "--rounds", "2", "--ticks", "30000", "--json"],
    );
    assert_eq!(done.code(), 0, "{}", done.stderr);

    let lines = done.reports();
    let expected = [
        ("1p1c", &SHARED_BACKENDS[..]),
        ("3p2c", &SHARED_BACKENDS[..]),
        ("fanout", &FANOUT_BACKENDS[..]),
    ];
    for (scenario, backends) in expected {
        for &backend in backends {
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
    assert_eq!(
        lines.len(),
        2 * SHARED_BACKENDS.len() + FANOUT_BACKENDS.len(),
        "the broadcast ring runs only fanout: {}",
        done.stdout
    );
    let crossbeam = lines.iter().filter(|line| line["backend"] == "crossbeam");
    for line in crossbeam {
        assert_eq!(
            line["ratio_vs_crossbeam"], 1.0,
            "crossbeam is its own baseline"
        );
    }
}

#[test]
fn fanout_backends_deliver_every_tick_to_each_consumer() {
    // Guards the fanout check itself: the race panics when a consumer misses
    // or repeats a tick, so every backend finishing means each of the two
    // consumers counted all 3 × 10,000 ticks with the right sequence sum.
    for backend in [
        Backend::TickringBroadcast,
        Backend::Tickring,
        Backend::Crossbeam,
    ] {
        let took = with_big_stack(move || backend.time(Scenario::Fanout, 30_000));
        assert!(took.as_nanos() > 0, "{}", backend.name());
    }
}

#[test]
#[should_panic(expected = "does not run the 3p2c scenario")]
fn broadcast_ring_refuses_competing_consumers() {
    // A broadcast ring gives each tick to every consumer: timing it in a
    // scenario where consumers share the ticks would count each tick twice.
    Backend::TickringBroadcast.time(Scenario::ThreeToTwo, 3_000);
}

/// Runs `race` on a thread with a main thread's stack: an unoptimised build
/// makes the race's 8,192-slot rings by value on the stack, several copies
/// deep, more than a test thread's 2 MiB.
fn with_big_stack<R: Send + 'static>(race: impl FnOnce() -> R + Send + 'static) -> R {
    std::thread::Builder::new()
        .stack_size(32 << 20)
        .spawn(race)
        .expect("a thread")
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
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
