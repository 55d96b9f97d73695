//! [`Feed`]: the ticks the firmware's SysTick handler produces, in batches.

use rand_xoshiro::Xoshiro128PlusPlus;
use rand_xoshiro::rand_core::SeedableRng;
use tickring::Tick;
use tickring::market::RandomWalk;

use crate::{EXCHANGE, INTERRUPT_PERIOD_NS, INTERRUPTS, SEED, TICKS_PER_INTERRUPT};

/// The random walk of the run, cut into one batch per SysTick interrupt.
///
/// The firmware's SysTick handler owns one `Feed` and calls
/// [`Feed::next_batch`] once per interrupt; the host calls it in a loop. Both
/// get the same ticks in the same order, because the walk draws only from the
/// seeded generator and every tick of batch `k` is stamped `k` periods after
/// the first interrupt, whatever the clock says.
#[derive(Clone, Debug)]
pub struct Feed {
    /// Xoshiro128++ works on 32-bit words only, so it is cheap on a
    /// Cortex-M0, which has no 64-bit multiply.
    walk: RandomWalk<Xoshiro128PlusPlus, 4>,
    /// Batches handed out so far, at most [`INTERRUPTS`].
    batches: u32,
}

impl Feed {
    /// The feed of the run: [`EXCHANGE`]'s instruments walked from [`SEED`].
    pub fn new() -> Self {
        Self {
            walk: RandomWalk::new(
                Xoshiro128PlusPlus::seed_from_u64(SEED),
                EXCHANGE.instruments,
            ),
            batches: 0,
        }
    }

    /// The next interrupt's [`TICKS_PER_INTERRUPT`] ticks, or `None` once
    /// [`INTERRUPTS`] batches have been handed out.
    pub fn next_batch(&mut self) -> Option<[Tick; TICKS_PER_INTERRUPT]> {
        if self.batches == INTERRUPTS {
            return None;
        }
        let created_ns = u64::from(self.batches) * INTERRUPT_PERIOD_NS;
        self.batches += 1;
        let mut batch = [self.walk.next_tick(created_ns); TICKS_PER_INTERRUPT];
        for tick in &mut batch[1..] {
            *tick = self.walk.next_tick(created_ns);
        }
        Some(batch)
    }

    /// Whether every batch has been handed out.
    pub fn is_exhausted(&self) -> bool {
        self.batches == INTERRUPTS
    }
}

impl Default for Feed {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::TICKS;

    #[test]
    fn hands_out_exactly_the_run_and_stamps_by_interrupt() {
        let mut feed = Feed::new();
        let mut ticks = 0;
        while let Some(batch) = feed.next_batch() {
            let interrupt = u64::from(ticks / TICKS_PER_INTERRUPT as u32);
            assert!(
                batch
                    .iter()
                    .all(|t| t.created_ns == interrupt * INTERRUPT_PERIOD_NS)
            );
            ticks += batch.len() as u32;
        }
        assert_eq!(ticks, TICKS);
        assert!(feed.is_exhausted());
        assert_eq!(feed.next_batch(), None, "an exhausted feed stays exhausted");
    }

    #[test]
    fn two_feeds_agree_tick_for_tick() {
        let (mut a, mut b) = (Feed::new(), Feed::new());
        while let Some(batch) = a.next_batch() {
            assert_eq!(Some(batch), b.next_batch());
        }
    }
}
