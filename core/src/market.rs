//! A synthetic market: a seedable random walk that makes plausible trade
//! ticks, one instrument at a time.
//!
//! # Guarantees
//!
//! - **Deterministic.** [`RandomWalk`] draws every random number from the
//!   [`rand_core::Rng`] it is given, nothing else. The same generator state and
//!   the same instruments give the same ticks on every target.
//! - **On the cent grid, never negative, never overflowing.** Each instrument's
//!   price moves by a whole number of cents ([`PRICE_STEP`]) per tick and stays
//!   within [`MIN_PRICE`]`..=`[`MAX_PRICE`]. A step that would leave that range
//!   is *reflected* off the bound it crosses: a price `d` cents below
//!   [`MIN_PRICE`] becomes `d` cents above it, and likewise below
//!   [`MAX_PRICE`]. One reflection always lands inside, because no step is
//!   larger than the range (see [`Instrument::max_step`]).
//! - **No heap, O(1) per tick.** Three random words per tick: one picks the
//!   instrument, one the price step, one the volume.
//!
//! # How a tick is made
//!
//! 1. An instrument is picked uniformly among the walk's `N`.
//! 2. Its price moves by a step drawn uniformly from
//!    `-max_step..=max_step` cents, then is reflected into range.
//! 3. The volume is drawn uniformly from `1..=`[`MAX_VOLUME`] shares.
//!
//! Uniform draws use the multiply-and-shift reduction of a 32-bit word
//! (`(word * n) >> 32`), which costs no division and no retry; its bias is at
//! most `n / 2^32`, far below anything a demo can show.
//!
//! `rand_core` 0.10 defines the generator traits but ships no generator. On a
//! host or a microcontroller, any `no_std` generator that implements
//! [`rand_core::Rng`] fits, for example `rand_xoshiro`'s `Xoshiro256PlusPlus`
//! or `rand_pcg`'s `Pcg32`, seeded with `SeedableRng::seed_from_u64`.
//!
//! # Example
//!
//! ```
//! use tickring::market::{DEMO_EXCHANGES, RandomWalk};
//! # struct Counter(u64);
//! # impl rand_core::TryRng for Counter {
//! #     type Error = core::convert::Infallible;
//! #     fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
//! #         Ok(self.try_next_u64()? as u32)
//! #     }
//! #     fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
//! #         self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
//! #         Ok(self.0 >> 16)
//! #     }
//! #     fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
//! #         dst.fill(0);
//! #         Ok(())
//! #     }
//! # }
//! # let rng = Counter(42);
//! // `rng` is any `rand_core::Rng`, e.g. `Xoshiro256PlusPlus::seed_from_u64(42)`.
//! let nasdaq = &DEMO_EXCHANGES[0];
//! let mut walk = RandomWalk::new(rng, nasdaq.instruments);
//!
//! let tick = walk.next_tick(1_000);
//! assert!(nasdaq.instruments.iter().any(|i| i.symbol() == tick.symbol));
//! assert_eq!(tick.price.units() % 100, 0, "on the cent grid");
//! assert!((1..=1_000).contains(&tick.volume));
//! assert_eq!(tick.created_ns, 1_000);
//! ```

use core::fmt;

use rand_core::Rng;

use crate::{Price, Symbol, Tick};

/// The grid prices move on: one cent.
pub const PRICE_STEP: Price = Price::from_units(CENT);

/// The lowest price a walk reaches: one cent.
pub const MIN_PRICE: Price = Price::from_units(MIN_CENTS * CENT);

/// The highest price a walk reaches: 1,000,000.00.
pub const MAX_PRICE: Price = Price::from_units(MAX_CENTS * CENT);

/// The largest volume of one tick, in shares. Volumes are `1..=MAX_VOLUME`.
pub const MAX_VOLUME: u32 = 1_000;

/// Price units in one cent.
const CENT: i64 = Price::SCALE / 100;
const MIN_CENTS: i64 = 1;
const MAX_CENTS: i64 = 100_000_000;

/// Step size as a fraction of the starting price: 1/2,000 (5 basis points).
const STEP_DIVISOR: i64 = 2_000;

/// One instrument of a walk: its symbol and where its price starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Instrument {
    symbol: Symbol,
    /// The starting price in cents, in `MIN_CENTS..=MAX_CENTS`.
    start_cents: i64,
}

