//! The exchange: the SysTick handler produces ticks into a `static` ring.
//!
//! Each interrupt takes the next batch of [`scenario::Feed`] and pushes it
//! into [`TICKS`]. The handler never waits: when the ring has no room, the
//! tick is counted in [`DROPPED`] and the handler moves on. Once the feed is
//! exhausted it raises [`FINISHED`] and later interrupts do nothing.
//!
//! The handler is the only writer of the counters, so plain loads and
//! stores suffice (the Cortex-M0 has no atomic read-modify-write). The main
//! loop reads them once it has seen [`FINISHED`], whose `Release` store and
//! `Acquire` load order the counters' last stores before those reads.

use core::sync::atomic::{AtomicBool, AtomicU32, Ordering};

use cortex_m_rt::exception;
use scenario::Feed;
use tickring::{Ring, Tick};

/// Ring capacity in ticks: 16 batches of [`scenario::TICKS_PER_INTERRUPT`].
/// The consumer drains each batch well before the next interrupt (the load
/// lines of the output show by how much), so it could fall 15 whole periods
/// behind before a tick is dropped.
pub(crate) const RING_CAPACITY: usize = 64;

/// The ticks between the SysTick handler and the main loop.
pub(crate) static TICKS: Ring<Tick, RING_CAPACITY> = Ring::new();

/// Ticks the handler has generated: pushed plus dropped.
pub(crate) static PRODUCED: AtomicU32 = AtomicU32::new(0);

/// Ticks the handler generated but could not push because the ring was full.
pub(crate) static DROPPED: AtomicU32 = AtomicU32::new(0);

/// Set (with `Release`) after the handler pushed the feed's last batch: every
/// tick pushed before it is visible to whoever reads it with `Acquire`.
pub(crate) static FINISHED: AtomicBool = AtomicBool::new(false);

/// The sequence number (0-based) of the tick that the `break-invariant`
/// build loses without counting it as dropped.
#[cfg(feature = "break-invariant")]
const LOST_TICK: u32 = 1_000;

#[exception]
fn SysTick() {
    // The feed is built on the first interrupt: `RandomWalk::new` is not a
    // `const fn`, so it cannot initialise a `static`.
    static mut FEED: Option<Feed> = None;

    let feed = FEED.get_or_insert_with(Feed::new);
    let Some(batch) = feed.next_batch() else {
        return;
    };

    let mut produced = PRODUCED.load(Ordering::Relaxed);
    let mut dropped = DROPPED.load(Ordering::Relaxed);
    for tick in batch {
        #[cfg(feature = "break-invariant")]
        if produced == LOST_TICK {
            produced += 1;
            continue;
        }
        if TICKS.try_push(tick).is_err() {
            dropped += 1;
        }
        produced += 1;
    }
    PRODUCED.store(produced, Ordering::Relaxed);
    DROPPED.store(dropped, Ordering::Relaxed);

    if feed.is_exhausted() {
        FINISHED.store(true, Ordering::Release);
    }
}
