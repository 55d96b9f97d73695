//! [`Macd`]: moving average convergence/divergence, seeded as TA-Lib seeds it.

use super::fixed::{
    MAX_PERIOD, div_round, ema_step, fine_fits, fine_to_units, mean_fine, to_fine, to_price,
};
use super::{Divisor, Indicator, IndicatorError, check_period};
use crate::Price;

/// One MACD reading.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct MacdValue {
    /// Fast EMA minus slow EMA.
    pub line: Price,
    /// EMA of the line.
    pub signal: Price,
    /// Line minus signal, rounded from the unrounded pair, so it can differ
    /// by one unit from `line - signal` of the rounded fields.
    pub histogram: Price,
}

/// MACD(fast, slow, signal) as TA-Lib's `MACD` computes it.
///
/// - **Formula**: `line = EMA_fast - EMA_slow`, `signal = EMA_signal(line)`,
///   `histogram = line - signal`, each EMA with `k = 2 / (n + 1)`. TA-Lib
///   starts both EMAs at the slow one's first bar (index `slow - 1`): the slow
///   EMA with the mean of the first `slow` prices, and the fast EMA with the
///   mean of the `fast` prices **ending there**, not at index `fast - 1`. So
///   the line is not a standalone `Ema(12) - Ema(26)` for a few hundred bars.
///   The signal EMA is seeded with the mean of the line's first `signal`
///   values.
/// - **Warm-up**: `slow + signal - 2` updates return `None` (33 for
///   12/26/9, TA-Lib blanks the line until the signal exists too).
/// - **Rounding**: states on a grid 2^32 times finer than a price unit, each
///   step rounded there; outputs rounded once to the nearest unit, ties
///   away from zero.
/// - **Overflow**: a line between prices more than `i64::MAX` units apart
///   does not fit a [`Price`]; that update returns `None` and
///   [`overflows`](Self::overflows) grows. The state stays exact.
///
/// ```
/// use tickring::{Price, indicator::Macd};
///
/// let mut macd = Macd::new(2, 3, 2)?;
/// let prices = [10_000, 20_000, 30_000, 60_000].map(Price::from_units);
/// let out: Vec<_> = prices.iter().map(|&p| macd.update(p)).collect();
/// assert!(out[..3].iter().all(Option::is_none));
/// // fast: seed (2+3)/2 = 2.5, then 2.5 + 2/3 * 3.5 = 4.8333…
/// // slow: seed 2, then 2 + 1/2 * 4 = 4; line 0.5 then 0.8333…
/// // signal: seed (0.5 + 0.8333…)/2 = 0.6667; histogram 0.1667
/// let reading = out[3].unwrap();
/// assert_eq!(reading.line, "0.8333".parse()?);
/// assert_eq!(reading.signal, "0.6667".parse()?);
/// assert_eq!(reading.histogram, "0.1667".parse()?);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
pub struct Macd {
    /// Fast EMA period, `1..=slow`.
    fast: u32,
    /// Slow EMA period, `fast..=2^24`.
    slow: u32,
    /// Signal EMA period, `1..=2^24`.
    signal: u32,
    /// Divide by `fast + 1`, `slow + 1` and `signal + 1`: the EMAs'
    /// smoothing denominators.
    smoothing: [Divisor; 3],
    /// Prices seen, up to `slow`.
    seen: u32,
    /// Warm-up: exact sum of all prices seen, in units.
    slow_sum: i128,
    /// Warm-up: exact sum of the prices from index `slow - fast` on.
    fast_sum: i128,
    /// From index `slow - 1`: the EMAs on the fine grid.
    fast_ema: i128,
    /// See `fast_ema`.
    slow_ema: i128,
    /// Line values seen, up to `signal`.
    lines: u32,
    /// Warm-up of the signal: exact sum of the fine line values.
    line_sum: i128,
    /// After its warm-up: the signal EMA on the fine grid.
    signal_ema: i128,
    /// Updates whose reading did not fit in a [`Price`].
    overflows: u64,
}

impl Macd {
    /// A MACD of the given periods, each `1..=16,777,216` with
    /// `fast <= slow`, else an error that says why (TA-Lib silently swaps
    /// a fast period above the slow one; tickring refuses it).
    pub const fn new(fast: usize, slow: usize, signal: usize) -> Result<Self, IndicatorError> {
        let (fast32, slow32, signal32) = match (
            check_period(fast, MAX_PERIOD),
            check_period(slow, MAX_PERIOD),
            check_period(signal, MAX_PERIOD),
        ) {
            (Ok(fast), Ok(slow), Ok(signal)) => (fast, slow, signal),
            (Err(error), _, _) | (_, Err(error), _) | (_, _, Err(error)) => return Err(error),
        };
        if fast > slow {
            return Err(IndicatorError::FastAboveSlow { fast, slow });
        }
        Ok(Self {
            fast: fast32,
            slow: slow32,
            signal: signal32,
            smoothing: [
                Divisor::of_period(fast32 as u64 + 1),
                Divisor::of_period(slow32 as u64 + 1),
                Divisor::of_period(signal32 as u64 + 1),
            ],
            seen: 0,
            slow_sum: 0,
            fast_sum: 0,
            fast_ema: 0,
            slow_ema: 0,
            lines: 0,
            line_sum: 0,
            signal_ema: 0,
            overflows: 0,
        })
    }

    /// The periods: `(fast, slow, signal)`.
    pub const fn periods(&self) -> (usize, usize, usize) {
        (self.fast as usize, self.slow as usize, self.signal as usize)
    }

    /// Updates whose reading did not fit in a [`Price`] (returned `None`).
    pub const fn overflows(&self) -> u64 {
        self.overflows
    }

