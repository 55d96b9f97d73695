//! [`PriceMonitor`]: per-symbol last price and threshold alerts.
//!
//! Each tick is checked against the [`AlertRules`] that are set, in this
//! order, and each rule that fires raises one [`Alert`]:
//!
//! 1. **move**: the price moved from the symbol's previous tick by at least
//!    `move_bps` basis points of the previous price;
//! 2. **SMA deviation**: the price is at least `bps` basis points away from
//!    the SMA of the symbol's previous `period` prices (the tick is compared
//!    with the average it arrives into, then joins it);
//! 3. **band**: the price is above `high` or below `low`.
//!
//! Basis-point tests are exact integer comparisons (`|Δ| × 10,000 ≥ bps ×
//! |reference|`, in 128 bits); a price equal to its reference never fires.
//! The last `ALERT_HISTORY` alerts are kept, oldest dropped first. Ticks of
//! a symbol beyond `SYMBOLS` are counted in
//! [`overflow_ticks`](PriceMonitor::overflow_ticks) and otherwise ignored.
//! Every update is O(1) with no heap, plus the scan of at most `SYMBOLS`
//! tickers.
//!
//! ```
//! use tickring::{AlertKind, AlertRules, Price, PriceMonitor, Symbol, Tick};
//!
//! let mut monitor = PriceMonitor::<8, 16>::new(AlertRules::demo());
//! let tick = |text: &str| Tick {
//!     symbol: Symbol::new("AAPL").unwrap(),
//!     price: text.parse().unwrap(),
//!     volume: 100,
//!     created_ns: 0,
//! };
//! assert_eq!(monitor.update(&tick("139.99")), 0);
//! assert_eq!(monitor.update(&tick("140.01")), 1);
//! let alert = monitor.recent().last().unwrap();
//! assert_eq!(alert.kind, AlertKind::AboveBand { high: "140".parse()? });
//! assert_eq!(monitor.alerts(), 1);
//! # Ok::<(), tickring::PriceError>(())
//! ```

use heapless::HistoryBuf;

use crate::indicator::{IndicatorError, Sma};
use crate::symbols::SymbolTable;
use crate::{Price, Symbol, Tick};

/// Basis points per whole: 1 bp is 1/10,000.
const BPS_PER_WHOLE: i128 = 10_000;

/// Which rules a [`PriceMonitor`] applies; each is off when `None`.
#[derive(Clone, Debug, Default)]
pub struct AlertRules {
    /// Alert on a move from the previous tick of at least this many basis
    /// points of the previous price (any move from a price of zero).
    pub move_bps: Option<u32>,
    /// Alert on a deviation from the symbol's SMA.
    pub sma_deviation: Option<SmaDeviation>,
    /// Alert outside an absolute price band.
    pub band: Option<PriceBand>,
}

impl AlertRules {
    /// No rule: the monitor only tracks last prices.
    pub const NONE: Self = Self {
        move_bps: None,
        sma_deviation: None,
        band: None,
    };

    /// The original demo's rule: alert whenever a price is above 140.00.
    pub const fn demo() -> Self {
        Self {
            band: Some(PriceBand {
                low: None,
                high: Some(Price::from_units(140 * Price::SCALE)),
            }),
            ..Self::NONE
        }
    }
}

/// Alert when a price is at least `bps` basis points from the SMA of the
/// symbol's previous `period` prices.
///
/// Built with [`new`](Self::new), which checks the period, so a monitor
/// never meets an invalid one.
#[derive(Clone, Debug)]
pub struct SmaDeviation {
    /// A fresh SMA of the rule's period, copied for each new symbol.
    sma: Sma<{ SmaDeviation::MAX_PERIOD }>,
    bps: u32,
}

impl SmaDeviation {
    /// The longest SMA the rule keeps (each symbol stores this many prices).
    pub const MAX_PERIOD: usize = 64;

    /// The rule for an SMA of `period` prices (`1..=64`) and a threshold of
    /// `bps` basis points, else an error that says why.
    pub const fn new(period: usize, bps: u32) -> Result<Self, IndicatorError> {
        match Sma::new(period) {
            Ok(sma) => Ok(Self { sma, bps }),
            Err(error) => Err(error),
        }
    }

    /// The SMA's period, in prices.
    pub const fn period(&self) -> usize {
        self.sma.period()
    }

    /// The threshold, in basis points.
    pub const fn bps(&self) -> u32 {
        self.bps
    }
}

/// An absolute price band; a price strictly outside it alerts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PriceBand {
    /// Alert below this price.
    pub low: Option<Price>,
    /// Alert above this price.
    pub high: Option<Price>,
}

