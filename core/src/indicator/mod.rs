//! Streaming technical indicators on exact fixed-point prices.
//!
//! Each indicator is a small value type: build it with its periods (a
//! period of 0 is an [`IndicatorError`]), feed it one input per
//! [`update`](Indicator::update), and read `Some(output)` once its warm-up
//! is over. Every update costs O(1) time, and no indicator allocates.
//!
//! When outputs are read less often than inputs arrive, feed with
//! [`advance`](Indicator::advance) and read with
//! [`value`](Indicator::value) when needed: `advance` moves the state
//! (sums, recursions) and leaves the output's last division, rounding and,
//! for Bollinger bands, square root to `value`. `update(x)` is exactly
//! `advance(x)` followed by `value()`, overflow counts included.
//!
//! | indicator | output | warm-up `None`s (TA-Lib's leading NaNs) |
//! | --- | --- | --- |
//! | [`Sma`]`(n)` | [`Price`] | `n - 1` |
//! | [`Ema`]`(n)` | [`Price`] | `n - 1` |
//! | [`Rsi`]`(n)` | [`RsiValue`] | `n` |
//! | [`Macd`]`(fast, slow, signal)` | [`MacdValue`] | `slow + signal - 2` |
//! | [`Bollinger`]`(n, k)` | [`Bands`] | `n - 1` |
//! | [`Vwap`]`(n)` | [`Price`] | `n - 1` (no TA-Lib counterpart) |
//!
//! # Conventions
//!
//! The definitions, seeds and warm-up lengths are TA-Lib's (default
//! compatibility mode, unstable period 0), checked against TA-Lib's output on
//! real NASDAQ and daily series by the `ta_lib` test of `tickring-tests`.
//!
//! Arithmetic is integer throughout. Sums are exact in 128 bits. Recursive
//! states (EMA, MACD) live on a grid 2^32 times finer than a price unit; the
//! Wilder averages of RSI keep 60 significant bits whatever their size.
//! Outputs are rounded once, to the nearest price unit (1/10,000), ties away
//! from zero, so negating a series negates every output.
//!
//! # Overflow
//!
//! Only MACD and Bollinger outputs can leave `i64` (a line or a band between
//! prices near [`Price::MIN`] and [`Price::MAX`]), and Bollinger's exact sum
//! of squares has a finite domain. When a value does not fit, that update
//! returns `None` and the indicator's `overflows()` counter grows; nothing
//! wraps and nothing panics. Its state stays exact, so later updates recover.
//!
//! ```
//! use tickring::Price;
//! use tickring::indicator::{Ema, Indicator, Sma};
//!
//! let mut sma = Sma::<3>::new(3)?;
//! let mut ema = Ema::new(3)?;
//! let mut last = None;
//! for units in [10_000, 20_000, 30_000, 40_000] {
//!     let price = Price::from_units(units);
//!     last = sma.update(price).zip(ema.update(price));
//! }
//! assert_eq!(last, Some(("3".parse()?, "3".parse()?)));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! [`Price`]: crate::Price
//! [`Price::MIN`]: crate::Price::MIN
//! [`Price::MAX`]: crate::Price::MAX

use core::fmt;

mod bollinger;
mod divide;
mod ema;
mod fixed;
mod macd;
mod rsi;
mod sma;
mod vwap;

pub use bollinger::{Bands, Bollinger};
pub use divide::Divisor;
pub use ema::Ema;
pub use macd::{Macd, MacdValue};
pub use rsi::{Rsi, RsiValue};
pub use sma::Sma;
pub use vwap::Vwap;

/// The shape all indicators share, for code generic over them.
pub trait Indicator {
    /// What one update consumes: a [`Price`](crate::Price), or a price and
    /// a volume for [`Vwap`].
    type Input;
    /// What a warmed-up update produces.
    type Output;

    /// Feeds one input: `None` during warm-up (and on overflow, for the
    /// indicators that count it), the current value afterwards. O(1).
    fn update(&mut self, input: Self::Input) -> Option<Self::Output>;

    /// Feeds one input without computing the output; [`value`](Self::value)
    /// computes it when asked. Same state and overflow count as
    /// [`update`](Self::update). O(1).
    fn advance(&mut self, input: Self::Input) {
        let _ = self.update(input);
    }

    /// The output for the inputs fed so far, as the last
    /// [`update`](Self::update) returned it; `None` during warm-up (and when
    /// it does not fit). Never changes the state or the overflow count.
    fn value(&self) -> Option<Self::Output>;

    /// Forgets every input, as if newly built with the same parameters.
    fn reset(&mut self);
}

/// Why an indicator's parameters are refused at construction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IndicatorError {
    /// A period of zero: an average over no prices.
    ZeroPeriod,
    /// A period longer than the indicator can hold: its window's capacity,
    /// or 2^24 for the unwindowed ones (which keeps every sum in 128 bits).
    PeriodTooLong {
        /// The period asked for.
        period: usize,
        /// The longest accepted.
        max: usize,
    },
    /// A MACD whose fast period is longer than its slow one.
    FastAboveSlow {
        /// The fast EMA's period.
        fast: usize,
        /// The slow EMA's period.
        slow: usize,
    },
    /// A negative Bollinger width multiplier.
    NegativeMultiplier,
}

impl fmt::Display for IndicatorError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::ZeroPeriod => f.write_str("indicator period is 0; it must be at least 1"),
            Self::PeriodTooLong { period, max } => {
                write!(
                    f,
                    "indicator period {period} is longer than the maximum, {max}"
                )
            }
            Self::FastAboveSlow { fast, slow } => write!(
                f,
                "MACD fast period {fast} is longer than its slow period {slow}"
            ),
            Self::NegativeMultiplier => {
                f.write_str("Bollinger multiplier is negative; it must be 0 or more")
            }
        }
    }
}

impl core::error::Error for IndicatorError {}

/// Checks a period against `1..=max`, in const context.
const fn check_period(period: usize, max: usize) -> Result<u32, IndicatorError> {
    if period == 0 {
        Err(IndicatorError::ZeroPeriod)
    } else if period > max || period > fixed::MAX_PERIOD {
        let max = if max < fixed::MAX_PERIOD {
            max
        } else {
            fixed::MAX_PERIOD
        };
        Err(IndicatorError::PeriodTooLong { period, max })
    } else {
        // period <= MAX_PERIOD = 2^24, so it fits.
        Ok(period as u32)
    }
}
