//! User-space instructions from a program's start to its exit: `valgrind --tool=callgrind`'s
//! `Ir` total, an exact count that is the same on every run (unlike wall time).
//!
//! In a row's root the launcher `valgrind` (itself a dynamic program) cannot run, so the lab
//! runs valgrind's static tool binary there directly, as the launcher would (`VALGRIND_LIB`,
//! `VALGRIND_LAUNCHER`), in a copy of the root that also holds the tool at `/vg`, a `/tmp`, a
//! `/proc` (valgrind reads `/proc/self/maps`) and `/out` for its result.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::report::Figure;
use crate::roots::{copy_file, copy_tree};
use crate::tools::namespaces;
use crate::workspace::{clean_env, output};

/// Counts the instructions of `program` run directly on this machine.
pub fn on_host(program: &Path, work: &Path) -> Result<Figure<u64>, String> {
    on_host_with_args(program, &[], work)
}

/// Counts the instructions of `program ARGS…` run directly on this machine.
pub fn on_host_with_args(
    program: &Path,
    args: &[&str],
    work: &Path,
) -> Result<Figure<u64>, String> {
    let out_file = work.join("callgrind.out");
    let out = output(
        clean_env(&mut Command::new("valgrind"))
            .arg("--tool=callgrind")
            .arg(format!("--callgrind-out-file={}", out_file.display()))
            .arg(program)
            .args(args)
            .stdin(Stdio::null()),
    )?;
    Ok(read_total(&out_file, &out))
}

/// Counts the instructions of `/hello` run in (a copy of) `root`; `copy` is an empty directory.
pub fn in_root(root: &Path, copy: &Path) -> Result<Figure<u64>, String> {
    let Some(lib) = valgrind_lib() else {
        return Ok(Err("n/a (callgrind's tool binary not found)".into()));
    };
    copy_tree(root, copy)?;
    for file in [
        "callgrind-amd64-linux",
        "vgpreload_core-amd64-linux.so",
        "default.supp",
    ] {
        if lib.join(file).is_file() {
            copy_file(&lib.join(file), &copy.join("vg").join(file))?;
        }
    }
    for dir in ["proc", "tmp", "out"] {
        std::fs::create_dir_all(copy.join(dir))
            .map_err(|e| format!("cannot create {}/{dir}: {e}", copy.display()))?;
    }
    let launcher = crate::tools::which("valgrind").unwrap_or_else(|| "valgrind".into());
    let out = output(
        clean_env(&mut Command::new("unshare"))
            .args(namespaces())
            .arg("--mount-proc=/proc")
            .arg(format!("--root={}", copy.display()))
            .args([
                "/vg/callgrind-amd64-linux",
                "--callgrind-out-file=/out/callgrind",
                "/hello",
            ])
            .env("VALGRIND_LIB", "/vg")
            .env("VALGRIND_LAUNCHER", launcher)
            .stdin(Stdio::null()),
    )?;
    Ok(read_total(&copy.join("out/callgrind"), &out))
}

/// The directory of valgrind's tool binaries: `$VALGRIND_LIB`, or where distributions put it.
fn valgrind_lib() -> Option<PathBuf> {
    let candidates = std::env::var_os("VALGRIND_LIB")
        .map(PathBuf::from)
        .into_iter()
        .chain(
            [
                "/usr/libexec/valgrind",
                "/usr/lib/valgrind",
                "/usr/lib64/valgrind",
                "/usr/local/libexec/valgrind",
                "/usr/local/lib/valgrind",
            ]
            .map(PathBuf::from),
        );
    candidates
        .into_iter()
        .find(|d| d.join("callgrind-amd64-linux").is_file())
}

/// The `totals:` of a callgrind output file, or why there is none (valgrind's last message).
fn read_total(file: &Path, valgrind: &std::process::Output) -> Figure<u64> {
    let text = std::fs::read_to_string(file).unwrap_or_default();
    parse_total(&text).ok_or_else(|| {
        let stderr = String::from_utf8_lossy(&valgrind.stderr);
        let last = stderr
            .lines()
            .map(|l| {
                l.trim_start_matches(|c: char| c == '=' || c.is_ascii_digit())
                    .trim()
            })
            .rfind(|l| !l.is_empty())
            .unwrap_or("no output");
        format!("n/a (valgrind: {last})")
    })
}

/// The first number of the `totals:` (or else `summary:`) line of a callgrind output file.
pub fn parse_total(text: &str) -> Option<u64> {
    ["totals:", "summary:"].iter().find_map(|key| {
        text.lines()
            .find_map(|l| l.strip_prefix(key))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|n| n.parse().ok())
    })
}

#[cfg(test)]
mod tests {
    use super::parse_total;

    #[test]
    fn reads_the_totals_line() {
        let text = "version: 1\nevents: Ir\nfn=(1) main\n3 5\nsummary: 54\n\n\ntotals: 54\n";
        assert_eq!(parse_total(text), Some(54));
        assert_eq!(parse_total("events: Ir\nsummary: 7\n"), Some(7));
        assert_eq!(parse_total("events: Ir\n"), None);
    }
}
