//! [`Divisor`]: exact division by a number fixed at construction, done as
//! one multiplication (the method and its proof are on the type).

/// Dividends below this take the multiplication; larger ones are divided.
const FAST_LIMIT: u64 = 1 << 63;

/// A positive divisor with its precomputed reciprocal: division by it is a
/// multiplication, with exactly the quotient of integer division.
///
/// Every indicator divides by its period (or `period + 1`) on every update,
/// and a hardware division costs tens of cycles on a desktop core and is a
/// library call on a Cortex-M. The period is known when the indicator is
/// built, so the reciprocal is computed then, once, and each later division
/// is a multiplication, a take-the-high-half and a shift. The quotient is
/// **exactly** the one plain integer division gives, for every dividend: a
/// fast path covers dividends below 2^63 (proved below), and anything
/// larger takes the plain division.
///
/// # The method, and why it is exact
///
/// This is the "round-up" method of Granlund and Montgomery (*Division by
/// invariant integers using multiplication*, 1994), also behind libdivide.
/// For a divisor `d ≥ 1` let
///
/// - `l = ⌈log₂ d⌉`, so `2^(l-1) < d ≤ 2^l` (and `l = 0` for `d = 1`);
/// - `k = 63 + l`;
/// - `m = ⌈2^k / d⌉`, and `e = m·d − 2^k`, the rounding excess: `0 ≤ e < d`.
///
/// **Claim**: for every `x` with `0 ≤ x < 2^63`, `⌊x·m / 2^k⌋ = ⌊x / d⌋`.
///
/// *Proof.* Write `x = q·d + r` with `0 ≤ r ≤ d − 1`. Then
/// `x·m / 2^k = x·(2^k + e) / (d·2^k) = q + (r + x·e / 2^k) / d`.
/// Since `x < 2^63` and `e < d ≤ 2^l`, `x·e < 2^(63+l) = 2^k`, so
/// `0 ≤ x·e / 2^k < 1` and `r ≤ r + x·e / 2^k < r + 1 ≤ d`. The fraction
/// added to `q` is therefore in `[0, 1)`, and the floor is `q`. ∎
///
/// **The multiplier fits in 64 bits**: for `d = 1`, `m = 2^63`. For `d ≥ 2`,
/// `d ≥ 2^(l-1) + 1`, so `2^k / d ≤ 2^64 / (1 + 2^(1-l))`, which for
/// `l ≤ 63` is more than 3 below 2^64; its ceiling is below 2^64.
///
/// **Evaluating it on 64-bit words**: `x·m / 2^k = (2x)·m / 2^(64+l)`, and
/// `2x < 2^64` fits a word, so the quotient is the high word of the 128-bit
/// product `(2x)·m`, shifted right by `l`. One widening multiply (a single
/// `mul` on x86-64, `umulh` on AArch64, four `umull`/`umlal` on a Cortex-M4)
/// and two shifts.
///
/// # Rounding
///
/// [`div_round`](Divisor::div_round) rounds to the nearest integer, ties
/// away from zero, the rule every indicator uses. For `|n| = q·d + r`, the
/// tie-away quotient is `q + 1` exactly when `2r ≥ d`, that is when
/// `r ≥ ⌈d/2⌉`, that is when `r + ⌊d/2⌋ ≥ d`; so it is
/// `⌊(|n| + ⌊d/2⌋) / d⌋`, one floor division, with the sign of `n` put back.
///
/// ```
/// use tickring::indicator::Divisor;
///
/// let five = Divisor::new(5).unwrap();
/// assert_eq!(five.div_floor(1_234_567), 1_234_567 / 5);
/// assert_eq!(five.div_floor(u64::MAX), u64::MAX / 5, "past 2^63: plain division");
/// assert_eq!(five.div_round(12), 2);
/// assert_eq!(five.div_round(-13), -3, "-2.6 rounds to -3");
/// assert_eq!(Divisor::new(4).unwrap().div_round(-10), -3, "-2.5: ties away from zero");
/// assert!(Divisor::new(0).is_none());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Divisor {
    /// `d`, in `1..=2^63`.
    divisor: u64,
    /// `m = ⌈2^(63 + l) / d⌉`, below 2^64.
    multiplier: u64,
    /// `l = ⌈log₂ d⌉`, in `0..=63`.
    shift: u32,
}

