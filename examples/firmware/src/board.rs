//! What differs between the two emulated boards: names and the core clock.
//!
//! `build.rs` picks the board from the compilation target (it also picks the
//! board's `memory.x`), so the two can never disagree.

use cortex_m::peripheral::SYST;
use cortex_m::peripheral::syst::SystClkSource;

/// The QEMU machine.
#[cfg(board = "lm3s6965evb")]
pub(crate) const NAME: &str = "lm3s6965evb";
/// The microcontroller and its core.
#[cfg(board = "lm3s6965evb")]
pub(crate) const CORE: &str = "LM3S6965 Cortex-M3";
/// The core clock SysTick counts, as QEMU models the board: 12.5 MHz
/// (measured: 100,000 SysTick cycles take 8 ms of emulated time under
/// QEMU 7.2). A real LM3S6965 can run at up to 50 MHz.
#[cfg(board = "lm3s6965evb")]
pub(crate) const CORE_CLOCK_HZ: u32 = 12_500_000;

/// The QEMU machine.
#[cfg(board = "microbit")]
pub(crate) const NAME: &str = "microbit";
/// The microcontroller and its core.
#[cfg(board = "microbit")]
pub(crate) const CORE: &str = "nRF51822 Cortex-M0";
/// The nRF51822's 16 MHz core clock, which SysTick counts.
#[cfg(board = "microbit")]
pub(crate) const CORE_CLOCK_HZ: u32 = 16_000_000;

/// Core clock cycles between two SysTick interrupts.
pub(crate) const CYCLES_PER_INTERRUPT: u32 = {
    let cycles = CORE_CLOCK_HZ as u64 * scenario::INTERRUPT_PERIOD_NS / 1_000_000_000;
    assert!(
        cycles >= 1 && cycles <= 1 << 24,
        "SysTick's reload register has 24 bits"
    );
    cycles as u32
};

/// SysTick, interrupting every [`CYCLES_PER_INTERRUPT`] core cycles, read
/// by the main loop to measure how much of each period is used.
pub(crate) struct PeriodClock {
    systick: SYST,
}

impl PeriodClock {
    /// Starts SysTick interrupting every [`CYCLES_PER_INTERRUPT`] core
    /// cycles, that is every [`scenario::INTERRUPT_PERIOD_NS`].
    pub(crate) fn start(mut systick: SYST) -> Self {
        systick.set_clock_source(SystClkSource::Core);
        systick.set_reload(CYCLES_PER_INTERRUPT - 1);
        systick.clear_current();
        systick.enable_interrupt();
        systick.enable_counter();
        Self { systick }
    }

    /// Marks the current period as the one [`Self::cycles_into_period`]
    /// measures: call it right after the interrupt that began it.
    pub(crate) fn start_period(&mut self) {
        // Reading the control register clears its wrapped flag.
        self.systick.has_wrapped();
    }

    /// Core cycles since the current period began, or `None` if it is over:
    /// SysTick wrapped since [`Self::start_period`].
    pub(crate) fn cycles_into_period(&mut self) -> Option<u32> {
        let remaining = SYST::get_current();
        if self.systick.has_wrapped() {
            return None;
        }
        Some(CYCLES_PER_INTERRUPT - 1 - remaining)
    }
}
