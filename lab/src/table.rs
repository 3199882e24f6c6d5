//! The Markdown table of a [`Report`].

use crate::report::{Figure, Outcome, Report, Row};
use crate::syscalls;

/// Calls listed by name in the table when a program makes at most this many.
pub const LISTED_SYSCALLS: usize = 8;
/// Calls listed by name under the table when a program makes at most this many.
pub const SPELLED_OUT_SYSCALLS: usize = 30;

/// The columns of the table.
pub const HEADER: [&str; 10] = [
    "#",
    "program",
    "binary bytes",
    "image bytes",
    "ELF interpreter",
    "needed libraries",
    "empty root",
    "scratch image",
    "syscalls",
    "instructions",
];

/// The table, a note on where the calls were measured, and the versions measured with.
pub fn markdown(report: &Report) -> String {
    let mut s = String::new();
    s.push_str(&line(HEADER.iter().map(|h| h.to_string())));
    s.push_str(&line(HEADER.iter().map(|_| "---".to_string())));
    for row in &report.rows {
        s.push_str(&line(cells(row).into_iter()));
    }
    s.push('\n');
    let longer: Vec<&Row> = report
        .rows
        .iter()
        .filter(|r| {
            r.syscalls
                .as_ref()
                .is_ok_and(|c| c.len() > LISTED_SYSCALLS && c.len() <= SPELLED_OUT_SYSCALLS)
        })
        .collect();
    if !longer.is_empty() {
        s.push_str("The system calls, in order, of the rows the table only counts:\n\n");
        for r in longer {
            if let Ok(calls) = &r.syscalls {
                s.push_str(&format!(
                    "- row {}: {}\n",
                    r.variant.number,
                    syscalls::summary(calls, SPELLED_OUT_SYSCALLS)
                ));
            }
        }
        s.push('\n');
    }
    s.push_str(
        "Syscalls and instructions are of the program from its `execve` to its exit, on this \
         machine; those marked \\* in the row's root (rows 7 to 9 are what their root holds). \
         Syscalls: `strace -f`; instructions: `valgrind --tool=callgrind` (`Ir`).\n",
    );
    if !report.versions.is_empty() {
        s.push_str(&format!(
            "\nMeasured with: {}.\n",
            report
                .versions
                .iter()
                .map(|v| format!("`{v}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    s
}

/// The cells of one row.
pub fn cells(row: &Row) -> Vec<String> {
    let star = if row.measured_in_root { " \\*" } else { "" };
    vec![
        row.variant.number.to_string(),
        row.variant.name.to_string(),
        figure(&row.binary_bytes, |n| grouped(*n)),
        figure(&row.image_bytes, |n| grouped(*n)),
        figure(&row.elf, |f| {
            f.interpreter
                .as_ref()
                .map_or("none".into(), |i| format!("`{i}`"))
        }),
        figure(&row.elf, |f| {
            if f.needed.is_empty() {
                "none".into()
            } else {
                f.needed
                    .iter()
                    .map(|n| format!("`{n}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            }
        }),
        outcome(&row.empty_root),
        outcome(&row.image),
        figure(&row.syscalls, |c| {
            format!("{}{star}", syscalls::summary(c, LISTED_SYSCALLS))
        }),
        figure(&row.instructions, |n| format!("{}{star}", grouped(*n))),
    ]
}

/// A figure's text, or why there is none.
fn figure<T>(f: &Figure<T>, show: impl Fn(&T) -> String) -> String {
    match f {
        Ok(v) => show(v),
        Err(why) => why.clone(),
    }
}

/// `runs`, `fails: `error``, or why it was not run.
pub fn outcome(o: &Outcome) -> String {
    match o {
        Outcome::Runs => "runs".into(),
        Outcome::Fails(error) => format!("fails: `{}`", error.replace('`', "'")),
        Outcome::NotRun(why) => why.clone(),
    }
}

/// `1234567` as `1,234,567`, as every generated section writes a count.
pub use system_tests::doc_section::grouped;

/// One table line; `|` inside a cell is escaped.
pub fn line(cells: impl Iterator<Item = String>) -> String {
    let cells: Vec<String> = cells.map(|c| c.replace('|', "\\|")).collect();
    format!("| {} |\n", cells.join(" | "))
}

/// The cells of a table line, with `\|` unescaped; `None` for a line that is not a table row.
pub fn split_line(line: &str) -> Option<Vec<String>> {
    let inner = line.trim().strip_prefix('|')?.strip_suffix('|')?;
    let mut cells = vec![String::new()];
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'|') => {
                chars.next();
                cells.last_mut()?.push('|');
            }
            '|' => cells.push(String::new()),
            _ => cells.last_mut()?.push(c),
        }
    }
    Some(cells.into_iter().map(|c| c.trim().to_string()).collect())
}

#[cfg(test)]
mod tests {
    use super::{grouped, split_line};

    #[test]
    fn groups_thousands() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(992), "992");
        assert_eq!(grouped(1000), "1,000");
        assert_eq!(grouped(1234567), "1,234,567");
    }

    #[test]
    fn splits_cells_with_escaped_pipes() {
        assert_eq!(
            split_line("| 1 | a \\| b | `c` |").unwrap(),
            ["1", "a | b", "`c`"]
        );
        assert_eq!(split_line("not a row"), None);
    }
}
