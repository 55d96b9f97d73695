//! tickring: a market-data pipeline core that fits on a microcontroller.
//!
//! - [`Ring`]: a bounded, lock-free, multi-producer multi-consumer queue that
//!   threads and interrupt handlers share, with no heap and no blocking.
//! - [`Broadcast`]: the same for fan-out, where every subscriber receives
//!   every item; [`LossyBroadcast`] overwrites for live feeds and tells a
//!   lagging subscriber exactly how many items it missed.
//! - [`Price`], [`Tick`] and [`Symbol`]: exact fixed-point market data.
//! - [`indicator`]: SMA, EMA, RSI, MACD, Bollinger bands and VWAP in integer
//!   arithmetic, O(1) per update, matching TA-Lib's conventions.
//! - [`market`]: a seedable random walk that makes plausible ticks.
//! - [`TechnicalAnalyzer`] (the standard indicator set per symbol) and
//!   [`PriceMonitor`] (last prices and alert rules per symbol), with
//!   per-symbol state in a fixed-capacity [`symbols::SymbolTable`].
//!
//! The crate is `#![no_std]` and never allocates. It builds for targets
//! without compare-and-swap (Cortex-M0, RV32IMC) when the firmware enables
//! `portable-atomic`'s `critical-section` feature and links a
//! `critical-section` implementation of its own choosing; tickring never
//! picks one, so it cannot clash with the firmware's.
//!
//! ```
//! use tickring::{Price, Ring, Symbol, Tick};
//!
//! static TICKS: Ring<Tick, 1024> = Ring::new();
//!
//! let tick = Tick {
//!     symbol: Symbol::new("AAPL").unwrap(),
//!     price: "585.74".parse::<Price>().unwrap(),
//!     volume: 100,
//!     created_ns: 0,
//! };
//! TICKS.try_push(tick).unwrap();
//! assert_eq!(TICKS.try_pop(), Some(tick));
//! ```

#![no_std]

pub mod broadcast;
pub mod indicator;
pub mod market;
mod monitor;
mod price;
pub mod ring;
pub mod symbols;
mod sync;
mod technical;
mod tick;

pub use broadcast::{Broadcast, LossyBroadcast};
pub use monitor::{
    Alert, AlertKind, AlertRules, PriceBand, PriceMonitor, SmaDeviation, SymbolAlerts,
};
pub use price::{Price, PriceError};
pub use ring::Ring;
pub use technical::{SymbolAnalysis, TechnicalAnalyzer};
pub use tick::{Symbol, SymbolError, Tick};
