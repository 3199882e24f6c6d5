//! Unit tests of [`ld_so_conf`](super), over a root in memory: includes globbed, sorted and read
//! in place; a file that includes itself; the `fnmatch` subset of the globs.

use super::*;
use crate::memory_root::MemoryRoot;

#[test]
fn includes_are_globbed_sorted_and_read_in_place() {
    let mut root = MemoryRoot::new();
    root.file(
        LD_SO_CONF,
        "/opt/first/ # a comment\ninclude ld.so.conf.d/*.conf\nhwcap 0 nosegneg\n/opt/last=libc6\n",
    )
    .file("/etc/ld.so.conf.d/b.conf", "/opt/b\n/opt/first\n")
    .file("/etc/ld.so.conf.d/a.conf", "/opt/a\n")
    .file("/etc/ld.so.conf.d/.hidden.conf", "/opt/hidden\n")
    .file("/etc/ld.so.conf.d/c.conf~", "/opt/backup\n")
    .file("/etc/ld.so.conf.d/relative.conf", "opt/relative\n");
    assert_eq!(
        conf_dirs(&mut root, LD_SO_CONF).unwrap(),
        ["/opt/first", "/opt/a", "/opt/b", "/opt/last"]
    );
    assert_eq!(
        glob(&mut root, "/etc/ld.so.conf.d/[ab].conf").unwrap(),
        ["/etc/ld.so.conf.d/a.conf", "/etc/ld.so.conf.d/b.conf"]
    );
    assert_eq!(
        conf_dirs(&mut root, "/etc/none.conf").unwrap(),
        Vec::<String>::new()
    );
}

#[test]
fn a_file_that_includes_itself_is_read_to_a_bounded_depth() {
    let mut root = MemoryRoot::new();
    root.file("/etc/loop.conf", "/opt/x\ninclude loop.conf\n/opt/y\n");
    assert_eq!(
        conf_dirs(&mut root, "/etc/loop.conf").unwrap(),
        ["/opt/x", "/opt/y"]
    );
}

#[test]
fn fnmatch_subset() {
    assert!(matches(b"*.conf", b"libc.conf"));
    assert!(!matches(b"*.conf", b"libc.conf~"));
    assert!(matches(b"x?[0-9][!a]", b"xy5b"));
    assert!(!matches(b"x?[0-9][!a]", b"xy5a"));
    assert!(matches(b"[", b"["));
    assert!(matches(b"**", b""));
}
