//! Loom models of the broadcast rings: two producers and two subscribers,
//! every interleaving up to a preemption bound, with loom checking every
//! slot access for a data race.
//!
//! No thread spins: each makes a fixed number of attempts, since a retry
//! loop lets loom explore schedules that never run the thread it waits for.
//! After every thread has joined, the main thread drains both subscribers
//! and checks the whole history: each item pushed received exactly once by
//! each subscriber (loss-free), or received-plus-missed adding up (lossy),
//! with each producer's items in order.
//!
//! Run with:
//! `RUSTFLAGS="--cfg loom" cargo test -p tickring --release --test loom_broadcast
//! --target-dir target/loom`. The preemption bound is 3 for the loss-free
//! models and 2 for the larger lossy one; `LOOM_MAX_PREEMPTIONS` overrides
//! both.

#![cfg(loom)]

use loom::sync::Arc;
use loom::thread;

use tickring::broadcast::TryRecvError;
use tickring::{Broadcast, LossyBroadcast};

/// An item: which producer pushed it, and its number in that producer's run.
type Item = (usize, u8);

/// Checks `test` under every interleaving with at most `preemptions`
/// preemptions, unless `LOOM_MAX_PREEMPTIONS` says otherwise.
fn model(preemptions: usize, test: impl Fn() + Sync + Send + 'static) {
    let mut builder = loom::model::Builder::new();
    builder.preemption_bound = builder.preemption_bound.or(Some(preemptions));
    builder.check(test);
}

/// Pushes items `0..count` as `producer`, one attempt each, numbering only
/// the ones accepted so that each producer's accepted items are `0..n`.
/// Returns `n`.
fn produce_once_each(producer: usize, count: u8, push: impl Fn(Item) -> Result<(), Item>) -> u8 {
    let mut accepted = 0;
    for _ in 0..count {
        if push((producer, accepted)).is_ok() {
            accepted += 1;
        }
    }
    accepted
}

/// Checks that `items` holds each producer's accepted items exactly once and
/// in order.
fn assert_each_once_in_order(items: &[Item], accepted: [u8; 2], subscriber: usize) {
    let mut next = [0_u8; 2];
    for &(producer, seq) in items {
        assert_eq!(seq, next[producer], "subscriber {subscriber}: {items:?}");
        next[producer] += 1;
    }
    assert_eq!(
        next, accepted,
        "subscriber {subscriber} missed items: {items:?}"
    );
}

/// Capacity 2 and `counts` pushes by the two producers: the third position
/// reuses the first slot, which needs both subscribers to have read it; the
/// fourth can trust the bound another producer cached.
fn loss_free(start: usize, counts: [u8; 2]) {
    model(3, move || {
        type Ring = Broadcast<Item, 2, 2>;
        let ring: Arc<Ring> = Arc::new(Broadcast::starting_at(start));
        let receive_twice = |ring: &Ring, index: usize| {
            let mut subscriber = ring.subscriber(index).unwrap();
            let items: Vec<Item> = (0..2).filter_map(|_| subscriber.try_recv()).collect();
            (subscriber.position(), items)
        };

        let producers = [(0, counts[0]), (1, counts[1])].map(|(producer, count)| {
            let ring = ring.clone();
            thread::spawn(move || produce_once_each(producer, count, |item| ring.try_push(item)))
        });
        let other = {
            let ring = ring.clone();
            thread::spawn(move || receive_twice(&ring, 1))
        };
        let mine = receive_twice(&ring, 0);

        let accepted = producers.map(|producer| producer.join().unwrap());
        let others = other.join().unwrap();
        for (index, (position, mut items)) in [mine, others].into_iter().enumerate() {
            let mut subscriber = ring.subscriber(index).unwrap();
            assert_eq!(subscriber.position(), position);
            items.extend(core::iter::from_fn(|| subscriber.try_recv()));
            assert_each_once_in_order(&items, accepted, index);
        }
        assert!(ring.is_empty());
        let total = usize::from(accepted[0] + accepted[1]);
        assert_eq!(ring.write_position(), start.wrapping_add(total));
    });
}

#[test]
fn loss_free_two_producers_two_subscribers_capacity_2() {
    loss_free(0, [2, 2]);
}

#[test]
fn loss_free_across_usize_max() {
    loss_free(usize::MAX - 1, [2, 1]);
}

/// Capacity 4 (the least for two subscribers) and up to six pushes, so that
/// items are overwritten while subscribers pin and copy them.
///
/// Two preemptions by default keep this model near a minute; with
/// `LOOM_MAX_PREEMPTIONS=3` it also passes, in about 15 minutes.
#[test]
fn lossy_two_producers_two_subscribers_capacity_4() {
    model(2, || {
        type Ring = LossyBroadcast<Item, 4, 2>;
        const COUNTS: [u8; 2] = [3, 3];
        let ring: Arc<Ring> = Arc::new(LossyBroadcast::new());
        let receive_twice = |ring: &Ring, index: usize| {
            let mut subscriber = ring.subscriber(index).unwrap();
            let outcomes: Vec<_> = (0..2).map(|_| subscriber.try_recv()).collect();
            (subscriber.position(), outcomes)
        };

        let producers = [0, 1].map(|producer| {
            let ring = ring.clone();
            thread::spawn(move || {
                produce_once_each(producer, COUNTS[producer], |item| ring.try_push(item))
            })
        });
        let other = {
            let ring = ring.clone();
            thread::spawn(move || receive_twice(&ring, 1))
        };
        let mine = receive_twice(&ring, 0);

        let accepted = producers.map(|producer| producer.join().unwrap());
        let total = usize::from(accepted[0] + accepted[1]);
        let others = other.join().unwrap();
        for (index, (position, mut outcomes)) in [mine, others].into_iter().enumerate() {
            let mut subscriber = ring.subscriber(index).unwrap();
            assert_eq!(subscriber.position(), position);
            loop {
                let outcome = subscriber.try_recv();
                if outcome == Err(TryRecvError::Empty) {
                    break;
                }
                outcomes.push(outcome);
            }

            let mut last: [Option<u8>; 2] = [None; 2];
            let (mut received, mut missed) = (0, 0);
            for outcome in &outcomes {
                match *outcome {
                    Ok((producer, seq)) => {
                        assert!(
                            last[producer].is_none_or(|before| seq > before),
                            "subscriber {index}: {outcomes:?}"
                        );
                        last[producer] = Some(seq);
                        received += 1;
                    }
                    Err(TryRecvError::Missed(count)) => missed += count,
                    Err(TryRecvError::Empty) => {}
                }
            }
            assert_eq!(received + missed, total, "subscriber {index}: {outcomes:?}");
            assert!(
                missed <= total.saturating_sub(4),
                "subscriber {index}: {outcomes:?}"
            );
        }
    });
}
