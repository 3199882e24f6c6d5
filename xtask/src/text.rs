//! The text of a generated figure: words that are the same on every machine, figures that change
//! with the version of a tool (the bytes of a program with rustc's, tini's size with tini's), and
//! the versions themselves. A document's copy is compared with a fresh measurement through it:
//! a figure is compared only when the document names the same version of its tool as this
//! machine has, as `cargo make test-arch` leaves out the byte counts of the architecture table;
//! everything else must be the same.

use std::fmt::Display;

/// A tool whose version the figures depend on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tool {
    /// The compiler: the bytes of every program built here.
    Rustc,
    /// tini, the init scratch-init is compared with (Debian package tini).
    Tini,
    /// Podman, which builds and saves the image.
    Podman,
}

impl Tool {
    /// Its name, as the documents write it before its version.
    pub fn name(self) -> &'static str {
        match self {
            Tool::Rustc => "rustc",
            Tool::Tini => "tini",
            Tool::Podman => "Podman",
        }
    }
}

/// A piece of a [`Text`].
#[derive(Clone, Debug, PartialEq, Eq)]
enum Piece {
    /// Words that are the same on every machine.
    Words(String),
    /// A figure that changes with the version of a tool.
    Figure(Tool, String),
    /// The version of a tool that the figures were measured with.
    Version(Tool, String),
}

/// The text of a generated section, piece by piece.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Text(Vec<Piece>);

/// Whether `token` could be a figure or a version as the documents write them (`5,784`,
/// `0x1698`, `1.95.0`, `0.19.0-1+b3`).
fn is_token(token: &str) -> bool {
    !token.is_empty() && token_end(token) == token.len()
}

/// The length of the figure or version at the start of `text`: letters and digits, and the
/// punctuation of `5,784`, `1.95.0` or `0.19.0-1+b3` between two of them (so that the comma
/// or full stop after a figure in a sentence is not part of it).
fn token_end(text: &str) -> usize {
    let bytes = text.as_bytes();
    let mut end = 0;
    while end < bytes.len() {
        let inner = matches!(bytes[end], b',' | b'.' | b'+' | b'-' | b'~')
            && end > 0
            && bytes.get(end + 1).is_some_and(u8::is_ascii_alphanumeric);
        if !(bytes[end].is_ascii_alphanumeric() || inner) {
            break;
        }
        end += 1;
    }
    end
}

impl Text {
    /// An empty text.
    pub fn new() -> Text {
        Text::default()
    }

    /// Appends words that are the same on every machine.
    pub fn words(&mut self, words: impl Display) -> &mut Text {
        self.0.push(Piece::Words(words.to_string()));
        self
    }

    /// Appends a figure that changes with the version of `tool`.
    pub fn figure(&mut self, tool: Tool, figure: impl Display) -> &mut Text {
        let figure = figure.to_string();
        assert!(is_token(&figure), "a figure is one token: {figure:?}");
        self.0.push(Piece::Figure(tool, figure));
        self
    }

    /// Appends the version of `tool`, the figures of the document were measured with.
    pub fn version(&mut self, tool: Tool, version: &str) -> &mut Text {
        assert!(is_token(version), "a version is one token: {version:?}");
        self.0.push(Piece::Version(tool, version.to_string()));
        self
    }

    /// Appends another text.
    pub fn append(&mut self, other: &Text) -> &mut Text {
        self.0.extend(other.0.iter().cloned());
        self
    }

    /// The text as the document shows it.
    pub fn render(&self) -> String {
        self.0
            .iter()
            .map(|p| match p {
                Piece::Words(s) | Piece::Figure(_, s) | Piece::Version(_, s) => s.as_str(),
            })
            .collect()
    }

    /// The tools whose figures this text holds.
    pub fn figure_tools(&self) -> Vec<Tool> {
        let mut tools = Vec::new();
        for p in &self.0 {
            if let Piece::Figure(tool, _) = p
                && !tools.contains(tool)
            {
                tools.push(*tool);
            }
        }
        tools
    }

    /// The tools whose versions this text names, with those versions.
    pub fn versions(&self) -> Vec<(Tool, String)> {
        self.0
            .iter()
            .filter_map(|p| match p {
                Piece::Version(tool, v) => Some((*tool, v.clone())),
                _ => None,
            })
            .collect()
    }

