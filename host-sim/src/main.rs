//! The `tickring-sim` binary: everything lives in the library, so the
//! end-to-end tests can build the very same program.

fn main() -> std::process::ExitCode {
    tickring_sim::main()
}
