//! [`Rsi`]: relative strength index with Wilder smoothing, and [`RsiValue`].

use core::fmt;

use super::fixed::MAX_PERIOD;
use super::{Divisor, Indicator, IndicatorError, check_period};
use crate::Price;

/// An RSI reading: 0 to 100 points in steps of 1/10,000 of a point.
///
/// Displays with four decimals and no float: `57.2300`, `100.0000`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RsiValue(u32);

impl RsiValue {
    /// Steps per point.
    pub const SCALE: u32 = 10_000;
    /// 0 points.
    pub const ZERO: Self = Self(0);
    /// 100 points.
    pub const HUNDRED: Self = Self(100 * Self::SCALE);

    /// The reading of `steps` ten-thousandths of a point, if at most 100 points.
    pub const fn from_ten_thousandths(steps: u32) -> Option<Self> {
        if steps <= Self::HUNDRED.0 {
            Some(Self(steps))
        } else {
            None
        }
    }

    /// The reading in ten-thousandths of a point.
    pub const fn ten_thousandths(self) -> u32 {
        self.0
    }
}

impl fmt::Display for RsiValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let whole = self.0 / Self::SCALE;
        let fraction = self.0 % Self::SCALE;
        // At most "100.0000": format into a stack buffer so width flags apply.
        let mut text = [0_u8; 8];
        let mut len = 0;
        let digits = [whole / 100, whole / 10 % 10, whole % 10];
        let skip = if whole >= 100 {
            0
        } else if whole >= 10 {
            1
        } else {
            2
        };
        for &digit in &digits[skip..] {
            text[len] = b'0' + digit as u8;
            len += 1;
        }
        text[len] = b'.';
        len += 1;
        for divisor in [1_000, 100, 10, 1] {
            text[len] = b'0' + (fraction / divisor % 10) as u8;
            len += 1;
        }
        f.pad(core::str::from_utf8(&text[..len]).map_err(|_| fmt::Error)?)
    }
}

/// Significant bits the Wilder averages keep after each update: enough
/// for a relative error near 1e-18, few enough for 64-bit arithmetic.
const AVERAGE_BITS: u32 = 60;
/// The most bits a scaled change may have, so every Wilder step stays in
/// an `i64`.
const CHANGE_BITS: i64 = 61;

/// Relative strength index over `n` price changes, as TA-Lib computes it.
///
/// - **Formula**: with changes `d = p[t] - p[t-1]`, the first average gain
///   and loss are the simple means of the first `n` gains (`max(d, 0)`) and
///   losses (`max(-d, 0)`). After that, Wilder smoothing:
///   `avg = (avg * (n - 1) + x) / n`. `RSI = 100 * gain / (gain + loss)`.
/// - **Flat series**: when both averages are exactly zero the RSI is **0**,
///   TA-Lib's rule (not 50, not `None`). TA-Lib also treats a sum of averages
///   below its float epsilon as zero; tickring does not, because its
///   averages keep 60 significant bits (relative error near 1e-18).
/// - **Warm-up**: `n` updates return `None` (`n` changes need `n + 1`
///   prices; TA-Lib `RSI`).
/// - **Precision**: the RSI is a ratio, so both averages share one binary
///   scale that is renormalised after every update to keep 60 significant
///   bits. Tick-to-tick changes of a cent, and long flat stretches where the
///   averages decay towards zero, lose nothing visible.
/// - **Rounding**: once, to 1/10,000 of a point, ties away from zero
///   (upwards: the value is never negative). Never overflows.
///
/// ```
/// use tickring::indicator::{Rsi, RsiValue};
///
/// let mut rsi = Rsi::new(3)?;
/// let out: Vec<_> = ["1", "2", "3", "4"].iter().map(|p| rsi.update(p.parse().unwrap())).collect();
/// assert_eq!(out, [None, None, None, Some(RsiValue::HUNDRED)]);
/// assert_eq!(out[3].unwrap().to_string(), "100.0000");
/// # Ok::<(), tickring::indicator::IndicatorError>(())
/// ```
#[derive(Clone, Debug)]
pub struct Rsi {
    /// `n`, in `1..=2^24`.
    period: u32,
    /// Divides by `n`, for the Wilder steps.
    divisor: Divisor,
    /// Changes seen, up to `period`.
    changes: u32,
    /// The previous price, once one was seen.
    previous: Option<Price>,
    /// Warm-up: the exact sum of gains in units. After: the average gain
    /// times `2^shift`, below 2^61, so the Wilder steps run on 64 bits.
    gain: u128,
    /// As `gain`, for losses.
    loss: u128,
    /// The shared binary scale of `gain` and `loss` after warm-up
    /// (negative for averages above 2^60 units).
    shift: i64,
}

impl Rsi {
    /// An RSI over `period` changes (`1..=16,777,216`), else an error that says why.
    pub const fn new(period: usize) -> Result<Self, IndicatorError> {
        match check_period(period, MAX_PERIOD) {
            Ok(period) => Ok(Self {
                period,
                divisor: Divisor::of_period(period as u64),
                changes: 0,
                previous: None,
                gain: 0,
                loss: 0,
                shift: 0,
            }),
            Err(error) => Err(error),
        }
    }

