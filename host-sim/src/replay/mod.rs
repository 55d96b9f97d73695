//! Replays recorded trades from files: LOBSTER message files and plain
//! `time,symbol,price,size` CSV.
//!
//! A [`ReplayReader`] turns a file into a stream of [`Record`]s. It reads
//! through a fixed line buffer and parses without allocating, so a replay
//! producer keeps the data path allocation-free. A line it cannot parse comes
//! back as a [`ReplayError`] that names the line, the field, the value and the
//! rule it broke; the caller decides whether to stop or skip.
//!
//! Accepted inputs:
//!
//! - **LOBSTER message files** ([`lobster`]): six fields
//!   `Time,Type,OrderId,Size,Price,Direction`, with or without that header
//!   line. Executions (types 4 and 5) become trades; other events are
//!   [`Record::Skipped`]. LOBSTER files carry no symbol: it comes from the
//!   file name (`AMZN_2012-06-21_..._message_1.csv` is AMZN) or `--symbol`.
//! - **Plain CSV** ([`plain_csv`]): the header `time,symbol,price,size`, then
//!   one trade per line, e.g. `34200.5,AAPL,585.74,100`.
//!
//! Both accept LF or CRLF line endings, a last line without one, spaces around
//! fields, and blank lines (ignored). Times are seconds with an optional
//! fraction (`34200.017459617`) or `HH:MM:SS[.fraction]`; they only pace
//! `--speed` replays and may repeat or go backwards.

mod fields;
pub(crate) mod lines;
pub(crate) mod lobster;
pub(crate) mod plain_csv;

use std::fmt;
use std::io::{self, Read};
use std::path::Path;

use tickring::{Price, Symbol};

pub(crate) use fields::Problem;
use lines::{LineReader, ReadError};

/// What kind of file a replay file is, judged from its first line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Format {
    /// A LOBSTER message file; `header` says whether line 1 is the header.
    Lobster {
        /// Whether line 1 is `Time,Type,OrderId,Size,Price,Direction`.
        header: bool,
    },
    /// A CSV with the header `time,symbol,price,size`.
    PlainCsv,
    /// The file is empty: nothing to replay.
    Empty,
    /// Neither: replaying it fails at line 1.
    Unknown,
}

impl Format {
    /// The format whose first line is `line`.
    pub(crate) fn of_first_line(line: &[u8]) -> Self {
        let Ok(text) = core::str::from_utf8(strip_bom(line)) else {
            return Self::Unknown;
        };
        let text = text.trim();
        if text.eq_ignore_ascii_case(lobster::HEADER) {
            Self::Lobster { header: true }
        } else if text.eq_ignore_ascii_case(plain_csv::HEADER) {
            Self::PlainCsv
        } else if lobster::looks_like_message(text) {
            Self::Lobster { header: false }
        } else {
            Self::Unknown
        }
    }

    /// The format of the file at `path`, from its first line.
    pub(crate) fn of_file(path: &Path) -> io::Result<Self> {
        let mut lines = LineReader::new(std::fs::File::open(path)?);
        match lines.next_line() {
            Ok(Some((_, first))) => Ok(Self::of_first_line(first)),
            Ok(None) => Ok(Self::Empty),
            Err(ReadError::TooLong) => Ok(Self::Unknown),
            Err(ReadError::Io(error)) => Err(error),
        }
    }
}

/// `line` without a leading UTF-8 byte order mark, which spreadsheet
/// programs write at the start of CSV files.
fn strip_bom(line: &[u8]) -> &[u8] {
    line.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(line)
}

/// The symbol a LOBSTER file name gives: the text before its first `_`
/// (`AMZN_2012-06-21_34200000_57600000_message_1.csv` is `AMZN`).
pub(crate) fn symbol_from_file_name(path: &Path) -> Option<Symbol> {
    let name = path.file_name()?.to_str()?;
    let (ticker, _) = name.split_once('_')?;
    Symbol::new(ticker).ok()
}

/// One trade read from a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Trade {
    /// When it was recorded, in nanoseconds since the file's time origin
    /// (midnight for LOBSTER).
    pub(crate) time_ns: u64,
    pub(crate) symbol: Symbol,
    pub(crate) price: Price,
    /// Shares traded, at least 1.
    pub(crate) volume: u32,
}

