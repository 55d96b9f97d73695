//! The arithmetic every indicator shares: a finer internal grid, one
//! rounding rule, and a fixed-capacity window of recent inputs.
//!
//! # Rounding rule
//!
//! Every division rounds to the nearest integer, ties **away from zero**
//! (`2.5 → 3`, `-2.5 → -3`), so a series and its negation give negated
//! results. Indicators round once when they turn their internal state into
//! an output; a recursive state (EMA, MACD) also rounds each step on its
//! fine grid, 2^-32 of a price unit, far below anything an output shows.

use super::Divisor;
use crate::Price;

/// Bits of the fine grid below one price unit: fine values are price units
/// times 2^32, so one fine step is about 2.3e-14 of a currency unit.
pub(crate) const FINE_BITS: u32 = 32;

/// The longest period an unwindowed indicator accepts. It keeps every sum
/// and every fine value far inside 128 bits: at most 2^24 prices of at most
/// 2^63 units sum to below 2^87.
pub(crate) const MAX_PERIOD: usize = 1 << 24;

/// `price` on the fine grid, exactly.
#[inline]
pub(crate) const fn to_fine(price: Price) -> i128 {
    (price.units() as i128) << FINE_BITS
}

/// A fine value rounded to price units (ties away from zero). The result can
/// exceed `i64` (a MACD line between extreme prices): see [`to_price`].
#[inline]
pub(crate) const fn fine_to_units(fine: i128) -> i128 {
    let half = 1_i128 << (FINE_BITS - 1);
    // |fine| stays below 2^100 (see MAX_PERIOD), so neither side overflows.
    if fine >= 0 {
        (fine + half) >> FINE_BITS
    } else {
        -((half - fine) >> FINE_BITS)
    }
}

/// Price units as a [`Price`], or `None` when they do not fit in an `i64`.
#[inline]
pub(crate) const fn to_price(units: i128) -> Option<Price> {
    if units < i64::MIN as i128 || units > i64::MAX as i128 {
        None
    } else {
        Some(Price::from_units(units as i64))
    }
}

/// The smallest fine value that [`fine_to_units`] maps into `i64`:
/// `-((2^31 - f) >> 32) >= -2^63` exactly when `f > -(2^95 + 2^31)`.
const FINE_FIT_LOW: i128 = -(1 << 95) - (1 << 31) + 1;
/// The largest: `(f + 2^31) >> 32 < 2^63` exactly when `f < 2^95 - 2^31`.
const FINE_FIT_HIGH: i128 = (1 << 95) - (1 << 31) - 1;

/// Whether `to_price(fine_to_units(fine))` is `Some`, by one comparison.
#[inline]
pub(crate) const fn fine_fits(fine: i128) -> bool {
    // Shifting the range to start at 0 turns two comparisons into one.
    (fine.wrapping_sub(FINE_FIT_LOW) as u128) <= (FINE_FIT_HIGH - FINE_FIT_LOW) as u128
}

/// `num / den` rounded to the nearest integer, ties away from zero.
///
/// `den` must be positive. Takes a 64-bit path when both fit, which is
/// every call on realistic prices, because 128-bit division is a library
/// call on every target.
#[inline]
pub(crate) fn div_round(num: i128, den: i128) -> i128 {
    debug_assert!(den > 0, "divisor must be positive");
    if let (Ok(num), Ok(den)) = (i64::try_from(num), i64::try_from(den)) {
        // den > 0, so the quotient cannot overflow and |rem| < den.
        let quotient = num / den;
        let rem = num % den;
        let bump = rem.unsigned_abs() >= den.unsigned_abs() - rem.unsigned_abs();
        return i128::from(quotient + if bump { num.signum() } else { 0 });
    }
    let quotient = num / den;
    let rem = num % den;
    let bump = rem.unsigned_abs() >= den.unsigned_abs() - rem.unsigned_abs();
    quotient + if bump { num.signum() } else { 0 }
}

/// The mean of `count` prices whose units sum to `sum`, on the fine grid,
/// rounded once. Exact for any sum below 2^100 and count below 2^32.
#[inline]
pub(crate) fn mean_fine(sum: i128, count: u32) -> i128 {
    let count = i128::from(count);
    let whole = sum / count;
    let rem = sum % count;
    // rem has the sign of sum, so rounding the fraction alone rounds the total.
    (whole << FINE_BITS) + div_round(rem << FINE_BITS, count)
}

/// One step of an exponential moving average with `k = 2 / (period + 1)`:
/// `value + k * (input - value)`, rounded once on the fine grid.
/// `period_plus_one` is the reciprocal of `period + 1`.
#[inline]
pub(crate) fn ema_step(value: i128, input: i128, period_plus_one: Divisor) -> i128 {
    if is_narrow(value) && is_narrow(input) {
        // Both below 2^60, so twice their gap is below 2^62: every step of
        // the same arithmetic fits 64-bit words.
        let (value, input) = (value as i64, input as i64);
        return i128::from(value + period_plus_one.div_round_small(2 * (input - value)));
    }
    value + period_plus_one.div_round(2 * (input - value))
}

