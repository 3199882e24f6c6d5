//! Benchmarks of syscall-kit against its peers; the code is in `benches/` (Criterion) and
//! `scripts/bench.sh` runs everything (`cargo make bench`). This library is empty.
