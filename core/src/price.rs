//! [`Price`]: an exact fixed-point decimal with four places.
//!
//! Prices are `i64` counts of 1/10,000 of a currency unit, the scale NASDAQ
//! TotalView-ITCH and LOBSTER files use, so recorded prices convert without
//! rounding. Parsing and display never touch floating point. Negative prices
//! are valid: spreads and some futures go below zero.
//!
//! ```
//! use tickring::Price;
//!
//! let bid: Price = "585.74".parse()?;
//! let ask = Price::from_units(5_857_600);
//! assert_eq!(ask.checked_sub(bid), Some("0.02".parse()?));
//! assert_eq!(bid.to_string(), "585.74");
//! assert!("0.00001".parse::<Price>().is_err(), "a fifth decimal is refused");
//! # Ok::<(), tickring::PriceError>(())
//! ```

use core::fmt;
use core::str::FromStr;

/// A price in units of 1/10,000 ([`Price::SCALE`] units per whole).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Price(i64);

impl Price {
    /// Units per whole currency unit.
    pub const SCALE: i64 = 10_000;
    /// Decimal places a price carries.
    pub const DECIMALS: u32 = 4;
    /// Zero.
    pub const ZERO: Self = Self(0);
    /// The smallest representable price.
    pub const MIN: Self = Self(i64::MIN);
    /// The largest representable price.
    pub const MAX: Self = Self(i64::MAX);

    /// The price of `units` ten-thousandths.
    pub const fn from_units(units: i64) -> Self {
        Self(units)
    }

    /// The price in ten-thousandths.
    pub const fn units(self) -> i64 {
        self.0
    }

    /// `self + other`, or `None` on overflow.
    pub const fn checked_add(self, other: Self) -> Option<Self> {
        match self.0.checked_add(other.0) {
            Some(units) => Some(Self(units)),
            None => None,
        }
    }

    /// `self - other`, or `None` on overflow.
    pub const fn checked_sub(self, other: Self) -> Option<Self> {
        match self.0.checked_sub(other.0) {
            Some(units) => Some(Self(units)),
            None => None,
        }
    }

    /// `self * factor`, or `None` on overflow.
    pub const fn checked_mul_int(self, factor: i64) -> Option<Self> {
        match self.0.checked_mul(factor) {
            Some(units) => Some(Self(units)),
            None => None,
        }
    }

    /// Whether the price is below zero.
    pub const fn is_negative(self) -> bool {
        self.0 < 0
    }
}

/// Why text is not a [`Price`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PriceError {
    /// The text is empty or only a sign.
    Empty,
    /// A character other than a digit, a leading sign or one decimal point.
    InvalidCharacter {
        /// The byte offset of the character in the text.
        index: usize,
    },
    /// More than [`Price::DECIMALS`] digits after the decimal point.
    TooManyDecimals {
        /// How many the text has.
        decimals: usize,
    },
    /// The value does not fit in an `i64` of ten-thousandths.
    OutOfRange,
}

impl fmt::Display for PriceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::Empty => f.write_str("price is empty"),
            Self::InvalidCharacter { index } => write!(
                f,
                "price has an invalid character at byte {index} \
                 (expected digits, an optional leading sign and one '.')"
            ),
            Self::TooManyDecimals { decimals } => write!(
                f,
                "price has {decimals} decimals; at most {} are exact",
                Price::DECIMALS
            ),
            Self::OutOfRange => f.write_str(
                "price is out of range (at most 922337203685477.5807 in absolute value)",
            ),
        }
    }
}

impl core::error::Error for PriceError {}

impl FromStr for Price {
    type Err = PriceError;

    /// Parses `[+-]digits[.digits]` with at most four decimals, exactly.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let bytes = text.as_bytes();
        let (negative, digits_start) = match bytes.first() {
            Some(b'-') => (true, 1),
            Some(b'+') => (false, 1),
            _ => (false, 0),
        };
        if bytes.len() == digits_start {
            return Err(PriceError::Empty);
        }

        // Accumulate as a negative number so that i64::MIN parses too.
        let mut units: i64 = 0;
        let mut decimals: Option<usize> = None;
        for (index, &byte) in bytes.iter().enumerate().skip(digits_start) {
            match byte {
                b'0'..=b'9' => {
                    if let Some(count) = decimals.as_mut() {
                        *count += 1;
                        if *count > Price::DECIMALS as usize {
                            let decimals = bytes.len() - (index + 1 - *count);
                            return Err(PriceError::TooManyDecimals { decimals });
                        }
                    }
                    units = units
                        .checked_mul(10)
                        .and_then(|u| u.checked_sub(i64::from(byte - b'0')))
                        .ok_or(PriceError::OutOfRange)?;
                }
                b'.' if decimals.is_none() && index > digits_start && index + 1 < bytes.len() => {
                    decimals = Some(0);
                }
                _ => return Err(PriceError::InvalidCharacter { index }),
            }
        }

