//! hello-nostd against four other hellos: C with musl and with glibc (static, `lab/hello.c`
//! built by the lab's own recipe, so both tables show one size for one program), Rust std
//! (static, musl) and assembly (`bench/asm/hello.S`, `as` and plain `ld -s`). For each: file
//! bytes, system calls after `execve` (`strace -f`, as the lab counts them), user-space
//! instructions (callgrind) and exec-to-exit time (`hyperfine -N`, 1000 runs, median).

use std::path::{Path, PathBuf};
use std::process::Command;

use super::hyperfine;
use super::table::{Row, Unit};
use crate::compile::{c_binary, cargo_binary};
use crate::variants::Build;
use crate::workspace::{checked, root};
use crate::{instructions, syscalls};

/// hyperfine's options for the hellos: no shell, 50 warm-up runs, 1000 runs.
const HYPERFINE: [&str; 5] = ["-N", "--warmup", "50", "--runs", "1000"];

/// A hello: its name in the table and its binary.
struct Hello {
    name: &'static str,
    path: PathBuf,
}

/// The figures of one hello.
struct Figures {
    bytes: u64,
    calls: usize,
    instructions: u64,
}

/// The rows, after the lab's cargo builds (`compile::cargo_builds`): the C and assembly
/// hellos are built into `out`, which also holds hyperfine's JSON and the tools' logs.
pub fn rows(out: &Path) -> Result<Vec<Row>, String> {
    let rust = |build| cargo_binary(build).ok_or_else(|| format!("{build:?} is not a Rust row"));
    let kit = Hello {
        name: "hello-nostd",
        path: rust(Build::HelloNostd)?,
    };
    let peers = [
        Hello {
            name: "hello-c-musl",
            path: c_binary(Build::MuslGccStatic, out)?,
        },
        Hello {
            name: "hello-c-glibc",
            path: c_binary(Build::GccStatic, out)?,
        },
        Hello {
            name: "hello-rust-std",
            path: rust(Build::RustStdMusl)?,
        },
        Hello {
            name: "hello-asm",
            path: assembly(out)?,
        },
    ];
    let k = measure(&kit, out)?;
    let commands: Vec<String> = std::iter::once(&kit)
        .chain(&peers)
        .map(|h| h.path.display().to_string())
        .collect();
    let times = hyperfine::medians_ns(&HYPERFINE, &commands, &out.join("hello.json"))?;
    let mut rows = Vec::new();
    for (peer, time) in peers.iter().zip(&times[1..]) {
        let p = measure(peer, out)?;
        let row = |measure: &str, kit: f64, figure: f64, unit| {
            Row::new(measure, kit, peer.name, figure, None, unit)
        };
        rows.extend([
            row(
                "hello: file bytes",
                k.bytes as f64,
                p.bytes as f64,
                Unit::Bytes,
            ),
            row(
                "hello: system calls after execve",
                k.calls as f64,
                p.calls as f64,
                Unit::Calls,
            ),
            row(
                "hello: user-space instructions (callgrind)",
                k.instructions as f64,
                p.instructions as f64,
                Unit::Instr,
            ),
            row("hello: exec-to-exit median (ns)", times[0], *time, Unit::Ns),
        ]);
    }
    // No row of a size goal: hello-nostd's size is held by a test's ceiling
    // (system-tests/tests/hello.rs), and the rows above compare it with its peers.
    Ok(rows)
}

/// `bench/asm/hello.S` assembled with `as` and linked with plain `ld -s` into `out/hello-asm`.
fn assembly(out: &Path) -> Result<PathBuf, String> {
    let object = out.join("hello-asm.o");
    let bin = out.join("hello-asm");
    checked(
        Command::new("as")
            .arg("-o")
            .arg(&object)
            .arg(root().join("bench/asm/hello.S")),
        "as bench/asm/hello.S",
    )?;
    checked(
        Command::new("ld")
            .arg("-s")
            .arg("-o")
            .arg(&bin)
            .arg(&object),
        "ld -s hello-asm.o",
    )?;
    Ok(bin)
}

/// Bytes, system calls and instructions of `hello`, run on this machine.
fn measure(hello: &Hello, work: &Path) -> Result<Figures, String> {
    let path = &hello.path;
    let bytes = std::fs::metadata(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?
        .len();
    let calls = syscalls::on_host(path, work)?
        .map_err(|why| format!("{}: system calls: {why}", hello.name))?
        .len();
    let instructions = instructions::on_host(path, work)?
        .map_err(|why| format!("{}: instructions: {why}", hello.name))?;
    Ok(Figures {
        bytes,
        calls,
        instructions,
    })
}
