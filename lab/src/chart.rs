//! The SVG chart of a [`Report`]: bytes of the binary and of the image per variant on a log
//! scale, and system calls per variant. Drawn with plotters' SVG backend (text as SVG `<text>`,
//! no font files read).

use plotters::prelude::*;

use crate::report::{Report, Row};

/// Width and height of the chart, in pixels.
pub const SIZE: (u32, u32) = (1000, 760);

const BINARY: RGBColor = RGBColor(0x1f, 0x77, 0xb4);
const IMAGE: RGBColor = RGBColor(0xff, 0x7f, 0x0e);
const CALLS: RGBColor = RGBColor(0x2c, 0xa0, 0x2c);

/// The chart as an SVG document.
pub fn svg(report: &Report) -> Result<String, String> {
    let mut out = String::new();
    {
        let area = SVGBackend::with_string(&mut out, SIZE).into_drawing_area();
        area.fill(&WHITE).map_err(|e| e.to_string())?;
        let (top, bottom) = area.split_vertically(SIZE.1 / 2);
        bytes_panel(&top, &report.rows).map_err(|e| e.to_string())?;
        syscalls_panel(&bottom, &report.rows).map_err(|e| e.to_string())?;
        area.present().map_err(|e| e.to_string())?;
    }
    Ok(out)
}

/// The x axis: row `i` (from 0) is centred on `i`, where its label is.
fn x_axis(rows: &[Row]) -> std::ops::Range<f64> {
    -0.5..rows.len() as f64 - 0.5
}

/// The label of the x position `x`: the short name of the row centred there, if any.
fn x_label(rows: &[Row], x: f64) -> String {
    if (x - x.round()).abs() > 1e-6 || x < 0.0 {
        return String::new();
    }
    rows.get(x.round() as usize)
        .map_or(String::new(), |r| r.variant.short.to_string())
}

type Area<'a> = DrawingArea<SVGBackend<'a>, plotters::coord::Shift>;
type DrawResult =
    Result<(), DrawingAreaErrorKind<<SVGBackend<'static> as DrawingBackend>::ErrorType>>;

/// Bytes of the binary and of the image, side by side, on a log scale.
fn bytes_panel(area: &Area<'_>, rows: &[Row]) -> DrawResult {
    let max = rows
        .iter()
        .filter_map(|r| r.image_bytes.as_ref().ok().copied())
        .max()
        .unwrap_or(1) as f64;
    let mut chart = ChartBuilder::on(area)
        .caption(
            "Bytes: binary and whole image (log scale)",
            ("sans-serif", 20),
        )
        .margin(12)
        .x_label_area_size(30)
        .y_label_area_size(80)
        .build_cartesian_2d(x_axis(rows), (100f64..max * 4.0).log_scale())?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(rows.len())
        .x_label_formatter(&|x| x_label(rows, *x))
        .y_label_formatter(&|y| crate::table::grouped(*y as u64))
        .y_desc("bytes")
        .draw()?;
    for (offset, color, label, pick) in [
        (
            -0.4,
            BINARY,
            "binary",
            (|r: &Row| r.binary_bytes.clone()) as fn(&Row) -> _,
        ),
        (0.0, IMAGE, "image (all files)", |r: &Row| {
            r.image_bytes.clone()
        }),
    ] {
        let bars: Vec<(f64, f64)> = rows
            .iter()
            .enumerate()
            .filter_map(|(i, r)| pick(r).ok().map(|b| (i as f64 + offset, b as f64)))
            .collect();
        chart
            .draw_series(
                bars.iter()
                    .map(|&(x, b)| Rectangle::new([(x, 100.0), (x + 0.4, b)], color.filled())),
            )?
            .label(label)
            .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 10, y + 5)], color.filled()));
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .background_style(WHITE.mix(0.8))
        .border_style(BLACK)
        .draw()?;
    Ok(())
}

/// System calls per row; a row without a count gets a note instead of a bar.
fn syscalls_panel(area: &Area<'_>, rows: &[Row]) -> DrawResult {
    let max = rows
        .iter()
        .filter_map(|r| r.syscalls.as_ref().ok().map(Vec::len))
        .max()
        .unwrap_or(1) as f64;
    let mut chart = ChartBuilder::on(area)
        .caption(
            "System calls from execve to exit (strace -f)",
            ("sans-serif", 20),
        )
        .margin(12)
        .x_label_area_size(30)
        .y_label_area_size(80)
        .build_cartesian_2d(x_axis(rows), 0f64..max * 1.15)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(rows.len())
        .x_label_formatter(&|x| x_label(rows, *x))
        .y_label_formatter(&|y| format!("{y:.0}"))
        .y_desc("system calls")
        .draw()?;
    for (i, row) in rows.iter().enumerate() {
        let x = i as f64;
        match &row.syscalls {
            Ok(calls) => {
                let n = calls.len() as f64;
                chart.draw_series([Rectangle::new(
                    [(x - 0.3, 0.0), (x + 0.3, n)],
                    CALLS.filled(),
                )])?;
                chart.draw_series([Text::new(
                    calls.len().to_string(),
                    (x - 0.1, n + max * 0.06),
                    ("sans-serif", 14),
                )])?;
            }
            Err(why) => {
                let note = if why.starts_with("none") {
                    "never starts"
                } else {
                    "n/a"
                };
                chart.draw_series([Text::new(note, (x - 0.35, max * 0.05), ("sans-serif", 13))])?;
            }
        }
    }
    Ok(())
}