    /// Feeds one price; `Some(reading)` from the `slow + signal - 1`-th on.
    #[inline]
    pub fn update(&mut self, price: Price) -> Option<MacdValue> {
        self.advance(price);
        self.value()
    }

    /// Feeds one price without building the reading:
    /// [`value`](Self::value) does that. Counts an overflow as
    /// [`update`](Self::update) does.
    #[inline]
    pub fn advance(&mut self, price: Price) {
        let Some(line) = self.update_line(price) else {
            return;
        };

        if self.lines < self.signal {
            self.line_sum += line;
            self.lines += 1;
            if self.lines < self.signal {
                return;
            }
            self.signal_ema = div_round(self.line_sum, i128::from(self.signal));
        } else {
            self.signal_ema = ema_step(self.signal_ema, line, self.smoothing[2]);
        }

        if !self.fits(line) {
            self.overflows += 1;
        }
    }

    /// The current reading, without feeding a price; `None` during warm-up
    /// and when it does not fit in [`Price`]s.
    #[inline]
    pub fn value(&self) -> Option<MacdValue> {
        if self.lines < self.signal {
            return None;
        }
        self.reading(self.fast_ema - self.slow_ema)
    }

    /// Forgets every price (the overflow count too).
    pub fn reset(&mut self) {
        *self = Self {
            overflows: 0,
            seen: 0,
            slow_sum: 0,
            fast_sum: 0,
            fast_ema: 0,
            slow_ema: 0,
            lines: 0,
            line_sum: 0,
            signal_ema: 0,
            ..*self
        };
    }

    /// Advances both EMAs; the fine line from index `slow - 1` on.
    #[inline]
    fn update_line(&mut self, price: Price) -> Option<i128> {
        if self.seen == self.slow {
            let input = to_fine(price);
            self.fast_ema = ema_step(self.fast_ema, input, self.smoothing[0]);
            self.slow_ema = ema_step(self.slow_ema, input, self.smoothing[1]);
        } else {
            let units = i128::from(price.units());
            self.seen += 1;
            self.slow_sum += units;
            if self.seen > self.slow - self.fast {
                self.fast_sum += units;
            }
            if self.seen < self.slow {
                return None;
            }
            self.fast_ema = mean_fine(self.fast_sum, self.fast);
            self.slow_ema = mean_fine(self.slow_sum, self.slow);
        }
        Some(self.fast_ema - self.slow_ema)
    }

    /// Whether the reading for `line` fits in [`Price`]s: three range checks.
    #[inline]
    fn fits(&self, line: i128) -> bool {
        fine_fits(line) && fine_fits(self.signal_ema) && fine_fits(line - self.signal_ema)
    }

    #[inline]
    fn reading(&self, line: i128) -> Option<MacdValue> {
        Some(MacdValue {
            line: to_price(fine_to_units(line))?,
            signal: to_price(fine_to_units(self.signal_ema))?,
            histogram: to_price(fine_to_units(line - self.signal_ema))?,
        })
    }
}

impl Indicator for Macd {
    type Input = Price;
    type Output = MacdValue;

    fn update(&mut self, input: Price) -> Option<MacdValue> {
        Macd::update(self, input)
    }

    fn advance(&mut self, input: Price) {
        Macd::advance(self, input);
    }

    fn value(&self) -> Option<MacdValue> {
        Macd::value(self)
    }

    fn reset(&mut self) {
        Macd::reset(self);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(units: i64) -> Price {
        Price::from_units(units)
    }

    #[test]
    fn warm_up_is_slow_plus_signal_minus_two() {
        let mut macd = Macd::new(12, 26, 9).unwrap();
        let nones = (0..100)
            .map(|i| macd.update(p(10_000 + i * 37 % 101)))
            .take_while(Option::is_none)
            .count();
        assert_eq!(nones, 33);
    }

    #[test]
    fn constant_prices_give_a_zero_line() {
        let mut macd = Macd::new(3, 5, 2).unwrap();
        let out = (0..10).filter_map(|_| macd.update(p(123_456))).last();
        let zero = Price::ZERO;
        assert_eq!(
            out,
            Some(MacdValue {
                line: zero,
                signal: zero,
                histogram: zero
            })
        );
    }

    #[test]
    fn bad_periods_are_refused() {
        assert_eq!(Macd::new(0, 26, 9).err(), Some(IndicatorError::ZeroPeriod));
        assert_eq!(Macd::new(12, 0, 9).err(), Some(IndicatorError::ZeroPeriod));
        assert_eq!(Macd::new(12, 26, 0).err(), Some(IndicatorError::ZeroPeriod));
        assert_eq!(
            Macd::new(27, 26, 9).err(),
            Some(IndicatorError::FastAboveSlow { fast: 27, slow: 26 })
        );
        assert!(Macd::new(1, 1, 1).is_ok());
    }

    #[test]
    fn periods_of_one_follow_every_price() {
        // Both EMAs equal the price, so line, signal and histogram are 0.
        let mut macd = Macd::new(1, 1, 1).unwrap();
        assert_eq!(macd.update(p(5)).map(|m| m.line), Some(Price::ZERO));
    }

    #[test]
    fn unrepresentable_line_is_counted_then_recovers() {
        let mut macd = Macd::new(1, 2, 1).unwrap();
        assert_eq!(macd.update(Price::MIN), None);
        // fast = MAX, slow = mean(MIN, MAX): line ≈ 2^63, beyond i64.
        assert_eq!(macd.update(Price::MAX), None);
        assert_eq!(macd.overflows(), 1);
        let mut last = None;
        for _ in 0..200 {
            last = macd.update(Price::MAX);
        }
        assert_eq!(last.map(|m| m.line), Some(Price::ZERO));
        assert_eq!(macd.overflows(), 1);
        macd.reset();
        assert_eq!(macd.overflows(), 0);
    }
}
