//! Temporary directories, for the tests of every crate of the workspace and for the lab.

use std::path::{Path, PathBuf};

/// A fresh empty directory under the system temp dir, removed with everything in it on drop.
#[derive(Debug)]
pub struct TempDir(PathBuf);

impl TempDir {
    /// Creates `$TMPDIR/<prefix>-<pid>-<n>`; panics when it cannot (see [`TempDir::try_new`]).
    pub fn new(prefix: &str) -> TempDir {
        TempDir::try_new(prefix).expect("create temp dir")
    }

    /// Creates `$TMPDIR/<prefix>-<pid>-<n>`, a new `n` for each call in this process; the error
    /// names the directory.
    pub fn try_new(prefix: &str) -> Result<TempDir, String> {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static N: AtomicUsize = AtomicUsize::new(0);
        let path = std::env::temp_dir().join(format!(
            "{prefix}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path)
            .map_err(|e| format!("cannot create {}: {e}", path.display()))?;
        Ok(TempDir(path))
    }

    /// The directory's path.
    pub fn path(&self) -> &Path {
        &self.0
    }

    /// `self/name` as a `String`, for APIs that take `&str` paths (syscall-kit's).
    pub fn join(&self, name: &str) -> String {
        self.0
            .join(name)
            .to_str()
            .expect("a UTF-8 temp dir")
            .to_owned()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
