//! The JSON view: one object per report, on one line.

use std::io::{self, Write};

use super::Figures;

/// Writes `figures` as one line of JSON.
pub(super) fn write(out: &mut dyn Write, figures: &Figures) -> io::Result<()> {
    serde_json::to_writer(&mut *out, figures)?;
    out.write_all(b"\n")
}
