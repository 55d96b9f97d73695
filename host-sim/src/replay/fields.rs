//! Field parsing shared by the replay formats, and the problems a line can
//! have. Nothing here allocates: a bad value is kept as a short inline
//! [`Snippet`] for the error message.

use std::fmt;

use tickring::{PriceError, SymbolError};

/// What is wrong with a line of a replay file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Problem {
    /// The line does not have the format's number of fields.
    FieldCount {
        /// The format's field names, comma-separated.
        expected: &'static str,
        /// How many it should have.
        want: usize,
        /// How many it has.
        found: usize,
    },
    /// A field's value breaks its rule.
    Field {
        /// The field's name in the format's header.
        name: &'static str,
        /// The value as written (its first bytes).
        value: Snippet,
        rule: Rule,
    },
    /// The line is longer than the reader accepts.
    TooLong,
    /// The line is not UTF-8 text.
    NotUtf8,
    /// Line 1 is neither format's header nor a LOBSTER message.
    UnknownFormat,
}

/// The rule a field's value broke.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Rule {
    WholeNumber,
    Time,
    EventType,
    Direction,
    TradeSize,
    PositivePrice,
    Price(PriceError),
    Symbol(SymbolError),
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::FieldCount {
                expected,
                want,
                found,
            } => write!(f, "expected {want} fields ({expected}), found {found}"),
            Self::Field { name, value, rule } => write!(f, "{name} \"{value}\" {rule}"),
            Self::TooLong => write!(f, "line is longer than {} bytes", super::lines::MAX_LINE),
            Self::NotUtf8 => f.write_str("line is not UTF-8 text"),
            Self::UnknownFormat => f.write_str(
                "neither a LOBSTER message line (Time,Type,OrderId,Size,Price,Direction) \
                 nor a CSV with the header time,symbol,price,size",
            ),
        }
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::WholeNumber => f.write_str("is not a whole number"),
            Self::Time => f.write_str("is not a time in seconds (34200.5) or HH:MM:SS[.fraction]"),
            Self::EventType => f.write_str("is not a LOBSTER event type (1 to 7)"),
            Self::Direction => f.write_str("is not a direction (-1 or 1)"),
            Self::TradeSize => write!(f, "is not a trade size (1 to {} shares)", u32::MAX),
            Self::PositivePrice => f.write_str("is not a positive price"),
            Self::Price(error) => write!(f, "is not a price: {error}"),
            Self::Symbol(error) => write!(f, "is not a symbol: {error}"),
        }
    }
}

/// The first bytes of a field's value, kept inline for an error message.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct Snippet {
    bytes: [u8; Snippet::MAX],
    len: u8,
    /// Whether the value was longer than what is kept.
    cut: bool,
}

impl Snippet {
    const MAX: usize = 32;

    /// Keeps the first characters of `value` that fit.
    pub(crate) fn of(value: &str) -> Self {
        let mut end = value.len().min(Self::MAX);
        while !value.is_char_boundary(end) {
            end -= 1;
        }
        let mut bytes = [0; Self::MAX];
        bytes[..end].copy_from_slice(&value.as_bytes()[..end]);
        Self {
            bytes,
            len: end as u8,
            cut: end < value.len(),
        }
    }

    fn as_str(&self) -> &str {
        // `of` cuts on a character boundary of a `str`.
        core::str::from_utf8(&self.bytes[..usize::from(self.len)]).unwrap_or("")
    }
}

impl fmt::Display for Snippet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.as_str().escape_debug())?;
        if self.cut {
            f.write_str("…")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Snippet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Snippet({:?})", self.as_str())
    }
}

/// Splits `line` at commas into exactly `N` trimmed fields.
pub(crate) fn split<'a, const N: usize>(
    line: &'a str,
    names: &'static str,
) -> Result<[&'a str; N], Problem> {
    let mut fields = [""; N];
    let mut found = 0;
    for field in line.split(',') {
        if found < N {
            fields[found] = field.trim();
        }
        found += 1;
    }
    if found == N {
        Ok(fields)
    } else {
        Err(Problem::FieldCount {
            expected: names,
            want: N,
            found,
        })
    }
}

/// The problem of field `name` holding `value`, which broke `rule`.
pub(crate) fn bad(name: &'static str, value: &str, rule: Rule) -> Problem {
    Problem::Field {
        name,
        value: Snippet::of(value),
        rule,
    }
}

