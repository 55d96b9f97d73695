//! The queues the race compares, behind one small trait.
//!
//! Each backend is the queue a user would otherwise pick, used the way its
//! documentation suggests, at the same capacity. Batches are native only to
//! `tickring-batch`; every other backend moves one tick per operation.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::sync::mpsc::{Receiver, SyncSender, TrySendError, sync_channel};

use crossbeam_queue::ArrayQueue;
use tickring::{Ring, Tick};

/// Slots in every backend's queue.
pub const CAPACITY: usize = 8192;

/// Ticks a `tickring-batch` producer or consumer moves per operation.
pub const BATCH: usize = 64;

/// A bounded queue of ticks shared by producer and consumer threads.
pub(crate) trait TickQueue: Sync {
    /// Appends `tick`, or hands it back when the queue is full.
    fn push(&self, tick: Tick) -> Result<(), Tick>;

    /// Removes the oldest tick, if any.
    fn pop(&self) -> Option<Tick>;

    /// Pushes ticks from the front of `ticks` until one does not fit;
    /// returns how many went in.
    fn push_batch(&self, ticks: &[Tick]) -> usize {
        ticks
            .iter()
            .take_while(|&&tick| self.push(tick).is_ok())
            .count()
    }

    /// Pops up to `max` ticks into `consume`; returns how many.
    fn pop_batch(&self, max: usize, consume: &mut impl FnMut(Tick)) -> usize {
        let mut popped = 0;
        while popped < max {
            let Some(tick) = self.pop() else { break };
            consume(tick);
            popped += 1;
        }
        popped
    }
}

/// tickring's ring, one tick per operation.
pub(crate) struct TickringQueue(pub(crate) Ring<Tick, CAPACITY>);

impl TickQueue for TickringQueue {
    fn push(&self, tick: Tick) -> Result<(), Tick> {
        self.0.try_push(tick)
    }

    fn pop(&self) -> Option<Tick> {
        self.0.try_pop()
    }
}

/// tickring's ring moving [`BATCH`] ticks per compare-and-swap.
pub(crate) struct TickringBatchQueue(pub(crate) Ring<Tick, CAPACITY>);

impl TickQueue for TickringBatchQueue {
    fn push(&self, tick: Tick) -> Result<(), Tick> {
        self.0.try_push(tick)
    }

    fn pop(&self) -> Option<Tick> {
        self.0.try_pop()
    }

    fn push_batch(&self, ticks: &[Tick]) -> usize {
        self.0.try_push_slice(ticks)
    }

    fn pop_batch(&self, max: usize, consume: &mut impl FnMut(Tick)) -> usize {
        self.0.try_pop_with(max, consume)
    }
}

/// crossbeam's `ArrayQueue`, the usual choice for a bounded MPMC queue.
pub(crate) struct CrossbeamQueue(pub(crate) ArrayQueue<Tick>);

impl TickQueue for CrossbeamQueue {
    fn push(&self, tick: Tick) -> Result<(), Tick> {
        self.0.push(tick)
    }

    fn pop(&self) -> Option<Tick> {
        self.0.pop()
    }
}

/// heapless's `mpmc::Queue`, the usual `no_std` choice.
pub(crate) struct HeaplessQueue(pub(crate) heapless::mpmc::Queue<Tick, CAPACITY>);

impl TickQueue for HeaplessQueue {
    fn push(&self, tick: Tick) -> Result<(), Tick> {
        self.0.enqueue(tick)
    }

    fn pop(&self) -> Option<Tick> {
        self.0.dequeue()
    }
}

/// A `VecDeque` behind a `Mutex`: the original Go demo's design.
pub(crate) struct MutexDequeQueue(pub(crate) Mutex<VecDeque<Tick>>);

impl TickQueue for MutexDequeQueue {
    fn push(&self, tick: Tick) -> Result<(), Tick> {
        let mut deque = self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if deque.len() == CAPACITY {
            return Err(tick);
        }
        deque.push_back(tick);
        Ok(())
    }

    fn pop(&self) -> Option<Tick> {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .pop_front()
    }
}

/// `std::sync::mpsc::sync_channel`; its one receiver is shared through a
/// `Mutex`, as two consumers of one channel must be.
pub(crate) struct SyncChannelQueue {
    sender: SyncSender<Tick>,
    receiver: Mutex<Receiver<Tick>>,
}

impl SyncChannelQueue {
    pub(crate) fn new() -> Self {
        let (sender, receiver) = sync_channel(CAPACITY);
        Self {
            sender,
            receiver: Mutex::new(receiver),
        }
    }
}

impl TickQueue for SyncChannelQueue {
    fn push(&self, tick: Tick) -> Result<(), Tick> {
        self.sender.try_send(tick).map_err(|error| match error {
            TrySendError::Full(tick) | TrySendError::Disconnected(tick) => tick,
        })
    }

    fn pop(&self) -> Option<Tick> {
        let receiver = self
            .receiver
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        receiver.try_recv().ok()
    }
}
