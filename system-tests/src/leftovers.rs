//! What a run leaves behind: a directory's files ([`listing`], to compare before and after)
//! and the processes that still carry a marker in their environment ([`processes_with_env`]).

use std::os::unix::fs::MetadataExt;
use std::path::Path;

/// One entry of a [`listing`]: its path below the directory, mode (type and permission bits),
/// owner, size, and contents (a file's bytes, a symbolic link's target, nothing for the rest).
pub type Entry = (String, u32, u32, u64, Vec<u8>);

/// Every path below `dir` with its mode, owner, size and contents, sorted.
pub fn listing(dir: &Path) -> Vec<Entry> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let entries =
            std::fs::read_dir(&d).unwrap_or_else(|e| panic!("cannot list {}: {e}", d.display()));
        for entry in entries {
            let path = entry.unwrap().path();
            let meta = std::fs::symlink_metadata(&path).unwrap();
            let contents = if meta.is_file() {
                std::fs::read(&path).unwrap()
            } else if meta.is_symlink() {
                std::fs::read_link(&path)
                    .unwrap()
                    .into_os_string()
                    .into_encoded_bytes()
            } else {
                if meta.is_dir() {
                    stack.push(path.clone());
                }
                Vec::new()
            };
            let name = path.strip_prefix(dir).unwrap().display().to_string();
            out.push((name, meta.mode(), meta.uid(), meta.len(), contents));
        }
    }
    out.sort();
    out
}

/// The ids of the processes whose environment holds `marker` (`/proc/PID/environ`; the
/// processes this one may not read are not seen).
pub fn processes_with_env(marker: &str) -> Vec<String> {
    let mut found = Vec::new();
    for e in std::fs::read_dir("/proc").unwrap().flatten() {
        let environ = std::fs::read(e.path().join("environ")).unwrap_or_default();
        if String::from_utf8_lossy(&environ).contains(marker) {
            found.push(e.file_name().to_string_lossy().into_owned());
        }
    }
    found
}
