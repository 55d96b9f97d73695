//! [`Bollinger`] bands: SMA ± k population standard deviations.

use super::fixed::{Window, to_price};
use super::{Divisor, Indicator, IndicatorError, check_period};
use crate::Price;

/// One Bollinger reading.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Bands {
    /// `middle + k * stddev`.
    pub upper: Price,
    /// The SMA of the window.
    pub middle: Price,
    /// `middle - k * stddev`.
    pub lower: Price,
}

/// Bollinger bands over the last `n` prices, `n <= CAP`, as TA-Lib's
/// `BBANDS` with a simple moving average.
///
/// - **Formula**: `middle = S / n`, `stddev = sqrt(n*Q - S²) / n` (the
///   **population** deviation: divide by `n`, not `n - 1`), with `S` and `Q`
///   the exact sums of the window's prices and squared prices, and
///   `upper/lower = middle ± k * stddev`.
/// - **Exactness**: no float anywhere. Each band is `(S*10⁴ ± √(k²(nQ - S²)))
///   / (10⁴ n)` with `k` in ten-thousandths, and the square root is an integer
///   square root on 128-bit values, so every band is the exact value rounded
///   once. TA-Lib reports a deviation of 0 when its float variance is below
///   its epsilon; tickring does not need that guard.
/// - **Warm-up**: `n - 1` updates return `None` (TA-Lib `BBANDS`).
/// - **Rounding**: to the nearest price unit, ties away from zero.
/// - **Overflow**: the exact arithmetic stays in 128 bits while
///   `k * n * stddev` stays below about 9.2e18 price units: with `k = 2` and
///   `n = 20`, any window of prices within ±$2.3 billion. Beyond that, or
///   when a band leaves `i64`, the update
///   returns `None` and [`overflows`](Self::overflows) grows; the state stays
///   exact, so the bands come back once the window holds smaller prices.
///
/// ```
/// use tickring::{Price, indicator::{Bands, Bollinger}};
///
/// let mut bands = Bollinger::<4>::new(4, "2".parse()?)?;
/// let mut last = None;
/// for text in ["2", "4", "4", "6"] {
///     last = bands.update(text.parse()?);
/// }
/// // mean 4, population variance (4 + 0 + 0 + 4) / 4 = 2, stddev 1.41421…
/// let expected = Bands {
///     upper: "6.8284".parse()?,
///     middle: "4".parse()?,
///     lower: "1.1716".parse()?,
/// };
/// assert_eq!(last, Some(expected));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
pub struct Bollinger<const CAP: usize> {
    /// The last `n` prices, in units.
    window: Window<i64, CAP>,
    /// `k` in ten-thousandths (`2.0` is 20,000), not negative.
    multiplier: u64,
    /// Exact sum of the window's prices.
    sum: i128,
    /// Exact sum of the window's squared prices.
    squares: WideSum,
    /// Divides by `n`, for the middle band.
    period: Divisor,
    /// Divides by `2 * 10⁴ * n`, for the outer bands.
    band_denominator: Divisor,
    /// A sum of squares up to this has bands that surely fit (see
    /// [`safe_squares`]), so [`advance`](Self::advance) need not compute
    /// them to know it has no overflow to count.
    safe_squares: u128,
    /// Updates whose bands were withheld because they did not fit.
    overflows: u64,
}

impl<const CAP: usize> Bollinger<CAP> {
    /// Bands over `period` prices (`1..=CAP`) at `multiplier` standard
    /// deviations (a plain number with four decimals, not negative), else an
    /// error that says why.
    pub const fn new(period: usize, multiplier: Price) -> Result<Self, IndicatorError> {
        let period32 = match check_period(period, CAP) {
            Ok(period) => period as u64,
            Err(error) => return Err(error),
        };
        if multiplier.is_negative() {
            return Err(IndicatorError::NegativeMultiplier);
        }
        Ok(Self {
            window: Window::new(period, 0),
            // Not negative, checked above.
            multiplier: multiplier.units() as u64,
            sum: 0,
            squares: WideSum::ZERO,
            period: Divisor::of_period(period32),
            // At most 2 * 10⁴ * 2^24, below 2^39.
            band_denominator: Divisor::of_period(2 * Price::SCALE as u64 * period32),
            safe_squares: safe_squares(period32, multiplier.units() as u64),
            overflows: 0,
        })
    }

