//! Plain trade CSV: the header `time,symbol,price,size`, then one trade per
//! line, e.g. `34200.5,AAPL,585.74,100` or `09:30:00.5,AAPL,585.74,100`.
//!
//! Prices are decimals with at most four places; sizes whole shares from 1.

use tickring::{Price, Symbol};

use super::fields::{Rule, bad, split, time_ns, trade_size};
use super::{Problem, Record, Trade};

/// The required header line.
pub(crate) const HEADER: &str = "time,symbol,price,size";

/// The trade of one line.
pub(crate) fn parse_line(line: &str) -> Result<Record, Problem> {
    let [time, symbol, price, size] = split::<4>(line, HEADER)?;

    let time_ns = time_ns("time", time)?;
    let symbol = Symbol::new(symbol).map_err(|error| bad("symbol", symbol, Rule::Symbol(error)))?;
    let price_value: Price = price
        .parse()
        .map_err(|error| bad("price", price, Rule::Price(error)))?;
    if price_value <= Price::ZERO {
        return Err(bad("price", price, Rule::PositivePrice));
    }
    let volume = trade_size("size", size)?;

    Ok(Record::Trade(Trade {
        time_ns,
        symbol,
        price: price_value,
        volume,
    }))
}
