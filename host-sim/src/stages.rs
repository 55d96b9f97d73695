//! The two consumers' stages, from core: the price monitor and the
//! technical analyzer, their table sizes, and the alert rules of the demo.

use tickring::{AlertRules, PriceMonitor, SmaDeviation, TechnicalAnalyzer, Tick};

use crate::consumer::Stage;
use crate::report::SymbolFigures;

/// Symbols each stage tracks; ticks of further symbols are counted as
/// overflow. The demo quotes 12.
pub(crate) const SYMBOLS: usize = 64;
/// Prices of history the analyzer keeps per symbol.
pub(crate) const HISTORY: usize = 32;
/// Recent alerts the monitor keeps.
pub(crate) const ALERT_HISTORY: usize = 16;

/// The price monitor stage.
pub(crate) type Monitor = PriceMonitor<SYMBOLS, ALERT_HISTORY>;
/// The technical analyzer stage.
pub(crate) type Analyzer = TechnicalAnalyzer<SYMBOLS, HISTORY>;

/// Period of the SMA that prices are compared with.
const DEVIATION_PERIOD: usize = 20;
/// Distance from that SMA that raises an alert, in basis points (0.20%).
const DEVIATION_BPS: u32 = 20;

/// The simulator's alert rule: a price at least 0.20% away from the average
/// of the symbol's previous 20 prices. (The Go demo's "price above 140.00"
/// suited its prices drawn from [100, 150); the random walk starts each
/// symbol near its real price, from 7 to 480.)
pub(crate) fn alert_rules() -> AlertRules {
    let deviation = SmaDeviation::new(DEVIATION_PERIOD, DEVIATION_BPS)
        .unwrap_or_else(|error| panic!("the alert rule's constants are valid: {error}"));
    AlertRules {
        sma_deviation: Some(deviation),
        ..AlertRules::NONE
    }
}

impl Stage for Monitor {
    fn on_tick(&mut self, tick: &Tick) -> u64 {
        self.update(tick) as u64
    }
}

impl Stage for Analyzer {
    fn on_tick(&mut self, tick: &Tick) -> u64 {
        self.update(tick);
        0
    }
}

/// The per-symbol rows of the report: the analyzer's symbols in first-seen
/// order with the monitor's alerts, then any symbol only the monitor saw
/// (possible with `--distribution shared`).
pub(crate) fn symbol_figures(analyzer: &Analyzer, monitor: &Monitor) -> Vec<SymbolFigures> {
    let text = |price: Option<tickring::Price>| price.map(|p| p.to_string());
    let mut rows: Vec<SymbolFigures> = analyzer
        .iter()
        .map(|(symbol, analysis)| {
            let macd = analysis.macd();
            SymbolFigures {
                symbol: symbol.to_string(),
                ticks: analysis.ticks(),
                last: analysis.last().to_string(),
                sma5: text(analysis.sma5()),
                sma20: text(analysis.sma20()),
                ema12: text(analysis.ema12()),
                ema26: text(analysis.ema26()),
                rsi14: analysis.rsi14().map(|rsi| rsi.to_string()),
                macd: text(macd.map(|m| m.line)),
                macd_signal: text(macd.map(|m| m.signal)),
                alerts: monitor.get(&symbol).map_or(0, |m| m.alerts()),
            }
        })
        .collect();
    for (symbol, alerts) in monitor.iter() {
        if analyzer.get(&symbol).is_none() {
            rows.push(SymbolFigures {
                symbol: symbol.to_string(),
                last: alerts.last().to_string(),
                alerts: alerts.alerts(),
                ..SymbolFigures::default()
            });
        }
    }
    rows
}
