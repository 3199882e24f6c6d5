//! What `ldd` says a dynamic program loads, for comparing scratch-doctor's closure with it.

use std::path::Path;
use std::process::Command;

/// The paths `ldd` prints for `program`, sorted: the `=> path` libraries and the interpreter
/// (not the vDSO, which has no path).
pub fn ldd(program: &Path) -> Vec<String> {
    let out = Command::new("ldd")
        .arg(program)
        .output()
        .unwrap_or_else(|e| panic!("cannot run ldd {}: {e}", program.display()));
    ldd_paths(&String::from_utf8_lossy(&out.stdout))
}

/// The paths in `ldd`'s output `text`, sorted.
pub fn ldd_paths(text: &str) -> Vec<String> {
    let mut paths: Vec<String> = text
        .lines()
        .filter_map(|l| {
            let l = l.trim();
            let path = l.split_once(" => ").map_or(l, |(_, p)| p);
            let path = path.split(" (").next()?;
            path.starts_with('/').then(|| path.to_owned())
        })
        .collect();
    paths.sort();
    paths
}

#[cfg(test)]
mod tests {
    use super::ldd_paths;

    #[test]
    fn reads_libraries_and_the_interpreter_but_not_the_vdso() {
        let text = "\tlinux-vdso.so.1 (0x00007ffc)\n\
                    \tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f00)\n\
                    \t/lib64/ld-linux-x86-64.so.2 (0x00007f01)\n";
        assert_eq!(
            ldd_paths(text),
            [
                "/lib/x86_64-linux-gnu/libc.so.6",
                "/lib64/ld-linux-x86-64.so.2"
            ]
        );
    }
}