/// A whole number, optionally signed, as `i64`.
pub(crate) fn whole(name: &'static str, value: &str) -> Result<i64, Problem> {
    let digits = value.strip_prefix(['-', '+']).unwrap_or(value);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad(name, value, Rule::WholeNumber));
    }
    value
        .parse()
        .map_err(|_| bad(name, value, Rule::WholeNumber))
}

/// A trade size: a whole number of shares from 1 to `u32::MAX`.
pub(crate) fn trade_size(name: &'static str, value: &str) -> Result<u32, Problem> {
    match whole(name, value)? {
        size @ 1.. => u32::try_from(size).map_err(|_| bad(name, value, Rule::TradeSize)),
        _ => Err(bad(name, value, Rule::TradeSize)),
    }
}

/// A time in nanoseconds, from seconds with an optional fraction
/// (`34200.017459617`) or `HH:MM:SS[.fraction]`. Digits past the ninth
/// decimal are dropped.
pub(crate) fn time_ns(name: &'static str, value: &str) -> Result<u64, Problem> {
    parse_time(value).ok_or_else(|| bad(name, value, Rule::Time))
}

fn parse_time(value: &str) -> Option<u64> {
    let (clock, fraction) = match value.split_once('.') {
        Some((clock, fraction)) => (clock, Some(fraction)),
        None => (value, None),
    };
    let mut seconds: u64 = 0;
    let mut parts = 0;
    for part in clock.split(':') {
        parts += 1;
        if part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) || parts > 3 {
            return None;
        }
        let number: u64 = part.parse().ok()?;
        if parts > 1 && (part.len() != 2 || number >= 60) {
            return None;
        }
        seconds = seconds.checked_mul(if parts > 1 { 60 } else { 1 })?;
        seconds = seconds.checked_add(number)?;
    }
    if parts == 2 {
        // `MM:SS` alone is ambiguous with `HH:MM`; require all three.
        return None;
    }
    let mut nanos: u64 = 0;
    if let Some(fraction) = fraction {
        if fraction.is_empty() || !fraction.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        for (place, digit) in fraction.bytes().take(9).enumerate() {
            nanos += u64::from(digit - b'0') * 10u64.pow(8 - place as u32);
        }
    }
    seconds.checked_mul(1_000_000_000)?.checked_add(nanos)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_in_seconds_or_on_the_clock() {
        assert_eq!(parse_time("34200"), Some(34_200_000_000_000));
        assert_eq!(parse_time("34200.017459617"), Some(34_200_017_459_617));
        assert_eq!(parse_time("0.5"), Some(500_000_000));
        assert_eq!(parse_time("1.1234567899"), Some(1_123_456_789));
        assert_eq!(parse_time("09:30:00.25"), Some(34_200_250_000_000));
        assert_eq!(parse_time("16:00:00"), Some(57_600_000_000_000));
        assert_eq!(parse_time("9:30:00"), Some(34_200_000_000_000));
        for bad in [
            "", ".5", "1.", "-1", "1e3", "9:3:00", "09:60:00", "09:30", "1:2:3:4", "x",
        ] {
            assert_eq!(parse_time(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn whole_numbers_and_sizes() {
        assert_eq!(whole("n", "-1"), Ok(-1));
        assert_eq!(whole("n", "+7"), Ok(7));
        assert!(whole("n", "1.0").is_err());
        assert!(whole("n", "99999999999999999999").is_err());
        assert_eq!(trade_size("s", "4294967295"), Ok(u32::MAX));
        assert!(trade_size("s", "4294967296").is_err());
        assert!(trade_size("s", "0").is_err());
    }

    #[test]
    fn split_counts_fields_and_trims_them() {
        assert_eq!(split::<3>(" a, b ,c", "a,b,c"), Ok(["a", "b", "c"]));
        assert_eq!(
            split::<3>("a,b,c,d", "a,b,c"),
            Err(Problem::FieldCount {
                expected: "a,b,c",
                want: 3,
                found: 4
            })
        );
    }

    #[test]
    fn snippets_keep_32_bytes_and_mark_the_cut() {
        let long = "x".repeat(40);
        assert_eq!(Snippet::of(&long).to_string(), format!("{}…", &long[..32]));
        assert_eq!(Snippet::of("a\"b").to_string(), "a\\\"b");
    }
}
