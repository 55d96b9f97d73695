//! End-to-end replays: the shipped AMZN file against TA-Lib's values,
//! headerless and plain-CSV inputs, pacing by recorded time, and malformed
//! or truncated files.

use serde_json::Value;
use tickring_tests::reference;
use tickring_tests::sim::{
    amzn_message_file, array, assert_balanced, count, decimal, run, scratch,
};

const SIM: &str = env!("CARGO_BIN_EXE_tickring-sim-under-test");
const TMP: &str = env!("CARGO_TARGET_TMPDIR");

/// Trades (types 4 and 5) and other events in the AMZN file, per its sources.
const AMZN_TRADES: u64 = 11_419;
const AMZN_OTHER_EVENTS: u64 = 46_096;

fn write(name: &str, content: &str) -> String {
    let path = scratch(TMP, name);
    std::fs::write(&path, content).expect("can write a scratch file");
    path.to_str().expect("UTF-8 path").to_owned()
}

fn symbol<'a>(report: &'a Value, name: &str) -> &'a Value {
    array(&report["symbols"])
        .iter()
        .find(|s| s["symbol"] == name)
        .unwrap_or_else(|| panic!("no {name} in {report}"))
}

#[test]
fn amzn_replay_gives_ta_lib_last_values_and_11419_analyzer_ticks() {
    let file = amzn_message_file();
    let done = run(SIM, &["--replay", file.to_str().unwrap(), "--json"]);
    assert_eq!(done.code(), 0, "{}", done.stderr);
    let last = done.final_report();
    assert_balanced(&last);
    assert_eq!(count(&last["data_path_allocations"]), 0);

    let producer = &array(&last["producers"])[0];
    assert_eq!(count(&producer["produced"]), AMZN_TRADES);
    assert_eq!(count(&producer["skipped"]), AMZN_OTHER_EVENTS);
    assert_eq!(count(&producer["bad_lines"]), 0);
    let analyzer = array(&last["consumers"])
        .iter()
        .find(|c| c["name"] == "technical-analyzer")
        .expect("the analyzer's figures");
    assert_eq!(count(&analyzer["consumed"]), AMZN_TRADES);

    let amzn = symbol(&last, "AMZN");
    assert_eq!(count(&amzn["ticks"]), AMZN_TRADES);
    let ta_lib = reference::load("amzn_2012-06-21_trades_ref.csv");
    let final_row = ta_lib.last().expect("reference rows");
    assert_eq!(ta_lib.len() as u64, AMZN_TRADES);
    assert_eq!(amzn["last"], final_row.price.to_string());
    let mut compared = 0;
    for (column, reference) in reference::COLUMNS.iter().zip(final_row.values) {
        let Some(ours) = amzn.get(*column) else {
            continue; // macd_hist and the Bollinger bands are not reported
        };
        let reference = reference.expect("TA-Lib's last row is warm");
        let difference = (decimal(ours) - reference).abs();
        assert!(
            difference <= 0.0001,
            "{column}: ours {ours}, TA-Lib {reference}"
        );
        compared += 1;
    }
    assert_eq!(
        compared, 7,
        "sma5, sma20, ema12, ema26, rsi14, macd, macd_signal"
    );
}

#[test]
fn headerless_lf_lobster_takes_its_symbol_from_the_flag() {
    let file = write(
        "no-symbol-in-name.csv",
        "34200.017459617,5,0,1,2238200,-1\n\
         34200.189608228,1,11885113,21,2238100,1\n\
         34200.5,4,11885113,21,2238100,1\n",
    );
    let done = run(SIM, &["--replay", &file, "--symbol", "AMZN", "--json"]);
    assert_eq!(done.code(), 0, "{}", done.stderr);
    let last = done.final_report();
    let producer = &array(&last["producers"])[0];
    assert_eq!(count(&producer["produced"]), 2);
    assert_eq!(count(&producer["skipped"]), 1);
    let amzn = symbol(&last, "AMZN");
    assert_eq!(amzn["last"], "223.81");
    assert_eq!(count(&amzn["ticks"]), 2);
    assert!(amzn["sma5"].is_null(), "not enough prices for an SMA5 yet");

    // Without --symbol, a name that gives none is refused up front.
    let refused = run(SIM, &["--replay", &file]);
    assert_eq!(refused.code(), 2);
    assert!(
        refused.stderr.contains("pass --symbol"),
        "{}",
        refused.stderr
    );
}

#[test]
fn plain_csv_and_two_files_replay_on_two_producers() {
    let csv = write(
        "trades.csv",
        "time,symbol,price,size\r\n\
         09:30:00,AAPL,585.74,100\r\n\
         09:30:01,MSFT,30.5,200\r\n\
         09:30:02,AAPL,585.80,50\r\n",
    );
    let amzn = amzn_message_file();
    let done = run(SIM, &["--replay", &csv, amzn.to_str().unwrap(), "--json"]);
    assert_eq!(done.code(), 0, "{}", done.stderr);
    let last = done.final_report();
    assert_balanced(&last);
    let produced: Vec<u64> = array(&last["producers"])
        .iter()
        .map(|p| count(&p["produced"]))
        .collect();
    assert_eq!(produced, [3, AMZN_TRADES]);
    assert_eq!(symbol(&last, "AAPL")["last"], "585.80");
    assert_eq!(symbol(&last, "MSFT")["last"], "30.50");
    assert_eq!(count(&symbol(&last, "AMZN")["ticks"]), AMZN_TRADES);
}