impl Instrument {
    /// An instrument whose price starts at `start`.
    ///
    /// `start` must be a whole number of cents within
    /// [`MIN_PRICE`]`..=`[`MAX_PRICE`].
    ///
    /// ```
    /// use tickring::{Price, Symbol, market::{Instrument, InstrumentError}};
    ///
    /// let aapl = Symbol::new("AAPL").unwrap();
    /// assert!(Instrument::new(aapl, "190.25".parse().unwrap()).is_ok());
    /// assert_eq!(
    ///     Instrument::new(aapl, "190.255".parse().unwrap()),
    ///     Err(InstrumentError::OffGrid)
    /// );
    /// assert_eq!(Instrument::new(aapl, Price::ZERO), Err(InstrumentError::OutOfRange));
    /// ```
    pub const fn new(symbol: Symbol, start: Price) -> Result<Self, InstrumentError> {
        let units = start.units();
        if units % CENT != 0 {
            return Err(InstrumentError::OffGrid);
        }
        let start_cents = units / CENT;
        if start_cents < MIN_CENTS || start_cents > MAX_CENTS {
            return Err(InstrumentError::OutOfRange);
        }
        Ok(Self {
            symbol,
            start_cents,
        })
    }

    /// The instrument's symbol.
    pub const fn symbol(&self) -> Symbol {
        self.symbol
    }

    /// The price its walk starts from.
    pub const fn start(&self) -> Price {
        Price::from_units(self.start_cents * CENT)
    }

    /// The largest move of one tick: 1/2,000 of the starting price (5 basis
    /// points) rounded down to whole cents, and at least one cent. At most
    /// 500.00, so it never exceeds the width of the price range.
    pub const fn max_step(&self) -> Price {
        Price::from_units(self.max_step_cents() * CENT)
    }

    const fn max_step_cents(&self) -> i64 {
        let cents = self.start_cents / STEP_DIVISOR;
        if cents < 1 { 1 } else { cents }
    }
}

/// Why an [`Instrument`] cannot start at a price.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InstrumentError {
    /// The price is not a whole number of cents.
    OffGrid,
    /// The price is below [`MIN_PRICE`] or above [`MAX_PRICE`].
    OutOfRange,
}

impl fmt::Display for InstrumentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::OffGrid => f.write_str("starting price is not a whole number of cents"),
            Self::OutOfRange => write!(f, "starting price is outside {MIN_PRICE}..={MAX_PRICE}"),
        }
    }
}

impl core::error::Error for InstrumentError {}

/// A named group of instruments that one producer quotes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Exchange<const N: usize> {
    /// The exchange's short name (`NASDAQ`).
    pub name: &'static str,
    /// Its instruments.
    pub instruments: [Instrument; N],
}

/// The demo's three exchanges and their starting prices (in the quote
/// currency: US dollars for NASDAQ and NYSE, yuan for SSE), roughly where
/// these shares traded in 2024.
pub const DEMO_EXCHANGES: [Exchange<4>; 3] = [
    Exchange {
        name: "NASDAQ",
        instruments: [
            demo("AAPL", 190, 0),
            demo("GOOGL", 140, 0),
            demo("MSFT", 370, 0),
            demo("TSLA", 240, 0),
        ],
    },
    Exchange {
        name: "NYSE",
        instruments: [
            demo("AMZN", 150, 0),
            demo("META", 330, 0),
            demo("NVDA", 480, 0),
            demo("NFLX", 470, 0),
        ],
    },
    Exchange {
        name: "SSE",
        instruments: [
            demo("000001", 10, 50),
            demo("000002", 9, 80),
            demo("600000", 7, 10),
            demo("600036", 30, 20),
        ],
    },
];

/// A demo instrument starting at `whole.cents`; a bad entry fails the build,
/// since this runs in const context.
const fn demo(ticker: &str, whole: i64, cents: i64) -> Instrument {
    let cents = whole * 100 + cents;
    let Ok(symbol) = Symbol::new(ticker) else {
        panic!("demo ticker is not a valid symbol");
    };
    let Ok(instrument) = Instrument::new(symbol, Price::from_units(cents * CENT)) else {
        panic!("demo starting price is invalid");
    };
    instrument
}

/// A random walk over `N` instruments that yields one [`Tick`] per call.
///
/// See the [module documentation](self) for the rules the walk keeps.
#[derive(Clone, Debug)]
pub struct RandomWalk<R, const N: usize> {
    rng: R,
    walkers: [Walker; N],
}

/// One instrument's walk state.
#[derive(Clone, Copy, Debug)]
struct Walker {
    symbol: Symbol,
    /// The current price in cents, always in `MIN_CENTS..=MAX_CENTS`.
    cents: i64,
    /// The largest move per tick, in `1..=MAX_CENTS - MIN_CENTS`.
    max_step_cents: i64,
}

