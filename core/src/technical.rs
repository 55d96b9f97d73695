//! [`TechnicalAnalyzer`]: the standard indicator set for every symbol.
//!
//! Per symbol it keeps SMA(5), SMA(20), EMA(12), EMA(26), RSI(14),
//! MACD(12, 26, 9), Bollinger(20, 2) and the last `HISTORY` prices, all
//! updated in O(1) per tick with no heap, following the conventions of
//! [`indicator`](crate::indicator).
//!
//! A tick only advances the indicators' state (sums and recursions, see
//! [`Indicator::advance`](crate::indicator::Indicator::advance)); each
//! reading's last division, rounding and square root happen when a
//! [`SymbolAnalysis`] getter asks for it. Most ticks are never read, so they
//! never pay for it; a getter costs one indicator's `value()`, and returns
//! exactly what that indicator's `update` would have.
//!
//! State for `SYMBOLS` symbols is reserved up front (about 900 bytes plus
//! `8 * HISTORY` per symbol); ticks of a symbol that finds the table full
//! are counted in [`overflow_ticks`](TechnicalAnalyzer::overflow_ticks) and
//! otherwise ignored.
//!
//! ```
//! use tickring::{Price, Symbol, TechnicalAnalyzer, Tick};
//!
//! let mut analyzer = TechnicalAnalyzer::<4, 8>::new();
//! let aapl = Symbol::new("AAPL")?;
//! for units in 0..40 {
//!     let price = Price::from_units(5_850_000 + units * 100);
//!     analyzer.update(&Tick { symbol: aapl, price, volume: 100, created_ns: 0 });
//! }
//! let analysis = analyzer.get(&aapl).unwrap();
//! assert_eq!(analysis.last(), "585.39".parse()?);
//! assert_eq!(analysis.sma5(), Some("585.37".parse()?));
//! assert_eq!(analysis.rsi14().unwrap().to_string(), "100.0000");
//! assert_eq!(analysis.history().count(), 8);
//! assert!(analysis.macd().is_some());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use heapless::HistoryBuf;

use crate::indicator::{Bands, Bollinger, Ema, Macd, MacdValue, Rsi, RsiValue, Sma};
use crate::symbols::SymbolTable;
use crate::{Price, Symbol, Tick};

/// Builds an indicator from constant parameters at compile time.
macro_rules! build {
    ($ctor:expr) => {
        match $ctor {
            Ok(indicator) => indicator,
            Err(_) => panic!("indicator parameters are constant and valid"),
        }
    };
}

const SMA5: Sma<5> = build!(Sma::new(5));
const EMA12: Ema = build!(Ema::new(12));
const EMA26: Ema = build!(Ema::new(26));
const RSI14: Rsi = build!(Rsi::new(14));
const MACD: Macd = build!(Macd::new(12, 26, 9));
const BOLLINGER: Bollinger<20> = build!(Bollinger::new(20, Price::from_units(2 * Price::SCALE)));

/// One symbol's indicators; each getter computes its reading on demand.
#[derive(Clone, Debug)]
pub struct SymbolAnalysis<const HISTORY: usize> {
    ticks: u64,
    last: Price,
    sma5: Sma<5>,
    ema12: Ema,
    ema26: Ema,
    rsi14: Rsi,
    macd: Macd,
    /// Also SMA(20): its middle band is that SMA, from the same window.
    bollinger: Bollinger<20>,
    history: HistoryBuf<Price, HISTORY>,
}

impl<const HISTORY: usize> SymbolAnalysis<HISTORY> {
    /// A symbol with no tick yet. `HISTORY` must be at least 1 (checked at
    /// compile time).
    pub const fn new() -> Self {
        Self {
            ticks: 0,
            last: Price::ZERO,
            sma5: SMA5,
            ema12: EMA12,
            ema26: EMA26,
            rsi14: RSI14,
            macd: MACD,
            bollinger: BOLLINGER,
            history: HistoryBuf::new(),
        }
    }

    /// Feeds one price to every indicator (advancing their state only; the
    /// getters compute the readings).
    #[inline]
    pub fn update(&mut self, price: Price) {
        self.ticks += 1;
        self.last = price;
        self.sma5.advance(price);
        self.ema12.advance(price);
        self.ema26.advance(price);
        self.rsi14.advance(price);
        self.macd.advance(price);
        self.bollinger.advance(price);
        self.history.write(price);
    }

    /// Ticks analysed for this symbol.
    pub const fn ticks(&self) -> u64 {
        self.ticks
    }

    /// The last price (zero before the first tick).
    pub const fn last(&self) -> Price {
        self.last
    }

    /// SMA(5), from the 5th tick on: one multiplication.
    pub fn sma5(&self) -> Option<Price> {
        self.sma5.value()
    }

    /// SMA(20), from the 20th tick on: one multiplication. (Bollinger's
    /// middle band, which is that SMA over the same window.)
    pub fn sma20(&self) -> Option<Price> {
        self.bollinger.middle()
    }

    /// EMA(12), from the 12th tick on: a rounding shift.
    pub fn ema12(&self) -> Option<Price> {
        self.ema12.value()
    }

    /// EMA(26), from the 26th tick on: a rounding shift.
    pub fn ema26(&self) -> Option<Price> {
        self.ema26.value()
    }

    /// RSI(14), from the 15th tick on: one 128-bit division.
    pub fn rsi14(&self) -> Option<RsiValue> {
        self.rsi14.value()
    }

    /// MACD(12, 26, 9), from the 34th tick on (`None` if it does not fit):
    /// three rounding shifts.
    pub fn macd(&self) -> Option<MacdValue> {
        self.macd.value()
    }

