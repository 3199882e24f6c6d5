//! scratch-pack on a closure-like tree of this machine's files, against GNU tar writing the same
//! files: as gzip against `tar -c --sort=name … | gzip -6` (the level scratch-pack's deflate
//! uses), and uncompressed against `tar -c --sort=name … | sha256sum` (scratch-pack hashes each
//! layer as it writes it); the goal is a ratio ≤ 1.00 for both (`hyperfine`, 1 warm-up run, 5
//! runs, median: a run takes seconds). And its peak memory (`ru_maxrss`, GNU time's `%M`, the
//! smallest of 3 runs) against a goal of 64 MiB: the layer is streamed, never held.
//!
//! The tree: the regular files of `/usr/lib` by name, each inode once, copied under
//! `usr/lib/` of a directory of `target/bench` until they hold [`TREE_BYTES`]; scratch-pack adds
//! it with `--root` to an image of hello-nostd (static, 534 bytes: no closure to add), tar
//! archives it with `-C`. scratch-pack also writes the image's config, manifest and index, and
//! renames the archive into place; tar's pipe writes nothing but the compressed stream.

use std::collections::HashSet;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use super::doctor::{peak_row, smallest_peak};
use super::doctor_image::walk;
use super::hyperfine::{self, quote};
use super::table::{Row, Unit};

/// How many bytes of files the tree holds, at least.
pub const TREE_BYTES: u64 = 200 << 20;

/// hyperfine's options: one warm-up run, 5 runs.
const HYPERFINE: [&str; 4] = ["--warmup", "1", "--runs", "5"];

/// How many times the peak is measured: the smallest counts (see `doctor::PEAK_RUNS`).
const PEAK_RUNS: usize = 3;

/// The rows; `pack` is the built scratch-pack, `hello` hello-nostd, `out` receives the tree,
/// the images (removed afterwards), hyperfine's JSON and GNU time's reports.
pub fn rows(pack: &Path, hello: &Path, out: &Path) -> Result<Vec<Row>, String> {
    let work = out.join("pack");
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work).map_err(|e| format!("cannot create {}: {e}", work.display()))?;
    let result = measure(pack, hello, out, &work);
    let _ = std::fs::remove_dir_all(&work);
    result
}

fn measure(pack: &Path, hello: &Path, out: &Path, work: &Path) -> Result<Vec<Row>, String> {
    let tree = work.join("tree");
    let (files, bytes) = copy_tree(&tree)?;
    let q = |p: &Path| quote(&p.display().to_string());
    let (pack_q, hello_q, tree_q) = (q(pack), q(hello), q(&tree));
    let image = work.join("image.tar");
    let image_q = q(&image);
    let prepare = format!("rm -f {image_q}");
    let mut args: Vec<&str> = HYPERFINE.to_vec();
    args.extend(["--prepare", &prepare]);
    let what = format!("a {} MiB tree ({files} files)", bytes >> 20);
    let mut rows = Vec::new();
    for (compression, peer, name) in [
        (
            "gzip",
            format!("gzip -6 > {q}", q = q(&work.join("tar.gz"))),
            "gzip -6",
        ),
        ("none", "sha256sum > /dev/null".to_string(), "sha256sum"),
    ] {
        let commands = [
            format!(
                "{pack_q} --compression {compression} -o {image_q} --root {tree_q} {hello_q} \
                 > /dev/null 2>&1"
            ),
            format!("tar -c --sort=name -C {tree_q} . | {peer}"),
        ];
        let json = out.join(format!("pack-{compression}.json"));
        let times = hyperfine::medians_ns(&args, &commands, &json)?;
        rows.push(Row::new(
            format!("scratch-pack --compression {compression}, {what} (ns)"),
            times[0],
            format!("tar -c --sort=name | {name}"),
            times[1],
            Some("1.00"),
            Unit::Ns,
        ));
    }

    let args = [
        "-o".as_ref(),
        image.as_os_str(),
        "--root".as_ref(),
        tree.as_os_str(),
        hello.as_os_str(),
    ];
    let peak = smallest_peak(pack, &args, &[0], out, PEAK_RUNS, || {
        let _ = std::fs::remove_file(&image);
    })?;
    rows.push(peak_row(
        "scratch-pack peak memory, the same tree as gzip (bytes, ru_maxrss)",
        peak,
    ));
    Ok(rows)
}

/// Copies the regular files of `/usr/lib`, by name, each inode once, under `tree/usr/lib`
/// until [`TREE_BYTES`]; the number of files and their bytes.
fn copy_tree(tree: &Path) -> Result<(usize, u64), String> {
    let mut paths: Vec<PathBuf> = Vec::new();
    walk(Path::new("/usr/lib"), &mut paths)?;
    paths.sort();
    let mut seen = HashSet::new();
    let (mut files, mut bytes) = (0, 0);
    for p in paths {
        if bytes >= TREE_BYTES {
            break;
        }
        let Ok(m) = p.symlink_metadata() else {
            continue;
        };
        if !m.is_file() || !seen.insert((m.dev(), m.ino())) {
            continue;
        }
        let to = tree.join(p.strip_prefix("/").unwrap_or(&p));
        if let Some(dir) = to.parent() {
            std::fs::create_dir_all(dir)
                .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        }
        // An unreadable file is left out, as tar would only warn of it.
        if std::fs::copy(&p, &to).is_ok() {
            files += 1;
            bytes += m.len();
        }
    }
    if bytes < TREE_BYTES {
        return Err(format!(
            "/usr/lib holds only {} MiB of files, {} MiB wanted",
            bytes >> 20,
            TREE_BYTES >> 20
        ));
    }
    Ok((files, bytes))
}
