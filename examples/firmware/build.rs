//! Picks the board from the compilation target, links its memory map, and
//! computes on the host the report the firmware must reproduce.

use std::{env, fs, path::PathBuf};

/// The board each supported target runs on under QEMU.
const BOARDS: [(&str, &str); 2] = [
    ("thumbv7m-none-eabi", "lm3s6965evb"),
    ("thumbv6m-none-eabi", "microbit"),
];

fn main() {
    let target = env::var("TARGET").expect("cargo sets TARGET");
    let out = PathBuf::from(env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    let Some(&(_, board)) = BOARDS.iter().find(|(triple, _)| *triple == target) else {
        panic!(
            "tickring-firmware runs on thumbv7m-none-eabi (lm3s6965evb) or \
             thumbv6m-none-eabi (microbit), not on {target}; pass --target"
        );
    };

    // cortex-m-rt's link.x includes memory.x from the linker search path.
    let memory = format!("memory/{board}.x");
    fs::copy(&memory, out.join("memory.x")).unwrap_or_else(|e| panic!("copy {memory}: {e}"));
    println!("cargo::rustc-link-search={}", out.display());
    println!("cargo::rustc-link-arg-bins=-Tlink.x");
    println!("cargo::rerun-if-changed={memory}");

    println!("cargo::rustc-check-cfg=cfg(board, values(\"lm3s6965evb\", \"microbit\"))");
    println!("cargo::rustc-cfg=board=\"{board}\"");

    // This script runs on the host, and so does the scenario crate it links:
    // the same tickring code, compiled for the host, replays the run.
    let mut report = String::new();
    scenario::host_report(&mut report).expect("the report formats into a String");
    fs::write(out.join("host-report.txt"), report).expect("write host-report.txt");
}
