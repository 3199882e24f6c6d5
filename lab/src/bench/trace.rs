//! scratch-doctor `--trace` against the untraced run and strace: the overhead of tracing a
//! workload heavy in path lookups, [`WORKLOAD`] (Python importing a few modules of its standard
//! library: some 600 `openat`, `newfstatat` and `readlink` calls in 40 ms), run untraced, under
//! `scratch-doctor --trace` (its report to `/dev/null`, the report's own work included), under
//! `strace -f -e trace=%file` and under `strace -f --seccomp-bpf -e trace=%file` (both to
//! `/dev/null`), and under `scratch-doctor --trace --one-cpu` (the tracer and the program on
//! one CPU): `hyperfine -N`, 3 warm-up runs, 30 runs, median. Then a workload heavy in
//! system calls that name no path, [`READ_WRITE`] (`dd` copying 800 MiB in 4 KiB reads and
//! writes: 400,000 calls, a few lookups), untraced and traced: there only the lookups stop the
//! program, and the seccomp filter lets every other call run at full speed. The goal, for both:
//! the traced run within 1.2× of the untraced one; the strace rows are comparisons.

use std::path::Path;

use super::hyperfine::{self, quote};
use super::table::{Row, Unit};

/// The traced workload: Python starting and importing modules, found through its `sys.path`.
pub const WORKLOAD: &str = "/usr/bin/python3 -c 'import json, email, http.client, xml.dom.minidom'";

/// The workload of calls that name no path: `read` and `write` of 4 KiB, 200,000 of each.
pub const READ_WRITE: &str = "/usr/bin/dd if=/dev/zero of=/dev/null bs=4096 count=200000";

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
        format!("{doctor} --trace --one-cpu -- {WORKLOAD}"),
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
        Row::new(
            "scratch-doctor --trace --one-cpu, python3 importing json, email, http.client, \
             xml.dom.minidom (ns)",
            times[4],
            "untraced",
            times[0],
            Some("1.20"),
            Unit::Ns,
        ),
        read_write(&doctor, out)?,
    ])
}

/// The row of [`READ_WRITE`], traced against untraced.
fn read_write(doctor: &str, out: &Path) -> Result<Row, String> {
    let commands = [
        READ_WRITE.to_string(),
        format!("{doctor} --trace -- {READ_WRITE}"),
    ];
    let times = hyperfine::medians_ns(&HYPERFINE, &commands, &out.join("doctor-trace-dd.json"))?;
    Ok(Row::new(
        "scratch-doctor --trace, dd of 800 MiB in 4 KiB reads and writes (ns)",
        times[1],
        "untraced",
        times[0],
        Some("1.20"),
        Unit::Ns,
    ))
}