impl Divisor {
    /// The largest divisor accepted: 2^63.
    pub const MAX: u64 = 1 << 63;

    /// The reciprocal of `divisor`, or `None` when it is 0 or above
    /// [`MAX`](Self::MAX).
    pub const fn new(divisor: u64) -> Option<Self> {
        if divisor == 0 || divisor > Self::MAX {
            None
        } else {
            Some(Self::computed(divisor))
        }
    }

    /// The reciprocal of an indicator's period (or period + 1), which
    /// `check_period` keeps in `1..=2^24 + 1`, far inside the accepted range.
    pub(crate) const fn of_period(period: u64) -> Self {
        debug_assert!(period >= 1 && period <= Self::MAX);
        Self::computed(period)
    }

    /// The reciprocal of `divisor`, in `1..=MAX`.
    const fn computed(divisor: u64) -> Self {
        // ⌈log₂ d⌉: the bit length of d - 1 (0 for d = 1).
        let shift = u64::BITS - (divisor - 1).leading_zeros();
        // 63 + shift <= 126, so the power fits; the quotient is below 2^64
        // (the type's docs), so the cast keeps every bit.
        let multiplier = (1_u128 << (63 + shift)).div_ceil(divisor as u128) as u64;
        Self {
            divisor,
            multiplier,
            shift,
        }
    }

    /// The divisor, `d`.
    pub const fn get(self) -> u64 {
        self.divisor
    }

    /// `⌊x / d⌋`, exactly, for every `x`.
    #[inline]
    pub const fn div_floor(self, x: u64) -> u64 {
        if x < FAST_LIMIT {
            self.reciprocal(x)
        } else {
            x / self.divisor
        }
    }

    /// `n / d` rounded to the nearest integer, ties away from zero, exactly,
    /// for every `n`. Takes the multiplication when `|n| + ⌊d/2⌋ < 2^63`.
    #[inline]
    pub const fn div_round(self, n: i128) -> i128 {
        // ⌊d/2⌋, the offset that turns a floor into a tie-away rounding.
        let half = self.divisor >> 1;
        let magnitude = n.unsigned_abs();
        let rounded = if magnitude < (FAST_LIMIT - half) as u128 {
            // Below 2^63 - ⌊d/2⌋, so the sum is below 2^63.
            self.reciprocal(magnitude as u64 + half) as u128
        } else {
            // magnitude <= 2^127 and half < 2^63: the sum fits in 128 bits.
            (magnitude + half as u128) / self.divisor as u128
        };
        // rounded <= 2^127; only n = i128::MIN with d = 1 reaches it, and
        // wrapping negation maps it back to i128::MIN, the exact answer.
        let rounded = rounded as i128;
        if n < 0 {
            rounded.wrapping_neg()
        } else {
            rounded
        }
    }

    /// [`div_round`](Self::div_round) for an `i64`, on 64-bit words: the
    /// same quotient, with fewer instructions than the 128-bit version.
    ///
    /// ```
    /// use tickring::indicator::Divisor;
    ///
    /// let thirteen = Divisor::new(13).unwrap();
    /// assert_eq!(thirteen.div_round_i64(-19), -1);
    /// assert_eq!(thirteen.div_round_i64(-20), -2, "-1.54 rounds to -2");
    /// let wide = thirteen.div_round(i128::from(i64::MIN));
    /// assert_eq!(i128::from(thirteen.div_round_i64(i64::MIN)), wide);
    /// ```
    #[inline]
    pub const fn div_round_i64(self, n: i64) -> i64 {
        let half = self.divisor >> 1;
        let magnitude = n.unsigned_abs();
        let rounded = if magnitude < FAST_LIMIT - half {
            // Below 2^63 - ⌊d/2⌋, so the sum is below 2^63.
            self.reciprocal(magnitude + half)
        } else {
            // Both below 2^64: the sum fits in 128 bits, the quotient in 64.
            ((magnitude as u128 + half as u128) / self.divisor as u128) as u64
        };
        // rounded <= 2^63; only n = i64::MIN with d = 1 reaches it, and
        // wrapping negation maps it back to i64::MIN, the exact answer.
        let rounded = rounded as i64;
        if n < 0 {
            rounded.wrapping_neg()
        } else {
            rounded
        }
    }