    /// The period, in prices.
    pub const fn period(&self) -> usize {
        self.window.period()
    }

    /// Updates whose bands did not fit in 128-bit exact arithmetic or in a
    /// [`Price`] (those returned `None`).
    pub const fn overflows(&self) -> u64 {
        self.overflows
    }

    /// Feeds one price; `Some(bands)` once `period` prices are in.
    #[inline]
    pub fn update(&mut self, price: Price) -> Option<Bands> {
        self.push(price);
        let bands = self.value();
        if bands.is_none() && self.window.is_full() {
            self.overflows += 1;
        }
        bands
    }

    /// Feeds one price without the square root and divisions of the bands:
    /// [`value`](Self::value) does those. It counts an overflow exactly as
    /// [`update`](Self::update) does: a window whose sum of squares is small
    /// enough surely fits (a comparison), and only a larger one has its
    /// bands computed to find out.
    #[inline]
    pub fn advance(&mut self, price: Price) {
        self.push(price);
        if !self.window.is_full() {
            return;
        }
        if self.surely_fits() {
            debug_assert!(self.bands().is_some(), "safe_squares is too large");
        } else if self.bands().is_none() {
            self.overflows += 1;
        }
    }

    /// The current bands, without feeding a price; `None` during warm-up
    /// and when they do not fit.
    #[inline]
    pub fn value(&self) -> Option<Bands> {
        if self.window.is_full() {
            self.bands()
        } else {
            None
        }
    }

    /// Forgets every price (the overflow count too).
    pub fn reset(&mut self) {
        self.window.clear();
        self.sum = 0;
        self.squares = WideSum::ZERO;
        self.overflows = 0;
    }

    /// The middle band alone: the SMA of the window, once it is full. It
    /// equals an [`Sma`](super::Sma) of the same period bit for bit, and is
    /// there even when the outer bands do not fit (a mean of prices always
    /// fits). One multiplication.
    ///
    /// ```
    /// use tickring::{Price, indicator::Bollinger};
    ///
    /// let mut bands = Bollinger::<2>::new(2, "2".parse()?)?;
    /// bands.advance(Price::MAX);
    /// assert_eq!(bands.middle(), None, "warming up");
    /// bands.advance(Price::MIN);
    /// assert_eq!(bands.value(), None, "the outer bands do not fit");
    /// assert_eq!(bands.middle(), Some(Price::from_units(-1)));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[inline]
    pub fn middle(&self) -> Option<Price> {
        if self.window.is_full() {
            to_price(self.period.div_round(self.sum))
        } else {
            None
        }
    }

    /// Adds `price` to the window and its sums.
    #[inline]
    fn push(&mut self, price: Price) {
        let units = price.units();
        self.sum += i128::from(units);
        self.squares.add(square(units));
        if let Some(evicted) = self.window.push(units) {
            self.sum -= i128::from(evicted);
            self.squares.sub(square(evicted));
        }
    }

    /// Whether the window's sum of squares is at most `safe_squares`.
    #[inline]
    fn surely_fits(&self) -> bool {
        self.squares
            .get()
            .is_some_and(|squares| squares <= self.safe_squares)
    }

    fn bands(&self) -> Option<Bands> {
        let n = self.window.period() as u128;
        let sum_magnitude = self.sum.unsigned_abs();
        // n*Q - S² is n² times the population variance: exact, never negative.
        let spread = n
            .checked_mul(self.squares.get()?)?
            .checked_sub(sum_magnitude.checked_mul(sum_magnitude)?)?;
        let multiplier = u128::from(self.multiplier);
        // 4 * k² * (n*Q - S²): the square of twice the band offset's numerator.
        let offset_squared_x4 = (multiplier * multiplier)
            .checked_mul(spread)?
            .checked_mul(4)?;

        let scaled_sum = self.sum.checked_mul(i128::from(Price::SCALE))?;
        let denominator = i128::from(Price::SCALE) * n as i128;
        let roots = square_roots(offset_squared_x4);
        let twice_den = self.band_denominator;
        let upper = round_plus_root(scaled_sum, roots, denominator, twice_den)?;
        let lower = -round_plus_root(-scaled_sum, roots, denominator, twice_den)?;
        Some(Bands {
            upper: to_price(upper)?,
            middle: to_price(self.period.div_round(self.sum))?,
            lower: to_price(lower)?,
        })
    }
}