    /// Bollinger(20, 2), from the 20th tick on (`None` if it does not
    /// fit): an integer square root and three multiplications.
    pub fn bollinger(&self) -> Option<Bands> {
        self.bollinger.value()
    }

    /// Updates whose MACD or Bollinger reading did not fit (see
    /// [`indicator`](crate::indicator#overflow)).
    pub const fn overflows(&self) -> u64 {
        self.macd.overflows() + self.bollinger.overflows()
    }

    /// The last `HISTORY` prices (fewer before that many ticks), oldest first.
    pub fn history(&self) -> impl Iterator<Item = Price> + '_ {
        self.history.oldest_ordered().copied()
    }
}

impl<const HISTORY: usize> Default for SymbolAnalysis<HISTORY> {
    fn default() -> Self {
        Self::new()
    }
}

/// The standard indicator set for up to `SYMBOLS` symbols, each with its
/// last `HISTORY` prices (`HISTORY >= 1`).
///
/// [`new`](Self::new) is `const`, so the analyzer can live in a `static`
/// on a board instead of on its stack.
#[derive(Clone, Debug)]
pub struct TechnicalAnalyzer<const SYMBOLS: usize, const HISTORY: usize> {
    symbols: SymbolTable<SymbolAnalysis<HISTORY>, SYMBOLS>,
    ticks: u64,
    overflow_ticks: u64,
}

impl<const SYMBOLS: usize, const HISTORY: usize> TechnicalAnalyzer<SYMBOLS, HISTORY> {
    /// An analyzer with no symbol yet.
    pub const fn new() -> Self {
        Self {
            symbols: SymbolTable::new(),
            ticks: 0,
            overflow_ticks: 0,
        }
    }

    /// Analyses one tick: O(1) in the indicators, plus a scan of at most
    /// `SYMBOLS` tickers to find the symbol.
    #[inline]
    pub fn update(&mut self, tick: &Tick) {
        self.ticks += 1;
        match self
            .symbols
            .get_or_insert_with(tick.symbol, SymbolAnalysis::new)
        {
            Some(analysis) => analysis.update(tick.price),
            None => self.overflow_ticks += 1,
        }
    }

    /// The analysis of `symbol`, if it has a slot.
    pub fn get(&self, symbol: &Symbol) -> Option<&SymbolAnalysis<HISTORY>> {
        self.symbols.get(symbol)
    }

    /// Every analysed symbol, in first-seen order.
    pub fn iter(&self) -> impl Iterator<Item = (Symbol, &SymbolAnalysis<HISTORY>)> {
        self.symbols.iter()
    }

    /// Ticks given to [`update`](Self::update), analysed or not.
    pub const fn ticks(&self) -> u64 {
        self.ticks
    }

    /// Ticks ignored because their symbol found the table full.
    pub const fn overflow_ticks(&self) -> u64 {
        self.overflow_ticks
    }
}

impl<const SYMBOLS: usize, const HISTORY: usize> Default for TechnicalAnalyzer<SYMBOLS, HISTORY> {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tick(symbol: &str, units: i64) -> Tick {
        Tick {
            symbol: Symbol::new(symbol).unwrap(),
            price: Price::from_units(units),
            volume: 1,
            created_ns: 0,
        }
    }

    #[test]
    fn symbols_beyond_capacity_are_counted() {
        let mut analyzer = TechnicalAnalyzer::<2, 4>::new();
        for symbol in ["A", "B", "C", "A", "C"] {
            analyzer.update(&tick(symbol, 100));
        }
        assert_eq!(analyzer.ticks(), 5);
        assert_eq!(analyzer.overflow_ticks(), 2);
        assert_eq!(
            analyzer.get(&Symbol::new("A").unwrap()).map(|a| a.ticks()),
            Some(2)
        );
        assert!(analyzer.get(&Symbol::new("C").unwrap()).is_none());
    }

    #[test]
    fn symbols_do_not_share_state() {
        let mut analyzer = TechnicalAnalyzer::<2, 3>::new();
        for units in 1..=5 {
            analyzer.update(&tick("A", units));
            analyzer.update(&tick("B", 100 * units));
        }
        let a = analyzer.get(&Symbol::new("A").unwrap()).unwrap();
        let b = analyzer.get(&Symbol::new("B").unwrap()).unwrap();
        assert_eq!(a.sma5(), Some(Price::from_units(3)));
        assert_eq!(b.sma5(), Some(Price::from_units(300)));
        let history: heapless::Vec<Price, 3> = a.history().collect();
        assert_eq!(history, [3, 4, 5].map(Price::from_units));
        let order: heapless::Vec<Symbol, 2> = analyzer.iter().map(|(s, _)| s).collect();
        assert_eq!(order[0].as_str(), "A");
    }

    #[test]
    fn warm_up_lengths_match_ta_lib() {
        let mut analysis = SymbolAnalysis::<1>::new();
        let mut first = [None::<u64>; 7];
        for n in 1..=40_i64 {
            analysis.update(Price::from_units(1_000 + (n * 7919) % 113));
            let ready = [
                analysis.sma5().is_some(),
                analysis.sma20().is_some(),
                analysis.ema12().is_some(),
                analysis.ema26().is_some(),
                analysis.rsi14().is_some(),
                analysis.macd().is_some(),
                analysis.bollinger().is_some(),
            ];
            for (slot, ready) in first.iter_mut().zip(ready) {
                if ready && slot.is_none() {
                    *slot = Some(analysis.ticks());
                }
            }
        }
        // The first reading comes one tick after TA-Lib's leading NaNs.
        assert_eq!(first, [5, 20, 12, 26, 15, 34, 20].map(Some));
    }
}
