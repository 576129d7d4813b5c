//! Vector generator (being written).
fn main() {}
