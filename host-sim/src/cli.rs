//! The command line: clap definitions, and validation that names the value
//! and the rule it broke.
//!
//! Every rejected flag exits with code 2 and a message such as
//! `invalid value '1000' for '--capacity <SLOTS>': 1000 is not a power of
//! two; capacity must be a power of two from 2 to 1048576 slots`.

use core::hash::BuildHasher;
use core::time::Duration;
use std::ffi::OsString;
use std::hash::RandomState;
use std::path::{Path, PathBuf};

use clap::error::ErrorKind;
use clap::{CommandFactory, Parser, Subcommand, ValueEnum};
use tickring::Symbol;

use crate::distribution::{DistributionKind, MAX_CAPACITY, MIN_CAPACITY, OnFull};
use crate::exchange::{Rate, Speed};
use crate::race::RaceConfig;
use crate::replay::{Format, symbol_from_file_name};

/// The highest `--rate`, per exchange.
const MAX_RATE: u64 = 100_000_000;
/// The longest `--duration` or `--report-every`.
const MAX_DURATION: Duration = Duration::from_secs(366 * 24 * 3600);
/// The highest `--speed`, in thousandths.
const MAX_SPEED_THOUSANDTHS: u64 = 1_000_000_000;

/// Runs tickring's market-data pipeline: three exchanges (or recorded files)
/// feed a price monitor and a technical analyzer through lock-free rings,
/// with a live report.
#[derive(Debug, Parser)]
#[command(name = "tickring-sim", version, max_term_width = 100)]
#[command(args_conflicts_with_subcommands = true)]
struct Args {
    #[command(subcommand)]
    command: Option<Command>,

    /// Slots per ring: a power of two from 2 to 1048576.
    #[arg(long, value_name = "SLOTS", default_value = "4096", value_parser = parse_capacity,
          allow_negative_numbers = true)]
    capacity: usize,

    /// Ticks per second per exchange (1 to 100000000), or `max` for flat out.
    #[arg(long, value_name = "TICKS_PER_S", default_value = "10000", value_parser = parse_rate,
          conflicts_with = "replay", allow_negative_numbers = true)]
    rate: Rate,

    /// How long to run, e.g. 500ms, 10s, 2m [default: 10s; with --replay: until the files end].
    #[arg(long, value_name = "TIME", value_parser = parse_duration, allow_hyphen_values = true)]
    duration: Option<Duration>,

    /// Time between two reports, e.g. 500ms, 2s.
    #[arg(long, value_name = "TIME", default_value = "2s", value_parser = parse_duration,
          allow_hyphen_values = true)]
    report_every: Duration,

    /// fanout: every consumer gets every tick; shared: consumers compete for ticks.
    #[arg(long, value_enum, default_value_t = DistributionArg::Fanout)]
    distribution: DistributionArg,

    /// What a producer does when a ring is full: wait (lose nothing) or drop (and count).
    #[arg(long, value_enum, default_value_t = OnFullArg::Wait)]
    on_full: OnFullArg,

    /// Seed of the random walk [default: random; the report prints it].
    #[arg(long, value_parser = parse_seed, allow_negative_numbers = true)]
    seed: Option<u64>,

    /// Print one JSON object per line instead of text.
    #[arg(long)]
    json: bool,

    /// Replay these files instead of the random walk, one producer per file:
    /// LOBSTER message files or CSV with the header time,symbol,price,size.
    #[arg(long, value_name = "FILE", num_args = 1.., value_parser = parse_replay_file)]
    replay: Vec<PathBuf>,

    /// Replay pace: max, or the recorded pace times N, e.g. 1x, 10x, 0.5x.
    #[arg(long, default_value = "max", value_parser = parse_speed, requires = "replay",
          allow_hyphen_values = true)]
    speed: Speed,

    /// Symbol of the LOBSTER files' trades [default: from the file name, e.g. AMZN_...csv].
    #[arg(long, value_parser = parse_symbol, requires = "replay")]
    symbol: Option<Symbol>,

    /// Skip malformed lines of replay files and count them, instead of stopping.
    #[arg(long, requires = "replay")]
    skip_bad: bool,
}

/// What to run instead of the pipeline.
#[derive(Debug, Subcommand)]
enum Command {
    /// Race tickring's ring against other queues, flat out, and print each
    /// backend's median ticks/s and its ratio to crossbeam's ArrayQueue.
    Race(RaceArgs),
}

/// Flags of `tickring-sim race`.
#[derive(Debug, clap::Args)]
struct RaceArgs {
    /// A shorter race that finishes in under 30 s (3 rounds of 1,500,000 ticks).
    #[arg(long)]
    quick: bool,