#[test]
fn speed_scales_the_recorded_pace() {
    let file = write(
        "paced.csv",
        "time,symbol,price,size\n0,X,1.00,1\n0.5,X,1.01,1\n1.0,X,1.02,1\n",
    );
    let done = run(SIM, &["--replay", &file, "--speed", "2x", "--json"]);
    assert_eq!(done.code(), 0, "{}", done.stderr);
    let elapsed = decimal(&done.final_report()["elapsed_s"]);
    assert!(
        (0.5..2.0).contains(&elapsed),
        "1 s of trades at 2x took {elapsed} s"
    );

    let fast = run(SIM, &["--replay", &file, "--speed", "max", "--json"]);
    let elapsed = decimal(&fast.final_report()["elapsed_s"]);
    assert!(
        elapsed < 0.5,
        "max speed ignores the recorded times: {elapsed} s"
    );
}

const WITH_BAD_LINE: &str = "Time,Type,OrderId,Size,Price,Direction\r\n\
                             34200.1,4,1,10,2238200,1\r\n\
                             34200.2,4,1,10,22x,1\r\n\
                             34200.3,5,0,10,2238300,-1\r\n";

#[test]
fn a_malformed_line_stops_with_file_line_and_reason_after_a_final_report() {
    let file = write("AMZN_bad.csv", WITH_BAD_LINE);
    let done = run(SIM, &["--replay", &file, "--json"]);
    assert_eq!(done.code(), 1);
    assert_eq!(
        done.stderr.trim_end(),
        format!("{file}:3: Price \"22x\" is not a whole number")
    );
    let last = done.final_report();
    assert_eq!(count(&last["produced"]), 1, "the line before the bad one");
    assert_balanced(&last);
}

#[test]
fn skip_bad_counts_malformed_lines_and_goes_on() {
    let file = write("AMZN_skip.csv", WITH_BAD_LINE);
    let done = run(SIM, &["--replay", &file, "--skip-bad", "--json"]);
    assert_eq!(done.code(), 0, "{}", done.stderr);
    let last = done.final_report();
    let producer = &array(&last["producers"])[0];
    assert_eq!(count(&producer["produced"]), 2);
    assert_eq!(count(&producer["bad_lines"]), 1);
}

#[test]
fn a_truncated_file_fails_at_its_cut_last_line() {
    let original = std::fs::read(amzn_message_file()).expect("the shipped file");
    // Cut 1 MB in, then back up into the middle of a line's fields.
    let mut cut = 1_000_000;
    while original[cut - 1] != b',' {
        cut -= 1;
    }
    let truncated = &original[..cut + 2];
    let lines = truncated.split(|&b| b == b'\n').count();
    let path = scratch(TMP, "AMZN_truncated.csv");
    std::fs::write(&path, truncated).unwrap();

    let done = run(SIM, &["--replay", path.to_str().unwrap(), "--json"]);
    assert_eq!(done.code(), 1, "{}", done.stdout);
    let prefix = format!("{}:{lines}: expected 6 fields", path.display());
    assert!(
        done.stderr.starts_with(&prefix),
        "{prefix:?} vs {:?}",
        done.stderr
    );
    assert_balanced(&done.final_report());
}

#[test]
fn an_unknown_format_fails_at_line_one() {
    let file = write(
        "AMZN_daily.csv",
        "Date,Open,High,Low,Close\n2012-06-21,1,2,3,4\n",
    );
    refused_as_unknown_format(&file, &[]);
}

#[test]
fn skip_bad_does_not_skip_a_file_whose_format_is_unknown() {
    // Guards against --skip-bad turning a wrong file into an empty run that
    // exits 0: it skips bad lines, not whole files.
    let file = write(
        "headerless.csv",
        "09:30:00,AAPL,585.74,100\n09:30:01,AAPL,585.75,10\n",
    );
    refused_as_unknown_format(&file, &["--symbol", "AAPL", "--skip-bad"]);
}

/// Replays `file` with `flags` and expects the run to stop at line 1 with
/// the unknown-format message and exit code 1.
fn refused_as_unknown_format(file: &str, flags: &[&str]) {
    let mut args = vec!["--replay", file, "--json"];
    args.extend_from_slice(flags);
    let done = run(SIM, &args);
    assert_eq!(done.code(), 1, "{}", done.stdout);
    assert!(
        done.stderr
            .starts_with(&format!("{file}:1: neither a LOBSTER message line")),
        "{}",
        done.stderr
    );
}

#[test]
fn a_utf8_byte_order_mark_is_ignored() {
    // Guards against spreadsheet-exported files (BOM first) being rejected.
    let csv = write(
        "bom.csv",
        "\u{feff}time,symbol,price,size\n09:30:00,AAPL,585.74,100\n09:30:01,AAPL,585.80,5\n",
    );
    let lobster = write(
        "AMZN_bom_message.csv",
        "\u{feff}34200.01746,5,0,1,2238200,-1\n34200.18961,4,11885113,21,2238100,1\n",
    );
    for file in [&csv, &lobster] {
        let done = run(SIM, &["--replay", file, "--json"]);
        assert_eq!(done.code(), 0, "{file}: {}", done.stderr);
        let last = done.final_report();
        assert_balanced(&last);
        assert_eq!(count(&last["produced"]), 2, "{file}: {last}");
    }
}
