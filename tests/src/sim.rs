//! Running the simulator end to end: start the binary, wait with a time
//! limit, and read its `--json` report lines.
//!
//! Tests pass the binary's path, `env!("CARGO_BIN_EXE_tickring-sim-under-test")`,
//! which Cargo only provides to the tests of this package (see
//! `tests/Cargo.toml`).

use core::time::Duration;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::Instant;

use serde_json::Value;

/// The longest any simulator run in the tests may take before it is killed
/// and the test fails.
pub const TIME_LIMIT: Duration = Duration::from_secs(120);

/// What a finished run printed and how it exited.
#[derive(Debug)]
pub struct Finished {
    /// How it exited.
    pub status: ExitStatus,
    /// Everything it printed on stdout (the reports).
    pub stdout: String,
    /// Everything it printed on stderr (errors).
    pub stderr: String,
}

impl Finished {
    /// The exit code; panics if a signal ended the run.
    pub fn code(&self) -> i32 {
        self.status
            .code()
            .unwrap_or_else(|| panic!("the simulator was killed: {self:?}"))
    }

    /// Every stdout line parsed as JSON, in order.
    pub fn reports(&self) -> Vec<Value> {
        self.stdout
            .lines()
            .map(|line| {
                serde_json::from_str(line)
                    .unwrap_or_else(|error| panic!("not JSON ({error}): {line:?}"))
            })
            .collect()
    }

    /// The last report, which must be the final one.
    pub fn final_report(&self) -> Value {
        let last = self
            .reports()
            .pop()
            .unwrap_or_else(|| panic!("no report printed: {self:?}"));
        assert_eq!(last["kind"], "final", "the last report is the final one");
        last
    }
}

/// Starts the simulator at `exe` with `args`, capturing its output.
pub fn start(exe: &str, args: &[&str]) -> Child {
    Command::new(exe)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|error| panic!("cannot start {exe}: {error}"))
}

/// Waits for `child` to exit within [`TIME_LIMIT`] (killing it otherwise)
/// and collects its output.
pub fn finish(mut child: Child) -> Finished {
    // Read the pipes on their own threads so a chatty child never blocks.
    let mut stdout_pipe = child.stdout.take().expect("stdout is piped");
    let mut stderr_pipe = child.stderr.take().expect("stderr is piped");
    let stdout = std::thread::spawn(move || {
        let mut text = String::new();
        stdout_pipe.read_to_string(&mut text).map(|_| text)
    });
    let stderr = std::thread::spawn(move || {
        let mut text = String::new();
        stderr_pipe.read_to_string(&mut text).map(|_| text)
    });

    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("can wait for the child") {
            break status;
        }
        if started.elapsed() > TIME_LIMIT {
            let _ = child.kill();
            panic!("the simulator ran longer than {TIME_LIMIT:?} and was killed");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    Finished {
        status,
        stdout: stdout.join().expect("reader thread").expect("UTF-8 stdout"),
        stderr: stderr.join().expect("reader thread").expect("UTF-8 stderr"),
    }
}

/// Runs the simulator at `exe` with `args` to completion.
pub fn run(exe: &str, args: &[&str]) -> Finished {
    finish(start(exe, args))
}

/// The shipped AMZN LOBSTER file (`host-sim/data/`).
pub fn amzn_message_file() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../host-sim/data/AMZN_2012-06-21_34200000_57600000_message_1.csv")
}

/// `value` (a JSON string or number) as a decimal number.
pub fn decimal(value: &Value) -> f64 {
    match value {
        Value::String(text) => text
            .parse()
            .unwrap_or_else(|error| panic!("{text:?} is not a decimal: {error}")),
        Value::Number(number) => number.as_f64().expect("finite"),
        other => panic!("{other} is not a decimal"),
    }
}

/// `value` as an unsigned count.
pub fn count(value: &Value) -> u64 {
    value
        .as_u64()
        .unwrap_or_else(|| panic!("{value} is not a count"))
}

/// Checks that a final report balances: every produced tick was consumed or
/// dropped by each consumer it was meant for, and the totals add up.
pub fn assert_balanced(report: &Value) {
    let produced = count(&report["produced"]);
    let consumed = count(&report["consumed"]);
    let dropped = count(&report["dropped"]);
    let per_tick = count(&report["deliveries_per_tick"]);
    assert_eq!(
        produced * per_tick,
        consumed + dropped,
        "produced × deliveries per tick = consumed + dropped: {report}"
    );
    let by_producers: u64 = array(&report["producers"])
        .iter()
        .map(|p| count(&p["produced"]))
        .sum();
    assert_eq!(by_producers, produced);
    let by_consumers: u64 = array(&report["consumers"])
        .iter()
        .map(|c| count(&c["consumed"]))
        .sum();
    assert_eq!(by_consumers, consumed);
    for ring in array(&report["rings"]) {
        assert_eq!(count(&ring["in_use"]), 0, "drained: {ring}");
        assert_eq!(
            ring["write_position"], ring["read_position"],
            "drained: {ring}"
        );
    }
}

/// `value` as a JSON array.
pub fn array(value: &Value) -> &Vec<Value> {
    value
        .as_array()
        .unwrap_or_else(|| panic!("{value} is not an array"))
}

/// A scratch file path for one test, under Cargo's per-target temp dir.
pub fn scratch(tmp_dir: &str, name: &str) -> PathBuf {
    let dir = Path::new(tmp_dir).join("sim-scratch");
    std::fs::create_dir_all(&dir).expect("can create the scratch dir");
    dir.join(name)
}
