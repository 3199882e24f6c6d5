//! The documents hold together: every relative link of `README.md`, `docs/*.md` and the
//! packages' `README.md` files names a file that exists (and a heading that exists, for a
//! `#anchor`). Their measured figures are `tests/figures.rs`'s.

use std::path::{Path, PathBuf};

use system_tests::workspace_root;

/// The Markdown documents of the workspace: `README.md`, `docs/*.md`, `*/README.md`.
fn documents() -> Vec<PathBuf> {
    let root = workspace_root();
    let mut docs = vec![root.join("README.md")];
    let md_in = |dir: &Path| -> Vec<PathBuf> {
        let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "md"))
            .collect();
        found.sort();
        found
    };
    docs.extend(md_in(&root.join("docs")));
    for entry in std::fs::read_dir(&root).unwrap() {
        let readme = entry.unwrap().path().join("README.md");
        if readme.is_file() {
            docs.push(readme);
        }
    }
    docs
}

/// The lines of `text` outside fenced code blocks.
fn prose_lines(text: &str) -> impl Iterator<Item = &str> {
    let mut fenced = false;
    text.lines().filter(move |line| {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
            return false;
        }
        !fenced
    })
}

/// The anchors GitHub gives the headings of `text`: lower case, spaces to `-`, every character
/// but letters, digits, `-` and `_` dropped; a repeated heading gets `-1`, `-2` ….
fn anchors(text: &str) -> Vec<String> {
    let mut anchors = Vec::new();
    let mut slugs: Vec<String> = Vec::new();
    for line in prose_lines(text) {
        let Some(title) = line.strip_prefix('#') else {
            continue;
        };
        let title = title.trim_start_matches('#');
        if !title.starts_with(' ') {
            continue; // `#![no_std]` and the like
        }
        let slug: String = title
            .trim()
            .to_lowercase()
            .chars()
            .filter_map(|c| match c {
                ' ' => Some('-'),
                c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
                _ => None,
            })
            .collect();
        let repeats = slugs.iter().filter(|s| **s == slug).count();
        anchors.push(if repeats == 0 {
            slug.clone()
        } else {
            format!("{slug}-{repeats}")
        });
        slugs.push(slug);
    }
    anchors
}

/// The targets of the inline links `[text](target)` in the prose of `text`.
fn link_targets(text: &str) -> Vec<String> {
    let mut targets = Vec::new();
    for line in prose_lines(text) {
        let mut rest = line;
        while let Some(at) = rest.find("](") {
            rest = &rest[at + 2..];
            let Some(end) = rest.find(')') else { break };
            let target = &rest[..end];
            if !target.contains(char::is_whitespace) {
                targets.push(target.to_string());
            }
            rest = &rest[end..];
        }
    }
    targets
}

/// The broken relative links of the document at `path`, as `target: why`.
fn broken_links(path: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(path).unwrap();
    let dir = path.parent().unwrap();
    let mut broken = Vec::new();
    for target in link_targets(&text) {
        if target.starts_with("http://")
            || target.starts_with("https://")
            || target.starts_with("mailto:")
        {
            continue;
        }
        let (file, anchor) = match target.split_once('#') {
            Some((file, anchor)) => (file, Some(anchor)),
            None => (target.as_str(), None),
        };
        let linked = if file.is_empty() {
            path.to_path_buf()
        } else {
            dir.join(file)
        };
        if !linked.exists() {
            broken.push(format!("{target}: no file {}", linked.display()));
            continue;
        }
        if let Some(anchor) = anchor {
            let linked_text = std::fs::read_to_string(&linked).unwrap_or_default();
            if !anchors(&linked_text).iter().any(|a| a == anchor) {
                broken.push(format!(
                    "{target}: no heading with anchor #{anchor} in {}",
                    linked.display()
                ));
            }
        }
    }
    broken
}

#[test]
fn every_relative_link_of_the_documents_names_a_file_and_heading_that_exist() {
    let docs = documents();
    assert!(
        docs.len() >= 10,
        "README.md, docs/*.md and the packages' READMEs: {docs:?}"
    );
    let broken: Vec<String> = docs
        .iter()
        .flat_map(|doc| {
            broken_links(doc)
                .into_iter()
                .map(move |b| format!("{}: {b}", doc.display()))
        })
        .collect();
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}

#[test]
fn the_link_check_sees_a_broken_file_and_a_broken_anchor() {
    let tmp = system_tests::TempDir::new("docs-links");
    let doc = tmp.path().join("a.md");
    std::fs::write(
        tmp.path().join("b.md"),
        "# B title, with `code`\n\n## Again\n",
    )
    .unwrap();
    std::fs::write(
        &doc,
        "# A\n\n[ok](b.md#b-title-with-code) [ok](#a) [ok](https://example.invalid/x)\n\
         [bad](missing.md) [bad](b.md#nope)\n\n```\n[not a link](ignored.md)\n```\n",
    )
    .unwrap();
    let broken = broken_links(&doc);
    assert_eq!(broken.len(), 2, "{broken:?}");
    assert!(broken[0].starts_with("missing.md: no file"), "{broken:?}");
    assert!(broken[1].starts_with("b.md#nope: no heading"), "{broken:?}");
}

/// The kit's module table exists once, in `syscall-kit/README.md`, which is also the crate's
/// documentation; `README.md` links to it.
#[test]
fn the_kits_readme_holds_the_module_table_and_is_the_crates_documentation() {
    let root = workspace_root();
    let kit = std::fs::read_to_string(root.join("syscall-kit/README.md")).unwrap();
    let modules = kit
        .split("\n## Modules\n")
        .nth(1)
        .expect("syscall-kit/README.md has a heading ## Modules");
    let modules = modules.split("\n## ").next().unwrap();
    assert!(
        modules.lines().filter(|l| l.starts_with("| ")).count() >= 10,
        "the kit's module table:\n{modules}"
    );
    let top = std::fs::read_to_string(root.join("README.md")).unwrap();
    assert!(
        top.contains("(syscall-kit/README.md#modules)"),
        "README.md links to the kit's module table"
    );
    assert!(
        !top.contains("| layer | module | what it holds |"),
        "README.md holds a copy of the kit's module table: link to syscall-kit/README.md#modules"
    );
    let lib = std::fs::read_to_string(root.join("syscall-kit/src/lib.rs")).unwrap();
    assert!(
        lib.contains("#![doc = include_str!(\"../README.md\")]"),
        "the crate docs are syscall-kit/README.md"
    );
}
