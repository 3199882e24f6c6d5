//! `#!` scripts: the line the kernel reads to find the script's interpreter (see `execve(2)`,
//! "Interpreter scripts").

use alloc::string::String;

/// The kernel reads at most this many bytes of the `#!` line (`BINPRM_BUF_SIZE` since Linux
/// 5.1).
pub const LINE_MAX: usize = 256;

/// A script's `#!` line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Script {
    /// The whole line, `#!` included, without the newline (at most [`LINE_MAX`] bytes).
    pub line: String,
    /// The interpreter's path (empty when the line names none).
    pub interpreter: String,
    /// The one optional argument after it (Linux passes the rest of the line as one argument).
    pub argument: Option<String>,
}

/// The `#!` line of `data`, which starts with `#!`.
pub fn parse(data: &[u8]) -> Script {
    let head = data.get(..LINE_MAX).unwrap_or(data);
    let line = head.split(|&b| b == b'\n').next().unwrap_or_default();
    let line = String::from_utf8_lossy(line).into_owned();
    let rest = line
        .strip_prefix("#!")
        .unwrap_or_default()
        .trim_matches([' ', '\t', '\r']);
    let (interpreter, argument) = match rest.split_once([' ', '\t']) {
        Some((path, arg)) => {
            let arg = arg.trim_matches([' ', '\t', '\r']);
            (path, (!arg.is_empty()).then(|| arg.into()))
        }
        None => (rest, None),
    };
    Script {
        interpreter: interpreter.into(),
        argument,
        line: line.trim_end_matches('\r').into(),
    }
}
