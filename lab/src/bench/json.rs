//! The JSON files of Criterion and hyperfine, read with `serde_json`; a missing or mistyped
//! field is an error naming the file and the field.

use std::path::Path;

use serde_json::Value;

/// A parsed JSON file and its name, for the errors.
#[derive(Debug)]
pub struct Json {
    value: Value,
    name: String,
}

impl Json {
    /// Reads and parses `file`.
    pub fn read(file: &Path) -> Result<Json, String> {
        let text = std::fs::read_to_string(file)
            .map_err(|e| format!("cannot read {}: {e}", file.display()))?;
        Json::parse(&text, &file.display().to_string())
    }

    /// Parses `text`, which `name` names in errors.
    pub fn parse(text: &str, name: &str) -> Result<Json, String> {
        let value = serde_json::from_str(text).map_err(|e| format!("{name}: not JSON: {e}"))?;
        Ok(Json {
            value,
            name: name.to_string(),
        })
    }

    /// The number at `path` (object keys from the top).
    pub fn number(&self, path: &[&str]) -> Result<f64, String> {
        self.at(&self.value, path)
    }

    /// The array at `path`.
    pub fn array(&self, path: &[&str]) -> Result<&Vec<Value>, String> {
        self.get(&self.value, path)?
            .as_array()
            .ok_or_else(|| format!("{}: {} is not an array", self.name, path.join(".")))
    }

    /// The number at `path` under `value`, a part of this file.
    pub fn at(&self, value: &Value, path: &[&str]) -> Result<f64, String> {
        self.get(value, path)?
            .as_f64()
            .ok_or_else(|| format!("{}: {} is not a number", self.name, path.join(".")))
    }

    fn get<'a>(&self, value: &'a Value, path: &[&str]) -> Result<&'a Value, String> {
        path.iter().try_fold(value, |v, key| {
            v.get(key)
                .ok_or_else(|| format!("{}: no {}", self.name, path.join(".")))
        })
    }
}
