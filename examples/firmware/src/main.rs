//! tickring on an emulated microcontroller: the SysTick handler is the
//! exchange, the main loop is the consumer.
//!
//! The run is [`scenario`]'s: the handler pushes a batch of ticks into a
//! `static` ring on every interrupt, the main loop pops and analyses them,
//! then prints a report and exits through semihosting. It exits with success
//! only if every produced tick was consumed or counted as dropped, and the
//! report equals the one the build script computed on the host with the same
//! code and seed.
//!
//! The host comparison needs the consumer to see every tick, so a drop makes
//! the run fail (the report then says `dropped` above 0). That is a claim about
//! speed: the consumer must drain each batch before the ring fills. The
//! runner makes QEMU count instructions (`-icount`) rather than follow the
//! host's clock, so the emulated time between interrupts, and hence whether
//! the consumer keeps up, is the same on every run whatever the host's load.

#![no_std]
#![no_main]

mod board;
mod exchange;
mod ram;
mod text;

use core::cmp::max;
use core::sync::atomic::Ordering;

use cortex_m_rt::{ExceptionFrame, entry, exception};
use cortex_m_semihosting::{debug, heprintln, hprint, hprintln};
use scenario::{Counts, Desk};

use crate::board::PeriodClock;
use crate::exchange::{DROPPED, FINISHED, PRODUCED, RING_CAPACITY, TICKS};
use crate::ram::StackProbe;
use crate::text::TextBuffer;

/// The host's report of the same run, written by `build.rs`.
const HOST_REPORT: &str = include_str!(concat!(env!("OUT_DIR"), "/host-report.txt"));

/// Room for the report's text (it takes about 500 bytes).
const REPORT_BYTES: usize = 1024;

/// How hard the consumer had to work, measured during the run.
#[derive(Default)]
struct Load {
    /// The most ticks the ring held at once.
    high_water: usize,
    /// SysTick periods within which the consumer emptied the ring.
    caught_up: u32,
    /// The most core cycles from a SysTick interrupt to the consumer having
    /// emptied the ring, among those periods: handler plus consumer time for
    /// one batch.
    busiest_cycles: u32,
    /// The sum of those cycles, for the mean.
    total_cycles: u64,
}

impl Load {
    fn mean_cycles(&self) -> u64 {
        self.total_cycles / u64::from(self.caught_up.max(1))
    }
}

#[entry]
fn main() -> ! {
    // A static rather than a local: the linker then checks that the board's
    // RAM holds it, instead of the stack silently running out.
    static mut DESK: Desk = Desk::new();
    static mut REPORT: TextBuffer<REPORT_BYTES> = TextBuffer::new();

    let Some(peripherals) = cortex_m::Peripherals::take() else {
        panic!("the core peripherals were already taken");
    };
    hprintln!(
        "tickring firmware on {} ({}): SysTick every {} core cycles ({} ms), \
         {} ticks per interrupt, ring of {} ticks",
        board::NAME,
        board::CORE,
        board::CYCLES_PER_INTERRUPT,
        scenario::INTERRUPT_PERIOD_NS / 1_000_000,
        scenario::TICKS_PER_INTERRUPT,
        RING_CAPACITY,
    );

    let stack = StackProbe::paint();
    let mut clock = PeriodClock::start(peripherals.SYST);
    let load = consume(DESK, &mut clock);

    hprintln!(
        "load: the consumer caught up within {} of {} SysTick periods; \
         ring high-water {} of {} ticks",
        load.caught_up,
        scenario::INTERRUPTS,
        load.high_water,
        RING_CAPACITY,
    );
    hprintln!(
        "load: interrupt to idle, mean {} and busiest {} of {} core cycles ({}%)",
        load.mean_cycles(),
        load.busiest_cycles,
        board::CYCLES_PER_INTERRUPT,
        u64::from(load.busiest_cycles) * 100 / u64::from(board::CYCLES_PER_INTERRUPT),
    );

    let ram = stack.ram_use();
    hprintln!(
        "ram: {} bytes of statics, stack peak {} bytes, of {} bytes",
        ram.statics,
        ram.stack_peak,
        ram.total,
    );

    let counts = Counts {
        produced: PRODUCED.load(Ordering::Relaxed),
        consumed: DESK.consumed(),
        dropped: DROPPED.load(Ordering::Relaxed),
    };
    let passed = verdict(&counts, DESK, REPORT);
    let status = if passed {
        debug::EXIT_SUCCESS
    } else {
        debug::EXIT_FAILURE
    };
    debug::exit(status);
    panic!("QEMU did not stop at the semihosting exit call");
}

/// Pops and analyses ticks until the exchange has finished and the ring is
/// empty, sleeping whenever it is empty before that.
fn consume(desk: &mut Desk, clock: &mut PeriodClock) -> Load {
    let mut load = Load::default();
    // Periods are measured from the first interrupt on.
    let mut woken = false;
    loop {
        // Read before popping: every tick pushed before FINISHED was set is
        // then visible to the pops, so "finished and empty" means done.
        let finished = FINISHED.load(Ordering::Acquire);
        load.high_water = max(load.high_water, TICKS.len());
        if let Some(tick) = TICKS.try_pop() {
            desk.consume(&tick);
            continue;
        }

        // Empty: the consumer has caught up. Within the current period?
        if let (true, Some(cycles)) = (woken, clock.cycles_into_period()) {
            load.caught_up += 1;
            load.busiest_cycles = max(load.busiest_cycles, cycles);
            load.total_cycles += u64::from(cycles);
        }
        if finished {
            return load;
        }
        // SysTick keeps running after the exchange finishes, so this always
        // wakes again, even if FINISHED was set just after it was read.
        cortex_m::asm::wfi();
        clock.start_period();
        woken = true;
    }
}

/// Prints the report and the checks; whether the run passed.
fn verdict(counts: &Counts, desk: &Desk, report: &mut TextBuffer<REPORT_BYTES>) -> bool {
    if scenario::write_report(report, counts, desk).is_err() {
        panic!("the report does not fit in its {REPORT_BYTES}-byte buffer");
    }
    hprint!("{}", report.as_str());

    let balanced = counts.is_balanced();
    if !balanced {
        hprintln!(
            "FAIL: produced {} != consumed {} + dropped {}: ticks were lost",
            counts.produced,
            counts.consumed,
            counts.dropped
        );
    }
    let matches = report.as_str() == HOST_REPORT;
    if !matches {
        hprintln!("FAIL: the report differs from the host's, which is:");
        hprint!("{}", HOST_REPORT);
    }
    if balanced && matches {
        hprintln!("ok: produced = consumed + dropped, and the report equals the host's");
    }
    balanced && matches
}

// A fault or an unexpected interrupt must end the run with failure, never
// leave QEMU spinning in cortex-m-rt's default endless loop.

#[exception]
unsafe fn HardFault(frame: &ExceptionFrame) -> ! {
    heprintln!("hard fault at pc {:#010x}", frame.pc());
    loop {
        debug::exit(debug::EXIT_FAILURE);
    }
}

#[exception]
unsafe fn DefaultHandler(irqn: i16) {
    heprintln!("unexpected exception or interrupt {}", irqn);
    loop {
        debug::exit(debug::EXIT_FAILURE);
    }
}

#[panic_handler]
fn panic(info: &core::panic::PanicInfo) -> ! {
    heprintln!("panic: {}", info);
    loop {
        debug::exit(debug::EXIT_FAILURE);
    }
}
