//! [`Category`](super::Category) and [`is_runtime`](super::is_runtime); the report as a whole is
//! tested in `trace/tests.rs`.

use super::{Category, is_runtime};

#[test]
fn files_are_configuration_modules_or_data_by_their_paths() {
    assert_eq!(Category::of("/etc/passwd"), Category::Configuration);
    assert_eq!(
        Category::of("/usr/lib/ssl/openssl.cnf"),
        Category::Configuration
    );
    assert_eq!(
        Category::of("/usr/lib/x86_64-linux-gnu/libc.so.6"),
        Category::Module
    );
    assert_eq!(Category::of("/usr/lib/python3.11/os.py"), Category::Module);
    assert_eq!(
        Category::of("/usr/lib/python3.11/__pycache__/os.cpython-311.pyc"),
        Category::Module
    );
    assert_eq!(
        Category::of("/usr/lib/x86_64-linux-gnu/gconv/gconv-modules.cache"),
        Category::Module
    );
    assert_eq!(Category::of("/usr/share/zoneinfo/UTC"), Category::Data);
    assert_eq!(Category::of("/usr/share/misc/magic.mgc"), Category::Data);
}

#[test]
fn proc_sys_and_dev_are_the_runtimes() {
    for path in ["/proc", "/proc/self/maps", "/sys/fs", "/dev/null", "/dev"] {
        assert!(is_runtime(path), "{path}");
    }
    for path in ["/procfs", "/device", "/usr/dev", "/"] {
        assert!(!is_runtime(path), "{path}");
    }
}
