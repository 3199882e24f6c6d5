//! scratch-doctor `--trace` against the untraced run and strace: the overhead of tracing a
//! workload heavy in path lookups, [`WORKLOAD`] (Python importing a few modules of its standard
//! library: some 600 `openat`, `newfstatat` and `readlink` calls in 40 ms), run untraced, under
//! `scratch-doctor --trace` (its report to `/dev/null`, the report's own work included), under
//! `strace -f -e trace=%file` and under `strace -f --seccomp-bpf -e trace=%file` (both to
//! `/dev/null`): `hyperfine -N`, 3 warm-up runs, 30 runs, median. The goal: the traced run within
//! 1.2× of the untraced one; the two strace rows are comparisons.

use std::path::Path;

use super::hyperfine::{self, quote};
use super::table::{Row, Unit};

/// The traced workload: Python starting and importing modules, found through its `sys.path`.
pub const WORKLOAD: &str = "/usr/bin/python3 -c 'import json, email, http.client, xml.dom.minidom'";

/// hyperfine's options: no shell (`-N`: a run of a few tens of milliseconds), 3 warm-up runs,
/// 30 runs.
const HYPERFINE: [&str; 5] = ["-N", "--warmup", "3", "--runs", "30"];

/// The rows; `doctor` is the built scratch-doctor, `out` receives hyperfine's JSON.
pub fn rows(doctor: &Path, out: &Path) -> Result<Vec<Row>, String> {
    let doctor = quote(&doctor.display().to_string());
    let commands = [
        WORKLOAD.to_string(),
        format!("{doctor} --trace -- {WORKLOAD}"),
        format!("strace -f -qq -o /dev/null -e trace=%file {WORKLOAD}"),
        format!("strace -f -qq -o /dev/null --seccomp-bpf -e trace=%file {WORKLOAD}"),
    ];
    let times = hyperfine::medians_ns(&HYPERFINE, &commands, &out.join("doctor-trace.json"))?;
    let what =
        "scratch-doctor --trace, python3 importing json, email, http.client, xml.dom.minidom (ns)";
    Ok(vec![
        Row::new(what, times[1], "untraced", times[0], Some("1.20"), Unit::Ns),
        Row::new(
            what,
            times[1],
            "strace -f -e trace=%file",
            times[2],
            None,
            Unit::Ns,
        ),
        Row::new(
            what,
            times[1],
            "strace -f --seccomp-bpf -e trace=%file",
            times[3],
            None,
            Unit::Ns,
        ),
    ])
}
