//! The sizes of built programs that the documents show on their own: scratch-probe's
//! (docs/probe.md) and hello-locked's beside hello-nostd's on every architecture
//! (docs/least-privilege.md), and hello-nostd packed by scratch-pack (docs/pack.md).

use syscall_kit_build::Arch;

use crate::build::{release_bin, root};
use crate::measure::size;
use crate::text::{Text, Tool, grouped};

/// The size of the no_std program `name` built for `arch`.
fn program_size(arch: Arch, name: &str) -> Result<u64, String> {
    size(&root().join(release_bin(arch, name)))
}

/// docs/probe.md's size: the command that shows it, and what it prints.
pub fn probe(rustc: &str) -> Result<Text, String> {
    let bin = release_bin(Arch::X86_64, "scratch-probe");
    let mut t = Text::new();
    t.words("With rustc ")
        .version(Tool::Rustc, rustc)
        .words(format!(
            ":\n\n```console\n$ cargo build-nostd -p scratch-probe && stat -c %s {}\n",
            bin.display()
        ))
        .figure(Tool::Rustc, program_size(Arch::X86_64, "scratch-probe")?)
        .words("\n```\n");
    Ok(t)
}

/// hello-locked's size beside hello-nostd's, on every architecture of the table.
pub fn locked(rustc: &str) -> Result<Text, String> {
    let mut t = Text::new();
    t.words("With rustc ").version(Tool::Rustc, rustc).words(
        " (`cargo make build-arch` prints the same sizes):\n\n\
             | architecture | hello-locked bytes | hello-nostd bytes |\n|---|---:|---:|\n",
    );
    for arch in Arch::ALL {
        t.words(format!("| {} | ", arch.name()))
            .figure(Tool::Rustc, grouped(program_size(arch, "hello-locked")?))
            .words(" | ")
            .figure(Tool::Rustc, grouped(program_size(arch, "hello-nostd")?))
            .words(" |\n");
    }
    Ok(t)
}

/// docs/pack.md's size: hello-nostd packed by scratch-pack (both built for x86_64), the
/// program's bytes, its gzip layer's and the archive's, and the digest it printed: the same
/// binary gives the same image, so all change only with rustc.
pub fn pack(rustc: &str) -> Result<Text, String> {
    let pack = root().join(release_bin(Arch::X86_64, "scratch-pack"));
    let hello_bin = release_bin(Arch::X86_64, "hello-nostd");
    let hello = root().join(&hello_bin);
    let dir = root().join("target/figures-pack");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let result = pack_in(&pack, &hello, &dir);
    let _ = std::fs::remove_dir_all(&dir);
    let (digest, archive, layer) = result?;
    let mut t = Text::new();
    t.words("With rustc ")
        .version(Tool::Rustc, rustc)
        .words(format!(
            ":\n\n```console\n$ cargo build-nostd\n$ scratch-pack -o hello.tar {}\n",
            hello_bin.display()
        ))
        .words("sha256:")
        .figure(Tool::Rustc, digest.trim_start_matches("sha256:"))
        .words("\n```\n\n| what | bytes |\n|---|---:|\n| hello-nostd, the image's one file | ")
        .figure(
            Tool::Rustc,
            grouped(program_size(Arch::X86_64, "hello-nostd")?),
        )
        .words(" |\n| its layer, a gzipped tar | ")
        .figure(Tool::Rustc, grouped(layer))
        .words(" |\n| the archive, `hello.tar` | ")
        .figure(Tool::Rustc, grouped(archive))
        .words(" |\n");
    Ok(t)
}

/// Packs `hello` with `pack` into `dir`, as an archive and as a layout directory: the digest
/// printed, the archive's bytes, and the bytes of the layer (the one gzip blob of the layout).
fn pack_in(
    pack: &std::path::Path,
    hello: &std::path::Path,
    dir: &std::path::Path,
) -> Result<(String, u64, u64), String> {
    let run = |args: &[&std::ffi::OsStr]| -> Result<String, String> {
        let out = std::process::Command::new(pack)
            .args(args)
            .env_remove("SOURCE_DATE_EPOCH")
            .output()
            .map_err(|e| format!("cannot run {}: {e}", pack.display()))?;
        if !out.status.success() {
            return Err(format!(
                "scratch-pack {args:?} failed ({}): {}",
                out.status,
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
    };
    let archive = dir.join("hello.tar");
    let layout = dir.join("hello");
    let digest = run(&["-o".as_ref(), archive.as_os_str(), hello.as_os_str()])?;
    let again = run(&[
        "--format".as_ref(),
        "oci-dir".as_ref(),
        "-o".as_ref(),
        layout.as_os_str(),
        hello.as_os_str(),
    ])?;
    if again != digest {
        return Err(format!(
            "the archive's digest {digest} and the layout's {again} differ"
        ));
    }
    let blobs = layout.join("blobs/sha256");
    let mut layers = Vec::new();
    for e in std::fs::read_dir(&blobs).map_err(|e| format!("{}: {e}", blobs.display()))? {
        let path = e.map_err(|e| format!("{}: {e}", blobs.display()))?.path();
        let bytes = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        if bytes.starts_with(&[0x1f, 0x8b]) {
            layers.push(bytes.len() as u64);
        }
    }
    let [layer] = layers[..] else {
        return Err(format!(
            "{}: {} gzip blobs, not one",
            blobs.display(),
            layers.len()
        ));
    };
    Ok((digest, size(&archive)?, layer))
}
