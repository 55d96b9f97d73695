//! [`Tick`], one trade or quote update, and [`Symbol`], its instrument.

use core::fmt;

use crate::Price;

/// An instrument's ticker: 1 to 8 ASCII letters, digits, `.` or `-`
/// (`AAPL`, `600036`, `BRK.B`), stored inline so a [`Tick`] is `Copy`.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Symbol {
    /// The ticker's bytes, followed by zeros.
    bytes: [u8; Symbol::MAX_LEN],
}

impl Symbol {
    /// The longest ticker a symbol holds.
    pub const MAX_LEN: usize = 8;

    /// The symbol for `ticker`, checked.
    ///
    /// ```
    /// const AAPL: tickring::Symbol = match tickring::Symbol::new("AAPL") {
    ///     Ok(symbol) => symbol,
    ///     Err(_) => panic!("not a ticker"),
    /// };
    /// assert_eq!(AAPL.as_str(), "AAPL");
    /// assert!(tickring::Symbol::new("TOO-LONG-1").is_err());
    /// ```
    pub const fn new(ticker: &str) -> Result<Self, SymbolError> {
        let text = ticker.as_bytes();
        if text.is_empty() {
            return Err(SymbolError::Empty);
        }
        if text.len() > Self::MAX_LEN {
            return Err(SymbolError::TooLong { len: text.len() });
        }
        let mut bytes = [0; Self::MAX_LEN];
        let mut index = 0;
        while index < text.len() {
            let byte = text[index];
            if !(byte.is_ascii_alphanumeric() || byte == b'.' || byte == b'-') {
                return Err(SymbolError::InvalidCharacter { index });
            }
            bytes[index] = byte;
            index += 1;
        }
        Ok(Self { bytes })
    }

    /// The ticker's 8 bytes as one word: equal symbols have equal keys, so
    /// a lookup compares words instead of byte arrays.
    #[inline]
    pub(crate) const fn key(&self) -> u64 {
        u64::from_ne_bytes(self.bytes)
    }

    /// The ticker as text.
    pub fn as_str(&self) -> &str {
        let len = self
            .bytes
            .iter()
            .position(|&b| b == 0)
            .unwrap_or(Self::MAX_LEN);
        // `new` admits only ASCII, so any prefix is valid UTF-8.
        core::str::from_utf8(&self.bytes[..len]).unwrap_or("")
    }
}

impl fmt::Display for Symbol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

impl fmt::Debug for Symbol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Symbol({:?})", self.as_str())
    }
}

impl core::str::FromStr for Symbol {
    type Err = SymbolError;

    fn from_str(ticker: &str) -> Result<Self, Self::Err> {
        Self::new(ticker)
    }
}

/// Why text is not a [`Symbol`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SymbolError {
    /// The ticker is empty.
    Empty,
    /// The ticker is longer than [`Symbol::MAX_LEN`] bytes.
    TooLong {
        /// Its length in bytes.
        len: usize,
    },
    /// A byte other than an ASCII letter, digit, `.` or `-`.
    InvalidCharacter {
        /// Its offset in the ticker.
        index: usize,
    },
}

impl fmt::Display for SymbolError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::Empty => f.write_str("symbol is empty"),
            Self::TooLong { len } => {
                write!(
                    f,
                    "symbol is {len} bytes long; at most {} fit",
                    Symbol::MAX_LEN
                )
            }
            Self::InvalidCharacter { index } => write!(
                f,
                "symbol has an invalid character at byte {index} \
                 (expected ASCII letters, digits, '.' or '-')"
            ),
        }
    }
}

impl core::error::Error for SymbolError {}

/// One trade: what traded, at what price, how many units, and when the tick
/// was created. 32 bytes on 64-bit targets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tick {
    /// The instrument.
    pub symbol: Symbol,
    /// The trade price.
    pub price: Price,
    /// Units traded (shares, contracts).
    pub volume: u32,
    /// When the tick was created, in nanoseconds on the producer's clock (the
    /// simulator: since the run started; firmware: its own counter). Latency
    /// is measured against it.
    pub created_ns: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tick_is_32_bytes_on_64_bit_targets() {
        #[cfg(target_pointer_width = "64")]
        assert_eq!(core::mem::size_of::<Tick>(), 32);
    }

    #[test]
    fn symbol_rules() {
        assert_eq!(Symbol::new("600036").unwrap().as_str(), "600036");
        assert_eq!(Symbol::new("BRK.B").unwrap().as_str(), "BRK.B");
        assert_eq!(Symbol::new("ABCDEFGH").unwrap().as_str(), "ABCDEFGH");
        assert_eq!(Symbol::new(""), Err(SymbolError::Empty));
        assert_eq!(
            Symbol::new("ABCDEFGHI"),
            Err(SymbolError::TooLong { len: 9 })
        );
        assert_eq!(
            Symbol::new("A B"),
            Err(SymbolError::InvalidCharacter { index: 1 })
        );
        assert_eq!(
            Symbol::new("A\0"),
            Err(SymbolError::InvalidCharacter { index: 1 })
        );
    }
}