/// One meaningful line of a replay file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Record {
    /// A trade to replay.
    Trade(Trade),
    /// A valid event that is not a trade (a LOBSTER order, cancel, ...).
    Skipped,
}

/// Why replaying stopped at a line.
#[derive(Debug)]
pub(crate) enum ReplayError {
    /// The line is malformed; `--skip-bad` may skip it.
    Malformed {
        /// 1-based line number.
        line: u64,
        problem: Problem,
    },
    /// The file could not be read.
    Io {
        /// 1-based number of the line being read.
        line: u64,
        error: io::Error,
    },
}

impl ReplayError {
    /// Whether `--skip-bad` may skip the line and go on: a malformed line
    /// may be skipped, but a file whose format is not recognised stops the
    /// run, or every line of it would be skipped in silence.
    pub(crate) fn is_skippable(&self) -> bool {
        match self {
            Self::Malformed { problem, .. } => !matches!(problem, Problem::UnknownFormat),
            Self::Io { .. } => false,
        }
    }
}

impl fmt::Display for ReplayError {
    /// `line: what is wrong`; the caller puts the file name in front.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Malformed { line, problem } => write!(f, "{line}: {problem}"),
            Self::Io { line, error } => write!(f, "{line}: cannot read the file: {error}"),
        }
    }
}

/// Reads [`Record`]s from a replay file of a known [`Format`].
pub(crate) struct ReplayReader<R> {
    lines: LineReader<R>,
    format: Format,
    /// The symbol of a LOBSTER file's trades.
    symbol: Symbol,
}

impl<R: Read> ReplayReader<R> {
    /// A reader of `input`, whose first line told `format`. `symbol` names the
    /// trades of a LOBSTER file (plain CSV lines name their own).
    pub(crate) fn new(input: R, format: Format, symbol: Symbol) -> Self {
        Self {
            lines: LineReader::new(input),
            format,
            symbol,
        }
    }

    /// The next record, `None` at the end of the file.
    pub(crate) fn next_record(&mut self) -> Result<Option<Record>, ReplayError> {
        loop {
            let (number, line) = match self.lines.next_line() {
                Ok(Some(numbered)) => numbered,
                Ok(None) => return Ok(None),
                Err(ReadError::TooLong) => return Err(self.malformed(Problem::TooLong)),
                Err(ReadError::Io(error)) => {
                    let line = self.lines.line_number();
                    return Err(ReplayError::Io { line, error });
                }
            };
            let line = if number == 1 { strip_bom(line) } else { line };
            let Ok(text) = core::str::from_utf8(line) else {
                return Err(ReplayError::Malformed {
                    line: number,
                    problem: Problem::NotUtf8,
                });
            };
            if text.trim().is_empty() {
                continue;
            }
            let parsed = match self.format {
                Format::Lobster { header } if header && number == 1 => continue,
                Format::PlainCsv if number == 1 => continue,
                Format::Lobster { .. } => lobster::parse_line(text, self.symbol),
                Format::PlainCsv => plain_csv::parse_line(text),
                Format::Empty | Format::Unknown => Err(Problem::UnknownFormat),
            };
            return parsed.map(Some).map_err(|problem| ReplayError::Malformed {
                line: number,
                problem,
            });
        }
    }

