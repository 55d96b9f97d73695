//! The report: one set of [`Figures`] per interval and a final one, shown as
//! text for people or as one JSON object per line for programs.
//!
//! The figures are gathered by the pipeline from counters the data path
//! keeps anyway; the report never touches the data path, and rendering
//! happens on the main thread.

mod figures;
mod json;
mod text;

pub(crate) use figures::{
    ConsumerFigures, Figures, Kind, Latency, ProducerFigures, ReaderFigures, RingFigures,
    SymbolFigures,
};

use std::io::{self, Write};

/// Writes `figures` to `out`, as JSON or text, and flushes.
pub(crate) fn write(out: &mut dyn Write, figures: &Figures, as_json: bool) -> io::Result<()> {
    if as_json {
        json::write(out, figures)?;
    } else {
        text::write(out, figures)?;
    }
    out.flush()
}
