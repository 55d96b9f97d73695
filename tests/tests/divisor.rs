//! `tickring::indicator::Divisor` against plain integer division: the
//! reciprocal must give exactly the same quotient for every divisor and
//! every dividend, including those that take the fallback path.

use proptest::prelude::*;
use tickring::indicator::Divisor;

/// Divisors of every size, weighted towards the small periods indicators use
/// and the powers of two where the shift changes.
fn divisors() -> impl Strategy<Value = u64> {
    prop_oneof![
        1_u64..=64,
        1_u64..=400_000_000,
        (0_u32..=63).prop_map(|bit| 1_u64 << bit),
        (1_u32..=62, prop_oneof![Just(-1_i64), Just(1)])
            .prop_map(|(bit, side)| (1_u64 << bit).wrapping_add_signed(side)),
        Just(Divisor::MAX - 1),
        1_u64..=Divisor::MAX,
    ]
}

/// Dividends anywhere in `u64`, and next to multiples of `d` where an
/// inexact reciprocal goes wrong first.
fn dividends(d: u64) -> impl Strategy<Value = u64> {
    prop_oneof![
        any::<u64>(),
        0_u64..(1 << 63),
        ((1_u64 << 62)..=u64::MAX),
        (0..=u64::MAX / d, -1_i64..=1)
            .prop_map(move |(q, side)| { (q * d).saturating_add_signed(side) }),
        (0_u64..4).prop_map(|below| (1_u64 << 63) - 1 - below),
    ]
}

/// `n / d` rounded half away from zero, by plain 128-bit division.
fn plain_round(n: i128, d: u64) -> i128 {
    let d = i128::from(d);
    let (quotient, rem) = (n / d, n % d);
    if 2 * rem.unsigned_abs() >= d.unsigned_abs() {
        quotient + n.signum()
    } else {
        quotient
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(20_000))]

    #[test]
    fn floor_division_equals_integer_division(
        (d, x) in divisors().prop_flat_map(|d| (Just(d), dividends(d)))
    ) {
        let divisor = Divisor::new(d).unwrap();
        prop_assert_eq!(divisor.get(), d);
        prop_assert_eq!(divisor.div_floor(x), x / d, "{} / {}", x, d);
    }

    #[test]
    fn rounded_division_equals_integer_division(
        (d, x, wide) in divisors().prop_flat_map(|d| (Just(d), dividends(d), any::<i128>()))
    ) {
        let divisor = Divisor::new(d).unwrap();
        for n in [i128::from(x), -i128::from(x), wide] {
            prop_assert_eq!(divisor.div_round(n), plain_round(n, d), "{} / {}", n, d);
        }
        for n in [x as i64, (x as i64).wrapping_neg(), wide as i64] {
            let want = plain_round(i128::from(n), d);
            prop_assert_eq!(i128::from(divisor.div_round_i64(n)), want, "{} / {}", n, d);
        }
    }
}

#[test]
fn ties_at_the_fast_path_edge_round_away_from_zero() {
    for d in [2_u64, 3, 20, 27, 400_000] {
        let divisor = Divisor::new(d).unwrap();
        let half = d / 2;
        // The largest magnitude on the multiplication path, and its neighbours.
        for magnitude in [
            (1_i128 << 63) - i128::from(half) - 2,
            (1 << 63) - i128::from(half) - 1,
        ]
        .into_iter()
        .chain([1 << 63, (1 << 63) + 1])
        {
            for n in [magnitude, -magnitude] {
                assert_eq!(divisor.div_round(n), plain_round(n, d), "{n} / {d}");
            }
        }
    }
    assert_eq!(Divisor::new(1).unwrap().div_round(i128::MIN), i128::MIN);
}
