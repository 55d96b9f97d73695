//! [`Desk`]: the consumer's side of the run, everything computed from the
//! ticks that arrive.

use tickring::{AlertRules, PriceMonitor, SmaDeviation, TechnicalAnalyzer, Tick};

/// Symbols the desk has room for: the run trades 4.
pub const SYMBOLS: usize = 4;

/// The alert rule of the run: a price at least [`DEVIATION_BPS`] basis
/// points away from the SMA of the symbol's previous [`DEVIATION_PERIOD`]
/// prices.
pub const RULES: AlertRules = AlertRules {
    sma_deviation: match SmaDeviation::new(DEVIATION_PERIOD, DEVIATION_BPS) {
        Ok(rule) => Some(rule),
        Err(_) => panic!("the deviation period is within 1..=64"),
    },
    ..AlertRules::NONE
};

/// The SMA period of [`RULES`], in prices.
pub const DEVIATION_PERIOD: usize = 20;

/// The threshold of [`RULES`], in basis points.
pub const DEVIATION_BPS: u32 = 15;

/// The analyzer of the run. The report reads no price history, so it keeps
/// the shortest, one price.
pub type Analyzer = TechnicalAnalyzer<SYMBOLS, 1>;

/// The monitor of the run, keeping only the most recent alert.
pub type Monitor = PriceMonitor<SYMBOLS, 1>;

/// Runs every tick through a [`Monitor`] and an [`Analyzer`], O(1) each.
///
/// 6,832 bytes on the boards; `new` is `const`, so the firmware keeps it in
/// a `static` rather than on its stack.
#[derive(Clone, Debug)]
pub struct Desk {
    monitor: Monitor,
    analyzer: Analyzer,
    /// Ticks consumed.
    consumed: u32,
}

impl Desk {
    /// A desk that has seen no tick.
    pub const fn new() -> Self {
        Self {
            monitor: PriceMonitor::new(RULES),
            analyzer: TechnicalAnalyzer::new(),
            consumed: 0,
        }
    }

    /// Takes one tick into account.
    pub fn consume(&mut self, tick: &Tick) {
        self.consumed += 1;
        self.monitor.update(tick);
        self.analyzer.update(tick);
    }

    /// Ticks consumed so far.
    pub const fn consumed(&self) -> u32 {
        self.consumed
    }

    /// The alerts and last prices.
    pub const fn monitor(&self) -> &Monitor {
        &self.monitor
    }

    /// The indicators.
    pub const fn analyzer(&self) -> &Analyzer {
        &self.analyzer
    }
}

impl Default for Desk {
    fn default() -> Self {
        Self::new()
    }
}
