//! A loom model of the ring: 2 producers and 2 consumers on a ring of 2
//! slots, explored over every interleaving loom's preemption bound allows.
//!
//! Loom also checks each access to a slot's `UnsafeCell` against the
//! happens-before order the ring's atomics create, so an ordering that is
//! too weak fails here as a data race even when the values come out right.
//!
//! No thread in the model waits for another: producers stop at their first
//! rejected push, the spawned consumer and the main thread (the second
//! consumer) make a fixed number of attempts, and the main thread drains what
//! is left after joining the others. Spin-waits between threads would make
//! loom exceed its branch limit whatever the ring does; without them, a ring
//! operation that spun waiting for another thread is what would exceed it.
//!
//! The preemption bound is 3: about 4 s in release mode on a 2-core machine,
//! where 4 takes 17 s and no bound did not finish in 10 minutes. Each
//! ordering weakened by hand (Release to Relaxed on either stamp store,
//! Acquire to Relaxed on the pop's stamp load) already fails at bound 1.
//! `LOOM_MAX_PREEMPTIONS` overrides the bound.
//!
//! Run with:
//! `RUSTFLAGS="--cfg loom" cargo test -p tickring --release --test loom_ring
//! --target-dir target/loom`

#![cfg(loom)]

use loom::thread;

use tickring::Ring;

/// Items each producer tries to push, in order. Two producers make four
/// items for two slots, so slots are reused and stamps go round a second lap.
const ITEMS_PER_PRODUCER: usize = 2;
const PRODUCERS: usize = 2;
/// Preemptions loom explores by default (see the module docs for why).
const PREEMPTIONS: usize = 3;
/// Pops each consumer attempts.
const POPS_PER_CONSUMER: usize = 2;

/// Item `sequence` of `producer`, as one number: `producer * 10 + sequence`.
fn item(producer: usize, sequence: usize) -> usize {
    producer * 10 + sequence
}

/// Pushes `producer`'s items in order, stopping at the first one the ring
/// hands back; returns the items pushed.
fn produce(ring: &Ring<usize, 2>, producer: usize) -> Vec<usize> {
    let mut pushed = Vec::new();
    for sequence in 0..ITEMS_PER_PRODUCER {
        let next = item(producer, sequence);
        match ring.try_push(next) {
            Ok(()) => pushed.push(next),
            Err(rejected) => {
                assert_eq!(rejected, next, "a rejected push hands back its own item");
                break;
            }
        }
    }
    pushed
}

/// Makes [`POPS_PER_CONSUMER`] pop attempts; returns the items taken, in the
/// order taken.
fn consume(ring: &Ring<usize, 2>) -> Vec<usize> {
    let mut taken = Vec::new();
    for _ in 0..POPS_PER_CONSUMER {
        taken.extend(ring.try_pop());
    }
    taken
}

/// Pushes `producer`'s items with one `try_push_slice` call, then the rest
/// with another if the first pushed only some; returns the items pushed.
fn produce_batch(ring: &Ring<usize, 2>, producer: usize) -> Vec<usize> {
    let items: Vec<usize> = (0..ITEMS_PER_PRODUCER).map(|s| item(producer, s)).collect();
    let first = ring.try_push_slice(&items);
    let second = if first > 0 {
        ring.try_push_slice(&items[first..])
    } else {
        0
    };
    items[..first + second].to_vec()
}

/// Makes [`POPS_PER_CONSUMER`] batch pop attempts of up to 2 items; returns
/// the items taken, in the order taken.
fn consume_batch(ring: &Ring<usize, 2>) -> Vec<usize> {
    let mut taken = Vec::new();
    for _ in 0..POPS_PER_CONSUMER {
        ring.try_pop_with(2, |item| taken.push(item));
    }
    taken
}

/// Asserts that `taken` holds each producer's items in increasing order.
fn assert_in_producer_order(taken: &[usize]) {
    for producer in 0..PRODUCERS {
        let from_producer: Vec<_> = taken
            .iter()
            .filter(|&&item| item / 10 == producer)
            .collect();
        assert!(from_producer.is_sorted(), "out of order: {taken:?}");
    }
}

/// Checks `test` under every interleaving with at most `PREEMPTIONS`
/// preemptions, unless `LOOM_MAX_PREEMPTIONS` says otherwise.
fn model(test: impl Fn() + Sync + Send + 'static) {
    let mut builder = loom::model::Builder::new();
    builder.preemption_bound = builder.preemption_bound.or(Some(PREEMPTIONS));
    builder.check(test);
}

// Guards against any interleaving of two producers and two consumers losing,
// duplicating or reordering an item, racing on a slot, or spinning.
#[test]
fn two_producers_two_consumers_capacity_2_deliver_each_item_once_in_order() {
    model(|| check_delivery(produce, consume));
}

// The same for the batch operations, which claim runs of slots with one CAS.
#[test]
fn batch_operations_capacity_2_deliver_each_item_once_in_order() {
    model(|| check_delivery(produce_batch, consume_batch));
}

/// Runs two producers and two consumers (one of them the main thread) with
/// the given operations, then checks that every pushed item was taken
/// exactly once, each producer's in order.
fn check_delivery(
    produce: fn(&Ring<usize, 2>, usize) -> Vec<usize>,
    consume: fn(&Ring<usize, 2>) -> Vec<usize>,
) {
    // Leaked so the threads can share it without `Arc`, whose reference
    // counts would add scheduling points that say nothing about the ring.
    let ring: &'static Ring<usize, 2> = Box::leak(Box::new(Ring::new()));

    let producers: Vec<_> = (0..PRODUCERS)
        .map(|producer| thread::spawn(move || produce(ring, producer)))
        .collect();
    let consumer = thread::spawn(move || consume(ring));
    // The main thread is the second consumer.
    let mut taken_by = vec![consume(ring)];
    let mut pushed: Vec<usize> = Vec::new();
    for producer in producers {
        pushed.extend(producer.join().unwrap());
    }
    taken_by.push(consumer.join().unwrap());

    // Every operation has finished, so the ring now holds exactly what
    // was pushed and not taken, and `try_pop` must hand it all out.
    let mut left = Vec::new();
    while let Some(item) = ring.try_pop() {
        left.push(item);
    }
    taken_by.push(left);

    for taken in &taken_by {
        assert_in_producer_order(taken);
    }
    let mut all: Vec<usize> = taken_by.concat();
    all.sort_unstable();
    pushed.sort_unstable();
    assert_eq!(all, pushed, "each pushed item taken exactly once");
    assert!(ring.is_empty());
}
