//! The run that tickring's firmware example performs, written once so that
//! the host can replay it with the same code.
//!
//! On the board, the SysTick handler takes one batch of ticks from [`Feed`]
//! per interrupt and pushes it into a `static` [`tickring::Ring`]; the main
//! loop pops the ticks into a [`Desk`] and finally prints [`write_report`]'s
//! text. On the host, [`host_report`] feeds the same batches straight into a
//! `Desk`. When the firmware drops no tick, the two reports are byte for
//! byte identical; any difference means tickring computes differently on
//! one of the targets, or a tick was lost on the way.
//!
//! Everything here is `no_std` and heap-free, so it builds for the boards
//! and for the host alike.
//!
//! ```
//! let mut text = String::new();
//! tickring_firmware_scenario::host_report(&mut text).unwrap();
//! assert!(text.contains("dropped 0"));
//! ```

#![no_std]

mod desk;
mod feed;
mod report;

pub use desk::{Analyzer, DEVIATION_BPS, DEVIATION_PERIOD, Desk, Monitor, RULES, SYMBOLS};
pub use feed::Feed;
pub use report::{Counts, REPORT_END, REPORT_START, host_report, write_report};

use tickring::market::{DEMO_EXCHANGES, Exchange};

/// The generator's seed: "tickring" in ASCII.
pub const SEED: u64 = 0x7469_636b_7269_6e67;

/// The instruments the run trades: the demo's NASDAQ quartet.
pub const EXCHANGE: Exchange<4> = DEMO_EXCHANGES[0];

/// Ticks the SysTick handler produces per interrupt.
pub const TICKS_PER_INTERRUPT: usize = 4;

/// Interrupts that produce ticks; later interrupts produce none.
pub const INTERRUPTS: u32 = 750;

/// Ticks in the whole run.
pub const TICKS: u32 = INTERRUPTS * TICKS_PER_INTERRUPT as u32;

/// Time between two SysTick interrupts: 50 ms.
///
/// On the emulated 16 MHz Cortex-M0 a batch of four ticks keeps the handler
/// and the consumer busy for 9.5 ms on average and 10.5 ms at most (the RSI
/// and Bollinger updates dominate), so 50 ms leaves the consumer idle for
/// about four fifths of every period, a margin for slower analyses; the
/// firmware prints the measured load.
/// Ticks are stamped with this period (not with a clock reading), so stamps
/// are the same on every target.
pub const INTERRUPT_PERIOD_NS: u64 = 50_000_000;
