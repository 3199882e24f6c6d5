//! Benchmarks of syscall-kit against its peers; the code is in `benches/` (Criterion) and
//! `cargo make bench` (its driver is lab/src/bench/) runs everything. This library is empty.