impl<R: Rng, const N: usize> RandomWalk<R, N> {
    /// Evaluated wherever a walk is created, so `N == 0` is a compile error.
    const HAS_INSTRUMENTS: () = assert!(N > 0, "a RandomWalk needs at least one instrument");

    /// A walk over `instruments`, each starting at its own starting price,
    /// drawing from `rng`.
    pub fn new(rng: R, instruments: [Instrument; N]) -> Self {
        let () = Self::HAS_INSTRUMENTS;
        let walkers = instruments.map(|instrument| Walker {
            symbol: instrument.symbol,
            cents: instrument.start_cents,
            max_step_cents: instrument.max_step_cents(),
        });
        Self { rng, walkers }
    }

    /// The next tick: one instrument moves and trades. `created_ns` is
    /// stamped on the tick as is.
    pub fn next_tick(&mut self, created_ns: u64) -> Tick {
        let index = uniform_below(&mut self.rng, N as u32) as usize;
        let walker = &mut self.walkers[index];

        let span = 2 * walker.max_step_cents + 1;
        let step = i64::from(uniform_below(&mut self.rng, span as u32)) - walker.max_step_cents;
        walker.cents = reflect(walker.cents + step);

        let volume = uniform_below(&mut self.rng, MAX_VOLUME) + 1;
        Tick {
            symbol: walker.symbol,
            price: Price::from_units(walker.cents * CENT),
            volume,
            created_ns,
        }
    }

    /// The current price of `symbol`, or `None` if the walk does not quote it.
    pub fn price_of(&self, symbol: &Symbol) -> Option<Price> {
        self.walkers
            .iter()
            .find(|walker| walker.symbol == *symbol)
            .map(|walker| Price::from_units(walker.cents * CENT))
    }

    /// The generator, to inspect or reuse it.
    pub fn into_rng(self) -> R {
        self.rng
    }
}

/// Brings a price that left `MIN_CENTS..=MAX_CENTS` by at most the range's
/// width back inside by reflecting it off the bound it crossed.
const fn reflect(cents: i64) -> i64 {
    if cents < MIN_CENTS {
        2 * MIN_CENTS - cents
    } else if cents > MAX_CENTS {
        2 * MAX_CENTS - cents
    } else {
        cents
    }
}

/// A number in `0..n` from one 32-bit word, by multiply-and-shift.
fn uniform_below<R: Rng>(rng: &mut R, n: u32) -> u32 {
    let wide = u64::from(rng.next_u32()) * u64::from(n);
    (wide >> 32) as u32
}

#[cfg(test)]
mod tests {
    use core::convert::Infallible;

    use rand_core::TryRng;

    use super::*;

    /// SplitMix64: a tiny, well-mixed generator, enough to drive tests.
    struct SplitMix(u64);

    impl TryRng for SplitMix {
        type Error = Infallible;

        fn try_next_u32(&mut self) -> Result<u32, Infallible> {
            Ok((self.try_next_u64()? >> 32) as u32)
        }

        fn try_next_u64(&mut self) -> Result<u64, Infallible> {
            self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            Ok(z ^ (z >> 31))
        }

        fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
            for chunk in dst.chunks_mut(8) {
                let word = self.try_next_u64()?.to_le_bytes();
                chunk.copy_from_slice(&word[..chunk.len()]);
            }
            Ok(())
        }
    }

    /// Always returns the same word: 0 makes every step the largest fall,
    /// `u32::MAX` the largest rise.
    struct Constant(u32);

    impl TryRng for Constant {
        type Error = Infallible;

        fn try_next_u32(&mut self) -> Result<u32, Infallible> {
            Ok(self.0)
        }

        fn try_next_u64(&mut self) -> Result<u64, Infallible> {
            Ok(u64::from(self.0))
        }

        fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
            dst.fill(0);
            Ok(())
        }
    }

    fn instrument(ticker: &str, price: &str) -> Instrument {
        Instrument::new(Symbol::new(ticker).unwrap(), price.parse().unwrap()).unwrap()
    }

    #[test]
    fn same_seed_same_ticks_other_seed_other_ticks() {
        let instruments = DEMO_EXCHANGES[1].instruments;
        let mut a = RandomWalk::new(SplitMix(7), instruments);
        let mut b = RandomWalk::new(SplitMix(7), instruments);
        let mut c = RandomWalk::new(SplitMix(8), instruments);
        let mut differs = false;
        for n in 0..10_000 {
            let tick = a.next_tick(n);
            assert_eq!(tick, b.next_tick(n));
            differs |= tick != c.next_tick(n);
        }
        assert!(differs, "seeds 7 and 8 gave the same 10,000 ticks");
    }

    #[test]
    fn ticks_stay_on_grid_in_range_and_move_at_most_one_step() {
        let instruments = DEMO_EXCHANGES[2].instruments;
        let mut walk = RandomWalk::new(SplitMix(1), instruments);
        let mut seen = [0u32; 4];
        for n in 0..100_000 {
            let tick = walk.next_tick(n);
            let index = instruments
                .iter()
                .position(|i| i.symbol() == tick.symbol)
                .expect("a symbol of the walk");
            seen[index] += 1;
            let units = tick.price.units();
            assert_eq!(units % CENT, 0, "{} is off the cent grid", tick.price);
            assert!((MIN_PRICE..=MAX_PRICE).contains(&tick.price));
            assert!((1..=MAX_VOLUME).contains(&tick.volume));
            assert_eq!(tick.created_ns, n);
        }
        // Uniform choice: each of 4 instruments near 25,000 of 100,000.
        for count in seen {
            assert!((23_500..26_500).contains(&count), "{seen:?} is not uniform");
        }
    }

    #[test]
    fn each_move_is_within_max_step() {
        let aapl = instrument("AAPL", "190.00");
        assert_eq!(aapl.max_step(), "0.09".parse().unwrap());
        let mut walk = RandomWalk::new(SplitMix(3), [aapl]);
        let mut last = aapl.start();
        let mut moved = false;
        for n in 0..10_000 {
            let price = walk.next_tick(n).price;
            let delta = price.checked_sub(last).unwrap().units().abs();
            assert!(delta <= aapl.max_step().units(), "moved {delta} units");
            moved |= delta != 0;
            last = price;
        }
        assert!(moved);
        assert_eq!(walk.price_of(&aapl.symbol()), Some(last));
    }

    #[test]
    fn falls_reflect_off_the_floor_instead_of_going_negative() {
        // Word 0 is always the largest fall: 1 cent a tick from 0.03.
        let penny = instrument("PNY", "0.03");
        let mut walk = RandomWalk::new(Constant(0), [penny]);
        let prices: [i64; 6] = core::array::from_fn(|n| walk.next_tick(n as u64).price.units());
        // 0.02, 0.01, then 0.00 (one cent below the floor) reflects to 0.02.
        assert_eq!(prices, [200, 100, 200, 100, 200, 100]);
    }

    #[test]
    fn rises_reflect_off_the_ceiling_instead_of_overflowing() {
        let top = instrument("TOP", "1000000.00");
        assert_eq!(top.max_step(), "500.00".parse().unwrap());
        let mut walk = RandomWalk::new(Constant(u32::MAX), [top]);
        for n in 0..1_000 {
            let price = walk.next_tick(n).price;
            assert!(price <= MAX_PRICE && price >= "999000.00".parse().unwrap());
        }
    }

    #[test]
    fn reflection_rule() {
        assert_eq!(reflect(0), 2);
        assert_eq!(reflect(-4), 6);
        assert_eq!(reflect(MIN_CENTS), MIN_CENTS);
        assert_eq!(reflect(MAX_CENTS + 3), MAX_CENTS - 3);
        assert_eq!(reflect(MAX_CENTS), MAX_CENTS);
    }

    #[test]
    fn instruments_refuse_prices_off_grid_or_out_of_range() {
        let x = Symbol::new("X").unwrap();
        let at = |text: &str| Instrument::new(x, text.parse().unwrap());
        assert_eq!(at("0.001"), Err(InstrumentError::OffGrid));
        assert_eq!(at("-1.00"), Err(InstrumentError::OutOfRange));
        assert_eq!(at("0.00"), Err(InstrumentError::OutOfRange));
        assert_eq!(at("1000000.01"), Err(InstrumentError::OutOfRange));
        assert_eq!(at("0.01").map(|i| i.max_step()), Ok(PRICE_STEP));
    }

    #[test]
    fn demo_exchanges_quote_the_issue_symbols() {
        let names: [&str; 3] = DEMO_EXCHANGES.map(|e| e.name);
        assert_eq!(names, ["NASDAQ", "NYSE", "SSE"]);
        assert_eq!(DEMO_EXCHANGES[2].instruments[3].symbol().as_str(), "600036");
        assert_eq!(
            DEMO_EXCHANGES[0].instruments[0].start(),
            "190.00".parse().unwrap()
        );
    }
}
