//! How much RAM the run used: the statics, and the deepest the stack went.
//!
//! Before the run, [`StackProbe::paint`] fills the unused RAM between the
//! statics and the stack pointer with a pattern; afterwards the lowest word
//! that no longer holds it marks the deepest the stack (main loop and
//! SysTick handler together) ever reached.

use core::ptr;

/// What free stack words are filled with.
const PAINT: u32 = 0x5AC4_5AC4;

/// Words left unpainted just below the stack pointer at painting time: the
/// painting loop's own frame lives above it, this is margin.
const MARGIN_WORDS: usize = 16;

// Symbols of cortex-m-rt's linker script: the RAM's bounds, and where the
// statics end (the lowest address the stack may grow down to).
unsafe extern "C" {
    static _ram_start: u32;
    static _stack_start: u32;
    static _stack_end: u32;
}

/// The painted region, `[bottom, top)` word addresses.
pub(crate) struct StackProbe {
    bottom: *mut u32,
    top: *mut u32,
}

/// RAM figures in bytes.
pub(crate) struct RamUse {
    /// The board's RAM.
    pub(crate) total: usize,
    /// `.data`, `.bss` and `.uninit`: the ring, the desk, the counters.
    pub(crate) statics: usize,
    /// The deepest the stack went, from the top of RAM.
    pub(crate) stack_peak: usize,
}

impl StackProbe {
    /// Paints the free RAM below the current stack pointer. Call it before
    /// enabling interrupts, so that nothing else is using the stack below
    /// the caller's frame.
    pub(crate) fn paint() -> Self {
        let bottom = ptr::addr_of!(_stack_end).cast_mut();
        let sp = cortex_m::register::msp::read() as usize as *mut u32;
        let top = sp.wrapping_sub(MARGIN_WORDS);
        let mut word = bottom;
        while word < top {
            // SAFETY: `word` lies between the end of the statics (`_stack_end`)
            // and just below the stack pointer: memory that no static, no
            // live stack frame and no heap (there is none) occupies, word
            // aligned (cortex-m-rt aligns `_stack_end` to 4) and inside RAM.
            unsafe { ptr::write_volatile(word, PAINT) };
            word = word.wrapping_add(1);
        }
        Self { bottom, top }
    }

    /// The RAM figures, with the stack's peak so far.
    pub(crate) fn ram_use(&self) -> RamUse {
        let mut word = self.bottom;
        // SAFETY: as in `paint`, every word read lies in the painted region
        // at or below the deepest stack pointer reached so far (the scan
        // stops at the first overwritten word), so no live object is read.
        while word < self.top && unsafe { ptr::read_volatile(word) } == PAINT {
            word = word.wrapping_add(1);
        }
        let ram_start = ptr::addr_of!(_ram_start) as usize;
        let ram_end = ptr::addr_of!(_stack_start) as usize;
        RamUse {
            total: ram_end - ram_start,
            statics: self.bottom as usize - ram_start,
            stack_peak: ram_end - word as usize,
        }
    }
}
