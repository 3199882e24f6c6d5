//! Unit tests of [`layers`](super): whiteouts, opaque directories and links applied in order, the
//! image's root as a view, the files kept, and the tree's bounds.

use alloc::format;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;

use crate::image::Window;
use crate::image::config::load;
use crate::image::layers::{ImageRoot, NodeKind, apply_layers};
use crate::image::layout::ArchiveStorage;
use crate::image::start::diagnose;
use crate::image::test_images::{
    T, config, doctor, gzip, oci_archive, one_layer, pax_path, static_elf, tar,
};
use crate::root_view::RootView;

#[test]
fn whiteouts_opaque_directories_and_hard_links_apply_in_order() {
    let elf = static_elf();
    let lower = tar(&[
        ("bin/sh", b'0', &elf, 0o755),
        ("lib/a", b'0', b"a", 0o644),
        ("lib/b", b'0', b"b", 0o644),
        ("keep", b'0', b"k", 0o644),
    ]);
    let upper = tar(&[
        ("bin/.wh.sh", b'0', b"", 0o644),
        ("lib/", b'5', b"", 0o755),
        ("lib/.wh..wh..opq", b'0', b"", 0o644),
        ("lib/c", b'0', b"c", 0o644),
        ("again", b'1', b"keep", 0o644),
    ]);
    let c = config("{\"Entrypoint\":[\"/bin/sh\"]}", &[&lower, &upper]);
    let archive = oci_archive(&c, &[gzip(&lower), upper.clone()]);
    let mut storage = ArchiveStorage::new(archive).unwrap();
    let image = load(&mut storage, None).unwrap();
    let tree = apply_layers(&mut storage, &image).unwrap();
    assert!(tree.get("/bin/sh").is_none());
    assert!(tree.get("/bin").is_some());
    assert!(tree.get("/lib/a").is_none() && tree.get("/lib/b").is_none());
    assert!(matches!(
        tree.get("/lib/c").map(|n| &n.kind),
        Some(NodeKind::File { .. })
    ));
    let mut root = ImageRoot::new(&mut storage, &image, tree);
    assert_eq!(root.read("/again"), Ok(b"k".to_vec()));
    assert_eq!(root.read("/lib/c"), Ok(b"c".to_vec()));
    let r = diagnose(&mut root, &image, "t");
    assert_eq!(
        r.failure.unwrap().error,
        "exec: \"/bin/sh\": stat /bin/sh: no such file or directory"
    );
}

#[test]
fn absolute_symlinks_stay_inside_the_image() {
    let r = doctor(one_layer(
        "{\"Entrypoint\":[\"/hello\"]}",
        &[("hello", b'2', b"/../../../bin/true", 0o777)],
    ))
    .unwrap();
    assert!(
        r.failure
            .unwrap()
            .error
            .contains("no such file or directory")
    );
}

#[test]
fn a_later_layer_writes_through_a_directory_link_of_a_lower_one() {
    let elf = static_elf();
    let lower = tar(&[
        ("usr/lib/", b'5', b"", 0o755),
        ("lib", b'2', b"usr/lib", 0o777),
        ("usr/lib/old", b'0', b"o", 0o644),
    ]);
    let upper = tar(&[
        ("lib/hello", b'0', &elf, 0o755),
        ("lib/.wh.old", b'0', b"", 0o644),
    ]);
    let c = config("{\"Entrypoint\":[\"/lib/hello\"]}", &[&lower, &upper]);
    let archive = oci_archive(&c, &[lower.clone(), upper.clone()]);
    let mut storage = ArchiveStorage::new(archive).unwrap();
    let image = load(&mut storage, None).unwrap();
    let tree = apply_layers(&mut storage, &image).unwrap();
    assert!(matches!(
        tree.get("/lib").map(|n| &n.kind),
        Some(NodeKind::Symlink(_))
    ));
    assert!(tree.get("/usr/lib/hello").is_some());
    assert!(tree.get("/usr/lib/old").is_none());
    let mut root = ImageRoot::new(&mut storage, &image, tree);
    let r = diagnose(&mut root, &image, "t");
    assert!(r.starts(), "{}", r.text());
    assert_eq!(r.program.as_deref(), Some("/usr/lib/hello"));
}

#[test]
fn a_path_of_path_max_bytes_is_taken() {
    let path = format!("{}x", "d/".repeat(2047)); // 4095 bytes
    assert_eq!(path.len(), 4095);
    let layer = tar(&pax_path(&path, b'5'));
    let c = config("{}", &[&layer]);
    let mut storage = ArchiveStorage::new(oci_archive(&c, &[layer])).unwrap();
    let image = load(&mut storage, None).unwrap();
    let tree = apply_layers(&mut storage, &image).unwrap();
    assert!(tree.get(&format!("/{path}")).is_some());
    assert_eq!(tree.len(), 2049, "/, 2047 directories d, and x");
}

#[test]
fn a_hard_link_to_a_symbolic_link_is_a_second_link() {
    let elf = static_elf();
    let r = doctor(one_layer(
        "{\"Entrypoint\":[\"/second\"]}",
        &[
            ("hello", b'0', &elf, 0o755),
            ("first", b'2', b"hello", 0o777),
            ("second", b'1', b"first", 0o777),
        ],
    ))
    .unwrap();
    assert!(r.starts(), "{}", r.text());
    assert_eq!(r.program.as_deref(), Some("/hello"));
}

