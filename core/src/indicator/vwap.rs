//! [`Vwap`]: volume-weighted average price over a window of ticks.

use super::fixed::{Window, div_round, to_price};
use super::{Indicator, IndicatorError, check_period};
use crate::Price;

/// Volume-weighted average price of the last `n` ticks, `n <= CAP`.
///
/// - **Formula**: `Σ(price × volume) / Σ volume` over the window, from exact
///   running sums (128-bit for price × volume), so it never drifts.
/// - **Warm-up**: `n - 1` updates return `None`, as for an SMA (TA-Lib has
///   no windowed VWAP to compare with). A window whose volumes are all 0 has
///   no VWAP either: `None`.
/// - **Rounding**: once, to the nearest price unit, ties away from zero. The
///   result lies between the window's lowest and highest price, so it never
///   overflows.
///
/// `CAP` is the window's storage (`16 * CAP` bytes); `period` may be shorter.
///
/// ```
/// use tickring::{Price, indicator::Vwap};
///
/// let mut vwap = Vwap::<2>::new(2)?;
/// assert_eq!(vwap.update("10".parse()?, 100), None);
/// // (10 × 100 + 13 × 200) / 300 = 12
/// assert_eq!(vwap.update("13".parse()?, 200), Some("12".parse()?));
/// // (13 × 200 + 16 × 0) / 200 = 13
/// assert_eq!(vwap.update("16".parse()?, 0), Some("13".parse()?));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
pub struct Vwap<const CAP: usize> {
    /// The last `n` ticks: price units and volume.
    window: Window<(i64, u32), CAP>,
    /// Exact Σ price × volume over the window (below 2^119).
    turnover: i128,
    /// Exact Σ volume over the window (below 2^56).
    volume: u64,
}

impl<const CAP: usize> Vwap<CAP> {
    /// A VWAP over `period` ticks: `1..=CAP`, else an error that says why.
    pub const fn new(period: usize) -> Result<Self, IndicatorError> {
        match check_period(period, CAP) {
            Ok(_) => Ok(Self {
                window: Window::new(period, (0, 0)),
                turnover: 0,
                volume: 0,
            }),
            Err(error) => Err(error),
        }
    }

    /// The period, in ticks.
    pub const fn period(&self) -> usize {
        self.window.period()
    }

    /// Feeds one tick's price and volume; `Some(vwap)` once `period` ticks
    /// are in and their volume is not zero.
    #[inline]
    pub fn update(&mut self, price: Price, volume: u32) -> Option<Price> {
        self.advance(price, volume);
        self.value()
    }

    /// Feeds one tick without dividing: [`value`](Self::value) does that.
    #[inline]
    pub fn advance(&mut self, price: Price, volume: u32) {
        let units = price.units();
        self.turnover += i128::from(units) * i128::from(volume);
        self.volume += u64::from(volume);
        if let Some((old_units, old_volume)) = self.window.push((units, volume)) {
            self.turnover -= i128::from(old_units) * i128::from(old_volume);
            self.volume -= u64::from(old_volume);
        }
    }

    /// The current VWAP, without feeding a tick; `None` during warm-up and
    /// while the window's volume is zero.
    #[inline]
    pub fn value(&self) -> Option<Price> {
        if !self.window.is_full() || self.volume == 0 {
            return None;
        }
        to_price(div_round(self.turnover, i128::from(self.volume)))
    }

    /// Forgets every tick.
    pub fn reset(&mut self) {
        self.window.clear();
        self.turnover = 0;
        self.volume = 0;
    }
}

impl<const CAP: usize> Indicator for Vwap<CAP> {
    type Input = (Price, u32);
    type Output = Price;

    fn update(&mut self, (price, volume): (Price, u32)) -> Option<Price> {
        Vwap::update(self, price, volume)
    }

    fn advance(&mut self, (price, volume): (Price, u32)) {
        Vwap::advance(self, price, volume);
    }

    fn value(&self) -> Option<Price> {
        Vwap::value(self)
    }

    fn reset(&mut self) {
        Vwap::reset(self);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_volume_window_has_no_vwap() {
        let mut vwap = Vwap::<3>::new(2).unwrap();
        assert_eq!(vwap.update(Price::from_units(5), 0), None);
        assert_eq!(vwap.update(Price::from_units(7), 0), None);
        assert_eq!(
            vwap.update(Price::from_units(9), 1),
            Some(Price::from_units(9))
        );
    }

    #[test]
    fn extreme_prices_and_volumes_stay_exact() {
        let mut vwap = Vwap::<2>::new(2).unwrap();
        vwap.update(Price::MAX, u32::MAX);
        assert_eq!(vwap.update(Price::MAX, u32::MAX), Some(Price::MAX));
        // (MAX + MIN) / 2 = -0.5 unit → -1.
        let mid = vwap.update(Price::MIN, u32::MAX);
        assert_eq!(mid, Some(Price::from_units(-1)));
    }

    #[test]
    fn period_one_is_the_last_price() {
        let mut vwap = Vwap::<1>::new(1).unwrap();
        assert_eq!(
            vwap.update(Price::from_units(42), 3),
            Some(Price::from_units(42))
        );
        assert!(Vwap::<1>::new(0).is_err());
    }
}
