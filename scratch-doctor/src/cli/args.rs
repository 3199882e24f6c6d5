//! The command line: `scratch-doctor [--json] [--closure] [--copy-closure DIR] FILE...`.

use core::ffi::CStr;

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

/// The usage text of `--help`.
pub const USAGE: &str = "\
usage: scratch-doctor [--json] [--closure] [--copy-closure DIR] [--] FILE...

Tells whether each FILE runs in a FROM scratch container image (nothing in it but
the file), and why not.

  --closure            also list what a dynamic program needs in such an image: its
                       ELF interpreter and every library, found the way the dynamic
                       loader finds them, each with its path here and in the image
  --copy-closure DIR   copy each FILE and its closure into DIR at those paths, for
                       `COPY DIR /` in a FROM scratch image (implies --closure)
  --json               one JSON object per FILE, one per line
  -h, --help           this text

Exit status: 0 every FILE runs in scratch (with its closure, under --closure or
--copy-closure), 1 some would not or a library is missing, 2 usage or input error,
or output that cannot be written.
";

/// What the command line asks for.
pub struct Options {
    /// `--json`.
    pub json: bool,
    /// `--closure` (or `--copy-closure`).
    pub closure: bool,
    /// `--copy-closure DIR`.
    pub copy_to: Option<&'static CStr>,
    /// The files, in order.
    pub files: Vec<&'static CStr>,
}

/// The command line after the program name, or `Ok(None)` for `--help`.
pub fn parse(mut args: impl Iterator<Item = &'static CStr>) -> Result<Option<Options>, String> {
    let mut o = Options {
        json: false,
        closure: false,
        copy_to: None,
        files: Vec::new(),
    };
    let mut options_done = false;
    while let Some(arg) = args.next() {
        let bytes = arg.to_bytes();
        if options_done || !bytes.starts_with(b"-") || bytes == b"-" {
            o.files.push(arg);
            continue;
        }
        match bytes {
            b"--" => options_done = true,
            b"-h" | b"--help" => return Ok(None),
            b"--json" => o.json = true,
            b"--closure" => o.closure = true,
            b"--copy-closure" => {
                let dir = args
                    .next()
                    .ok_or("--copy-closure needs a directory: --copy-closure DIR")?;
                o.copy_to = Some(dir);
                o.closure = true;
            }
            _ => {
                return Err(format!(
                    "unknown option {} (see --help)",
                    arg.to_string_lossy()
                ));
            }
        }
    }
    if o.files.is_empty() {
        return Err("no FILE given (see --help)".into());
    }
    Ok(Some(o))
}
