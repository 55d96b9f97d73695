//! [`Desk`]: the consumer's side of the run, everything computed from the
//! ticks that arrive.

use tickring::{Price, Tick};

use crate::EXCHANGE;

/// What the consumer knows about one instrument.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Position {
    /// Ticks seen.
    pub ticks: u32,
    /// The latest trade price, zero before the first tick.
    pub last: Price,
    /// Shares traded.
    pub volume: u64,
}

/// Consumes ticks one at a time, O(1) each, and keeps per-instrument state.
#[derive(Clone, Debug, Default)]
pub struct Desk {
    /// One entry per instrument of [`EXCHANGE`], in its order.
    positions: [Position; 4],
    /// Ticks consumed, including any not of [`EXCHANGE`] (there are none in
    /// this run; they would be counted and otherwise ignored).
    consumed: u32,
}

impl Desk {
    /// A desk that has seen no tick.
    pub const fn new() -> Self {
        Self {
            positions: [Position {
                ticks: 0,
                last: Price::ZERO,
                volume: 0,
            }; 4],
            consumed: 0,
        }
    }

    /// Takes one tick into account.
    pub fn consume(&mut self, tick: &Tick) {
        self.consumed += 1;
        let index = EXCHANGE
            .instruments
            .iter()
            .position(|instrument| instrument.symbol() == tick.symbol);
        if let Some(position) = index.map(|index| &mut self.positions[index]) {
            position.ticks += 1;
            position.last = tick.price;
            position.volume += u64::from(tick.volume);
        }
    }

    /// Ticks consumed so far.
    pub const fn consumed(&self) -> u32 {
        self.consumed
    }

    /// The state of each of [`EXCHANGE`]'s instruments, in its order.
    pub const fn positions(&self) -> &[Position; 4] {
        &self.positions
    }
}
