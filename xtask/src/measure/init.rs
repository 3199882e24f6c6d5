//! scratch-init's figures (`cargo make measure-init`, docs/pid1.md): its size and its segments,
//! next to the sizes of tini and tini-static (Debian package tini).

use std::path::Path;

use system_tests::elf::Segment;

use crate::measure::{on_path, size, version};
use crate::text::{Text, Tool, grouped};

/// tini's two programs, which scratch-init is compared with, each with how the table names it:
/// the dynamically linked one and the static one.
pub const TINIS: [(&str, &str); 2] = [
    ("tini", "tini (dynamically linked)"),
    ("tini-static", "tini-static"),
];

/// scratch-init's figures, measured.
pub struct Init {
    /// Its size in bytes.
    pub bytes: u64,
    /// Its program headers.
    pub segments: Vec<Segment>,
    /// The version of tini and the size of each of [`TINIS`], when tini is installed.
    pub tini: Option<(String, Vec<u64>)>,
}

/// Measures the scratch-init at `bin` and, when they are installed, tini and tini-static.
pub fn measure(bin: &Path) -> Result<Init, String> {
    let data = std::fs::read(bin).map_err(|e| format!("{}: {e}", bin.display()))?;
    let tini = if TINIS.iter().all(|(t, _)| on_path(t)) {
        let mut sizes = Vec::new();
        for (t, _) in TINIS {
            let path = which(t)?;
            sizes.push(size(&path)?);
        }
        Some((version(Tool::Tini)?, sizes))
    } else {
        None
    };
    Ok(Init {
        bytes: data.len() as u64,
        segments: system_tests::elf::segments(&data)?,
        tini,
    })
}

/// The path of `tool` on `PATH`.
fn which(tool: &str) -> Result<std::path::PathBuf, String> {
    std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
        .map(|dir| dir.join(tool))
        .find(|p| p.is_file())
        .ok_or_else(|| format!("{tool} not found on PATH"))
}

impl Init {
    /// The figures as `cargo make measure-init` prints them and docs/pid1.md shows them: the
    /// versions, the sizes, the segments.
    pub fn text(&self, rustc: &str) -> Text {
        let mut t = Text::new();
        t.words("Measured on x86_64 with rustc ")
            .version(Tool::Rustc, rustc);
        if let Some((v, _)) = &self.tini {
            t.words(" and tini ").version(Tool::Tini, v);
        }
        t.words(":\n\n| program | bytes |\n|---|---:|\n| scratch-init | ")
            .figure(Tool::Rustc, grouped(self.bytes))
            .words(" |\n");
        if let Some((_, sizes)) = &self.tini {
            for ((_, label), bytes) in TINIS.iter().zip(sizes) {
                t.words(format!("| {label} | "))
                    .figure(Tool::Tini, grouped(*bytes))
                    .words(" |\n");
            }
        }
        t.words(
            "\n| segment of scratch-init | flags | offset in the file | bytes in the file | bytes in memory |\n\
             |---|---|---:|---:|---:|\n",
        );
        for s in &self.segments {
            t.words(format!("| `{}` | {} | ", s.kind_name(), s.flags_text()))
                .figure(Tool::Rustc, grouped(s.offset))
                .words(" | ")
                .figure(Tool::Rustc, grouped(s.file_size))
                .words(" | ")
                .figure(Tool::Rustc, grouped(s.memory_size))
                .words(" |\n");
        }
        t
    }
}
