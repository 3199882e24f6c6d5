//! scratch-pack: a `FROM scratch` image from a program, in one command, byte for byte the same
//! for the same inputs.
//!
//! A `#![no_std]`, `#![no_main]`, static program on syscall-kit, as scratch-doctor is: it reads
//! the program and what it needs with `openat`, `statx`, `getdents64`, `read` and `pread64`,
//! writes the image with `write`, `mkdir` and `renameat2`, allocates from the kit's `brk` heap
//! and prints through the kit's stdio. The image itself is the `scratch_pack` library; what
//! the program needs is `scratch_doctor`'s. See `scratch_pack::options::USAGE` for the
//! command line.
//!
//! Its output follows the kit's policy for tools (`syscall_kit::rt::stdio`, "Output errors"):
//! a failed write of standard output ends it with one line on standard error and status 2;
//! a failed write of standard error changes nothing but what is seen.

#![no_std]
#![no_main]

extern crate alloc;

mod cli;

use alloc::format;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;

use scratch_doctor::host_root::HostRoot;
use scratch_doctor::paths::{self, from_bytes};
use scratch_pack::PackError;
use scratch_pack::compress::encode;
use scratch_pack::oci::{self, Descriptor, DockerImage, ImageConfig, MediaTypes};
use scratch_pack::options::{self, Command, Format, Options, USAGE};
use scratch_pack::reproducible::{epoch, rfc3339};
use scratch_pack::stream::TarStream;
use scratch_pack::tree::Group;
use syscall_kit::Errno;
use syscall_kit::fs::FileType;
use syscall_kit::rt::heap::KernelHeap;
use syscall_kit::rt::stdio::report_output_error;
use syscall_kit::{try_eprintln, try_print, try_println};

use cli::append::{self, Kept, platform_key};
use cli::files::HostFiles;
use cli::inputs::{self, Inputs};
use cli::output::Layout;

#[global_allocator]
static HEAP: KernelHeap = KernelHeap::new();

syscall_kit::main!(main);

/// The name in messages.
const NAME: &str = "scratch-pack";

/// Its version, in `--version` and in the history of the images it writes.
const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Exit statuses.
const WRITTEN: i32 = 0;
const USAGE_OR_INPUT: i32 = 2;

fn main() -> i32 {
    syscall_kit::rt::panic::set_program_name(NAME);
    match run() {
        Ok(status) => status,
        Err(e) => {
            report_output_error(NAME.as_bytes(), e);
            USAGE_OR_INPUT
        }
    }
}

/// A line on standard error; its own write error is ignored on purpose (the exit status
/// tells of the problem).
macro_rules! warn {
    ($($arg:tt)*) => {
        let _ = try_eprintln!("{}: {}", NAME, ::core::format_args!($($arg)*));
    };
}

/// The program, with every write of standard output checked: `Err` is the error of one.
fn run() -> Result<i32, Errno> {
    let options = match options::parse(syscall_kit::rt::args().skip(1)) {
        Ok(Command::Pack(o)) => o,
        Ok(Command::Help) => {
            try_print!("{USAGE}")?;
            return Ok(WRITTEN);
        }
        Ok(Command::Version) => {
            try_println!("{NAME} {VERSION}")?;
            return Ok(WRITTEN);
        }
        Err(e) => {
            warn!("{e}");
            return Ok(USAGE_OR_INPUT);
        }
    };
    match pack(&options) {
        Ok(packed) => {
            for w in &packed.warnings {
                warn!("{w}");
            }
            warn!("{}", packed.summary);
            try_println!("{}", packed.digest)?;
            Ok(WRITTEN)
        }
        Err(e) => {
            warn!("{e}");
            Ok(USAGE_OR_INPUT)
        }
    }
}

/// What was written.
struct Packed {
    /// The digest of what `index.json` names: the image manifest, or the index of the
    /// platforms' manifests (what a registry reports for the image's tag).
    digest: String,
    /// A line for standard error: where, what platform, how many layers, the name.
    summary: String,
    /// Lines for standard error: what the image may lack.
    warnings: Vec<String>,
}

