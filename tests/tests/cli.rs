//! Every flag the simulator refuses: exit code 2 and a message that names
//! the value and the rule it broke.

use tickring_tests::sim::{run, scratch};

const SIM: &str = env!("CARGO_BIN_EXE_tickring-sim-under-test");
const TMP: &str = env!("CARGO_TARGET_TMPDIR");

/// Runs the simulator with `args`, expects exit code 2, and checks that
/// stderr contains every one of `words`.
fn refused(args: &[&str], words: &[&str]) {
    let done = run(SIM, args);
    assert_eq!(done.code(), 2, "{args:?} was accepted: {}", done.stdout);
    assert!(done.stdout.is_empty(), "{args:?} ran: {}", done.stdout);
    for word in words {
        assert!(
            done.stderr.contains(word),
            "{args:?}: {word:?} missing from {:?}",
            done.stderr
        );
    }
}

#[test]
fn capacity_must_be_a_power_of_two_in_range() {
    let rule = "capacity must be a power of two from 2 to 1048576 slots";
    refused(
        &["--capacity", "1000"],
        &["'1000'", "--capacity", "1000 is not a power of two", rule],
    );
    refused(&["--capacity", "1"], &["1 is out of range", rule]);
    refused(
        &["--capacity", "2097152"],
        &["2097152 is out of range", rule],
    );
    refused(&["--capacity", "0"], &["0 is not a power of two", rule]);
    refused(
        &["--capacity", "lots"],
        &["'lots' is not a whole number", rule],
    );
}

#[test]
fn rate_must_be_positive_or_max() {
    let rule = "rate must be from 1 to 100000000 ticks/s per exchange, or max";
    refused(&["--rate", "0"], &["0 ticks/s is out of range", rule]);
    refused(&["--rate", "-5"], &["'-5' is not a whole number", rule]);
    refused(&["--rate", "fast"], &["'fast' is not a whole number", rule]);
    refused(
        &["--rate", "18446744073709551616"],
        &["'18446744073709551616' is too large", rule],
    );
}

#[test]
fn durations_need_a_number_and_a_unit() {
    let rule = "expected a number with at most 3 decimals and a unit (ms, s, m or h; \
                a bare number is seconds)";
    refused(&["--duration", "10q"], &["'10q' is not a duration", rule]);
    refused(
        &["--duration", "0.0001ms"],
        &["'0.0001ms' is not a duration", rule],
    );
    // A leading '-' used to reach clap as an unknown flag, naming no rule.
    refused(
        &["--duration", "-5s"],
        &["'-5s' is negative", "more than 0"],
    );
    refused(&["--report-every", "-1s"], &["'-1s' is negative"]);
    refused(&["--duration", "0s"], &["'0s' is zero", "more than 0"]);
    refused(
        &["--report-every", "soon"],
        &["--report-every", "'soon' is not a duration"],
    );
    refused(&["--report-every", "0ms"], &["'0ms' is zero"]);
}

#[test]
fn choices_list_what_is_possible() {
    refused(
        &["--distribution", "broadcast"],
        &["'broadcast'", "fanout", "shared"],
    );
    refused(&["--on-full", "block"], &["'block'", "wait", "drop"]);
    refused(
        &["--seed", "-1"],
        &["'-1' is not a seed: a whole number from 0 to"],
    );
}

#[test]
fn replay_files_must_exist_be_files_and_be_readable() {
    refused(
        &["--replay", "/nonexistent/AMZN.csv"],
        &[
            "cannot open replay file '/nonexistent/AMZN.csv'",
            "No such file or directory",
        ],
    );
    refused(&["--replay", TMP], &["is not a regular file"]);
    refused(&["--replay"], &["--replay"]);
}

#[test]
fn replay_options_are_checked_too() {
    let file = scratch(TMP, "AMZN_cli.csv");
    std::fs::write(&file, "34200.5,4,1,10,2238200,1\n").unwrap();
    let file = file.to_str().unwrap();
    let speed_rule = "speed must be max or a factor of the recorded pace such as 1x, 10x or 0.5x";
    refused(
        &["--replay", file, "--speed", "0x"],
        &["'0x' is zero", speed_rule],
    );
    refused(
        &["--replay", file, "--speed", "fast"],
        &["'fast' is not a speed", speed_rule],
    );
    refused(
        &["--replay", file, "--speed", "-1x"],
        &["'-1x' is not a speed", speed_rule],
    );
    refused(
        &["--replay", file, "--symbol", "TOOLONGSYM"],
        &["'TOOLONGSYM'", "at most 8"],
    );
    refused(
        &["--replay", file, "--rate", "100"],
        &["--rate", "--replay", "cannot be used"],
    );
}

#[test]
fn replay_only_flags_need_a_replay() {
    refused(&["--speed", "10x"], &["--replay"]);
    refused(&["--symbol", "AMZN"], &["--replay"]);
    refused(&["--skip-bad"], &["--replay"]);
}

#[test]
fn help_lists_the_flags_and_exits_0() {
    let done = run(SIM, &["--help"]);
    assert_eq!(done.code(), 0);
    for flag in [
        "--capacity",
        "--rate",
        "--duration",
        "--report-every",
        "--distribution",
        "--on-full",
        "--seed",
        "--json",
        "--replay",
        "--speed",
        "--symbol",
        "--skip-bad",
    ] {
        assert!(done.stdout.contains(flag), "{flag} missing from --help");
    }
}
