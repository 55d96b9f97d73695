//! The TA-Lib reference series in `data/reference/` (see its README).

use std::path::PathBuf;

use tickring::Price;

/// The three full series: file name and what it holds.
pub const FULL_SERIES: [&str; 3] = [
    "amzn_2012-06-21_trades_ref.csv",
    "aapl_2012-06-21_0930-1030_trades_ref.csv",
    "aapl_daily_close_2004-2018_ref.csv",
];

/// The reference columns, in file order after `index,price`.
pub const COLUMNS: [&str; 11] = [
    "sma5",
    "sma20",
    "ema12",
    "ema26",
    "rsi14",
    "macd",
    "macd_signal",
    "macd_hist",
    "bb_upper",
    "bb_middle",
    "bb_lower",
];

/// One row: the input price and TA-Lib's outputs (`None` where it wrote NaN).
#[derive(Clone, Debug)]
pub struct Row {
    /// The 1-based line in the file, for messages.
    pub line: usize,
    /// The input price, exact.
    pub price: Price,
    /// The outputs in [`COLUMNS`] order.
    pub values: [Option<f64>; 11],
}

/// Reads `data/reference/<name>`; panics with file:line on a bad cell.
pub fn load(name: &str) -> Vec<Row> {
    let path: PathBuf = [env!("CARGO_MANIFEST_DIR"), "data", "reference", name]
        .iter()
        .collect();
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()));
    let mut lines = text.lines().enumerate();
    let (_, header) = lines.next().expect("a header line");
    assert_eq!(
        header,
        format!("index,price,{}", COLUMNS.join(",")),
        "{}: unexpected header",
        path.display()
    );

    lines
        .map(|(number, line)| {
            let line_number = number + 1;
            let cells: Vec<&str> = line.split(',').collect();
            assert_eq!(
                cells.len(),
                13,
                "{}:{line_number}: 13 cells",
                path.display()
            );
            // Every input price is exact at 4 decimals (the README says so and
            // the strict parse checks it), so no float noise needs rounding.
            let price = cells[1].parse::<Price>().unwrap_or_else(|error| {
                panic!(
                    "{}:{line_number}: price {:?}: {error}",
                    path.display(),
                    cells[1]
                )
            });
            let mut values = [None; 11];
            for (value, cell) in values.iter_mut().zip(&cells[2..]) {
                if !cell.is_empty() {
                    *value = Some(cell.parse::<f64>().unwrap_or_else(|error| {
                        panic!("{}:{line_number}: {cell:?}: {error}", path.display())
                    }));
                }
            }
            Row {
                line: line_number,
                price,
                values,
            }
        })
        .collect()
}
