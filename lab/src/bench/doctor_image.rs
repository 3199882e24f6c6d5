//! `scratch-doctor --image` on a large image archive built from this machine's files, against
//! `tar -xf` of the same archive into a tmpfs (`/dev/shm`): the doctor reads every byte that tar
//! reads (it checks each blob's digest) and writes nothing, so the goal is a ratio ≤ 1.00
//! (`hyperfine`, 1 warm-up run, 10 runs, median). And its peak memory (`ru_maxrss`, GNU time's
//! `%M`, the smallest of 5 runs) against a goal of 64 MiB: the layers are streamed, and only the
//! files the verdict reads are held.
//!
//! The image: an OCI archive, as `podman save --format oci-archive` writes one (one
//! uncompressed layer), whose entrypoint is `/usr/bin/ls` with its interpreter and libraries
//! (as `ldd` lists them, under the merged-`/usr` links `/lib`, `/lib64`, `/bin` of this
//! machine), then the regular files of `/usr/lib` by name, each inode once, until the layer's
//! files hold [`IMAGE_BYTES`]. So the verdict is "starts: yes" and is checked before the timing.

use std::collections::HashSet;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use scratch_doctor::image::decode::sha256_digest;

use super::doctor::{peak_row, smallest_peak};
use super::hyperfine::{self, quote};
use super::table::{Row, Unit};

/// How many bytes of files the layer holds, at least.
pub const IMAGE_BYTES: u64 = 256 << 20;

/// The image's entrypoint, with its closure.
const PROGRAM: &str = "/usr/bin/ls";

/// The tmpfs that `tar -xf` writes into.
const TMPFS: &str = "/dev/shm";

/// hyperfine's options: one warm-up run, 10 runs.
const HYPERFINE: [&str; 4] = ["--warmup", "1", "--runs", "10"];

/// How many times the peak is measured: the smallest counts (see `doctor::PEAK_RUNS`).
const PEAK_RUNS: usize = 5;

/// The exit status of a run that says "starts: yes".
const STARTS: [i32; 1] = [0];

/// The rows; `doctor` is the built scratch-doctor, `out` receives the archive (removed
/// afterwards), hyperfine's JSON and GNU time's reports.
pub fn rows(doctor: &Path, out: &Path) -> Result<Vec<Row>, String> {
    if !is_tmpfs(Path::new(TMPFS)) {
        return Err(format!(
            "{TMPFS} is not a tmpfs: the image row extracts into one"
        ));
    }
    let work = out.join("doctor-image");
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work).map_err(|e| format!("cannot create {}: {e}", work.display()))?;
    let result = measure(doctor, out, &work);
    let _ = std::fs::remove_dir_all(&work);
    result
}

fn measure(doctor: &Path, out: &Path, work: &Path) -> Result<Vec<Row>, String> {
    let (archive, files, bytes) = build_archive(work)?;
    let size = std::fs::metadata(&archive)
        .map_err(|e| format!("cannot stat {}: {e}", archive.display()))?
        .len();
    // The verdict it is timed on: the archive is read to the end and the image starts.
    let verdict = Command::new(doctor)
        .arg("--image")
        .arg(&archive)
        .output()
        .map_err(|e| format!("cannot run {}: {e}", doctor.display()))?;
    let text = String::from_utf8_lossy(&verdict.stdout);
    if verdict.status.code() != Some(STARTS[0]) || !text.lines().any(|l| l == "starts: yes") {
        return Err(format!(
            "scratch-doctor --image {} should say \"starts: yes\" ({}): {text}{}",
            archive.display(),
            verdict.status,
            String::from_utf8_lossy(&verdict.stderr)
        ));
    }

    let into = Path::new(TMPFS).join(format!("scratch-doctor-bench-{}", std::process::id()));
    let into_q = quote(&into.display().to_string());
    let archive_q = quote(&archive.display().to_string());
    let prepare = format!("rm -rf {into_q} && mkdir {into_q}");
    let mut args: Vec<&str> = HYPERFINE.to_vec();
    args.extend(["--prepare", &prepare]);
    let commands = [
        format!(
            "{} --image {archive_q} > /dev/null",
            quote(&doctor.display().to_string())
        ),
        format!("tar -xf {archive_q} -C {into_q}"),
    ];
    let times = hyperfine::medians_ns(&args, &commands, &out.join("doctor-image.json"));
    let _ = std::fs::remove_dir_all(&into);
    let times = times?;
    let mib = size as f64 / f64::from(1 << 20);
    let mut rows = vec![Row::new(
        format!(
            "scratch-doctor --image, a {mib:.0} MiB OCI archive ({files} files, {} MiB) (ns)",
            bytes >> 20
        ),
        times[0],
        format!("tar -xf into {TMPFS}"),
        times[1],
        Some("1.00"),
        Unit::Ns,
    )];

    let args = ["--image".as_ref(), archive.as_os_str()];
    let peak = smallest_peak(doctor, &args, &STARTS, out, PEAK_RUNS, || {})?;
    rows.push(peak_row(
        "scratch-doctor --image peak memory, the same archive (bytes, ru_maxrss)",
        peak,
    ));
    Ok(rows)
}

