//! cat-nostd against GNU cat: 512 MiB from the page cache to `/dev/null`, to a file and into a
//! pipe (`hyperfine`, through the shell, 10 runs, median).

use std::io::Read;
use std::path::Path;

use super::hyperfine::{self, quote};
use super::table::{Row, Unit};

/// The size of the file both cats copy.
pub const BYTES: u64 = 512 << 20;

/// hyperfine's options for the cats: one warm-up run, 10 runs.
const HYPERFINE: [&str; 4] = ["--warmup", "1", "--runs", "10"];

/// The rows; `cat_nostd` is the built program, `out` holds the 512 MiB file (kept between runs)
/// and hyperfine's JSON.
pub fn rows(cat_nostd: &Path, out: &Path) -> Result<Vec<Row>, String> {
    let big = out.join("512MiB");
    if std::fs::metadata(&big).map(|m| m.len()).ok() != Some(BYTES) {
        random_file(&big)?;
    }
    // Into the page cache.
    let mut file =
        std::fs::File::open(&big).map_err(|e| format!("cannot open {}: {e}", big.display()))?;
    std::io::copy(&mut file, &mut std::io::sink())
        .map_err(|e| format!("cannot read {}: {e}", big.display()))?;

    let sink = out.join("cat-out");
    let (kit, big_q, sink_q) = (
        quote(&cat_nostd.display().to_string()),
        quote(&big.display().to_string()),
        quote(&sink.display().to_string()),
    );
    let mut rows = Vec::new();
    for (to, redirect) in [
        ("null", "> /dev/null".to_string()),
        ("file", format!("> {sink_q}")),
        ("pipe", "| tail -c 1 > /dev/null".to_string()),
    ] {
        let commands = [
            format!("{kit} {big_q} {redirect}"),
            format!("cat {big_q} {redirect}"),
        ];
        let json = out.join(format!("cat-{to}.json"));
        let times = hyperfine::medians_ns(&HYPERFINE, &commands, &json)?;
        // Throughput ratio = peer time / kit time; the table shows time, so the goal is a
        // ratio ≤ 1.
        rows.push(Row::new(
            format!("cat 512 MiB to {to} (ns)"),
            times[0],
            "GNU cat",
            times[1],
            Some("1.00"),
            Unit::Ns,
        ));
    }
    let _ = std::fs::remove_file(&sink);
    Ok(rows)
}

/// Writes [`BYTES`] bytes from `/dev/urandom` to `path`.
fn random_file(path: &Path) -> Result<(), String> {
    let random = std::fs::File::open("/dev/urandom")
        .map_err(|e| format!("cannot open /dev/urandom: {e}"))?;
    let mut file = std::fs::File::create(path)
        .map_err(|e| format!("cannot create {}: {e}", path.display()))?;
    let copied = std::io::copy(&mut random.take(BYTES), &mut file)
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    if copied == BYTES {
        Ok(())
    } else {
        Err(format!("{}: only {copied} bytes written", path.display()))
    }
}
