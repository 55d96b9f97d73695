//! Shared helpers for tickring's workspace integration tests (in `tests/`).

pub mod reference;
