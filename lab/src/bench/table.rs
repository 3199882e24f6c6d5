//! The bench's one Markdown table: each figure of the kit, its peer's, the ratio kit / peer
//! (below 1 is better for time, bytes, calls and instructions) and the goal, if any.

use crate::table::{grouped, line};

/// What a figure counts: how it is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    /// Nanoseconds (a median): one decimal below 1,000.
    Ns,
    /// Bytes of a file: a whole number.
    Bytes,
    /// System calls: a whole number.
    Calls,
    /// User-space instructions: a whole number.
    Instr,
}

/// One line of the table.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    /// What is measured (`syscall write (ns/call)`).
    pub measure: String,
    /// The kit's figure.
    pub kit: f64,
    /// The peer (`libc`, `GNU cat`, `hello-c-musl`).
    pub peer: String,
    /// The peer's figure.
    pub figure: f64,
    /// The goal: the largest ratio kit / peer that meets it, as the table writes it (`1.00`);
    /// `None` for a comparison without a goal.
    pub goal: Option<&'static str>,
    /// What the figures count.
    pub unit: Unit,
}

impl Row {
    /// A row; `goal` as for [`Row::goal`].
    pub fn new(
        measure: impl Into<String>,
        kit: f64,
        peer: impl Into<String>,
        figure: f64,
        goal: Option<&'static str>,
        unit: Unit,
    ) -> Row {
        Row {
            measure: measure.into(),
            kit,
            peer: peer.into(),
            figure,
            goal,
            unit,
        }
    }

    /// kit / peer; infinite when the peer's figure is 0.
    pub fn ratio(&self) -> f64 {
        if self.figure == 0.0 {
            f64::INFINITY
        } else {
            self.kit / self.figure
        }
    }

    /// The cells of the row: measure, kit, peer, peer figure, ratio, goal, met.
    pub fn cells(&self) -> Vec<String> {
        let ratio = self.ratio();
        let (goal, met) = match self.goal {
            Some(goal) => (format!("ratio ≤ {goal}"), met(ratio, goal)),
            None => ("(comparison)".to_string(), String::new()),
        };
        vec![
            self.measure.clone(),
            show(self.kit, self.unit),
            self.peer.clone(),
            show(self.figure, self.unit),
            format!("{ratio:.2}"),
            goal,
            met,
        ]
    }
}

/// The table's first two lines.
pub const HEADER: &str = "| measure | syscall-kit | peer | peer figure | ratio kit/peer | goal | met |\n\
                          |---|---:|---|---:|---:|---|---|\n";

/// The table of `rows`, in their order.
pub fn markdown(rows: &[Row]) -> String {
    let mut s = HEADER.to_string();
    for row in rows {
        s.push_str(&line(row.cells().into_iter()));
    }
    s
}

/// `met`, or `**not met** (RATIO)`. The goal is read at the two decimals the table shows: 1.004
/// is "1.00", and meets ≤ 1.00.
fn met(ratio: f64, goal: &str) -> String {
    let shown = format!("{ratio:.2}");
    let meets = match (shown.parse::<f64>(), goal.parse::<f64>()) {
        (Ok(r), Ok(g)) => r <= g,
        _ => false,
    };
    if meets {
        "met".to_string()
    } else {
        format!("**not met** ({shown})")
    }
}

/// A figure as the table shows it: whole numbers grouped by thousands (`1,115,938`) for counts
/// and for anything from 1,000 on, one decimal below that (`90.9`).
fn show(v: f64, unit: Unit) -> String {
    if unit != Unit::Ns || v >= 1000.0 {
        let whole = format!("{v:.0}");
        whole.parse::<u64>().map_or(whole, grouped)
    } else {
        format!("{v:.1}")
    }
}

#[cfg(test)]
mod tests {
    use super::{Row, Unit, markdown};

    /// Lines of the table the shell script that this module replaced printed, for the same
    /// figures.
    #[test]
    fn renders_rows_as_before() {
        let rows = [
            Row::new(
                "syscall write (ns/call)",
                90.94,
                "libc",
                92.1,
                Some("1.00"),
                Unit::Ns,
            ),
            Row::new(
                "heap mixed workload (ns/run)",
                1_115_938.4,
                "glibc",
                1_144_399.0,
                Some("1.50"),
                Unit::Ns,
            ),
            Row::new(
                "hello: file bytes",
                912.0,
                "hello-c-musl",
                24536.0,
                None,
                Unit::Bytes,
            ),
            Row::new(
                "hello: file bytes (goal: at most 256)",
                912.0,
                "256-byte goal",
                256.0,
                Some("1.00"),
                Unit::Bytes,
            ),
        ];
        assert_eq!(
            markdown(&rows),
            "| measure | syscall-kit | peer | peer figure | ratio kit/peer | goal | met |\n\
             |---|---:|---|---:|---:|---|---|\n\
             | syscall write (ns/call) | 90.9 | libc | 92.1 | 0.99 | ratio ≤ 1.00 | met |\n\
             | heap mixed workload (ns/run) | 1,115,938 | glibc | 1,144,399 | 0.98 | ratio ≤ 1.50 | met |\n\
             | hello: file bytes | 912 | hello-c-musl | 24,536 | 0.04 | (comparison) |  |\n\
             | hello: file bytes (goal: at most 256) | 912 | 256-byte goal | 256 | 3.56 | ratio ≤ 1.00 | **not met** (3.56) |\n"
        );
    }

    #[test]
    fn a_goal_is_read_at_two_decimals() {
        let row = |kit: f64| Row::new("m", kit, "p", 1000.0, Some("1.00"), Unit::Instr);
        assert_eq!(row(1004.0).cells()[4..], ["1.00", "ratio ≤ 1.00", "met"]);
        assert_eq!(
            row(1006.0).cells()[4..],
            ["1.01", "ratio ≤ 1.00", "**not met** (1.01)"]
        );
    }

    #[test]
    fn a_zero_peer_is_an_infinite_ratio_that_meets_no_goal() {
        let cells = Row::new("m", 5.0, "p", 0.0, Some("1.00"), Unit::Instr).cells();
        assert_eq!(
            cells[1..],
            ["5", "p", "0", "inf", "ratio ≤ 1.00", "**not met** (inf)"]
        );
    }
}
