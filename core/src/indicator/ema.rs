//! [`Ema`]: exponential moving average, seeded as TA-Lib seeds it.

use super::fixed::{MAX_PERIOD, ema_step, fine_to_units, mean_fine, to_fine, to_price};
use super::{Divisor, Indicator, IndicatorError, check_period};
use crate::Price;

/// Exponential moving average with smoothing `k = 2 / (n + 1)`.
///
/// - **Formula**: the value at the `n`-th price is the simple mean of the
///   first `n` prices (TA-Lib's seed, not the first price); after that
///   `e = e + k * (p - e)`.
/// - **Warm-up**: `n - 1` updates return `None` (TA-Lib `EMA`).
/// - **Rounding**: the state lives on a grid 2^32 times finer than a price
///   unit, each step rounded there; the output is rounded once to the
///   nearest unit, ties away from zero. On the plain price grid an EMA
///   would stall short of a constant input; on the fine grid it does not.
///   The EMA stays between the lowest and highest price, so it never
///   overflows.
/// - **Cost**: O(1) per update; no window is kept.
///
/// ```
/// use tickring::{Price, indicator::Ema};
///
/// let mut ema = Ema::new(3)?;
/// let out: Vec<_> = (0..6).map(|i| ema.update(Price::from_units(i * 10_000))).collect();
/// let whole = |n: i64| Some(Price::from_units(n * 10_000));
/// assert_eq!(out, [None, None, whole(1), whole(2), whole(3), whole(4)]);
/// # Ok::<(), tickring::indicator::IndicatorError>(())
/// ```
#[derive(Clone, Debug)]
pub struct Ema {
    /// `n`, in `1..=2^24`.
    period: u32,
    /// Divides by `n + 1`, the smoothing's denominator.
    smoothing: Divisor,
    /// Prices seen, up to `period`.
    seen: u32,
    /// Warm-up: the exact sum of the prices seen, in units.
    sum: i128,
    /// After warm-up: the EMA on the fine grid.
    value: i128,
}

impl Ema {
    /// An EMA of `period` prices (`1..=16,777,216`), else an error that says why.
    pub const fn new(period: usize) -> Result<Self, IndicatorError> {
        match check_period(period, MAX_PERIOD) {
            Ok(period) => Ok(Self {
                period,
                smoothing: Divisor::of_period(period as u64 + 1),
                seen: 0,
                sum: 0,
                value: 0,
            }),
            Err(error) => Err(error),
        }
    }

    /// The period, in prices.
    pub const fn period(&self) -> usize {
        self.period as usize
    }

    /// Feeds one price; `Some(ema)` from the `period`-th price on.
    #[inline]
    pub fn update(&mut self, price: Price) -> Option<Price> {
        self.advance(price);
        self.value()
    }

    /// Feeds one price without rounding the output: [`value`](Self::value)
    /// does that.
    // Always inlined: left to itself the compiler calls it out of line from
    // the analyzer, which measured 10% slower per tick.
    #[inline(always)]
    pub fn advance(&mut self, price: Price) {
        if self.seen == self.period {
            self.value = ema_step(self.value, to_fine(price), self.smoothing);
        } else {
            self.sum += i128::from(price.units());
            self.seen += 1;
            if self.seen == self.period {
                self.value = mean_fine(self.sum, self.period);
            }
        }
    }

    /// The current EMA, without feeding a price; `None` during warm-up.
    #[inline]
    pub fn value(&self) -> Option<Price> {
        if self.seen < self.period {
            return None;
        }
        to_price(fine_to_units(self.value))
    }

    /// Forgets every price.
    pub fn reset(&mut self) {
        self.seen = 0;
        self.sum = 0;
        self.value = 0;
    }
}

impl Indicator for Ema {
    type Input = Price;
    type Output = Price;

    fn update(&mut self, input: Price) -> Option<Price> {
        Ema::update(self, input)
    }

    fn advance(&mut self, input: Price) {
        Ema::advance(self, input);
    }

    fn value(&self) -> Option<Price> {
        Ema::value(self)
    }

    fn reset(&mut self) {
        Ema::reset(self);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(units: i64) -> Price {
        Price::from_units(units)
    }

    #[test]
    fn ema_of_one_is_the_identity() {
        let mut ema = Ema::new(1).unwrap();
        for units in [3, -8, i64::MAX, i64::MIN] {
            assert_eq!(ema.update(p(units)), Some(p(units)));
        }
    }

    #[test]
    fn ema_reaches_a_constant_input() {
        // On the price grid, e + (p - e) * 2/27 stalls 13 units short of p.
        let mut ema = Ema::new(26).unwrap();
        for _ in 0..26 {
            ema.update(p(0));
        }
        let mut last = None;
        for _ in 0..2_000 {
            last = ema.update(p(100));
        }
        assert_eq!(last, Some(p(100)));
    }

    #[test]
    fn negated_series_gives_negated_ema() {
        let series = [13, -7, 22, 5, 5, -40, 17, 3, 9];
        let mut up = Ema::new(4).unwrap();
        let mut down = Ema::new(4).unwrap();
        for units in series {
            let a = up.update(p(units)).map(Price::units);
            let b = down.update(p(-units)).map(|x| -x.units());
            assert_eq!(a, b);
        }
    }

    #[test]
    fn zero_period_is_refused() {
        assert_eq!(Ema::new(0).err(), Some(IndicatorError::ZeroPeriod));
        assert!(Ema::new(1 << 24).is_ok());
        assert!(Ema::new((1 << 24) + 1).is_err());
    }
}