    /// The period, in price changes.
    pub const fn period(&self) -> usize {
        self.period as usize
    }

    /// Feeds one price; `Some(rsi)` from the `period + 1`-th price on.
    #[inline]
    pub fn update(&mut self, price: Price) -> Option<RsiValue> {
        self.advance(price);
        self.value()
    }

    /// Feeds one price without computing the ratio (a 128-bit division):
    /// [`value`](Self::value) does that.
    #[inline]
    pub fn advance(&mut self, price: Price) {
        let Some(previous) = self.previous.replace(price) else {
            return;
        };
        // Two i64s differ by less than 2^64.
        let change = price.units().abs_diff(previous.units());
        let (gain, loss) = if price > previous {
            (change, 0)
        } else {
            (0, change)
        };

        if self.changes < self.period {
            self.gain += u128::from(gain);
            self.loss += u128::from(loss);
            self.changes += 1;
            if self.changes == self.period {
                self.seed();
            }
        } else {
            self.smooth(gain, loss);
        }
    }

    /// The current RSI, without feeding a price; `None` during warm-up.
    #[inline]
    pub fn value(&self) -> Option<RsiValue> {
        (self.changes == self.period).then(|| self.value_now())
    }

    /// Forgets every price.
    pub fn reset(&mut self) {
        self.changes = 0;
        self.previous = None;
        self.gain = 0;
        self.loss = 0;
        self.shift = 0;
    }

    /// Turns the warm-up sums (below 2^88) into averages: `sum * 2^s / n`.
    fn seed(&mut self) {
        // The sums are below 2^88: scale them to 120 bits, divide once.
        let shift = 120 - bits(self.gain.max(self.loss)).min(120);
        let period = u128::from(self.period);
        self.gain = div_round_unsigned(self.gain << shift, period);
        self.loss = div_round_unsigned(self.loss << shift, period);
        self.shift = i64::from(shift);
        self.normalise();
    }

    /// One Wilder step of both averages with this change's gain and loss.
    ///
    /// After the seed both averages stay below 2^61 and every scaled change
    /// at most 2^61, so the step runs on 64-bit words: the same arithmetic as
    /// on 128 bits, without the wide shifts and compares.
    #[inline]
    fn smooth(&mut self, gain: u64, loss: u64) {
        let (mut average_gain, mut average_loss) = (self.gain as u64, self.loss as u64);
        let mut shift = self.shift;
        let incoming = i64::from(bits64(gain.max(loss)));
        if incoming > 0 && incoming + shift > CHANGE_BITS {
            // Make room: the old averages lose bits far below the new change.
            let drop = incoming + shift - CHANGE_BITS;
            average_gain = shr_round64(average_gain, drop);
            average_loss = shr_round64(average_loss, drop);
            shift -= drop;
        }
        // A change now fits in CHANGE_BITS once scaled; a flat tick scales
        // nothing (its shift may be past 64 bits).
        let scale = |change: u64| match change {
            0 => 0,
            _ if shift >= 0 => change << shift,
            _ => shr_round64(change, -shift),
        };
        average_gain = wilder(average_gain, scale(gain), self.divisor);
        average_loss = wilder(average_loss, scale(loss), self.divisor);

        // normalise(), on 64 bits.
        let top = bits64(average_gain.max(average_loss));
        if top == 0 {
            shift = 0;
        } else if top > AVERAGE_BITS {
            let drop = i64::from(top - AVERAGE_BITS);
            average_gain = shr_round64(average_gain, drop);
            average_loss = shr_round64(average_loss, drop);
            shift -= drop;
        } else {
            let rise = AVERAGE_BITS - top;
            average_gain <<= rise;
            average_loss <<= rise;
            shift += i64::from(rise);
        }
        self.gain = u128::from(average_gain);
        self.loss = u128::from(average_loss);
        self.shift = shift;
    }

    /// Rescales both averages so the larger has exactly `AVERAGE_BITS` bits.
    fn normalise(&mut self) {
        let top = bits(self.gain.max(self.loss));
        if top == 0 {
            self.shift = 0;
        } else if top > AVERAGE_BITS {
            let drop = i64::from(top - AVERAGE_BITS);
            self.gain = shr_round(self.gain, drop);
            self.loss = shr_round(self.loss, drop);
            self.shift -= drop;
        } else {
            let rise = AVERAGE_BITS - top;
            self.gain <<= rise;
            self.loss <<= rise;
            self.shift += i64::from(rise);
        }
    }

    fn value_now(&self) -> RsiValue {
        let total = self.gain + self.loss;
        if total == 0 {
            return RsiValue::ZERO;
        }
        // gain < 2^60 after normalise(), so the product stays below 2^80.
        let steps = div_round_unsigned(self.gain * u128::from(RsiValue::HUNDRED.0), total);
        // steps <= 1,000,000 because gain <= total.
        RsiValue(steps as u32)
    }
}