/// What an [`Alert`] is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AlertKind {
    /// The price moved at least the rule's basis points from `previous`.
    Move {
        /// The symbol's previous price.
        previous: Price,
    },
    /// The price is at least the rule's basis points away from `sma`.
    SmaDeviation {
        /// The SMA of the previous prices, rounded to a price unit.
        sma: Price,
    },
    /// The price is above the band.
    AboveBand {
        /// The band's upper edge.
        high: Price,
    },
    /// The price is below the band.
    BelowBand {
        /// The band's lower edge.
        low: Price,
    },
}

/// One alert: which symbol, at what price, why, and the tick's timestamp.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Alert {
    /// The instrument.
    pub symbol: Symbol,
    /// The price that fired the rule.
    pub price: Price,
    /// The rule and its reference value.
    pub kind: AlertKind,
    /// The tick's `created_ns`.
    pub created_ns: u64,
}

/// One symbol's monitored state.
#[derive(Clone, Debug)]
pub struct SymbolAlerts {
    last: Price,
    ticks: u64,
    alerts: u64,
    /// The SMA of the deviation rule, if set.
    sma: Option<Sma<{ SmaDeviation::MAX_PERIOD }>>,
}

impl SymbolAlerts {
    /// The last price.
    pub const fn last(&self) -> Price {
        self.last
    }

    /// Ticks seen for this symbol.
    pub const fn ticks(&self) -> u64 {
        self.ticks
    }

    /// Alerts raised for this symbol.
    pub const fn alerts(&self) -> u64 {
        self.alerts
    }
}

/// Last prices and alerts for up to `SYMBOLS` symbols, keeping the last
/// `ALERT_HISTORY` alerts (`ALERT_HISTORY >= 1`, checked at compile time).
#[derive(Clone, Debug)]
pub struct PriceMonitor<const SYMBOLS: usize, const ALERT_HISTORY: usize> {
    rules: AlertRules,
    symbols: SymbolTable<SymbolAlerts, SYMBOLS>,
    recent: HistoryBuf<Alert, ALERT_HISTORY>,
    alerts: u64,
    overflow_ticks: u64,
}

impl<const SYMBOLS: usize, const ALERT_HISTORY: usize> PriceMonitor<SYMBOLS, ALERT_HISTORY> {
    /// A monitor applying `rules`, with no symbol yet.
    pub const fn new(rules: AlertRules) -> Self {
        Self {
            rules,
            symbols: SymbolTable::new(),
            recent: HistoryBuf::new(),
            alerts: 0,
            overflow_ticks: 0,
        }
    }

    /// The rules applied.
    pub const fn rules(&self) -> &AlertRules {
        &self.rules
    }

    /// Checks one tick; returns how many alerts it raised (0 to 3).
    pub fn update(&mut self, tick: &Tick) -> usize {
        let rules = &self.rules;
        let new_state = || SymbolAlerts {
            last: tick.price,
            ticks: 0,
            alerts: 0,
            sma: rules.sma_deviation.as_ref().map(|rule| rule.sma.clone()),
        };
        let Some(state) = self.symbols.get_or_insert_with(tick.symbol, new_state) else {
            self.overflow_ticks += 1;
            return 0;
        };

        let price = tick.price;
        let mut kinds: [Option<AlertKind>; 3] = [None; 3];
        if let (Some(bps), true) = (rules.move_bps, state.ticks > 0) {
            kinds[0] = beyond_bps(price, state.last, bps).then_some(AlertKind::Move {
                previous: state.last,
            });
        }
        if let (Some(rule), Some(sma)) = (&rules.sma_deviation, state.sma.as_mut()) {
            let reference = sma.value();
            sma.advance(price);
            kinds[1] = reference
                .filter(|&reference| beyond_bps(price, reference, rule.bps))
                .map(|reference| AlertKind::SmaDeviation { sma: reference });
        }
        if let Some(band) = rules.band {
            kinds[2] = match (band.low, band.high) {
                (_, Some(high)) if price > high => Some(AlertKind::AboveBand { high }),
                (Some(low), _) if price < low => Some(AlertKind::BelowBand { low }),
                _ => None,
            };
        }
        state.last = price;
        state.ticks += 1;

        let mut raised = 0;
        for kind in kinds.into_iter().flatten() {
            self.recent.write(Alert {
                symbol: tick.symbol,
                price,
                kind,
                created_ns: tick.created_ns,
            });
            raised += 1;
        }
        state.alerts += raised as u64;
        self.alerts += raised as u64;
        raised
    }

    /// Alerts raised since the monitor was built.
    pub const fn alerts(&self) -> u64 {
        self.alerts
    }

    /// The state of `symbol`, if it has a slot.
    pub fn get(&self, symbol: &Symbol) -> Option<&SymbolAlerts> {
        self.symbols.get(symbol)
    }

    /// Every monitored symbol, in first-seen order.
    pub fn iter(&self) -> impl Iterator<Item = (Symbol, &SymbolAlerts)> {
        self.symbols.iter()
    }

