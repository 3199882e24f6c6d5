//! [`ImageReport`]: everything scratch-doctor says of an image (its facts, whether it starts,
//! the runtime's error and the fix, the hints), as text or as one JSON object; and
//! [`Failure`], why it does not start. A file's report is
//! [`FileReport`](crate::file_report::FileReport).

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt::Write;

use crate::json::Object;
use crate::needs::{self, Need};

/// Why the container does not start.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    /// The cause in plain words.
    pub cause: String,
    /// What the runtime prints.
    pub error: String,
    /// What to change.
    pub fix: String,
}

impl Failure {
    /// The failure of `cause`, on which the runtime prints `error`, and its `fix`.
    pub fn new(cause: String, error: String, fix: impl Into<String>) -> Failure {
        Failure {
            cause,
            error,
            fix: fix.into(),
        }
    }
}

/// Everything the doctor says of an image.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImageReport {
    /// The image as named.
    pub image: String,
    /// OCI layout or docker archive.
    pub format: &'static str,
    /// `linux/amd64`.
    pub platform: String,
    /// The other platforms of the index, if several.
    pub platforms: Vec<String>,
    /// The image's name in the archive.
    pub reference: Option<String>,
    /// How many layers.
    pub layers: usize,
    /// `Entrypoint` + `Cmd`.
    pub command: Vec<String>,
    /// The file the command runs, in the image, when it was found.
    pub program: Option<String>,
    /// `root (no User)`, `nobody (uid 65534, gid 65534)`.
    pub user: String,
    /// The file's format.
    pub file_format: Option<String>,
    /// `None`: it starts.
    pub failure: Option<Failure>,
    /// The files the program will look for once it runs that the image lacks.
    pub needs: Vec<Need>,
    /// Why the program's needs could not be read, when they could not.
    pub needs_unread: Option<String>,
    /// Things that are not a failure to start.
    pub hints: Vec<String>,
}

/// The first line of the needs in the text.
pub const NEEDS_HEADING: &str = "needs at run time (files the program will look for once it runs, which the image lacks; \"starts\" is only about starting):";

impl ImageReport {
    /// Whether it starts.
    pub fn starts(&self) -> bool {
        self.failure.is_none()
    }

    /// The report as text: the facts, one `starts:` line, the error and fix, the hints.
    pub fn text(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "image: {} ({}, {} layer{})",
            self.image,
            self.format,
            self.layers,
            if self.layers == 1 { "" } else { "s" }
        );
        if let Some(r) = &self.reference {
            let _ = writeln!(out, "name: {r}");
        }
        let _ = write!(out, "platform: {}", self.platform);
        if self.platforms.len() > 1 {
            let _ = write!(out, " (of {})", self.platforms.join(", "));
        }
        out.push('\n');
        let _ = writeln!(out, "command: {}", quoted(&self.command));
        if let Some(p) = &self.program {
            let _ = writeln!(out, "program: {p}");
        }
        let _ = writeln!(out, "user: {}", self.user);
        if let Some(f) = &self.file_format {
            let _ = writeln!(out, "format: {f}");
        }
        match &self.failure {
            None => out.push_str("starts: yes\n"),
            Some(f) => {
                let _ = writeln!(out, "starts: no: {}", f.cause);
                let _ = writeln!(out, "runtime error: {}", f.error);
                let _ = writeln!(out, "fix: {}", f.fix);
            }
        }
        needs::text(&mut out, &self.needs, "", NEEDS_HEADING);
        if let Some(why) = &self.needs_unread {
            let _ = writeln!(out, "needs at run time: not known: {why}");
        }
        for h in &self.hints {
            let _ = writeln!(out, "hint: {h}");
        }
        out
    }

    /// The report as one JSON object.
    pub fn json(&self) -> String {
        let mut out = String::new();
        let mut o = Object::new(&mut out);
        o.str("image", &self.image)
            .str("format", self.format)
            .opt_str("name", self.reference.as_deref())
            .str("platform", &self.platform)
            .strs("platforms", self.platforms.iter().map(String::as_str))
            .raw("layers", &format!("{}", self.layers))
            .strs("command", self.command.iter().map(String::as_str))
            .opt_str("program", self.program.as_deref())
            .str("user", &self.user)
            .opt_str("file_format", self.file_format.as_deref())
            .bool("starts", self.starts())
            .opt_str("cause", self.failure.as_ref().map(|f| f.cause.as_str()))
            .opt_str(
                "runtime_error",
                self.failure.as_ref().map(|f| f.error.as_str()),
            )
            .opt_str("fix", self.failure.as_ref().map(|f| f.fix.as_str()))
            .raw("needs", &needs::json(&self.needs))
            .opt_str("needs_unread", self.needs_unread.as_deref())
            .strs("hints", self.hints.iter().map(String::as_str));
        o.end();
        out
    }
}

/// `["a", "b"]`.
fn quoted(v: &[String]) -> String {
    let mut out = String::from("[");
    for (i, a) in v.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        crate::json::string(&mut out, a);
    }
    out.push(']');
    out
}

#[cfg(test)]
mod tests;