impl Indicator for Rsi {
    type Input = Price;
    type Output = RsiValue;

    fn update(&mut self, input: Price) -> Option<RsiValue> {
        Rsi::update(self, input)
    }

    fn advance(&mut self, input: Price) {
        Rsi::advance(self, input);
    }

    fn value(&self) -> Option<RsiValue> {
        Rsi::value(self)
    }

    fn reset(&mut self) {
        Rsi::reset(self);
    }
}

/// Significant bits of `value`.
const fn bits(value: u128) -> u32 {
    u128::BITS - value.leading_zeros()
}

/// `value / 2^drop` for `drop >= 0`, rounded half up.
fn shr_round(value: u128, drop: i64) -> u128 {
    match drop {
        ..=0 => value,
        // value < 2^127, so it rounds to 0.
        128.. => 0,
        _ => (value >> drop) + ((value >> (drop - 1)) & 1),
    }
}

/// Significant bits of `value`.
const fn bits64(value: u64) -> u32 {
    u64::BITS - value.leading_zeros()
}

/// `value / 2^drop` for `drop >= 0`, rounded half up: [`shr_round`] for a
/// value below 2^64, with the same result for every `drop`.
#[inline]
fn shr_round64(value: u64, drop: i64) -> u64 {
    match drop {
        ..=0 => value,
        1..=63 => (value >> drop) + ((value >> (drop - 1)) & 1),
        // Only the rounding bit is left: the top bit, worth a half.
        64 => value >> 63,
        _ => 0,
    }
}

/// `num / den` rounded half up; `den > 0`.
fn div_round_unsigned(num: u128, den: u128) -> u128 {
    let quotient = num / den;
    let rem = num % den;
    quotient + u128::from(rem >= den - rem)
}

/// `avg + (x - avg) / n`, rounded once; equal to `(avg * (n-1) + x) / n`.
#[inline]
fn wilder(average: u64, incoming: u64, period: Divisor) -> u64 {
    // Both are at most 2^61, so they convert and subtract without overflow,
    // and their gap is below 2^62, as div_round_small needs.
    let average = average as i64;
    let step = period.div_round_small(incoming as i64 - average);
    // The result lies between average and incoming, so it is not negative.
    (average + step) as u64
}

#[cfg(test)]
mod tests {
    extern crate std;
    use std::string::ToString;

    use super::*;

    fn feed(rsi: &mut Rsi, units: &[i64]) -> Option<RsiValue> {
        units
            .iter()
            .map(|&u| rsi.update(Price::from_units(u)))
            .last()
            .flatten()
    }

    #[test]
    fn displays_four_decimals() {
        assert_eq!(RsiValue(572_300).to_string(), "57.2300");
        assert_eq!(RsiValue::HUNDRED.to_string(), "100.0000");
        assert_eq!(RsiValue(5).to_string(), "0.0005");
        assert_eq!(RsiValue::ZERO.to_string(), "0.0000");
        assert_eq!(std::format!("{:>9}", RsiValue(91_234)), "   9.1234");
    }

    #[test]
    fn all_losses_read_zero_and_all_gains_a_hundred() {
        assert_eq!(
            feed(&mut Rsi::new(3).unwrap(), &[4, 3, 2, 1, 0]),
            Some(RsiValue::ZERO)
        );
        assert_eq!(
            feed(&mut Rsi::new(3).unwrap(), &[1, 2, 3, 9]),
            Some(RsiValue::HUNDRED)
        );
    }

    #[test]
    fn equal_gains_and_losses_read_fifty() {
        assert_eq!(
            feed(&mut Rsi::new(2).unwrap(), &[10, 20, 10]),
            Some(RsiValue(500_000))
        );
    }

    #[test]
    fn ratio_survives_a_long_flat_stretch() {
        // Both averages decay by (n-1)/n per flat tick; their ratio must not.
        let mut rsi = Rsi::new(14).unwrap();
        let before = feed(
            &mut rsi,
            &[
                100, 103, 101, 104, 104, 102, 107, 106, 108, 105, 109, 110, 108, 111, 112,
            ],
        );
        let after = feed(&mut rsi, &[112; 5_000]);
        assert!(before.is_some());
        assert_eq!(before, after);
    }

    #[test]
    fn extreme_changes_do_not_overflow() {
        // Changes of +R, -R, +R with R = 2^64 - 1: seed 50/50, then 3/4 gain.
        let mut rsi = Rsi::new(2).unwrap();
        let out = feed(&mut rsi, &[i64::MIN, i64::MAX, i64::MIN, i64::MAX]);
        assert_eq!(out, Some(RsiValue(750_000)));
        // A one-unit change after huge ones, a flat run, then huge ones again.
        let nudged = feed(&mut rsi, &[i64::MAX - 1]);
        assert_eq!(feed(&mut rsi, &[i64::MAX - 1; 3_000]), nudged);
        assert!(feed(&mut rsi, &[i64::MIN, i64::MAX]).is_some());
    }
}
