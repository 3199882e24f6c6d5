//! A generated section of a document: the lines between a begin and an end marker, which a task
//! rewrites and a test compares with a fresh run (the lab's table in `docs/lab.md`, the fault
//! table in `docs/faults.md`).

/// A document's generated section: where it is, and its two marker lines.
#[derive(Clone, Copy, Debug)]
pub struct Section {
    /// The document, relative to the workspace root (for messages).
    pub path: &'static str,
    /// The line before the generated section.
    pub begin: &'static str,
    /// The line after it.
    pub end: &'static str,
}

impl Section {
    /// The generated part of `doc`, between the markers.
    pub fn find<'a>(&self, doc: &'a str) -> Result<&'a str, String> {
        let start = doc
            .find(self.begin)
            .ok_or_else(|| format!("{} has no line {}", self.path, self.begin))?
            + self.begin.len();
        let end = doc[start..].find(self.end).ok_or_else(|| {
            format!(
                "{} has no line {} after {}",
                self.path, self.end, self.begin
            )
        })?;
        Ok(&doc[start..start + end])
    }

    /// `doc` with its generated part replaced by `generated`, which stands on lines of its own
    /// between the markers.
    pub fn replace(&self, doc: &str, generated: &str) -> Result<String, String> {
        let old = self.find(doc)?;
        let start = old.as_ptr() as usize - doc.as_ptr() as usize;
        Ok(format!(
            "{}\n{}\n{}",
            &doc[..start],
            generated.trim(),
            &doc[start + old.len()..]
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::Section;

    const S: Section = Section {
        path: "doc.md",
        begin: "<!-- x:begin -->",
        end: "<!-- x:end -->",
    };

    #[test]
    fn the_section_between_the_markers_is_replaced_and_the_rest_kept() {
        let doc = "before\n<!-- x:begin -->\nold\n<!-- x:end -->\nafter\n";
        assert_eq!(S.find(doc).unwrap(), "\nold\n");
        let new = S.replace(doc, "\n| new |\n").unwrap();
        assert_eq!(
            new,
            "before\n<!-- x:begin -->\n| new |\n<!-- x:end -->\nafter\n"
        );
        assert_eq!(S.replace(&new, "| new |").unwrap(), new);
        assert!(
            S.find("no markers")
                .unwrap_err()
                .contains("doc.md has no line")
        );
        assert!(S.find("<!-- x:begin --> but no end").is_err());
    }
}
