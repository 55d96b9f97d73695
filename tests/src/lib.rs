//! Shared helpers for tickring's workspace integration tests (in `tests/`).
