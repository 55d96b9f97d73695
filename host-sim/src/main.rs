//! tickring-sim: moves ticks through a tickring ring (the full simulator is
//! being built; see the README).

fn main() {}
