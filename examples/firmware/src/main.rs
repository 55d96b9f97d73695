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
mod text;

use core::cmp::max;
use core::sync::atomic::Ordering;

use cortex_m_rt::entry;
use cortex_m_semihosting::{debug, heprintln, hprint, hprintln};
use scenario::{Counts, Desk};

use crate::board::PeriodClock;
use crate::exchange::{DROPPED, FINISHED, PRODUCED, RING_CAPACITY, TICKS};
use crate::text::TextBuffer;

/// The host's report of the same run, written by `build.rs`.
const HOST_REPORT: &str = include_str!(concat!(env!("OUT_DIR"), "/host-report.txt"));

/// How hard the consumer had to work, measured during the run.
#[derive(Default)]
struct Load {
    /// The most ticks the ring held at once.
    high_water: usize,
    /// The most core cycles from a SysTick interrupt to the consumer having
    /// drained the ring: handler plus consumer time for one batch.
    busiest_cycles: u32,
    /// The sum of those cycles over the measured periods.
    total_cycles: u64,
    /// Periods measured: those the consumer finished within.
    periods: u32,
    /// Periods in which the consumer was still busy when the next interrupt
    /// came.
    overruns: u32,
}

impl Load {
    fn mean_cycles(&self) -> u64 {
        self.total_cycles / u64::from(self.periods.max(1))
    }
}

#[entry]
fn main() -> ! {
    let Some(peripherals) = cortex_m::Peripherals::take() else {
        panic!("the core peripherals were already taken");
    };
    hprintln!(
        "tickring firmware on {} ({}): SysTick every {} core cycles ({} µs), \
         {} ticks per interrupt, ring of {} ticks",
        board::NAME,
        board::CORE,
        board::CYCLES_PER_INTERRUPT,
        scenario::INTERRUPT_PERIOD_NS / 1_000,
        scenario::TICKS_PER_INTERRUPT,
        RING_CAPACITY,
    );

    let mut desk = Desk::new();
    let mut clock = PeriodClock::start(peripherals.SYST);
    let load = consume(&mut desk, &mut clock);

    hprintln!(
        "load: ring high-water {} of {} ticks; interrupt to idle, per period of {} core \
         cycles: mean {}, busiest {}; {} overruns",
        load.high_water,
        RING_CAPACITY,
        board::CYCLES_PER_INTERRUPT,
        load.mean_cycles(),
        load.busiest_cycles,
        load.overruns,
    );

    let counts = Counts {
        produced: PRODUCED.load(Ordering::Relaxed),
        consumed: desk.consumed(),
        dropped: DROPPED.load(Ordering::Relaxed),
    };
    let passed = verdict(&counts, &desk);
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
        // then visible to the pop, so "finished and empty" means done.
        let finished = FINISHED.load(Ordering::Acquire);
        load.high_water = max(load.high_water, TICKS.len());

        match TICKS.try_pop() {
            Some(tick) => desk.consume(&tick),
            None if finished => return load,
            None => {
                match clock.cycles_into_period() {
                    _ if !woken => {}
                    Some(cycles) => {
                        load.busiest_cycles = max(load.busiest_cycles, cycles);
                        load.total_cycles += u64::from(cycles);
                        load.periods += 1;
                    }
                    None => load.overruns += 1,
                }
                // SysTick keeps running after the exchange finishes, so
                // this always wakes again, even if FINISHED was set just
                // after it was read above.
                cortex_m::asm::wfi();
                clock.start_period();
                woken = true;
            }
        }
    }
}

/// Prints the report and the checks; whether the run passed.
fn verdict(counts: &Counts, desk: &Desk) -> bool {
    let mut report = TextBuffer::<2048>::new();
    if scenario::write_report(&mut report, counts, desk).is_err() {
        panic!("the report does not fit in its {}-byte buffer", 2048);
    }
    hprint!("{}", report.as_str());

    let balanced = counts.balance();
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

#[panic_handler]
fn panic(info: &core::panic::PanicInfo) -> ! {
    heprintln!("panic: {}", info);
    loop {
        debug::exit(debug::EXIT_FAILURE);
    }
}
