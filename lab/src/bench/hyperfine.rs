//! Wall times with `hyperfine`: its medians, read from its `--export-json` file.

use std::path::Path;
use std::process::Command;

use super::json::Json;
use super::run_to_stderr;

/// Runs `hyperfine ARGS… --export-json JSON COMMAND…` (its report on standard error) and returns
/// each command's median in nanoseconds, in the order of `commands`.
pub fn medians_ns(args: &[&str], commands: &[String], json: &Path) -> Result<Vec<f64>, String> {
    let mut cmd = Command::new("hyperfine");
    cmd.args(args).arg("--export-json").arg(json).args(commands);
    run_to_stderr(&mut cmd, "hyperfine")?;
    let medians = read(&Json::read(json)?)?;
    if medians.len() != commands.len() {
        return Err(format!(
            "{}: {} results for {} commands",
            json.display(),
            medians.len(),
            commands.len()
        ));
    }
    Ok(medians)
}

/// The median of each result of a hyperfine JSON export, seconds turned into nanoseconds.
fn read(json: &Json) -> Result<Vec<f64>, String> {
    let results = json.array(&["results"])?;
    results
        .iter()
        .map(|r| json.at(r, &["median"]).map(|s| s * 1e9))
        .collect()
}

/// `text` quoted for `sh`, for the commands hyperfine runs through the shell.
pub fn quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

#[cfg(test)]
mod tests {
    use super::{Json, quote, read};

    #[test]
    fn reads_each_median_in_nanoseconds() {
        let text = r#"{"results":[{"command":"a","mean":8.1e-5,"stddev":1e-6,"median":7.8602e-5,"user":1e-5,"system":6e-5,"min":7e-5,"max":9e-5,"times":[7.8602e-5],"exit_codes":[0]},{"command":"b","mean":0.6,"median":0.597734,"times":[0.597734]}]}"#;
        let medians = read(&Json::parse(text, "hello.json").unwrap()).unwrap();
        assert_eq!(medians.len(), 2);
        assert!((medians[0] - 78_602.0).abs() < 1e-6);
        assert!((medians[1] - 597_734_000.0).abs() < 1e-3);
        assert!(read(&Json::parse(r#"{"results":[{"mean":1}]}"#, "x").unwrap()).is_err());
    }

    #[test]
    fn quotes_for_the_shell() {
        assert_eq!(quote("/a b/c"), "'/a b/c'");
        assert_eq!(quote("it's"), r"'it'\''s'");
    }
}
