//! How a thread waits for the ring: spin briefly, then yield, then sleep.
//!
//! A producer that finds its ring full and a consumer that finds it empty
//! both use [`Backoff`]. Short waits stay on the CPU (a slot usually frees up
//! within a few hundred nanoseconds); long ones give the core away, so an idle
//! simulator does not burn a core.

use core::time::Duration;

/// Spins before the first yield: 2^0 + ... + 2^(SPIN_ROUNDS-1) pause hints.
const SPIN_ROUNDS: u32 = 6;
/// Yields before the first sleep.
const YIELD_ROUNDS: u32 = 4;
/// The longest sleep between two checks.
const MAX_SLEEP: Duration = Duration::from_micros(200);
/// The first sleep.
const FIRST_SLEEP: Duration = Duration::from_micros(20);

/// An escalating wait: each [`Backoff::snooze`] waits longer than the last,
/// up to a sleep of [`MAX_SLEEP`].
#[derive(Debug, Default)]
pub(crate) struct Backoff {
    round: u32,
}

impl Backoff {
    /// A backoff at its shortest wait.
    pub(crate) fn new() -> Self {
        Self::default()
    }

    /// Waits a little, longer on every call.
    pub(crate) fn snooze(&mut self) {
        if self.round < SPIN_ROUNDS {
            for _ in 0..1u32 << self.round {
                core::hint::spin_loop();
            }
        } else if self.round < SPIN_ROUNDS + YIELD_ROUNDS {
            std::thread::yield_now();
        } else {
            let doublings = (self.round - SPIN_ROUNDS - YIELD_ROUNDS).min(4);
            std::thread::sleep((FIRST_SLEEP * (1 << doublings)).min(MAX_SLEEP));
        }
        self.round = self.round.saturating_add(1);
    }

    /// Whether the backoff has reached its sleeping stage, where a waiting
    /// thread may as well park until it is woken.
    pub(crate) fn is_sleeping(&self) -> bool {
        self.round >= SPIN_ROUNDS + YIELD_ROUNDS
    }

    /// Back to the shortest wait, after the awaited condition came true.
    pub(crate) fn reset(&mut self) {
        self.round = 0;
    }
}