    /// Rounds over every backend and scenario (1 to 1000) [default: 7, or 3 with --quick].
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..=1000))]
    rounds: Option<u16>,

    /// Ticks each run moves (1000 to 1000000000) [default: 10000000, or 1500000 with --quick].
    #[arg(long, value_parser = clap::value_parser!(u64).range(1_000..=1_000_000_000))]
    ticks: Option<u64>,

    /// Print one JSON object per backend and scenario instead of a table.
    #[arg(long)]
    json: bool,
}

/// What the command line asks for.
#[derive(Clone, Debug)]
pub(crate) enum Invocation {
    /// Run the pipeline.
    Run(Config),
    /// Race the queue backends.
    Race { config: RaceConfig, json: bool },
}

impl Invocation {
    /// Parses and validates `args` (program name first). On `Err`, the clap
    /// error carries the message and the exit code (2, or 0 for `--help`).
    pub(crate) fn from_args<I, T>(args: I) -> Result<Self, clap::Error>
    where
        I: IntoIterator<Item = T>,
        T: Into<OsString> + Clone,
    {
        let args = Args::try_parse_from(args)?;
        match args.command {
            Some(Command::Race(race)) => {
                let mut config = if race.quick {
                    RaceConfig::QUICK
                } else {
                    RaceConfig::FULL
                };
                if let Some(rounds) = race.rounds {
                    config.rounds = usize::from(rounds);
                }
                if let Some(ticks) = race.ticks {
                    config.ticks_per_run = ticks;
                }
                Ok(Self::Race {
                    config,
                    json: race.json,
                })
            }
            None => Config::from_parsed(args).map(Self::Run),
        }
    }
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum DistributionArg {
    Fanout,
    Shared,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum OnFullArg {
    Wait,
    Drop,
}

/// A file to replay, checked at start-up.
#[derive(Clone, Debug)]
pub(crate) struct ReplayFile {
    pub(crate) path: PathBuf,
    pub(crate) format: Format,
    /// The symbol of its trades if it is a LOBSTER file.
    pub(crate) symbol: Symbol,
}

/// Where the ticks come from.
#[derive(Clone, Debug)]
pub(crate) enum Source {
    /// The three demo exchanges' random walks.
    Synthetic { rate: Rate, seed: u64 },
    /// Recorded files.
    Replay {
        files: Vec<ReplayFile>,
        speed: Speed,
        skip_bad: bool,
    },
}

/// A validated run configuration.
#[derive(Clone, Debug)]
pub(crate) struct Config {
    pub(crate) capacity: usize,
    /// `None`: until the replayed files end.
    pub(crate) duration: Option<Duration>,
    pub(crate) report_every: Duration,
    pub(crate) distribution: DistributionKind,
    pub(crate) on_full: OnFull,
    pub(crate) json: bool,
    pub(crate) source: Source,
}

impl Config {
    /// Parses and validates `args` (program name first). On `Err`, the clap
    /// error carries the message and the exit code (2, or 0 for `--help`).
    #[cfg(test)]
    pub(crate) fn from_args<I, T>(args: I) -> Result<Self, clap::Error>
    where
        I: IntoIterator<Item = T>,
        T: Into<OsString> + Clone,
    {
        Self::from_parsed(Args::try_parse_from(args)?)
    }

    /// Validates the pipeline's flags.
    fn from_parsed(args: Args) -> Result<Self, clap::Error> {
        let source = if args.replay.is_empty() {
            Source::Synthetic {
                rate: args.rate,
                seed: args.seed.unwrap_or_else(random_seed),
            }
        } else {
            let files = args
                .replay
                .iter()
                .map(|path| replay_file(path, args.symbol))
                .collect::<Result<_, _>>()?;
            Source::Replay {
                files,
                speed: args.speed,
                skip_bad: args.skip_bad,
            }
        };
        let duration = match (&source, args.duration) {
            (_, Some(duration)) => Some(duration),
            (Source::Synthetic { .. }, None) => Some(Duration::from_secs(10)),
            (Source::Replay { .. }, None) => None,
        };
        Ok(Self {
            capacity: args.capacity,
            duration,
            report_every: args.report_every,
            distribution: match args.distribution {
                DistributionArg::Fanout => DistributionKind::Fanout,
                DistributionArg::Shared => DistributionKind::Shared,
            },
            on_full: match args.on_full {
                OnFullArg::Wait => OnFull::Wait,
                OnFullArg::Drop => OnFull::Drop,
            },
            json: args.json,
            source,
        })
    }
}

/// A seed that differs from run to run, from the standard library's
/// randomly keyed hasher (no extra dependency needed).
fn random_seed() -> u64 {
    RandomState::new().hash_one(std::time::SystemTime::now())
}

/// Checks a replay file's format and finds the symbol of a LOBSTER file.
fn replay_file(path: &Path, symbol: Option<Symbol>) -> Result<ReplayFile, clap::Error> {
    let refuse = |message: String| Args::command().error(ErrorKind::ValueValidation, message);
    let format = Format::of_file(path).map_err(|error| {
        refuse(format!(
            "cannot read replay file '{}': {error}",
            path.display()
        ))
    })?;
    let symbol = match (format, symbol.or_else(|| symbol_from_file_name(path))) {
        (_, Some(symbol)) => symbol,
        (Format::Lobster { .. }, None) => {
            return Err(refuse(format!(
                "replay file '{}' is a LOBSTER file but its name does not start with a \
                 symbol (SYMBOL_...): pass --symbol",
                path.display()
            )));
        }
        // Plain CSV names its symbols; other formats fail at line 1.
        (_, None) => Symbol::default(),
    };
    Ok(ReplayFile {
        path: path.to_owned(),
        format,
        symbol,
    })
}

fn parse_capacity(text: &str) -> Result<usize, String> {
    let rule =
        format!("capacity must be a power of two from {MIN_CAPACITY} to {MAX_CAPACITY} slots");
    let slots: usize = text
        .parse()
        .map_err(|error| not_a_count(text, &error, &rule))?;
    if !slots.is_power_of_two() {
        return Err(format!("{slots} is not a power of two; {rule}"));
    }
    if !(MIN_CAPACITY..=MAX_CAPACITY).contains(&slots) {
        return Err(format!("{slots} is out of range; {rule}"));
    }
    Ok(slots)
}

fn parse_rate(text: &str) -> Result<Rate, String> {
    if text.eq_ignore_ascii_case("max") {
        return Ok(Rate::Max);
    }
    let rule = format!("rate must be from 1 to {MAX_RATE} ticks/s per exchange, or max");
    match text.parse::<u64>() {
        Ok(rate @ 1..=MAX_RATE) => Ok(Rate::PerSecond(rate)),
        Ok(rate) => Err(format!("{rate} ticks/s is out of range; {rule}")),
        Err(error) => Err(not_a_count(text, &error, &rule)),
    }
}

/// Why `text` is not a count: too large, or not a whole number at all.
fn not_a_count(text: &str, error: &core::num::ParseIntError, rule: &str) -> String {
    match error.kind() {
        core::num::IntErrorKind::PosOverflow => format!("'{text}' is too large; {rule}"),
        _ => format!("'{text}' is not a whole number; {rule}"),
    }
}

/// A duration: a decimal number and a unit, `ms`, `s`, `m` or `h`; a bare
/// number is seconds.
fn parse_duration(text: &str) -> Result<Duration, String> {
    let rule = "expected a number with at most 3 decimals and a unit (ms, s, m or h; \
                a bare number is seconds), e.g. 500ms, 10s, 2m";
    if text.starts_with('-') {
        return Err(format!(
            "'{text}' is negative: a duration must be more than 0"
        ));
    }
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let nanos_per_unit: u128 = match unit.trim() {
        "ms" => 1_000_000,
        "" | "s" => 1_000_000_000,
        "m" | "min" => 60_000_000_000,
        "h" => 3_600_000_000_000,
        _ => return Err(format!("'{text}' is not a duration: {rule}")),
    };
    let thousandths =
        decimal_thousandths(number).ok_or_else(|| format!("'{text}' is not a duration: {rule}"))?;
    let nanos = u128::from(thousandths) * nanos_per_unit / 1000;
    if nanos == 0 {
        return Err(format!("'{text}' is zero: a duration must be more than 0"));
    }
    if nanos > MAX_DURATION.as_nanos() {
        return Err(format!("'{text}' is too long: at most 366 days"));
    }
    Ok(Duration::from_nanos(
        u64::try_from(nanos).unwrap_or(u64::MAX),
    ))
}

/// A non-negative decimal with up to three places, in thousandths.
fn decimal_thousandths(number: &str) -> Option<u64> {
    let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || !digits(whole) || !digits(fraction) || fraction.len() > 3 {
        return None;
    }
    if number.ends_with('.') {
        return None;
    }
    let mut thousandths = whole.parse::<u64>().ok()?.checked_mul(1000)?;
    for (place, digit) in fraction.bytes().enumerate() {
        thousandths += u64::from(digit - b'0') * 10u64.pow(2 - place as u32);
    }
    Some(thousandths)
}

fn parse_speed(text: &str) -> Result<Speed, String> {
    if text.eq_ignore_ascii_case("max") {
        return Ok(Speed::Max);
    }
    let rule = "speed must be max or a factor of the recorded pace such as 1x, 10x or 0.5x";
    let factor = text
        .strip_suffix(['x', 'X'])
        .and_then(decimal_thousandths)
        .ok_or_else(|| format!("'{text}' is not a speed; {rule}"))?;
    match factor {
        0 => Err(format!("'{text}' is zero; {rule}")),
        thousandths @ 1..=MAX_SPEED_THOUSANDTHS => Ok(Speed::Scaled { thousandths }),
        _ => Err(format!("'{text}' is too fast; at most 1000000x, or max")),
    }
}

fn parse_seed(text: &str) -> Result<u64, String> {
    text.parse().map_err(|_| {
        format!(
            "'{text}' is not a seed: a whole number from 0 to {}",
            u64::MAX
        )
    })
}

fn parse_symbol(text: &str) -> Result<Symbol, String> {
    Symbol::new(text).map_err(|error| format!("'{text}' is not a symbol: {error}"))
}

fn parse_replay_file(text: &str) -> Result<PathBuf, String> {
    let path = PathBuf::from(text);
    let metadata = std::fs::metadata(&path)
        .map_err(|error| format!("cannot open replay file '{text}': {error}"))?;
    if !metadata.is_file() {
        return Err(format!("replay file '{text}' is not a regular file"));
    }
    std::fs::File::open(&path)
        .map_err(|error| format!("cannot read replay file '{text}': {error}"))?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_clap_definition_is_consistent() {
        Args::command().debug_assert();
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("10s"), Ok(Duration::from_secs(10)));
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration("1.5s"), Ok(Duration::from_millis(1500)));
        assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
        assert_eq!(parse_duration("3"), Ok(Duration::from_secs(3)));
        assert_eq!(parse_duration("0.001ms"), Ok(Duration::from_nanos(1000)));
        for bad in [
            "", "s", "10q", "-1s", "1.s", "1..2s", "0s", "1.0001s", "400days", "9000h",
        ] {
            assert!(parse_duration(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn capacities_rates_and_speeds() {
        assert_eq!(parse_capacity("16384"), Ok(16384));
        assert!(
            parse_capacity("1000")
                .unwrap_err()
                .contains("not a power of two")
        );
        assert!(parse_capacity("1").unwrap_err().contains("out of range"));
        assert!(
            parse_capacity("2097152")
                .unwrap_err()
                .contains("out of range")
        );
        assert_eq!(parse_rate("max"), Ok(Rate::Max));
        assert_eq!(parse_rate("1"), Ok(Rate::PerSecond(1)));
        assert!(parse_rate("0").unwrap_err().contains("out of range"));
        assert_eq!(
            parse_speed("10x"),
            Ok(Speed::Scaled {
                thousandths: 10_000
            })
        );
        assert_eq!(parse_speed("0.5x"), Ok(Speed::Scaled { thousandths: 500 }));
        assert!(parse_speed("0x").is_err());
        assert!(parse_speed("10").is_err());
    }

    #[test]
    fn defaults_run_the_demo_for_ten_seconds() {
        let config = Config::from_args(["tickring-sim", "--seed", "7"]).unwrap();
        assert_eq!(config.duration, Some(Duration::from_secs(10)));
        assert_eq!(config.report_every, Duration::from_secs(2));
        assert_eq!(config.capacity, 4096);
        assert_eq!(config.distribution, DistributionKind::Fanout);
        assert_eq!(config.on_full, OnFull::Wait);
        assert!(matches!(
            config.source,
            Source::Synthetic {
                rate: Rate::PerSecond(10_000),
                seed: 7
            }
        ));
    }

    #[test]
    fn replay_only_flags_need_replay() {
        for flag in [
            &["--speed", "1x"][..],
            &["--symbol", "AMZN"],
            &["--skip-bad"],
        ] {
            let args = core::iter::once("tickring-sim").chain(flag.iter().copied());
            let error = Config::from_args(args).unwrap_err();
            assert_eq!(error.kind(), ErrorKind::MissingRequiredArgument, "{flag:?}");
            assert_eq!(error.exit_code(), 2);
        }
    }
}
