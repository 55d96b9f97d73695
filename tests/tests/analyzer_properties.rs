//! Property tests: every indicator against an exact big-integer or rational
//! reference (`tickring_tests::exact`) over random series, realistic and
//! extreme, including prices near `i64::MIN`/`MAX` and volumes up to
//! `u32::MAX`.
//!
//! SMA, Bollinger and VWAP must equal the exact value rounded once, bit for
//! bit. EMA, RSI and MACD carry a fine-grid state, so they must equal the
//! exact value rounded once unless that value lies within 1e-6 of an output
//! step of a rounding tie, where either neighbour is accepted.

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{Signed, ToPrimitive};
use proptest::prelude::*;
use tickring::Price;
use tickring::indicator::{Bollinger, Ema, Indicator, Macd, Rsi, Sma, Vwap};
use tickring_tests::exact;

/// Series of price units: calm walks, wide ranges, and any `i64` at all.
fn prices() -> impl Strategy<Value = Vec<i64>> {
    let walk = (
        1_i64..10_000_000,
        prop::collection::vec(-500_i64..=500, 0..80),
    )
        .prop_map(|(start, steps)| {
            steps
                .iter()
                .scan(start, |price, step| {
                    *price += step;
                    Some(*price)
                })
                .collect()
        });
    prop_oneof![
        walk,
        prop::collection::vec(-1_000_000_000_i64..1_000_000_000, 0..80),
        prop::collection::vec(any::<i64>(), 0..40),
        prop::collection::vec(prop_oneof![Just(i64::MIN), Just(i64::MAX), Just(0)], 0..40),
    ]
}

fn epsilon() -> BigRational {
    BigRational::new(1.into(), 1_000_000.into())
}

/// `got` (output steps) is the exact `want` rounded once, up to ties.
fn assert_rounded(got: i128, want: &BigRational, what: &str) -> Result<(), TestCaseError> {
    let rounded = exact::round_half_away(want);
    if exact::near_tie(want, &epsilon()) {
        let error = (BigRational::from_integer(got.into()) - want).abs();
        let bound = BigRational::new(1.into(), 2.into()) + epsilon();
        prop_assert!(error <= bound, "{what}: {got} vs exact {want} (near a tie)");
    } else {
        prop_assert_eq!(BigInt::from(got), rounded, "{}: exact {}", what, want);
    }
    Ok(())
}

fn units(price: Price) -> i128 {
    i128::from(price.units())
}

