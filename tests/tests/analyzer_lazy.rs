//! The lazy path against the eager one, bit for bit: an indicator fed with
//! `advance` and read with `value` must give exactly what `update` returns,
//! with the same overflow count, and `TechnicalAnalyzer` (which only
//! advances, and computes readings in its getters) must read exactly what
//! standalone indicators fed with `update` return. Series include prices at
//! the `i64` limits and huge Bollinger multipliers, where overflow counting
//! takes its slow path.

use proptest::prelude::*;
use tickring::indicator::{Bollinger, Ema, Indicator, Macd, Rsi, Sma, Vwap};
use tickring::{Price, Symbol, TechnicalAnalyzer, Tick};

/// Series of price units: calm walks, wide ranges, any `i64`, the limits.
fn prices() -> impl Strategy<Value = Vec<i64>> {
    let walk = (
        1_i64..10_000_000,
        prop::collection::vec(-500_i64..=500, 0..120),
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
        prop::collection::vec(-1_000_000_000_i64..1_000_000_000, 0..120),
        prop::collection::vec(-(1_i64 << 45)..(1 << 45), 0..120),
        prop::collection::vec(any::<i64>(), 0..60),
        prop::collection::vec(prop_oneof![Just(i64::MIN), Just(i64::MAX), Just(0)], 0..60),
    ]
}

/// Bollinger multipliers in ten-thousandths: usual ones and huge ones.
fn multipliers() -> impl Strategy<Value = i64> {
    prop_oneof![0_i64..=40_000, 0_i64..=i64::MAX, Just(i64::MAX)]
}

/// Feeds `series` to `eager` with `update` and to `lazy` with `advance`,
/// comparing the output with `value()` after every input.
fn assert_lazy_equals_eager<I>(
    mut eager: I,
    mut lazy: I,
    series: &[I::Input],
    overflows: impl Fn(&I) -> u64,
) -> Result<(), TestCaseError>
where
    I: Indicator,
    I::Input: Copy + core::fmt::Debug,
    I::Output: PartialEq + core::fmt::Debug,
{
    for (t, &input) in series.iter().enumerate() {
        let want = eager.update(input);
        lazy.advance(input);
        prop_assert_eq!(lazy.value(), want, "at {} ({:?})", t, input);
        prop_assert_eq!(lazy.value(), eager.value(), "value() after update at {}", t);
        prop_assert_eq!(overflows(&lazy), overflows(&eager), "overflows at {}", t);
    }
    Ok(())
}

/// The overflow count of an indicator that has none.
fn none<I>(_: &I) -> u64 {
    0
}

fn as_prices(units: &[i64]) -> Vec<Price> {
    units.iter().map(|&u| Price::from_units(u)).collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn every_indicator_reads_the_same_lazily(
        units in prices(),
        n in 1_usize..=20,
        (fast, slow) in (1_usize..=12).prop_flat_map(|fast| (Just(fast), fast..=26)),
        signal in 1_usize..=9,
        k in multipliers(),
        volumes in prop::collection::vec(any::<u32>(), 120),
    ) {
        let series = as_prices(&units);
        let sma = || Sma::<20>::new(n).unwrap();
        assert_lazy_equals_eager(sma(), sma(), &series, none)?;
        let ema = || Ema::new(n).unwrap();
        assert_lazy_equals_eager(ema(), ema(), &series, none)?;
        let rsi = || Rsi::new(n).unwrap();
        assert_lazy_equals_eager(rsi(), rsi(), &series, none)?;
        let macd = || Macd::new(fast, slow, signal).unwrap();
        assert_lazy_equals_eager(macd(), macd(), &series, Macd::overflows)?;
        let bands = || Bollinger::<20>::new(n, Price::from_units(k)).unwrap();
        assert_lazy_equals_eager(bands(), bands(), &series, Bollinger::overflows)?;
        let ticks: Vec<(Price, u32)> = series.iter().copied().zip(volumes).collect();
        let vwap = || Vwap::<20>::new(n).unwrap();
        assert_lazy_equals_eager(vwap(), vwap(), &ticks, none)?;
    }

    #[test]
    fn analyzer_getters_equal_standalone_updates(units in prices()) {
        let symbol = Symbol::new("LAZY").unwrap();
        let mut analyzer = TechnicalAnalyzer::<1, 4>::new();
        let mut sma5 = Sma::<5>::new(5).unwrap();
        let mut sma20 = Sma::<20>::new(20).unwrap();
        let mut ema12 = Ema::new(12).unwrap();
        let mut ema26 = Ema::new(26).unwrap();
        let mut rsi14 = Rsi::new(14).unwrap();
        let mut macd = Macd::new(12, 26, 9).unwrap();
        let mut bands = Bollinger::<20>::new(20, Price::from_units(20_000)).unwrap();
        for (t, price) in as_prices(&units).into_iter().enumerate() {
            analyzer.update(&Tick { symbol, price, volume: 1, created_ns: 0 });
            let a = analyzer.get(&symbol).unwrap();
            prop_assert_eq!(a.sma5(), sma5.update(price), "SMA(5) at {}", t);
            prop_assert_eq!(a.sma20(), sma20.update(price), "SMA(20) at {}", t);
            prop_assert_eq!(a.ema12(), ema12.update(price), "EMA(12) at {}", t);
            prop_assert_eq!(a.ema26(), ema26.update(price), "EMA(26) at {}", t);
            prop_assert_eq!(a.rsi14(), rsi14.update(price), "RSI(14) at {}", t);
            prop_assert_eq!(a.macd(), macd.update(price), "MACD at {}", t);
            prop_assert_eq!(a.bollinger(), bands.update(price), "Bollinger at {}", t);
            prop_assert_eq!(a.overflows(), macd.overflows() + bands.overflows(), "at {}", t);
        }
    }
}
