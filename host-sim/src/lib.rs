//! tickring-sim: tickring's market-data pipeline on a host.
//!
//! Three exchanges (NASDAQ, NYSE, SSE), each on its own thread, make ticks by
//! a seeded random walk, or one thread per file replays recorded trades
//! (LOBSTER message files, plain CSV). The ticks go through a lock-free
//! `tickring::Broadcast` ring (or, with `--distribution shared`, a
//! `tickring::Ring` they compete for) to two consumers, the price monitor and
//! the technical analyzer from `tickring`, each on its own thread. The main
//! thread prints a report every interval and a final one after the ring is
//! drained.
//!
//! What the simulator promises:
//!
//! - **Nothing lost unless asked.** A full ring makes the producer wait
//!   (`--on-full wait`, the default); `--on-full drop` drops and counts every
//!   drop. The final report balances: produced × deliveries per tick =
//!   consumed + dropped.
//! - **No heap on the data path.** Producer and consumer threads make no
//!   allocation after start-up; a counting global allocator checks it and the
//!   report shows the count.
//! - **Accurate pacing without a busy core.** A producer sleeps until its
//!   next batch is due, then emits every tick due by then; the schedule comes
//!   from the clock, so late wake-ups do not add up.
//! - **Exit codes**: 0 for a completed or interrupted run, 1 when a replay
//!   file has a malformed line (after the final report), 2 for a bad flag.
//!
//! The binary's `main` only calls [`main`], so that other packages (the
//! workspace's end-to-end tests) can build the same program as a binary of
//! their own.

mod alloc_count;
mod cli;
mod clock;
mod consumer;
mod distribution;
mod exchange;
mod pipeline;
pub mod race;
mod replay;
mod report;
mod stages;
mod system;
mod wait;

use std::process::ExitCode;

/// Runs the simulator with the process's command line and returns its exit
/// code.
pub fn main() -> ExitCode {
    run(std::env::args_os())
}

/// Runs the simulator with `args` (program name first).
fn run(args: impl IntoIterator<Item = std::ffi::OsString>) -> ExitCode {
    let config = match cli::Invocation::from_args(args) {
        Ok(cli::Invocation::Run(config)) => config,
        Ok(cli::Invocation::Race { config, json }) => return run_race(config, json),
        Err(error) => {
            // Printing to a closed terminal is not worth another error.
            let _ = error.print();
            return ExitCode::from(u8::try_from(error.exit_code()).unwrap_or(2));
        }
    };
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match pipeline::run(&config, &mut out) {
        Ok(outcome) if outcome.errors.is_empty() => ExitCode::SUCCESS,
        Ok(outcome) => {
            for error in outcome.errors {
                eprintln!("{error}");
            }
            ExitCode::FAILURE
        }
        Err(error) => {
            eprintln!("tickring-sim: {error}");
            ExitCode::FAILURE
        }
    }
}

/// Runs `tickring-sim race` and prints its table or JSON lines.
fn run_race(config: race::RaceConfig, json: bool) -> ExitCode {
    let results = race::race(config);
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let written = if json {
        race::write_json(&mut out, &results)
    } else {
        race::write_table(&mut out, config, &results)
    };
    match written {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("tickring-sim race: cannot write the results: {error}");
            ExitCode::FAILURE
        }
    }
}