    fn malformed(&self, problem: Problem) -> ReplayError {
        ReplayError::Malformed {
            line: self.lines.line_number(),
            problem,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn records(text: &str) -> Vec<Result<Record, String>> {
        let format = Format::of_first_line(text.lines().next().unwrap_or("").as_bytes());
        let mut reader = ReplayReader::new(text.as_bytes(), format, Symbol::new("AMZN").unwrap());
        let mut out = Vec::new();
        loop {
            match reader.next_record() {
                Ok(Some(record)) => out.push(Ok(record)),
                Ok(None) => return out,
                Err(error) => {
                    let skippable = error.is_skippable();
                    out.push(Err(error.to_string()));
                    if !skippable {
                        return out;
                    }
                }
            }
        }
    }

    fn trade(time_ns: u64, symbol: &str, price: i64, volume: u32) -> Result<Record, String> {
        Ok(Record::Trade(Trade {
            time_ns,
            symbol: Symbol::new(symbol).unwrap(),
            price: Price::from_units(price),
            volume,
        }))
    }

    #[test]
    fn formats_are_told_by_the_first_line() {
        let of = |line: &str| Format::of_first_line(line.as_bytes());
        assert_eq!(
            of("Time,Type,OrderId,Size,Price,Direction"),
            Format::Lobster { header: true }
        );
        assert_eq!(
            of("34200.017459617,5,0,1,2238200,-1"),
            Format::Lobster { header: false }
        );
        assert_eq!(of("time,symbol,price,size\r"), Format::PlainCsv);
        assert_eq!(of("date,open,high,low,close"), Format::Unknown);
        assert_eq!(of(""), Format::Unknown);
    }

    #[test]
    fn lobster_with_header_and_crlf_yields_trades_and_skips_other_events() {
        let text = "Time,Type,OrderId,Size,Price,Direction\r\n\
                    34200.01746,5,0,1,2238200,-1\r\n\
                    34200.18961,1,11885113,21,2238100,1\r\n\
                    \r\n\
                    34200.5,4,11885113,21,2238100,1";
        assert_eq!(
            records(text),
            [
                trade(34_200_017_460_000, "AMZN", 2_238_200, 1),
                Ok(Record::Skipped),
                trade(34_200_500_000_000, "AMZN", 2_238_100, 21),
            ]
        );
    }

    #[test]
    fn plain_csv_names_its_own_symbols() {
        let text = "time,symbol,price,size\n09:30:00.5,AAPL,585.74,100\n34201,600036,30.2,5\n";
        assert_eq!(
            records(text),
            [
                trade(34_200_500_000_000, "AAPL", 5_857_400, 100),
                trade(34_201_000_000_000, "600036", 302_000, 5),
            ]
        );
    }

    #[test]
    fn malformed_lines_name_line_field_value_and_rule() {
        let text = "Time,Type,OrderId,Size,Price,Direction\n\
                    34200.1,4,1,10,22x,1\n\
                    34200.2,4,1\n\
                    34200.3,9,1,10,2238200,1\n\
                    34200.4,4,1,0,2238200,1\n\
                    34200.5,4,1,10,2238200,0\n\
                    34200.6,4,1,10,-5,1\n\
                    3420O.7,4,1,10,2238200,1\n";
        let got = records(text);
        let expected = [
            "2: Price \"22x\" is not a whole number",
            "3: expected 6 fields (Time,Type,OrderId,Size,Price,Direction), found 3",
            "4: Type \"9\" is not a LOBSTER event type (1 to 7)",
            "5: Size \"0\" is not a trade size (1 to 4294967295 shares)",
            "6: Direction \"0\" is not a direction (-1 or 1)",
            "7: Price \"-5\" is not a positive price",
            "8: Time \"3420O.7\" is not a time in seconds (34200.5) or HH:MM:SS[.fraction]",
        ];
        assert_eq!(got.len(), expected.len(), "{got:?}");
        for (got, expected) in got.iter().zip(expected) {
            assert_eq!(got.as_ref().unwrap_err(), expected);
        }
    }

    #[test]
    fn an_unknown_format_fails_at_line_one() {
        assert_eq!(
            records("date,close\n2012-06-21,585.74\n")[0],
            Err(
                "1: neither a LOBSTER message line (Time,Type,OrderId,Size,Price,Direction) \
                 nor a CSV with the header time,symbol,price,size"
                    .into()
            )
        );
    }

    #[test]
    fn symbols_come_from_lobster_file_names() {
        let of = |name: &str| symbol_from_file_name(Path::new(name)).map(|s| s.to_string());
        assert_eq!(
            of("data/AMZN_2012-06-21_34200000_57600000_message_1.csv"),
            Some("AMZN".into())
        );
        assert_eq!(of("trades.csv"), None);
        assert_eq!(of("_x.csv"), None);
    }
}