    /// [`div_round_i64`](Self::div_round_i64) for `|n| < 2^62`, where the
    /// rounding offset (below 2^62 too) cannot leave the fast path.
    #[inline]
    pub(crate) const fn div_round_small(self, n: i64) -> i64 {
        debug_assert!(n.unsigned_abs() < 1 << 62);
        let rounded = self.reciprocal(n.unsigned_abs() + (self.divisor >> 1)) as i64;
        if n < 0 { -rounded } else { rounded }
    }

    /// `⌊x / d⌋` by multiplication; `x < 2^63` (the type's docs).
    #[inline]
    const fn reciprocal(self, x: u64) -> u64 {
        debug_assert!(x < FAST_LIMIT, "the reciprocal is exact below 2^63 only");
        let product = ((x << 1) as u128) * (self.multiplier as u128);
        ((product >> 64) as u64) >> self.shift
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Dividends where a wrong reciprocal shows first: around multiples of
    /// `d` and at the edges of the fast path.
    fn edges(d: u64) -> impl Iterator<Item = u64> {
        let near_multiples = [
            1_u64,
            2,
            3,
            1_000,
            1 << 20,
            (1 << 62) / d,
            (FAST_LIMIT - 1) / d,
        ]
        .into_iter()
        .flat_map(move |q| {
            let base = q.saturating_mul(d);
            [base.saturating_sub(1), base, base.saturating_add(1)]
        });
        let limits = [0, 1, FAST_LIMIT - 2, FAST_LIMIT - 1, FAST_LIMIT, u64::MAX];
        near_multiples.chain(limits)
    }

    #[test]
    fn floor_equals_integer_division_at_the_edges() {
        let divisors = (1..=300_u64)
            .chain((1..63).flat_map(|b| [(1 << b) - 1, 1 << b, (1 << b) + 1]))
            .chain([
                13,
                27,
                400_000,
                335_544_320_000,
                Divisor::MAX - 1,
                Divisor::MAX,
            ]);
        for d in divisors {
            let divisor = Divisor::new(d).unwrap();
            for x in edges(d) {
                assert_eq!(divisor.div_floor(x), x / d, "{x} / {d}");
            }
        }
    }

    #[test]
    fn rounding_ties_go_away_from_zero() {
        let four = Divisor::new(4).unwrap();
        assert_eq!(
            [10, 9, 6, -6, -9, -10].map(|n| four.div_round(n)),
            [3, 2, 2, -2, -2, -3]
        );
        let five = Divisor::new(5).unwrap();
        assert_eq!(
            [12, 13, -12, -13].map(|n| five.div_round(n)),
            [2, 3, -2, -3]
        );
        let one = Divisor::new(1).unwrap();
        assert_eq!(one.div_round(i128::MIN), i128::MIN);
        assert_eq!(one.div_round(i128::MAX), i128::MAX);
        let big = Divisor::new(Divisor::MAX).unwrap();
        assert_eq!(big.div_round(1 << 62), 1, "a tie at the largest divisor");
        assert_eq!(big.div_round(-(1 << 62) + 1), 0);
    }

    #[test]
    fn narrow_rounding_equals_the_wide_one() {
        let below = (1_i64 << 62) - 1;
        for d in [1_u64, 2, 3, 13, 27, 400_000, 1 << 40, Divisor::MAX] {
            let divisor = Divisor::new(d).unwrap();
            for n in [
                0,
                1,
                -1,
                below,
                -below,
                below - 1,
                -below + 1,
                12_345,
                -12_345,
            ] {
                let wide = divisor.div_round(i128::from(n));
                assert_eq!(i128::from(divisor.div_round_small(n)), wide, "{n} / {d}");
                assert_eq!(i128::from(divisor.div_round_i64(n)), wide, "{n} / {d}");
            }
            for n in [i64::MIN, i64::MIN + 1, i64::MAX] {
                let wide = divisor.div_round(i128::from(n));
                assert_eq!(i128::from(divisor.div_round_i64(n)), wide, "{n} / {d}");
            }
        }
    }

    #[test]
    fn zero_and_oversized_divisors_are_refused() {
        assert_eq!(Divisor::new(0), None);
        assert_eq!(Divisor::new(Divisor::MAX + 1), None);
        assert_eq!(Divisor::new(u64::MAX), None);
    }
}
