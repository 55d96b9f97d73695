//! Differential test: tickring's indicators against TA-Lib's own output on
//! three real series (`data/reference/`, see its README for provenance).
//!
//! Every non-empty reference cell is compared: SMA, EMA, MACD and Bollinger
//! within one price unit (0.0001) and RSI within 0.01 points, each plus
//! 1e-9 for TA-Lib's float noise; every empty cell (TA-Lib's warm-up NaN)
//! must be a `None`, and every `None` an empty cell.
//!
//! tickring rounds the exact value once, so it also holds a tighter bound:
//! within half an output step (0.00005, or 0.00005 points for RSI) of
//! TA-Lib, plus the noise. That is checked too.

use tickring::indicator::{Bands, MacdValue, RsiValue};
use tickring::{Price, Symbol, TechnicalAnalyzer, Tick};
use tickring_tests::reference::{COLUMNS, FULL_SERIES, load};

/// TA-Lib's float noise on top of each tolerance.
const FLOAT_NOISE: f64 = 1e-9;

fn dollars(price: Price) -> f64 {
    price.units() as f64 / Price::SCALE as f64
}

fn points(rsi: RsiValue) -> f64 {
    f64::from(rsi.ten_thousandths()) / f64::from(RsiValue::SCALE)
}

/// Our value for each column, `None` while warming up.
fn ours(
    sma5: Option<Price>,
    sma20: Option<Price>,
    ema12: Option<Price>,
    ema26: Option<Price>,
    rsi14: Option<RsiValue>,
    macd: Option<MacdValue>,
    bands: Option<Bands>,
) -> [Option<f64>; 11] {
    [
        sma5.map(dollars),
        sma20.map(dollars),
        ema12.map(dollars),
        ema26.map(dollars),
        rsi14.map(points),
        macd.map(|m| dollars(m.line)),
        macd.map(|m| dollars(m.signal)),
        macd.map(|m| dollars(m.histogram)),
        bands.map(|b| dollars(b.upper)),
        bands.map(|b| dollars(b.middle)),
        bands.map(|b| dollars(b.lower)),
    ]
}

/// The tolerance: one price unit, or 0.01 RSI points.
fn tolerance(column: &str) -> f64 {
    let base = if column == "rsi14" { 0.01 } else { 0.0001 };
    base + FLOAT_NOISE
}

/// Half an output step: what rounding the exact value once can cost.
const HALF_STEP: f64 = 0.000_05 + FLOAT_NOISE;

fn check_series(name: &str) {
    let rows = load(name);
    let symbol = Symbol::new("REF").unwrap();
    let mut analyzer = TechnicalAnalyzer::<1, 1>::new();
    let mut worst = [0.0_f64; 11];
    let mut compared = 0_usize;

    for row in &rows {
        analyzer.update(&Tick {
            symbol,
            price: row.price,
            volume: 1,
            created_ns: 0,
        });
        let a = analyzer.get(&symbol).unwrap();
        let mine = ours(
            a.sma5(),
            a.sma20(),
            a.ema12(),
            a.ema26(),
            a.rsi14(),
            a.macd(),
            a.bollinger(),
        );
        for (column, ((theirs, mine), worst)) in COLUMNS
            .iter()
            .zip(row.values.iter().zip(mine).zip(&mut worst))
        {
            match (theirs, mine) {
                (None, None) => {}
                (Some(theirs), Some(mine)) => {
                    let error = (theirs - mine).abs();
                    assert!(
                        error <= tolerance(column),
                        "{name}:{}: {column} is {mine}, TA-Lib says {theirs} (off by {error:e})",
                        row.line
                    );
                    assert!(
                        error <= HALF_STEP,
                        "{name}:{}: {column} is {mine}, TA-Lib says {theirs}: more than \
                         half a step off ({error:e}), so not the exact value rounded once",
                        row.line
                    );
                    *worst = worst.max(error);
                    compared += 1;
                }
                (theirs, mine) => panic!(
                    "{name}:{}: {column} warm-up differs: TA-Lib {theirs:?}, tickring {mine:?}",
                    row.line
                ),
            }
        }
    }

    println!(
        "{name}: {} rows, {compared} cells compared; worst error per column:",
        rows.len()
    );
    for (column, worst) in COLUMNS.iter().zip(worst) {
        println!("  {column:<12} {worst:.3e}");
    }
}

#[test]
fn amzn_trades_match_ta_lib() {
    check_series(FULL_SERIES[0]);
}

#[test]
fn aapl_first_hour_trades_match_ta_lib() {
    check_series(FULL_SERIES[1]);
}

#[test]
fn aapl_daily_closes_match_ta_lib() {
    check_series(FULL_SERIES[2]);
}

#[test]
fn warm_up_lengths_equal_ta_lib_leading_empty_rows() {
    // The README's table: leading empty rows per column.
    let expected = [4, 19, 11, 25, 14, 33, 33, 33, 19, 19, 19];
    for name in FULL_SERIES {
        let rows = load(name);
        for (column, want) in expected.iter().enumerate() {
            let empty = rows
                .iter()
                .take_while(|r| r.values[column].is_none())
                .count();
            assert_eq!(
                empty, *want,
                "{name}: {} leading empty rows",
                COLUMNS[column]
            );
        }
    }
    // check_series asserts that ours are None exactly there.
}

#[test]
fn first_thirty_rows_file_is_a_prefix_of_the_full_aapl_series() {
    let short = load("aapl_2012-06-21_trades_first30_ref.csv");
    let full = load(FULL_SERIES[1]);
    assert_eq!(short.len(), 30);
    for (a, b) in short.iter().zip(&full) {
        assert_eq!((a.price, a.values), (b.price, b.values));
    }
    check_series("aapl_2012-06-21_trades_first30_ref.csv");
}
