//! The run's clock: nanoseconds since the run started, shared by every thread
//! so that a tick's `created_ns` and the consumer's "now" compare directly.

use core::time::Duration;
use std::time::Instant;

/// A monotonic clock that counts from the start of the run.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Clock {
    start: Instant,
}

impl Clock {
    /// A clock whose zero is now.
    pub(crate) fn start() -> Self {
        Self {
            start: Instant::now(),
        }
    }

    /// Nanoseconds since the start. Saturates after 584 years.
    pub(crate) fn now_ns(&self) -> u64 {
        u64::try_from(self.start.elapsed().as_nanos()).unwrap_or(u64::MAX)
    }

    /// Time since the start.
    pub(crate) fn elapsed(&self) -> Duration {
        self.start.elapsed()
    }

    /// Sleeps until `deadline_ns` after the start; returns at once if it has
    /// passed. The OS may wake the thread a little late (tens of µs on Linux).
    pub(crate) fn sleep_until_ns(&self, deadline_ns: u64) {
        let now = self.now_ns();
        if deadline_ns > now {
            std::thread::sleep(Duration::from_nanos(deadline_ns - now));
        }
    }
}