/// Whether `dir` is the mount point of a tmpfs (`/proc/self/mounts`).
fn is_tmpfs(dir: &Path) -> bool {
    std::fs::read_to_string("/proc/self/mounts").is_ok_and(|m| {
        m.lines().any(|l| {
            let mut f = l.split_whitespace();
            let (_, at, kind) = (f.next(), f.next(), f.next());
            at == dir.to_str() && kind == Some("tmpfs")
        })
    })
}

/// The paths of the layer, relative to `/`: the merged-`/usr` links, the program and its
/// closure, then files of `/usr/lib` until [`IMAGE_BYTES`]; with the number of regular files
/// and their bytes.
fn layer_paths() -> Result<(Vec<PathBuf>, usize, u64), String> {
    let mut paths: Vec<PathBuf> = ["/lib", "/lib64", "/bin", "/sbin"]
        .iter()
        .map(PathBuf::from)
        .filter(|p| {
            p.symlink_metadata()
                .is_ok_and(|m| m.file_type().is_symlink())
        })
        .collect();
    let mut closure = system_tests::ldd(Path::new(PROGRAM));
    if closure.is_empty() {
        return Err(format!("ldd {PROGRAM} lists no library"));
    }
    closure.push(PROGRAM.into());
    // A library's path may be a link (/lib64/ld-linux-x86-64.so.2): its target goes in too.
    let mut first: Vec<PathBuf> = Vec::new();
    for p in closure.iter().map(PathBuf::from) {
        if let Ok(real) = std::fs::canonicalize(&p)
            && real != p
        {
            first.push(real);
        }
        first.push(p);
    }
    let mut rest = Vec::new();
    walk(Path::new("/usr/lib"), &mut rest)?;
    rest.sort();
    let mut seen = HashSet::new();
    let mut listed: HashSet<PathBuf> = paths.iter().cloned().collect();
    let mut bytes = 0;
    let mut files = 0;
    for p in first.into_iter().chain(rest) {
        if bytes >= IMAGE_BYTES {
            break;
        }
        let Ok(m) = p.symlink_metadata() else {
            continue;
        };
        if m.is_file() {
            if !seen.insert((m.dev(), m.ino())) {
                continue; // a hard link: tar stores its data once
            }
            bytes += m.len();
            files += 1;
        }
        if listed.insert(p.clone()) {
            paths.push(p);
        }
    }
    if bytes < IMAGE_BYTES {
        return Err(format!(
            "/usr/lib holds only {} MiB of files, {} MiB wanted",
            bytes >> 20,
            IMAGE_BYTES >> 20
        ));
    }
    Ok((paths, files, bytes))
}