/// Writes the image the options ask for.
fn pack(o: &Options) -> Result<Packed, PackError> {
    let source_date_epoch = syscall_kit::rt::getenv("SOURCE_DATE_EPOCH").map(|v| v.to_bytes());
    let mtime = epoch(source_date_epoch)?;
    output_is_no_input(o)?;
    let inputs = inputs::gather(o)?;
    // A health check is Docker's: Podman keeps it only from an image of Docker's format.
    let types = if o.healthcheck.is_some() {
        MediaTypes::DOCKER
    } else {
        MediaTypes::OCI
    };
    let layout = Layout::create(o.output.to_bytes(), o.format)?;
    let mut layout = layout;
    match write(&mut layout, o, &inputs, types, mtime) {
        Ok(mut packed) => {
            layout.finish(o.format, mtime)?;
            packed.warnings = inputs.warnings;
            Ok(packed)
        }
        Err(e) => Err(layout.fail(e.0)),
    }
}

/// The layers, config, manifest and index of the image into `layout`.
fn write(
    layout: &mut Layout,
    o: &Options,
    inputs: &Inputs,
    types: MediaTypes,
    mtime: u64,
) -> Result<Packed, PackError> {
    let groups: Vec<Option<Group>> = if o.layers {
        Group::ALL
            .into_iter()
            .filter(|g| inputs.tree.has(*g))
            .map(Some)
            .collect()
    } else {
        vec![None]
    };
    let layer_type = types.layer_type(o.compression.suffix());
    let mut layers = Vec::new();
    let mut history = Vec::new();
    let mut bytes = 0;
    for group in &groups {
        let entries = inputs.tree.layer(*group);
        let written = layout.blob_stream(|sink| {
            let mut tar = TarStream::new(&entries, HostFiles, mtime);
            encode(&mut tar, o.compression, sink)
        })?;
        bytes += written.size;
        layers.push(Descriptor::new(&layer_type, &written.digest, written.size));
        let what = group.map_or("the program and all it needs", |g| g.describe());
        history.push((written.diff_id, format!("{NAME} {VERSION}: {what}")));
    }
    let config = ImageConfig {
        platform: inputs.platform.clone(),
        run: inputs.run.clone(),
        created: rfc3339(mtime),
        layers: history,
    }
    .json();
    let config_digest = layout.blob(config.as_bytes())?;
    let config_desc = Descriptor::new(types.config, &config_digest, config.len() as u64);
    let manifest = oci::manifest(types, &config_desc, &layers);
    let digest = layout.blob(manifest.as_bytes())?;
    let tag = o
        .tag
        .clone()
        .unwrap_or_else(|| options::default_tag(o.program.to_bytes()));
    let blob = |d: &str| format!("blobs/sha256/{}", d.trim_start_matches("sha256:"));
    let mut desc = Descriptor::new(types.manifest, &digest, manifest.len() as u64);
    desc.platform = Some(inputs.platform.clone());
    let mut images = vec![Kept {
        desc,
        docker: DockerImage {
            config: blob(&config_digest),
            layers: layers.iter().map(|l| blob(&l.digest)).collect(),
            repo_tags: Vec::new(),
        },
    }];
    if o.append {
        images.extend(append::keep_others(o.output, &inputs.platform, layout)?);
    }
    // In the order of their platforms: the order of `--append` runs changes nothing.
    images.sort_by_key(|a| platform_key(&a.desc));
    let top = if images.len() == 1 {
        images[0].desc.clone()
    } else {
        // Several platforms: index.json names one index of them, as Docker writes it.
        let all_docker = images
            .iter()
            .all(|i| i.desc.media_type == MediaTypes::DOCKER.manifest);
        let list_types = if all_docker {
            MediaTypes::DOCKER
        } else {
            MediaTypes::OCI
        };
        let descs: Vec<Descriptor> = images.iter().map(|i| i.desc.clone()).collect();
        let list = oci::index(list_types, &descs);
        let list_digest = layout.blob(list.as_bytes())?;
        Descriptor::new(list_types.index, &list_digest, list.len() as u64)
    };
    let mut top = top;
    top.annotations = name_annotations(&tag);
    let printed = top.digest.clone();
    layout.file("index.json", oci::index(MediaTypes::OCI, &[top]).as_bytes())?;
    layout.file("oci-layout", oci::OCI_LAYOUT.as_bytes())?;
    let platforms = images.len();
    if o.format == Format::Archive {
        let docker: Vec<DockerImage> = images
            .into_iter()
            .map(|i| DockerImage {
                repo_tags: vec![tag.clone()],
                ..i.docker
            })
            .collect();
        layout.file("manifest.json", oci::docker_manifest(&docker).as_bytes())?;
    }
    let summary = format!(
        "wrote {} ({}, {}{}, {} layer{} of {bytes} bytes, {}): {tag}",
        from_bytes(o.output.to_bytes()),
        match o.format {
            Format::Archive => "OCI archive",
            Format::Dir => "OCI layout",
        },
        inputs.platform,
        if platforms > 1 {
            format!(
                " and {} other platform{}",
                platforms - 1,
                if platforms > 2 { "s" } else { "" }
            )
        } else {
            String::new()
        },
        layers.len(),
        if layers.len() == 1 { "" } else { "s" },
        match o.compression.suffix() {
            "" => "uncompressed",
            s => s.trim_start_matches('+'),
        }
    );
    Ok(Packed {
        digest: printed,
        summary,
        warnings: Vec::new(),
    })
}