    /// The last `ALERT_HISTORY` alerts, oldest first.
    pub fn recent(&self) -> impl DoubleEndedIterator<Item = &Alert> {
        self.recent.oldest_ordered()
    }

    /// Ticks ignored because their symbol found the table full.
    pub const fn overflow_ticks(&self) -> u64 {
        self.overflow_ticks
    }
}

/// Whether `price` differs from `reference` by at least `bps` basis points
/// of `|reference|`, exactly (a reference of zero: any difference).
fn beyond_bps(price: Price, reference: Price, bps: u32) -> bool {
    let change = (i128::from(price.units()) - i128::from(reference.units())).abs();
    let threshold = i128::from(reference.units()).abs() * i128::from(bps);
    change != 0 && change * BPS_PER_WHOLE >= threshold
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tick(symbol: &str, text: &str, created_ns: u64) -> Tick {
        Tick {
            symbol: Symbol::new(symbol).unwrap(),
            price: text.parse().unwrap(),
            volume: 1,
            created_ns,
        }
    }

    fn p(text: &str) -> Price {
        text.parse().unwrap()
    }

    #[test]
    fn move_rule_fires_at_exactly_the_threshold() {
        let rules = AlertRules {
            move_bps: Some(50),
            ..AlertRules::NONE
        };
        let mut monitor = PriceMonitor::<2, 4>::new(rules);
        assert_eq!(
            monitor.update(&tick("A", "100", 1)),
            0,
            "first tick has no move"
        );
        assert_eq!(monitor.update(&tick("A", "100.4999", 2)), 0, "49.99 bp");
        assert_eq!(
            monitor.update(&tick("A", "100", 3)),
            0,
            "49.75 bp of 100.4999"
        );
        assert_eq!(monitor.update(&tick("A", "100.5", 4)), 1, "exactly 50 bp");
        let alert = monitor.recent().last().copied().unwrap();
        assert_eq!(alert.kind, AlertKind::Move { previous: p("100") });
        assert_eq!(alert.created_ns, 4);
    }

    #[test]
    fn sma_rule_compares_with_the_previous_prices() {
        let rule = SmaDeviation::new(2, 100).unwrap();
        let rules = AlertRules {
            sma_deviation: Some(rule),
            ..AlertRules::NONE
        };
        let mut monitor = PriceMonitor::<1, 4>::new(rules);
        assert_eq!(monitor.update(&tick("A", "10", 0)), 0);
        assert_eq!(monitor.update(&tick("A", "10", 0)), 0, "no SMA yet");
        assert_eq!(monitor.update(&tick("A", "10.09", 0)), 0, "0.9% from 10");
        // SMA of 10 and 10.09 is 10.045; 1% of it is 0.10045.
        assert_eq!(
            monitor.update(&tick("A", "9.9446", 0)),
            0,
            "0.1004 from 10.045"
        );
        assert_eq!(monitor.update(&tick("A", "9.9", 0)), 1);
        assert!(SmaDeviation::new(0, 1).is_err());
        assert!(SmaDeviation::new(65, 1).is_err());
    }

    #[test]
    fn band_alerts_on_either_side_and_history_keeps_the_newest() {
        let band = PriceBand {
            low: Some(p("-5")),
            high: Some(p("5")),
        };
        let rules = AlertRules {
            band: Some(band),
            ..AlertRules::NONE
        };
        let mut monitor = PriceMonitor::<2, 2>::new(rules);
        for (n, text) in ["5", "5.0001", "-5", "-5.0001", "6"].iter().enumerate() {
            monitor.update(&tick("A", text, n as u64));
        }
        assert_eq!(monitor.alerts(), 3);
        let kept: heapless::Vec<u64, 2> = monitor.recent().map(|a| a.created_ns).collect();
        assert_eq!(kept, [3, 4]);
        let a = monitor.get(&Symbol::new("A").unwrap()).unwrap();
        assert_eq!((a.last(), a.ticks(), a.alerts()), (p("6"), 5, 3));
    }

    #[test]
    fn one_tick_can_raise_every_rule() {
        let rules = AlertRules {
            move_bps: Some(1),
            sma_deviation: Some(SmaDeviation::new(1, 1).unwrap()),
            band: Some(PriceBand {
                low: None,
                high: Some(p("1")),
            }),
        };
        let mut monitor = PriceMonitor::<1, 8>::new(rules);
        monitor.update(&tick("A", "1", 0));
        assert_eq!(monitor.update(&tick("A", "2", 0)), 3);
    }

    #[test]
    fn symbols_beyond_capacity_are_counted() {
        let mut monitor = PriceMonitor::<1, 1>::new(AlertRules::demo());
        monitor.update(&tick("A", "141", 0));
        assert_eq!(monitor.update(&tick("B", "141", 0)), 0);
        assert_eq!(monitor.overflow_ticks(), 1);
        assert_eq!(monitor.alerts(), 1);
    }
}