    /// Whether `doc` (a document's copy of this section) is this text, but that the figures of
    /// a tool for which `compared` is false may be any others, and the versions any others; the
    /// versions `doc` names, when it is.
    pub fn matches(
        &self,
        doc: &str,
        compared: impl Fn(Tool) -> bool,
    ) -> Option<Vec<(Tool, String)>> {
        let token = |rest: &str| Some(token_end(rest)).filter(|&end| end > 0);
        let mut rest = doc;
        let mut versions = Vec::new();
        for p in &self.0 {
            rest = match p {
                Piece::Words(w) => rest.strip_prefix(w.as_str())?,
                Piece::Figure(tool, f) if compared(*tool) => {
                    let end = token(rest)?;
                    (rest[..end] == *f).then_some(&rest[end..])?
                }
                Piece::Figure(..) => &rest[token(rest)?..],
                Piece::Version(tool, _) => {
                    let end = token(rest)?;
                    versions.push((*tool, rest[..end].to_string()));
                    &rest[end..]
                }
            };
        }
        rest.is_empty().then_some(versions)
    }
}

/// `n` with a comma between groups of three digits, as the documents write byte counts:
/// `5,784`, `708,080`.
pub use system_tests::doc_section::grouped;

/// A small count in words (`two`), as a sentence writes it; larger counts in digits.
pub fn in_words(n: usize) -> String {
    const WORDS: [&str; 13] = [
        "no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
        "eleven", "twelve",
    ];
    WORDS
        .get(n)
        .map_or_else(|| n.to_string(), |w| (*w).to_string())
}

#[cfg(test)]
mod tests {
    use super::{Text, Tool, in_words};

    fn sample() -> Text {
        let mut t = Text::new();
        t.words("hello-nostd, rustc ")
            .version(Tool::Rustc, "1.95.0")
            .words(": ")
            .figure(Tool::Rustc, "534")
            .words(" bytes, ")
            .words("two")
            .words(" system calls");
        t
    }

    #[test]
    fn a_text_matches_its_own_rendering_and_names_its_versions() {
        let t = sample();
        assert_eq!(
            t.render(),
            "hello-nostd, rustc 1.95.0: 534 bytes, two system calls"
        );
        assert_eq!(
            t.matches(&t.render(), |_| true),
            Some(vec![(Tool::Rustc, "1.95.0".to_string())])
        );
        assert_eq!(t.figure_tools(), [Tool::Rustc]);
    }

    #[test]
    fn a_figure_is_compared_only_when_asked_and_the_words_always() {
        let t = sample();
        let other_figure = "hello-nostd, rustc 1.95.0: 535 bytes, two system calls";
        assert_eq!(t.matches(other_figure, |_| true), None);
        assert_eq!(
            t.matches(other_figure, |_| false),
            Some(vec![(Tool::Rustc, "1.95.0".to_string())])
        );
        let other_version = "hello-nostd, rustc 1.90.0: 600 bytes, two system calls";
        assert_eq!(
            t.matches(other_version, |_| false),
            Some(vec![(Tool::Rustc, "1.90.0".to_string())])
        );
        for wrong in [
            "hello-nostd, rustc 1.95.0: 534 bytes, three system calls",
            "hello-nostd, rustc 1.95.0: 534 bytes, two system calls.",
            "hello-nostd, rustc 1.95.0:  bytes, two system calls",
            "hello-nostd, rustc 1.95.0: 5340 bytes, two system calls",
        ] {
            assert_eq!(
                t.matches(wrong, |_| false).is_some(),
                wrong.contains("5340"),
                "{wrong}"
            );
            assert_eq!(t.matches(wrong, |_| true), None, "{wrong}");
        }
    }

    #[test]
    fn the_punctuation_after_a_figure_or_a_version_is_not_part_of_it() {
        let mut t = Text::new();
        t.words("Podman ")
            .version(Tool::Podman, "4.3.1")
            .words(", tini ")
            .version(Tool::Tini, "0.19.0-1+b3")
            .words(": ")
            .figure(Tool::Tini, "27,792")
            .words(".");
        let versions = vec![
            (Tool::Podman, "4.3.1".to_string()),
            (Tool::Tini, "0.19.0-1+b3".to_string()),
        ];
        assert_eq!(t.matches(&t.render(), |_| true), Some(versions.clone()));
        assert_eq!(
            t.matches("Podman 4.3.1, tini 0.19.0-1+b3: 27,793.", |_| false),
            Some(versions)
        );
        assert_eq!(super::token_end("1.95.0, the"), 6);
        assert_eq!(super::token_end("534."), 3);
        assert_eq!(super::token_end(",5"), 0);
    }

    #[test]
    fn small_counts_are_words() {
        assert_eq!(in_words(2), "two");
        assert_eq!(in_words(12), "twelve");
        assert_eq!(in_words(13), "13");
    }
}
