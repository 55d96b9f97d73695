//! LOBSTER message files: `Time,Type,OrderId,Size,Price,Direction`.
//!
//! Time is seconds after midnight; Type 1 to 7 (4 and 5 are executions of a
//! visible or hidden limit order); Size in shares; Price in 1/10,000 of a
//! dollar, the same scale as `tickring::Price`; Direction -1 (sell order) or
//! 1 (buy order). Every field of every line is checked, not only those of
//! trades, so a damaged file is noticed where it is damaged.

use tickring::{Price, Symbol};

use super::fields::{Rule, bad, split, time_ns, trade_size, whole};
use super::{Problem, Record, Trade};

/// The header line some copies carry.
pub(crate) const HEADER: &str = "Time,Type,OrderId,Size,Price,Direction";

/// Whether `line` parses as a message line (used to spot headerless files).
pub(crate) fn looks_like_message(line: &str) -> bool {
    parse_line(line, Symbol::default()).is_ok()
}

/// The record of one message line; executions are trades of `symbol`.
pub(crate) fn parse_line(line: &str, symbol: Symbol) -> Result<Record, Problem> {
    let [time, kind, order_id, size, price, direction] = split::<6>(line, HEADER)?;

    let time_ns = time_ns("Time", time)?;
    let kind_number = whole("Type", kind)?;
    if !(1..=7).contains(&kind_number) {
        return Err(bad("Type", kind, Rule::EventType));
    }
    whole("OrderId", order_id)?;
    let size_number = whole("Size", size)?;
    if u32::try_from(size_number).is_err() {
        return Err(bad("Size", size, Rule::TradeSize));
    }
    let price_units = whole("Price", price)?;
    if !matches!(whole("Direction", direction)?, -1 | 1) {
        return Err(bad("Direction", direction, Rule::Direction));
    }

    if !matches!(kind_number, 4 | 5) {
        return Ok(Record::Skipped);
    }
    let volume = trade_size("Size", size)?;
    if price_units <= 0 {
        return Err(bad("Price", price, Rule::PositivePrice));
    }
    Ok(Record::Trade(Trade {
        time_ns,
        symbol,
        price: Price::from_units(price_units),
        volume,
    }))
}
