//! Regressions reported against other indicator libraries, each pinned by
//! its own test, plus streaming-versus-batch equalities.

use tickring::indicator::{Bollinger, Ema, Macd, Rsi, RsiValue, Sma};
use tickring::{Price, Symbol, TechnicalAnalyzer, Tick};
use tickring_tests::SplitMix64;
use tickring_tests::exact;
use tickring_tests::reference::{FULL_SERIES, load};

fn whole(n: i64) -> Price {
    Price::from_units(n * Price::SCALE)
}

fn p(text: &str) -> Price {
    text.parse().unwrap()
}

/// Guards against seeding the EMA with the first price (0, 0.5, 1.25, …).
#[test]
fn ema3_on_0_to_9_is_1_at_the_third_price_then_2_to_8() {
    let mut ema = Ema::new(3).unwrap();
    let out: Vec<_> = (0..10).map(|n| ema.update(whole(n))).collect();
    let mut expected = vec![None, None];
    expected.extend((1..=8).map(|n| Some(whole(n))));
    assert_eq!(out, expected);
}

/// Guards against an RSI that divides by a zero loss or rounds below 100.
#[test]
fn rsi3_on_1_2_3_4_is_exactly_100() {
    let mut rsi = Rsi::new(3).unwrap();
    let out: Vec<_> = (1..=4).map(|n| rsi.update(whole(n))).collect();
    assert_eq!(out, [None, None, None, Some(RsiValue::HUNDRED)]);
    assert_eq!(out[3].unwrap().to_string(), "100.0000");
}

/// Pins the flat-series rule: both averages 0 gives TA-Lib's 0, never 50
/// or a missing value.
#[test]
fn rsi_of_a_flat_series_is_zero_as_in_ta_lib() {
    let mut rsi = Rsi::new(14).unwrap();
    let out: Vec<_> = (0..40).map(|_| rsi.update(p("585.74"))).collect();
    assert!(out[..14].iter().all(Option::is_none));
    assert!(out[14..].iter().all(|&v| v == Some(RsiValue::ZERO)));
}

/// Guards against floor division (or float) on negative prices.
#[test]
fn sma2_of_minus_37_63_and_10_01_is_minus_13_81() {
    let mut sma = Sma::<2>::new(2).unwrap();
    assert_eq!(sma.update(p("-37.63")), None);
    assert_eq!(sma.update(p("10.01")), Some(p("-13.81")));
}

/// Guards against a drifting running sum: every one of 1,000,000 random
/// ticks, the running SMA equals a from-scratch recompute, bit for bit.
#[test]
fn running_sma_equals_recompute_on_a_million_random_ticks() {
    const TICKS: usize = 1_000_000;
    let mut random = SplitMix64::new(0x5EED_0001);
    let mut prices = Vec::with_capacity(TICKS);
    let mut price = 5_857_400_i64;
    for _ in 0..TICKS {
        // A random walk with rare jumps to anywhere, negatives included.
        price = if random.next_u64().is_multiple_of(1_000) {
            random.in_range(-1_000_000_000_000, 1_000_000_000_000)
        } else {
            price.saturating_add(random.in_range(-500, 500))
        };
        prices.push(price);
    }

    let mut sma20 = Sma::<20>::new(20).unwrap();
    let mut sma7 = Sma::<20>::new(7).unwrap();
    for (t, &units) in prices.iter().enumerate() {
        let got20 = sma20.update(Price::from_units(units));
        let got7 = sma7.update(Price::from_units(units));
        for (got, n) in [(got20, 20), (got7, 7)] {
            let want = (t + 1 >= n).then(|| {
                let sum: i128 = prices[t + 1 - n..=t].iter().map(|&u| i128::from(u)).sum();
                let mean = exact::div_round_half_away(sum, n as i128);
                Price::from_units(i64::try_from(mean).unwrap())
            });
            assert_eq!(got, want, "SMA({n}) at tick {t}");
        }
    }
}

/// Guards against state leaking between symbols or streaming differing
/// from batch: three real series fed tick by tick, interleaved through one
/// analyzer, equal each indicator run alone over each whole series.
#[test]
fn tick_by_tick_equals_whole_series_computation() {
    let series: Vec<Vec<Price>> = FULL_SERIES
        .iter()
        .map(|name| load(name).iter().map(|row| row.price).collect())
        .collect();
    let symbols = ["AMZN", "AAPL", "AAPL.D"].map(|s| Symbol::new(s).unwrap());

    let mut analyzer = TechnicalAnalyzer::<3, 4>::new();
    let longest = series.iter().map(Vec::len).max().unwrap();
    let mut streamed: Vec<Vec<String>> = vec![Vec::new(); 3];
    for t in 0..longest {
        for (index, prices) in series.iter().enumerate() {
            let Some(&price) = prices.get(t) else {
                continue;
            };
            let symbol = symbols[index];
            analyzer.update(&Tick {
                symbol,
                price,
                volume: 1,
                created_ns: 0,
            });
            let a = analyzer.get(&symbol).unwrap();
            streamed[index].push(format!(
                "{:?} {:?} {:?} {:?} {:?} {:?} {:?}",
                a.sma5(),
                a.sma20(),
                a.ema12(),
                a.ema26(),
                a.rsi14(),
                a.macd(),
                a.bollinger()
            ));
        }
    }

    for (index, prices) in series.iter().enumerate() {
        let mut sma5 = Sma::<5>::new(5).unwrap();
        let mut sma20 = Sma::<20>::new(20).unwrap();
        let mut ema12 = Ema::new(12).unwrap();
        let mut ema26 = Ema::new(26).unwrap();
        let mut rsi14 = Rsi::new(14).unwrap();
        let mut macd = Macd::new(12, 26, 9).unwrap();
        let mut bands = Bollinger::<20>::new(20, whole(2)).unwrap();
        let batch: Vec<String> = prices
            .iter()
            .map(|&price| {
                format!(
                    "{:?} {:?} {:?} {:?} {:?} {:?} {:?}",
                    sma5.update(price),
                    sma20.update(price),
                    ema12.update(price),
                    ema26.update(price),
                    rsi14.update(price),
                    macd.update(price),
                    bands.update(price)
                )
            })
            .collect();
        assert_eq!(streamed[index], batch, "{}", symbols[index]);
    }
}

/// Guards against Bollinger bands that are not the exact value rounded
/// once: every band of every real series equals the big-integer reference.
#[test]
fn bollinger_bands_equal_the_exact_reference_on_real_series() {
    for name in FULL_SERIES {
        let units: Vec<i64> = load(name).iter().map(|row| row.price.units()).collect();
        let want = exact::bollinger(&units, 20, 20_000);
        let mut bands = Bollinger::<20>::new(20, whole(2)).unwrap();
        for (t, (&u, want)) in units.iter().zip(&want).enumerate() {
            let got = bands
                .update(Price::from_units(u))
                .map(|b| [b.upper, b.middle, b.lower].map(|x| i128::from(x.units())));
            let want = want
                .as_ref()
                .map(|w| w.clone().map(|x| i128::try_from(x).unwrap()));
            assert_eq!(got, want, "{name}: row {t}");
        }
    }
}
