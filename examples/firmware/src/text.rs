//! A `fmt::Write` into a fixed byte buffer, so that the report can be both
//! printed and compared with the host's without a heap.

use core::fmt;

/// Text written into `N` bytes. Writing past the end fails with
/// `fmt::Error` and keeps what fitted.
pub(crate) struct TextBuffer<const N: usize> {
    bytes: [u8; N],
    /// Bytes written; `bytes[..len]` is valid UTF-8 (only whole `str`s are
    /// ever copied in).
    len: usize,
}

impl<const N: usize> TextBuffer<N> {
    pub(crate) const fn new() -> Self {
        Self {
            bytes: [0; N],
            len: 0,
        }
    }

    /// The text written so far.
    pub(crate) fn as_str(&self) -> &str {
        core::str::from_utf8(&self.bytes[..self.len]).unwrap_or("")
    }
}

impl<const N: usize> fmt::Write for TextBuffer<N> {
    fn write_str(&mut self, text: &str) -> fmt::Result {
        let end = self.len + text.len();
        self.bytes
            .get_mut(self.len..end)
            .ok_or(fmt::Error)?
            .copy_from_slice(text.as_bytes());
        self.len = end;
        Ok(())
    }
}