/// The annotations of the image's name in `index.json`, as Docker 25 writes them: the full
/// name (`docker.io/library/hello:latest`) for containerd, and the name as given
/// (`hello:latest`) in the OCI key, which Podman and skopeo read.
fn name_annotations(tag: &str) -> Vec<(String, String)> {
    let first = tag.split('/').next().unwrap_or(tag);
    let has_registry =
        tag.contains('/') && (first.contains('.') || first.contains(':') || first == "localhost");
    let full = if has_registry {
        tag.into()
    } else if tag.contains('/') {
        format!("docker.io/{tag}")
    } else {
        format!("docker.io/library/{tag}")
    };
    vec![
        ("io.containerd.image.name".into(), full),
        ("org.opencontainers.image.ref.name".into(), tag.into()),
    ]
}

/// Refuses an output inside an input (`--root`, `--add`, PROGRAM): the image would be read
/// while it is written.
fn output_is_no_input(o: &Options) -> Result<(), PackError> {
    let real = |path: &[u8]| paths::canonicalize(&mut HostRoot, &from_bytes(path)).ok();
    let out = from_bytes(o.output.to_bytes());
    // The output need not exist: its directory's real path, and its name.
    let Some(dir) = real(paths::to_bytes(paths::dirname(&out)).as_slice()) else {
        return Ok(());
    };
    let out_real = paths::join(&dir, paths::basename(&out));
    // Each input, and whether it is read as a tree (PROGRAM is one file, whatever it is).
    let mut inputs: Vec<(String, &[u8], bool)> = Vec::new();
    for r in &o.roots {
        inputs.push((
            format!("--root {}", from_bytes(r.to_bytes())),
            r.to_bytes(),
            true,
        ));
    }
    for (host, _) in &o.adds {
        inputs.push((format!("--add {}", from_bytes(host)), host, true));
    }
    let program = o.program.to_bytes();
    inputs.push((format!("PROGRAM {}", from_bytes(program)), program, false));
    for (what, path, tree) in inputs {
        let Some(input) = real(path) else { continue };
        // The input itself, or (for a directory) a path under it.
        let is_dir =
            tree && syscall_kit::fs::stat(path).is_ok_and(|st| st.file_type == FileType::Directory);
        let under = is_dir && out_real.starts_with(&format!("{}/", input.trim_end_matches('/')));
        if out_real == input || under {
            return Err(PackError(format!(
                "-o {out} is inside {what}: the image would be read while it is written"
            )));
        }
    }
    Ok(())
}
