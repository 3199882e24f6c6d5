//! Unit tests of [`MemoryRoot`](super::MemoryRoot): reads through links, `read_link`, `list_dir`.

use alloc::vec;

use super::*;

fn root() -> MemoryRoot {
    let mut root = MemoryRoot::new();
    root.file("/usr/lib/libc.so.6", "libc")
        .symlink("/lib", "usr/lib")
        .symlink("/usr/lib/libc.so", "libc.so.6")
        .symlink("/loop", "/loop")
        .dir("/empty");
    root
}

#[test]
fn read_follows_links_relative_and_absolute() {
    let mut root = root();
    assert_eq!(root.read("/usr/lib/libc.so.6"), Ok(b"libc".to_vec()));
    assert_eq!(root.read("/lib/libc.so"), Ok(b"libc".to_vec()));
    assert_eq!(root.read("/lib/../lib/./libc.so.6"), Ok(b"libc".to_vec()));
    assert_eq!(root.read("/usr/lib"), Err(FileError::Read(Errno::EISDIR)));
    assert_eq!(root.read("/usr/lib/missing"), Err(Errno::ENOENT.into()));
    assert_eq!(
        root.read("/usr/lib/libc.so.6/x"),
        Err(Errno::ENOTDIR.into())
    );
    assert_eq!(root.read("/loop"), Err(Errno::ELOOP.into()));
    root.set_current_dir("/usr");
    assert_eq!(root.read("lib/libc.so"), Ok(b"libc".to_vec()));
}

#[test]
fn read_link_answers_for_the_last_component_only() {
    let mut root = root();
    assert_eq!(root.read_link("/lib"), Ok(Some("usr/lib".into())));
    assert_eq!(root.read_link("/lib/libc.so"), Ok(Some("libc.so.6".into())));
    assert_eq!(root.read_link("/lib/libc.so.6"), Ok(None));
    assert_eq!(root.read_link("/nowhere"), Err(Errno::ENOENT));
    assert_eq!(root.current_dir(), Ok("/".into()));
}

#[test]
fn list_dir_names_the_children_only() {
    let mut root = root();
    let mut names = root.list_dir("/").unwrap();
    names.sort();
    assert_eq!(names, vec!["empty", "lib", "loop", "usr"]);
    let mut names = root.list_dir("/lib").unwrap();
    names.sort();
    assert_eq!(names, vec!["libc.so", "libc.so.6"]);
    assert_eq!(root.list_dir("/empty"), Ok(Vec::new()));
    assert_eq!(root.list_dir("/lib/libc.so.6"), Err(Errno::ENOTDIR));
    assert_eq!(root.list_dir("/none"), Err(Errno::ENOENT));
}