/// Whether the exact value, rounded, fits in a `Price` with a unit to spare.
fn fits(x: &BigRational) -> bool {
    exact::round_half_away(x)
        .to_i64()
        .is_some_and(|v| v > i64::MIN && v < i64::MAX)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn sma_is_the_exact_mean_rounded_once(series in prices(), n in 1_usize..=16) {
        let mut sma = Sma::<16>::new(n).unwrap();
        for (t, (&p, want)) in series.iter().zip(exact::sma(&series, n)).enumerate() {
            let got = sma.update(Price::from_units(p));
            prop_assert_eq!(got.is_some(), want.is_some(), "warm-up at {}", t);
            if let (Some(got), Some(want)) = (got, want) {
                prop_assert_eq!(BigInt::from(got.units()), exact::round_half_away(&want));
            }
        }
    }

    #[test]
    fn ema_is_the_exact_recursion_rounded_once(series in prices(), n in 1_usize..=30) {
        let mut ema = Ema::new(n).unwrap();
        for (t, (&p, want)) in series.iter().zip(exact::ema(&series, n)).enumerate() {
            let got = ema.update(Price::from_units(p));
            prop_assert_eq!(got.is_some(), want.is_some(), "warm-up at {}", t);
            if let (Some(got), Some(want)) = (got, want) {
                assert_rounded(units(got), &want, &format!("EMA({n}) at {t}"))?;
            }
        }
    }

    #[test]
    fn rsi_is_the_exact_wilder_ratio_rounded_once(series in prices(), n in 1_usize..=20) {
        let mut rsi = Rsi::new(n).unwrap();
        let steps = BigRational::from_integer(10_000.into());
        for (t, (&p, want)) in series.iter().zip(exact::rsi(&series, n)).enumerate() {
            let got = rsi.update(Price::from_units(p));
            prop_assert_eq!(got.is_some(), want.is_some(), "warm-up at {}", t);
            if let (Some(got), Some(want)) = (got, want) {
                let got = i128::from(got.ten_thousandths());
                assert_rounded(got, &(want * steps.clone()), &format!("RSI({n}) at {t}"))?;
            }
        }
    }

    #[test]
    fn macd_is_ta_lib_s_recursion_rounded_once(
        series in prices(),
        (fast, slow) in (1_usize..=12).prop_flat_map(|fast| (Just(fast), fast..=26)),
        signal in 1_usize..=9,
    ) {
        let mut macd = Macd::new(fast, slow, signal).unwrap();
        let reference = exact::macd(&series, fast, slow, signal);
        for (t, (&p, want)) in series.iter().zip(reference).enumerate() {
            let got = macd.update(Price::from_units(p));
            match (got, want) {
                (None, None) => {}
                (Some(got), Some(want)) => {
                    let what = format!("MACD({fast},{slow},{signal}) at {t}");
                    assert_rounded(units(got.line), &want[0], &what)?;
                    assert_rounded(units(got.signal), &want[1], &what)?;
                    assert_rounded(units(got.histogram), &want[2], &what)?;
                }
                (None, Some(want)) => prop_assert!(
                    !want.iter().all(fits),
                    "MACD withheld at {} though {:?} fits", t, want
                ),
                (Some(_), None) => prop_assert!(false, "MACD value during warm-up at {}", t),
            }
        }
    }

    #[test]
    fn bollinger_is_exact_or_counted_as_overflow(
        series in prices(),
        n in 1_usize..=20,
        k in 0_i64..=30_000,
    ) {
        let mut bands = Bollinger::<20>::new(n, Price::from_units(k)).unwrap();
        // Within ±$1e9 the documented exact domain holds (k ≤ 3, n ≤ 20).
        let in_domain = series.iter().all(|p| p.unsigned_abs() <= 10_000_000_000_000);
        let mut withheld = 0;
        for (t, (&p, want)) in series.iter().zip(exact::bollinger(&series, n, k)).enumerate() {
            let got = bands.update(Price::from_units(p));
            let Some(want) = want else {
                prop_assert!(got.is_none(), "Bollinger value during warm-up at {}", t);
                continue;
            };
            match got {
                Some(b) => prop_assert_eq!(
                    [b.upper, b.middle, b.lower].map(|x| BigInt::from(x.units())),
                    want,
                    "at {}", t
                ),
                None => {
                    prop_assert!(!in_domain, "bands withheld at {} within the domain", t);
                    withheld += 1;
                }
            }
        }
        prop_assert_eq!(bands.overflows(), withheld);
    }

    #[test]
    fn vwap_is_the_exact_weighted_mean_rounded_once(
        ticks in prop::collection::vec(
            (any::<i64>(), prop_oneof![Just(0_u32), Just(u32::MAX), any::<u32>()]),
            0..60,
        ),
        n in 1_usize..=16,
    ) {
        let mut vwap = Vwap::<16>::new(n).unwrap();
        for (t, (&(p, v), want)) in ticks.iter().zip(exact::vwap(&ticks, n)).enumerate() {
            let got = vwap.update(Price::from_units(p), v);
            prop_assert_eq!(got.is_some(), want.is_some(), "at {}", t);
            if let (Some(got), Some(want)) = (got, want) {
                prop_assert_eq!(BigInt::from(got.units()), exact::round_half_away(&want));
            }
        }
    }

    #[test]
    fn reset_behaves_as_new(first in prices(), second in prices()) {
        fn replay<I: Indicator<Input = Price>>(
            mut used: I,
            mut fresh: I,
            first: &[i64],
            second: &[i64],
        )
        where
            I::Output: PartialEq + core::fmt::Debug,
        {
            for &p in first {
                used.update(Price::from_units(p));
            }
            used.reset();
            for &p in second {
                let p = Price::from_units(p);
                assert_eq!(used.update(p), fresh.update(p));
            }
        }
        replay(Sma::<8>::new(8).unwrap(), Sma::<8>::new(8).unwrap(), &first, &second);
        replay(Ema::new(5).unwrap(), Ema::new(5).unwrap(), &first, &second);
        replay(Rsi::new(4).unwrap(), Rsi::new(4).unwrap(), &first, &second);
        replay(Macd::new(3, 6, 2).unwrap(), Macd::new(3, 6, 2).unwrap(), &first, &second);
        let two = Price::from_units(20_000);
        replay(Bollinger::<6>::new(6, two).unwrap(), Bollinger::<6>::new(6, two).unwrap(),
            &first, &second);
    }
}