        let missing = Price::DECIMALS - decimals.unwrap_or(0) as u32;
        units = units
            .checked_mul(10_i64.pow(missing))
            .ok_or(PriceError::OutOfRange)?;
        if !negative {
            units = units.checked_neg().ok_or(PriceError::OutOfRange)?;
        }
        Ok(Self(units))
    }
}

impl fmt::Display for Price {
    /// Writes the exact value with at least two decimals and no trailing
    /// zeros beyond them: `585.74`, `220.50`, `-0.0001`. Width and alignment
    /// flags apply to the whole text.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let magnitude = self.0.unsigned_abs();
        let scale = Self::SCALE as u64;
        let mut fraction = magnitude % scale;
        let mut places = Self::DECIMALS;
        while places > 2 && fraction.is_multiple_of(10) {
            fraction /= 10;
            places -= 1;
        }

        // Longest text: "-922337203685477.5808" is 21 bytes.
        let mut buffer = [0_u8; 24];
        let mut cursor = Cursor {
            buffer: &mut buffer,
            len: 0,
        };
        let sign = if self.0 < 0 { "-" } else { "" };
        let whole = magnitude / scale;
        fmt::write(
            &mut cursor,
            format_args!(
                "{sign}{whole}.{fraction:0places$}",
                places = places as usize
            ),
        )?;
        let len = cursor.len;
        // Only ASCII was written.
        f.pad(core::str::from_utf8(&buffer[..len]).map_err(|_| fmt::Error)?)
    }
}

/// A `fmt::Write` into a fixed byte buffer.
struct Cursor<'a> {
    buffer: &'a mut [u8],
    len: usize,
}

impl fmt::Write for Cursor<'_> {
    fn write_str(&mut self, text: &str) -> fmt::Result {
        let end = self.len + text.len();
        self.buffer
            .get_mut(self.len..end)
            .ok_or(fmt::Error)?
            .copy_from_slice(text.as_bytes());
        self.len = end;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    extern crate std;
    use std::string::ToString;

    use super::*;

    fn p(text: &str) -> Price {
        text.parse().unwrap()
    }

    #[test]
    fn parses_exactly() {
        assert_eq!(p("585.74").units(), 5_857_400);
        assert_eq!(p("-0.0001").units(), -1);
        assert_eq!(p("220.5").units(), 2_205_000);
        assert_eq!(p("+3").units(), 30_000);
        assert_eq!(p("0").units(), 0);
    }

    #[test]
    fn extremes_round_trip() {
        assert_eq!(p("922337203685477.5807"), Price::MAX);
        assert_eq!(p("-922337203685477.5808"), Price::MIN);
        assert_eq!(Price::MIN.to_string(), "-922337203685477.5808");
        assert_eq!(Price::MAX.to_string(), "922337203685477.5807");
    }

    #[test]
    fn rejects_with_the_reason() {
        assert_eq!("".parse::<Price>(), Err(PriceError::Empty));
        assert_eq!("-".parse::<Price>(), Err(PriceError::Empty));
        assert_eq!(
            "1.00001".parse::<Price>(),
            Err(PriceError::TooManyDecimals { decimals: 5 })
        );
        assert_eq!(
            "922337203685477.5808".parse::<Price>(),
            Err(PriceError::OutOfRange)
        );
        assert_eq!(
            "99999999999999999999".parse::<Price>(),
            Err(PriceError::OutOfRange)
        );
        assert_eq!(
            "1,5".parse::<Price>(),
            Err(PriceError::InvalidCharacter { index: 1 })
        );
        assert_eq!(
            "1.".parse::<Price>(),
            Err(PriceError::InvalidCharacter { index: 1 })
        );
        assert_eq!(
            ".5".parse::<Price>(),
            Err(PriceError::InvalidCharacter { index: 0 })
        );
        assert_eq!(
            "1.2.3".parse::<Price>(),
            Err(PriceError::InvalidCharacter { index: 3 })
        );
        assert_eq!(
            " 1".parse::<Price>(),
            Err(PriceError::InvalidCharacter { index: 0 })
        );
    }

    #[test]
    fn displays_without_floats() {
        assert_eq!(p("220.5").to_string(), "220.50");
        assert_eq!(p("-0.0001").to_string(), "-0.0001");
        assert_eq!(p("-13.81").to_string(), "-13.81");
        assert_eq!(p("7").to_string(), "7.00");
        assert_eq!(std::format!("{:>8}", p("1.5")), "    1.50");
    }

    #[test]
    fn arithmetic_overflow_is_detected() {
        assert_eq!(Price::MAX.checked_add(Price::from_units(1)), None);
        assert_eq!(Price::MIN.checked_sub(Price::from_units(1)), None);
        assert_eq!(Price::MAX.checked_mul_int(2), None);
        assert_eq!(p("1.5").checked_mul_int(-2), Some(p("-3")));
    }
}
