//! The full `TechnicalAnalyzer` update per tick against the `ta` crate (f64)
//! computing the same indicators, on the same real AMZN trade series.
//!
//! Both sides keep SMA(5), SMA(20), EMA(12), EMA(26), RSI(14),
//! MACD(12, 26, 9), Bollinger(20, 2) and the last 16 prices. The `ta` side
//! gets its prices already converted to f64 and needs no symbol lookup, so
//! the comparison, if anything, favours it.
//!
//! tickring's analyzer computes readings when they are read, so it runs
//! twice: `tickring_exact` feeds every tick and reads nothing (a consumer
//! that reports now and then), `tickring_exact_read_every_tick` also reads
//! all seven readings after every tick, as `ta` computes them.
//! `tickring_exact_12_symbols` spreads the same ticks over 12 symbols in
//! random order, as the simulator does, to include the symbol lookup.
//!
//! `cargo bench -p tickring-tests --bench analyzer`; criterion reports the
//! time per series and, with the throughput set, ticks per second.

use core::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use ta::Next;
use ta::indicators::{
    BollingerBands, ExponentialMovingAverage, MovingAverageConvergenceDivergence,
    RelativeStrengthIndex, SimpleMovingAverage,
};
use tickring::{Symbol, TechnicalAnalyzer, Tick};
use tickring_tests::SplitMix64;
use tickring_tests::reference::{FULL_SERIES, load};

const HISTORY: usize = 16;
/// The simulator's table size (it quotes 12 symbols).
const SYMBOLS: usize = 64;

/// The same indicator set in f64 with the `ta` crate.
struct FloatAnalyzer {
    sma5: SimpleMovingAverage,
    sma20: SimpleMovingAverage,
    ema12: ExponentialMovingAverage,
    ema26: ExponentialMovingAverage,
    rsi14: RelativeStrengthIndex,
    macd: MovingAverageConvergenceDivergence,
    bollinger: BollingerBands,
    history: [f64; HISTORY],
    next: usize,
}

impl FloatAnalyzer {
    fn new() -> Self {
        Self {
            sma5: SimpleMovingAverage::new(5).unwrap(),
            sma20: SimpleMovingAverage::new(20).unwrap(),
            ema12: ExponentialMovingAverage::new(12).unwrap(),
            ema26: ExponentialMovingAverage::new(26).unwrap(),
            rsi14: RelativeStrengthIndex::new(14).unwrap(),
            macd: MovingAverageConvergenceDivergence::new(12, 26, 9).unwrap(),
            bollinger: BollingerBands::new(20, 2.0).unwrap(),
            history: [0.0; HISTORY],
            next: 0,
        }
    }

    fn update(&mut self, price: f64) {
        black_box(self.sma5.next(price));
        black_box(self.sma20.next(price));
        black_box(self.ema12.next(price));
        black_box(self.ema26.next(price));
        black_box(self.rsi14.next(price));
        black_box(self.macd.next(price));
        black_box(self.bollinger.next(price));
        self.history[self.next] = price;
        self.next = (self.next + 1) % HISTORY;
    }
}

/// Reads every reading of `symbol`, as a consumer printing them would.
#[inline]
fn read_all(analyzer: &TechnicalAnalyzer<1, HISTORY>, symbol: &Symbol) {
    if let Some(analysis) = analyzer.get(symbol) {
        black_box(analysis.sma5());
        black_box(analysis.sma20());
        black_box(analysis.ema12());
        black_box(analysis.ema26());
        black_box(analysis.rsi14());
        black_box(analysis.macd());
        black_box(analysis.bollinger());
    }
}

fn analyzer_update(c: &mut Criterion) {
    let symbol = Symbol::new("AMZN").unwrap();
    let ticks: Vec<Tick> = load(FULL_SERIES[0])
        .iter()
        .map(|row| Tick {
            symbol,
            price: row.price,
            volume: 100,
            created_ns: 0,
        })
        .collect();
    let tickers = [
        "AAPL", "MSFT", "GOOGL", "AMZN", "NVDA", "META", "TSLA", "NFLX", "600000", "600036",
        "000001", "000002",
    ]
    .map(|ticker| Symbol::new(ticker).unwrap());
    let mut random = SplitMix64::new(12);
    let spread: Vec<Tick> = ticks
        .iter()
        .map(|tick| Tick {
            symbol: tickers[random.next_u64() as usize % tickers.len()],
            ..*tick
        })
        .collect();
    let floats: Vec<f64> = ticks
        .iter()
        .map(|tick| tick.price.units() as f64 / 10_000.0)
        .collect();

    let mut group = c.benchmark_group("analyzer_update_amzn_series");
    group.throughput(Throughput::Elements(ticks.len() as u64));
    group.bench_function("tickring_exact", |b| {
        b.iter(|| {
            let mut analyzer = TechnicalAnalyzer::<1, HISTORY>::new();
            for tick in &ticks {
                analyzer.update(black_box(tick));
            }
            black_box(analyzer)
        })
    });
    group.bench_function("tickring_exact_read_every_tick", |b| {
        b.iter(|| {
            let mut analyzer = TechnicalAnalyzer::<1, HISTORY>::new();
            for tick in &ticks {
                analyzer.update(black_box(tick));
                read_all(&analyzer, &tick.symbol);
            }
            black_box(analyzer)
        })
    });
    group.bench_function("tickring_exact_12_symbols", |b| {
        b.iter(|| {
            let mut analyzer = TechnicalAnalyzer::<SYMBOLS, HISTORY>::new();
            for tick in &spread {
                analyzer.update(black_box(tick));
            }
            black_box(analyzer)
        })
    });
    group.bench_function("ta_f64", |b| {
        b.iter(|| {
            let mut analyzer = FloatAnalyzer::new();
            for &price in &floats {
                analyzer.update(black_box(price));
            }
            black_box(analyzer.history)
        })
    });
    group.finish();
}

criterion_group!(benches, analyzer_update);
criterion_main!(benches);