impl<const CAP: usize> Indicator for Bollinger<CAP> {
    type Input = Price;
    type Output = Bands;

    fn update(&mut self, input: Price) -> Option<Bands> {
        Bollinger::update(self, input)
    }

    fn advance(&mut self, input: Price) {
        Bollinger::advance(self, input);
    }

    fn value(&self) -> Option<Bands> {
        Bollinger::value(self)
    }

    fn reset(&mut self) {
        Bollinger::reset(self);
    }
}

/// The largest sum of squares `Q` at which the bands of any window of `n`
/// prices at `k` ten-thousandths surely fit, in `bands`' 128-bit arithmetic
/// and in [`Price`]s.
///
/// With `S` the sum, `|S| ≤ √(nQ)` and the spread `nQ − S² ≤ nQ`
/// (Cauchy–Schwarz), so:
///
/// - if `4k²·n·Q < 2^128` (read `k²` as 1 when `k = 0`), then `n·Q`, `S²`
///   and `4k²·(nQ − S²)` fit in a `u128`, and `10⁴·S`, below `2^78`, leaves
///   room for every later sum;
/// - each band's exact value is at most `(10⁴|S| + k√(nQ − S²)) / (10⁴n)
///   ≤ √Q·(10⁴ + k) / 10⁴` in magnitude, the middle one at most `√Q`; if
///   `√Q ≤ 2^62·10⁴ / (10⁴ + k)`, every band rounds to at most
///   `2^62 + 1`, inside `i64`.
///
/// The bound is the smaller of the two, rounded down.
const fn safe_squares(n: u64, k: u64) -> u128 {
    let k = k as u128;
    // k < 2^63, so 4k² < 2^128.
    let scale = if k == 0 { 1 } else { 4 * k * k };
    let spread_bound = match scale.checked_mul(n as u128) {
        Some(factor) => u128::MAX / factor,
        None => 0,
    };
    // Below 2^62 + 1, so its square fits.
    let root = (1_u128 << 62) * Price::SCALE as u128 / (Price::SCALE as u128 + k);
    let band_bound = root * root;
    if spread_bound < band_bound {
        spread_bound
    } else {
        band_bound
    }
}

fn square(units: i64) -> u128 {
    let magnitude = u128::from(units.unsigned_abs());
    // Below 2^126.
    magnitude * magnitude
}

/// `⌊√r⌋` and `⌈√r⌉`, exactly, with a 64-bit path for small radicands.
fn square_roots(r: u128) -> (i128, i128) {
    let floor = match u64::try_from(r) {
        Ok(small) => u128::from(small.isqrt()),
        Err(_) => r.isqrt(),
    };
    let ceil = floor + u128::from(floor * floor != r);
    // Both roots are below 2^64.
    (floor as i128, ceil as i128)
}

/// `(a + √(r/4)) / den` rounded to the nearest integer, ties away from
/// zero, exactly, given `(⌊√r⌋, ⌈√r⌉)`; `den > 0` and `twice_den` divides
/// by `2 * den`.
///
/// With `x = a + √(r/4)`, `floor(2x) = 2a + ⌊√r⌋`, and rounding `x / den`
/// only needs `floor(2x)` (or `ceil(2x)` when `x < 0`).
fn round_plus_root(
    a: i128,
    (root_floor, root_ceil): (i128, i128),
    den: i128,
    twice_den: Divisor,
) -> Option<i128> {
    let twice_a = a.checked_mul(2)?;
    if twice_a + root_floor >= 0 {
        // x ≥ 0: floor((2x + den) / 2den), and floor(2x) suffices.
        Some(div_nonnegative(twice_a + root_floor + den, twice_den))
    } else {
        // x < 0: -floor((-2x + den) / 2den), with floor(-2x) = -2a - ceil(2√).
        Some(-div_nonnegative(-twice_a - root_ceil + den, twice_den))
    }
}

/// `⌊num / d⌋` for `num >= 0`, by multiplication when `num` fits 64 bits.
fn div_nonnegative(num: i128, divisor: Divisor) -> i128 {
    match u64::try_from(num) {
        Ok(num) => i128::from(divisor.div_floor(num)),
        Err(_) => num / i128::from(divisor.get()),
    }
}

