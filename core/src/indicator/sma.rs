//! [`Sma`]: simple moving average.

use super::fixed::{Window, to_price};
use super::{Divisor, Indicator, IndicatorError, check_period};
use crate::Price;

/// Simple moving average of the last `period` prices, `period <= CAP`.
///
/// - **Formula**: `(p[t-n+1] + … + p[t]) / n`, from an exact 128-bit running
///   sum (add the new price, subtract the evicted one), so it never drifts.
/// - **Warm-up**: `n - 1` updates return `None` (TA-Lib `SMA`).
/// - **Rounding**: once, to the nearest price unit, ties away from zero.
///   The mean of prices always fits in a [`Price`]; it never overflows.
///
/// `CAP` is the window's storage (`8 * CAP` bytes); `period` may be shorter.
///
/// ```
/// use tickring::{Price, indicator::Sma};
///
/// let mut sma = Sma::<2>::new(2)?;
/// assert_eq!(sma.update("-37.63".parse()?), None);
/// assert_eq!(sma.update("10.01".parse()?), Some("-13.81".parse()?));
/// assert!(Sma::<2>::new(0).is_err());
/// assert!(Sma::<2>::new(3).is_err(), "longer than the window");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
pub struct Sma<const CAP: usize> {
    /// The last `period` prices, in units.
    window: Window<i64, CAP>,
    /// The exact sum of the prices in `window`.
    sum: i128,
    /// Divides by the period.
    period: Divisor,
}

impl<const CAP: usize> Sma<CAP> {
    /// An SMA over `period` prices: `1..=CAP`, else an error that says why.
    pub const fn new(period: usize) -> Result<Self, IndicatorError> {
        match check_period(period, CAP) {
            Ok(period32) => Ok(Self {
                window: Window::new(period, 0),
                sum: 0,
                period: Divisor::of_period(period32 as u64),
            }),
            Err(error) => Err(error),
        }
    }

    /// The period, in prices.
    pub const fn period(&self) -> usize {
        self.window.period()
    }

    /// Feeds one price; `Some(mean)` once `period` prices are in.
    #[inline]
    pub fn update(&mut self, price: Price) -> Option<Price> {
        self.advance(price);
        self.value()
    }

    /// Feeds one price without dividing: [`value`](Self::value) does that.
    #[inline]
    pub fn advance(&mut self, price: Price) {
        let units = price.units();
        self.sum += i128::from(units);
        if let Some(evicted) = self.window.push(units) {
            self.sum -= i128::from(evicted);
        }
    }

    /// The current mean, without feeding a price; `None` during warm-up.
    #[inline]
    pub fn value(&self) -> Option<Price> {
        if !self.window.is_full() {
            return None;
        }
        to_price(self.period.div_round(self.sum))
    }

    /// Forgets every price.
    pub fn reset(&mut self) {
        self.window.clear();
        self.sum = 0;
    }
}

impl<const CAP: usize> Indicator for Sma<CAP> {
    type Input = Price;
    type Output = Price;

    fn update(&mut self, input: Price) -> Option<Price> {
        Sma::update(self, input)
    }

    fn advance(&mut self, input: Price) {
        Sma::advance(self, input);
    }

    fn value(&self) -> Option<Price> {
        Sma::value(self)
    }

    fn reset(&mut self) {
        Sma::reset(self);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(units: i64) -> Price {
        Price::from_units(units)
    }

    #[test]
    fn sma_of_one_is_the_identity() {
        let mut sma = Sma::<1>::new(1).unwrap();
        for units in [5, -7, i64::MAX, i64::MIN, 0] {
            assert_eq!(sma.update(p(units)), Some(p(units)));
        }
    }

    #[test]
    fn zero_and_overlong_periods_are_refused() {
        assert_eq!(Sma::<4>::new(0).err(), Some(IndicatorError::ZeroPeriod));
        assert_eq!(
            Sma::<4>::new(5).err(),
            Some(IndicatorError::PeriodTooLong { period: 5, max: 4 })
        );
    }

    #[test]
    fn mean_of_extremes_does_not_overflow() {
        let mut sma = Sma::<3>::new(2).unwrap();
        sma.update(Price::MAX);
        assert_eq!(sma.update(Price::MAX), Some(Price::MAX));
        assert_eq!(
            sma.update(Price::MIN),
            Some(p(-1)),
            "(MAX + MIN) / 2 = -0.5 → -1"
        );
    }

    #[test]
    fn reset_starts_a_new_warm_up() {
        let mut sma = Sma::<3>::new(3).unwrap();
        for units in 1..=3 {
            sma.update(p(units));
        }
        sma.reset();
        assert_eq!(sma.update(p(9)), None);
        assert_eq!(sma.update(p(9)), None);
        assert_eq!(sma.update(p(9)), Some(p(9)));
    }
}