#[test]
fn kept_files_replaced_or_deleted_are_forgotten() {
    let passwd = vec![b'p'; 1000];
    let lower = tar(&[
        ("etc/passwd", b'0', &passwd, 0o644),
        ("etc/group", b'0', b"g", 0o644),
    ]);
    let last = b"nobody:x:65534:65534::/:/bin/sh\n";
    let upper = tar(&[
        ("etc/passwd", b'0', b"root:x:0:0::/:/bin/sh\n", 0o644),
        ("etc/passwd", b'0', last, 0o644),
        ("etc/.wh.group", b'0', b"", 0o644),
    ]);
    let c = config("{}", &[&lower, &upper]);
    let mut storage = ArchiveStorage::new(oci_archive(&c, &[lower, upper])).unwrap();
    let image = load(&mut storage, None).unwrap();
    let tree = apply_layers(&mut storage, &image).unwrap();
    assert_eq!(
        tree.kept(),
        last.len() as u64,
        "only the last /etc/passwd is kept"
    );
    let mut root = ImageRoot::new(&mut storage, &image, tree);
    assert_eq!(root.read("/etc/passwd"), Ok(last.to_vec()));
}

#[test]
fn proc_is_read_from_the_host_when_one_is_given() {
    let layer = tar(&[("etc/passwd", b'0', b"root:x:0:0::/:/bin/sh\n", 0o644)]);
    let c = config("{\"WorkingDir\":\"/etc\"}", &[&layer]);
    let mut storage = ArchiveStorage::new(oci_archive(&c, &[layer])).unwrap();
    let image = load(&mut storage, None).unwrap();
    let tree = apply_layers(&mut storage, &image).unwrap();
    let mut without = ImageRoot::new(&mut storage, &image, tree.clone());
    assert!(
        without.read("/proc/cpuinfo").is_err(),
        "a saved image has no /proc"
    );
    let mut host = crate::memory_root::MemoryRoot::new();
    host.file("/proc/cpuinfo", "flags : sse2\n");
    host.file("/etc/passwd", "the host's\n");
    let mut root = ImageRoot::new(&mut storage, &image, tree).with_host(&mut host);
    assert_eq!(root.read("/proc/cpuinfo"), Ok(b"flags : sse2\n".to_vec()));
    assert_eq!(
        root.read("../proc/./cpuinfo"),
        Ok(b"flags : sse2\n".to_vec())
    );
    assert_eq!(root.read("passwd"), Ok(b"root:x:0:0::/:/bin/sh\n".to_vec()));
}

#[test]
fn the_tree_refuses_more_paths_or_longer_names_than_its_bounds() {
    use crate::image::layers::Tree;
    use crate::image::tar::TarReader;
    let apply = |mut tree: Tree, entries: &[T<'_>]| {
        let mut data = tar(entries);
        let len = data.len() as u64;
        tree.apply(&mut TarReader::new(Window::new(&mut data, 0, len)), 0)
    };
    let files: Vec<String> = (0..10).map(|i| format!("f{i}")).collect();
    let entries: Vec<T<'_>> = files
        .iter()
        .map(|f| (f.as_str(), b'0', &b""[..], 0o644))
        .collect();
    // `/` and 10 files: 11 paths, 1 + 10 × 3 bytes of names.
    assert!(apply(Tree::with_limits(11, 31), &entries).is_ok());
    assert_eq!(
        apply(Tree::with_limits(10, 1000), &entries).unwrap_err().0,
        "it holds more than 10 paths: refused (far more than a real image)"
    );
    assert_eq!(
        apply(Tree::with_limits(100, 30), &entries).unwrap_err().0,
        "its paths take more than 30 bytes: refused (far more than a real image's)"
    );
    // A deep path counts each of its directories.
    let deep = format!("{}x", "d/".repeat(20));
    assert_eq!(
        apply(Tree::with_limits(20, 1 << 20), &[(&deep, b'0', b"", 0o644)])
            .unwrap_err()
            .0,
        "it holds more than 20 paths: refused (far more than a real image)"
    );
}

#[test]
fn a_hard_link_names_its_target_through_the_directory_links_of_lower_layers() {
    let elf = static_elf();
    let lower = tar(&[
        ("usr/lib/", b'5', b"", 0o755),
        ("lib", b'2', b"usr/lib", 0o777),
    ]);
    let upper = tar(&[
        ("lib/a", b'0', &elf, 0o755),
        ("lib/b", b'1', b"lib/a", 0o755),
    ]);
    let c = config("{\"Entrypoint\":[\"/lib/b\"]}", &[&lower, &upper]);
    let r = doctor(oci_archive(&c, &[lower.clone(), upper.clone()])).unwrap();
    assert!(r.starts(), "{}", r.text());
    assert_eq!(r.program.as_deref(), Some("/usr/lib/b"));
}

#[test]
fn path_max_counts_the_path_as_the_engine_unpacks_it() {
    // 4095 bytes once `./` and the trailing `/` of a directory are dropped.
    let path = format!("./{}x/", "d/".repeat(2047));
    let layer = tar(&pax_path(&path, b'5'));
    let c = config("{}", &[&layer]);
    let mut storage = ArchiveStorage::new(oci_archive(&c, &[layer])).unwrap();
    let image = load(&mut storage, None).unwrap();
    assert!(apply_layers(&mut storage, &image).is_ok());
}