/// Whether `|fine| < 2^60` (prices within ±2^28 units, ±$26,843.5456):
/// the fine values [`ema_step`] handles on 64-bit words.
#[inline]
const fn is_narrow(fine: i128) -> bool {
    const NARROW: i128 = 1 << 60;
    // Shifting the range to start at 0 turns two comparisons into one.
    (fine.wrapping_add(NARROW) as u128) < (2 * NARROW) as u128
}

/// The last `period` values pushed, `period <= CAP`, oldest evicted first.
#[derive(Clone, Debug)]
pub(crate) struct Window<T, const CAP: usize> {
    /// `slots[..len]` hold values; the oldest is at `next` once full.
    slots: [T; CAP],
    /// How many values the window spans: `1..=CAP`.
    period: usize,
    /// Where the next value goes: `0..period`.
    next: usize,
    /// How many values it holds: `0..=period`.
    len: usize,
}

impl<T: Copy, const CAP: usize> Window<T, CAP> {
    /// An empty window of `period` values; `fill` only initialises slots.
    pub(crate) const fn new(period: usize, fill: T) -> Self {
        Self {
            slots: [fill; CAP],
            period,
            next: 0,
            len: 0,
        }
    }

    /// The window's span.
    pub(crate) const fn period(&self) -> usize {
        self.period
    }

    /// Whether it holds `period` values.
    pub(crate) const fn is_full(&self) -> bool {
        self.len == self.period
    }

    /// Appends `value`, returning the value it evicts once full.
    #[inline]
    pub(crate) fn push(&mut self, value: T) -> Option<T> {
        let slot = &mut self.slots[self.next];
        let evicted = if self.len == self.period {
            Some(*slot)
        } else {
            self.len += 1;
            None
        };
        *slot = value;
        self.next += 1;
        if self.next == self.period {
            self.next = 0;
        }
        evicted
    }

    /// Empties the window.
    pub(crate) fn clear(&mut self) {
        self.next = 0;
        self.len = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn div_round_ties_go_away_from_zero_on_both_paths() {
        assert_eq!(div_round(5, 2), 3);
        assert_eq!(div_round(-5, 2), -3);
        assert_eq!(div_round(7, 4), 2);
        assert_eq!(div_round(-7, 4), -2);
        assert_eq!(div_round(5, 4), 1);
        assert_eq!(div_round(-5, 4), -1);
        let big = 1_i128 << 100;
        assert_eq!(div_round(5 * big + big / 2, big), 6);
        assert_eq!(div_round(-(5 * big + big / 2), big), -6);
        assert_eq!(div_round(5 * big + big / 2 - 1, big), 5);
    }

    #[test]
    fn fine_rounding_is_symmetric() {
        let half = 1_i128 << (FINE_BITS - 1);
        assert_eq!(fine_to_units(half), 1);
        assert_eq!(fine_to_units(-half), -1);
        assert_eq!(fine_to_units(half - 1), 0);
        assert_eq!(fine_to_units(-(half - 1)), 0);
        assert_eq!(fine_to_units(to_fine(Price::MIN)), i128::from(i64::MIN));
    }

    #[test]
    fn fine_fits_exactly_when_the_rounded_units_fit() {
        let edges = [
            FINE_FIT_LOW,
            FINE_FIT_HIGH,
            0,
            to_fine(Price::MAX),
            to_fine(Price::MIN),
        ];
        for edge in edges {
            for fine in [edge - 1, edge, edge + 1, -edge - 1, -edge, -edge + 1] {
                let fits = to_price(fine_to_units(fine)).is_some();
                assert_eq!(fine_fits(fine), fits, "{fine}");
            }
        }
        assert!(!fine_fits(i128::MIN) && !fine_fits(i128::MAX));
    }

    #[test]
    fn ema_step_equals_the_plain_division_on_both_paths() {
        let narrow = 1_i128 << 60;
        let values = [
            0,
            1,
            -1,
            narrow - 1,
            -(narrow - 1),
            narrow,
            -narrow,
            1 << 95,
            -(1 << 95),
        ];
        for period in [1_u32, 2, 12, 26, 1 << 24] {
            let divisor = Divisor::of_period(u64::from(period) + 1);
            for value in values {
                for input in values.iter().flat_map(|&v| [v - 7, v, v + 7]) {
                    let plain = value + div_round(2 * (input - value), i128::from(period) + 1);
                    assert_eq!(ema_step(value, input, divisor), plain, "{value} → {input}");
                }
            }
        }
    }

    #[test]
    fn mean_fine_rounds_once() {
        assert_eq!(mean_fine(3, 3), 1 << FINE_BITS);
        assert_eq!(fine_to_units(mean_fine(-276_200, 2)), -138_100);
        assert_eq!(mean_fine(1, 3), div_round(1 << FINE_BITS, 3));
        assert_eq!(mean_fine(-1, 3), -mean_fine(1, 3));
    }

    #[test]
    fn window_evicts_the_oldest() {
        let mut window = Window::<i64, 4>::new(3, 0);
        assert_eq!(window.push(1), None);
        assert_eq!(window.push(2), None);
        assert!(!window.is_full());
        assert_eq!(window.push(3), None);
        assert!(window.is_full());
        assert_eq!(window.push(4), Some(1));
        assert_eq!(window.push(5), Some(2));
        window.clear();
        assert_eq!(window.push(6), None);
    }
}