/// The regular files under `dir`, recursively (unreadable directories skipped).
pub(super) fn walk(dir: &Path, into: &mut Vec<PathBuf>) -> Result<(), String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(());
    };
    for e in entries.filter_map(Result::ok) {
        let Ok(t) = e.file_type() else { continue };
        if t.is_dir() {
            walk(&e.path(), into)?;
        } else if t.is_file() {
            into.push(e.path());
        }
    }
    Ok(())
}

/// Writes the OCI archive under `work`: its path, the number of files of its layer, their bytes.
fn build_archive(work: &Path) -> Result<(PathBuf, usize, u64), String> {
    let (paths, files, bytes) = layer_paths()?;
    let list = work.join("layer.list");
    let mut text = Vec::new();
    for p in &paths {
        text.extend_from_slice(p.strip_prefix("/").unwrap_or(p).as_os_str().as_bytes());
        text.push(0);
    }
    std::fs::write(&list, text).map_err(|e| format!("cannot write {}: {e}", list.display()))?;
    let layer = work.join("layer.tar");
    let status = Command::new("tar")
        .args(["-cf"])
        .arg(&layer)
        .args(["-C", "/", "--no-recursion", "--null", "-T"])
        .arg(&list)
        .status()
        .map_err(|e| format!("cannot run tar: {e}"))?;
    if !status.success() {
        return Err(format!("tar -cf {} failed ({status})", layer.display()));
    }

    let layout = work.join("oci");
    let blobs = layout.join("blobs/sha256");
    std::fs::create_dir_all(&blobs)
        .map_err(|e| format!("cannot create {}: {e}", blobs.display()))?;
    let data =
        std::fs::read(&layer).map_err(|e| format!("cannot read {}: {e}", layer.display()))?;
    let layer_digest = sha256_digest(&data);
    let layer_size = data.len();
    drop(data);
    let blob = |digest: &str| blobs.join(digest.trim_start_matches("sha256:"));
    std::fs::rename(&layer, blob(&layer_digest))
        .map_err(|e| format!("cannot move {}: {e}", layer.display()))?;
    let put = |bytes: &[u8]| -> Result<String, String> {
        let digest = sha256_digest(bytes);
        std::fs::write(blob(&digest), bytes).map_err(|e| format!("cannot write a blob: {e}"))?;
        Ok(digest)
    };
    // This machine's platform, as OCI names its architecture.
    let architecture = match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        other => other,
    };
    let config = format!(
        r#"{{"architecture":"{architecture}","os":"linux","config":{{"Entrypoint":["{PROGRAM}"]}},"rootfs":{{"type":"layers","diff_ids":["{layer_digest}"]}}}}"#
    );
    let config_digest = put(config.as_bytes())?;
    let manifest = format!(
        r#"{{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{config_digest}","size":{}}},"layers":[{{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"{layer_digest}","size":{layer_size}}}]}}"#,
        config.len()
    );
    let manifest_digest = put(manifest.as_bytes())?;
    let index = format!(
        r#"{{"schemaVersion":2,"manifests":[{{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"{manifest_digest}","size":{}}}]}}"#,
        manifest.len()
    );
    for (name, bytes) in [
        ("index.json", index.as_bytes()),
        (
            "oci-layout",
            br#"{"imageLayoutVersion":"1.0.0"}"#.as_slice(),
        ),
    ] {
        std::fs::write(layout.join(name), bytes)
            .map_err(|e| format!("cannot write {name}: {e}"))?;
    }
    let archive = work.join("image.oci.tar");
    let status = Command::new("tar")
        .arg("-cf")
        .arg(&archive)
        .arg("-C")
        .arg(&layout)
        .arg(".")
        .status()
        .map_err(|e| format!("cannot run tar: {e}"))?;
    if !status.success() {
        return Err(format!("tar -cf {} failed ({status})", archive.display()));
    }
    std::fs::remove_dir_all(&layout)
        .map_err(|e| format!("cannot remove {}: {e}", layout.display()))?;
    Ok((archive, files, bytes))
}
