//! [`SymbolTable`]: per-symbol state in a fixed-capacity table.
//!
//! Symbols take slots in the order they are first seen, until the table is
//! full; a symbol that finds no free slot is refused (the caller counts it),
//! never a panic and never an eviction. A lookup compares the 8-byte tickers
//! one after another (they sit together, apart from the state), each as one
//! word, and visits all of them without an early exit, so it costs one
//! compare per symbol held and never a mispredicted branch: meant for tens
//! of symbols, not thousands.
//!
//! ```
//! use tickring::{Symbol, symbols::SymbolTable};
//!
//! let mut table = SymbolTable::<u32, 2>::new();
//! let aapl = Symbol::new("AAPL")?;
//! *table.get_or_insert_with(aapl, || 0).unwrap() += 1;
//! *table.get_or_insert_with(aapl, || 0).unwrap() += 1;
//! let msft = Symbol::new("MSFT")?;
//! table.get_or_insert_with(msft, || 7).unwrap();
//! assert!(table.get_or_insert_with(Symbol::new("AMZN")?, || 0).is_none(), "full");
//! assert_eq!(table.get(&aapl), Some(&2));
//! assert_eq!(table.iter().map(|(s, _)| s).collect::<Vec<_>>(), [aapl, msft]);
//! # Ok::<(), tickring::SymbolError>(())
//! ```

use heapless::Vec;

use crate::Symbol;

/// Up to `N` symbols, each with a `V`, in first-seen order.
#[derive(Clone, Debug)]
pub struct SymbolTable<V, const N: usize> {
    /// `symbols[i]` owns `values[i]`; both have the same length, no repeats.
    symbols: Vec<Symbol, N>,
    /// See `symbols`.
    values: Vec<V, N>,
}

impl<V, const N: usize> SymbolTable<V, N> {
    /// An empty table.
    pub const fn new() -> Self {
        Self {
            symbols: Vec::new(),
            values: Vec::new(),
        }
    }

    /// How many symbols it holds.
    pub fn len(&self) -> usize {
        self.symbols.len()
    }

    /// Whether it holds no symbol.
    pub fn is_empty(&self) -> bool {
        self.symbols.is_empty()
    }

    /// How many symbols it can hold: `N`.
    pub const fn capacity(&self) -> usize {
        N
    }

    /// The state of `symbol`, if it has a slot.
    pub fn get(&self, symbol: &Symbol) -> Option<&V> {
        let index = self.position(symbol)?;
        self.values.get(index)
    }

    /// The state of `symbol`, created by `new_value` on first sight; `None`
    /// when the symbol is new and the table is full.
    #[inline]
    pub fn get_or_insert_with(
        &mut self,
        symbol: Symbol,
        new_value: impl FnOnce() -> V,
    ) -> Option<&mut V> {
        let index = match self.position(&symbol) {
            Some(index) => index,
            None => {
                self.symbols.push(symbol).ok()?;
                if self.values.push(new_value()).is_err() {
                    // Unreachable while both vectors have equal lengths;
                    // undo rather than break the pairing.
                    self.symbols.pop();
                    return None;
                }
                self.symbols.len() - 1
            }
        };
        self.values.get_mut(index)
    }

    /// Every symbol and its state, in first-seen order.
    pub fn iter(&self) -> impl Iterator<Item = (Symbol, &V)> {
        self.symbols.iter().copied().zip(self.values.iter())
    }

    /// Forgets every symbol.
    pub fn clear(&mut self) {
        self.symbols.clear();
        self.values.clear();
    }

    /// Where `symbol` sits. Every ticker is compared, with no early exit,
    /// so the loop's length is the table's and the branch predictor never
    /// has to guess where a random symbol sits; each compare is one word.
    #[inline]
    fn position(&self, symbol: &Symbol) -> Option<usize> {
        let key = symbol.key();
        let mut found = usize::MAX;
        for (index, known) in self.symbols.iter().enumerate() {
            found = if known.key() == key { index } else { found };
        }
        (found != usize::MAX).then_some(found)
    }
}

impl<V, const N: usize> Default for SymbolTable<V, N> {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sym(text: &str) -> Symbol {
        Symbol::new(text).unwrap()
    }

    #[test]
    fn full_table_refuses_new_symbols_but_serves_known_ones() {
        let mut table = SymbolTable::<u8, 1>::new();
        assert!(table.get_or_insert_with(sym("A"), || 1).is_some());
        assert!(table.get_or_insert_with(sym("B"), || 2).is_none());
        assert_eq!(table.get_or_insert_with(sym("A"), || 3).copied(), Some(1));
        assert_eq!(table.len(), 1);
        assert_eq!(table.get(&sym("B")), None);
    }

    #[test]
    fn zero_capacity_table_holds_nothing() {
        let mut table = SymbolTable::<u8, 0>::new();
        assert!(table.get_or_insert_with(sym("A"), || 1).is_none());
        assert!(table.is_empty());
    }
}