/// A sum of up to 2^24 values below 2^126, exact: 128 low bits and a carry.
#[derive(Clone, Copy, Debug)]
struct WideSum {
    low: u128,
    /// Multiples of 2^128; the sum fits in a `u128` exactly when this is 0.
    high: u64,
}

impl WideSum {
    const ZERO: Self = Self { low: 0, high: 0 };

    fn add(&mut self, value: u128) {
        let (low, carry) = self.low.overflowing_add(value);
        self.low = low;
        self.high += u64::from(carry);
    }

    fn sub(&mut self, value: u128) {
        let (low, borrow) = self.low.overflowing_sub(value);
        self.low = low;
        self.high -= u64::from(borrow);
    }

    fn get(&self) -> Option<u128> {
        (self.high == 0).then_some(self.low)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(units: i64) -> Price {
        Price::from_units(units)
    }

    #[test]
    fn a_flat_window_has_no_width() {
        let mut bands = Bollinger::<3>::new(3, p(20_000)).unwrap();
        let out = [7, 7, 7].map(|u| bands.update(p(u)));
        assert_eq!(
            out[2],
            Some(Bands {
                upper: p(7),
                middle: p(7),
                lower: p(7)
            })
        );
    }

    #[test]
    fn negated_prices_mirror_the_bands() {
        let series = [13, -7, 22, 5, 5, -40, 17, 3, 9, 1];
        let mut up = Bollinger::<4>::new(4, p(25_000)).unwrap();
        let mut down = Bollinger::<4>::new(4, p(25_000)).unwrap();
        for units in series {
            let a = up.update(p(units));
            let b = down.update(p(-units));
            let mirrored = b.map(|b| Bands {
                upper: p(-b.lower.units()),
                middle: p(-b.middle.units()),
                lower: p(-b.upper.units()),
            });
            assert_eq!(a, mirrored);
        }
    }

    #[test]
    fn exact_square_roots_give_exact_bands() {
        // 1, 3: mean 2, variance 1; k = 1.5: bands 3.5 units and 0.5 → 1.
        let mut bands = Bollinger::<2>::new(2, p(15_000)).unwrap();
        bands.update(p(1));
        let out = bands.update(p(3)).unwrap();
        assert_eq!((out.upper, out.middle, out.lower), (p(4), p(2), p(1)));
    }

    #[test]
    fn extreme_prices_are_withheld_then_recover() {
        let mut bands = Bollinger::<2>::new(2, p(20_000)).unwrap();
        bands.update(Price::MAX);
        assert_eq!(bands.update(Price::MIN), None);
        assert_eq!(bands.overflows(), 1);
        bands.update(p(10));
        let out = bands.update(p(10));
        assert_eq!(
            out,
            Some(Bands {
                upper: p(10),
                middle: p(10),
                lower: p(10)
            })
        );
    }

    #[test]
    fn windows_at_the_safe_bound_have_bands() {
        for (n, k) in [
            (1, 0),
            (2, 20_000),
            (20, 20_000),
            (20, 1 << 40),
            (3, i64::MAX),
        ] {
            let safe = safe_squares(n as u64, k as u64);
            // n prices of ±p: the sum of squares n·p² is at most `safe`.
            let p = (safe / n as u128).isqrt().min(i64::MAX as u128) as i64;
            for signs in [[1, 1, 1], [1, -1, 1], [-1, -1, 1]] {
                let mut bands = Bollinger::<20>::new(n, Price::from_units(k)).unwrap();
                let mut last = None;
                for i in 0..n {
                    last = bands.update(Price::from_units(p * signs[i % 3]));
                }
                assert!(last.is_some(), "n {n}, k {k}, p {p}, signs {signs:?}");
                assert!(bands.surely_fits());
            }
        }
    }

    #[test]
    fn bad_parameters_are_refused() {
        assert_eq!(
            Bollinger::<20>::new(0, p(20_000)).err(),
            Some(IndicatorError::ZeroPeriod)
        );
        assert_eq!(
            Bollinger::<20>::new(20, p(-1)).err(),
            Some(IndicatorError::NegativeMultiplier)
        );
        assert!(Bollinger::<1>::new(1, p(0)).is_ok());
    }
}
