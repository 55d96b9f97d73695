//! Which atomics and cells the lock-free structures use.
//!
//! Normal builds take their atomics from `portable-atomic`, which maps them to
//! the target's native instructions and, on targets without compare-and-swap,
//! to whatever implementation the firmware enabled (`critical-section` or
//! `unsafe-assume-single-core`). Under `--cfg loom` the same names come from
//! `loom`, which explores every interleaving of a small model.

#[cfg(not(loom))]
pub(crate) use portable_atomic::{AtomicBool, AtomicUsize, Ordering};

#[cfg(loom)]
pub(crate) use loom::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// An `UnsafeCell` with loom's access API, so the ring's code reads the same
/// under loom (which checks every access) and in normal builds.
#[cfg(not(loom))]
#[derive(Debug)]
pub(crate) struct UnsafeCell<T>(core::cell::UnsafeCell<T>);

#[cfg(not(loom))]
impl<T> UnsafeCell<T> {
    pub(crate) const fn new(value: T) -> Self {
        Self(core::cell::UnsafeCell::new(value))
    }

    /// Runs `f` with a raw pointer to the contents, for reading. Several
    /// threads may read at once; none may write meanwhile.
    pub(crate) fn with<R>(&self, f: impl FnOnce(*const T) -> R) -> R {
        f(self.0.get())
    }

    /// Runs `f` with a raw pointer to the contents, for writing.
    pub(crate) fn with_mut<R>(&self, f: impl FnOnce(*mut T) -> R) -> R {
        f(self.0.get())
    }
}

#[cfg(loom)]
pub(crate) use loom::cell::UnsafeCell;

/// Aligns a value to its own cache line, so that two hot fields written by
/// different cores do not invalidate each other's line (false sharing).
///
/// Modern x86-64 and AArch64 parts prefetch lines in pairs, hence 128 bytes
/// there. Microcontrollers have no data cache worth the RAM, so Cortex-M and
/// RISC-V get a small alignment that costs at most a few bytes.
#[cfg_attr(any(target_arch = "x86_64", target_arch = "aarch64"), repr(align(128)))]
#[cfg_attr(any(target_arch = "arm", target_arch = "riscv32"), repr(align(8)))]
#[cfg_attr(
    not(any(
        target_arch = "x86_64",
        target_arch = "aarch64",
        target_arch = "arm",
        target_arch = "riscv32"
    )),
    repr(align(64))
)]
#[derive(Debug)]
pub(crate) struct CacheAligned<T>(pub(crate) T);
