//! The simulator, built inside the tests package so that the end-to-end
//! tests can run it (see `tests/Cargo.toml`).

fn main() -> std::process::ExitCode {
    tickring_sim::main()
}
