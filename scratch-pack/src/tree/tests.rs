//! The tree: sorted, parents first, hard links, conflicts refused; the order of inputs changes
//! nothing.

use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;

use super::{Data, Group, Item, Kind, PARENT_MODE, Tree, What, dir_mode, file_mode};

fn host(path: &str, id: u64) -> What {
    What::File(Data::Host {
        path: path.as_bytes().to_vec(),
        size: 3,
        id: (1, id),
    })
}

fn item(path: &str, what: What, group: Group) -> Item {
    let mode = match what {
        What::Dir => 0o755,
        What::Symlink(_) => 0o777,
        What::File(_) => 0o644,
    };
    Item {
        path: path.as_bytes().to_vec(),
        what,
        mode,
        group,
        from: alloc::format!("input {path}"),
    }
}

fn names(tree: &Tree, group: Option<Group>) -> Vec<String> {
    tree.layer(group)
        .iter()
        .map(|e| String::from_utf8(e.name.clone()).unwrap())
        .collect()
}

#[test]
fn entries_are_sorted_bytewise_with_every_parent_first_whatever_the_input_order() {
    let items = vec![
        item("/usr/lib/x.so", host("/h/x", 1), Group::Libraries),
        item("/a-b", host("/h/ab", 2), Group::Program),
        item("/a/b", host("/h/b", 3), Group::Program),
        item("/usr/bin/p", host("/h/p", 4), Group::Program),
    ];
    let mut reversed = items.clone();
    reversed.reverse();
    // By path, a directory's without its trailing `/` (as jib sorts): `a` before `a-b`
    // before `a/b`, so that a directory comes before what is in it.
    let want = [
        "a/",
        "a-b",
        "a/b",
        "usr/",
        "usr/bin/",
        "usr/bin/p",
        "usr/lib/",
        "usr/lib/x.so",
    ];
    for input in [items, reversed] {
        let tree = Tree::new(input).unwrap();
        assert_eq!(names(&tree, None), want);
        let layer = tree.layer(None);
        assert_eq!(layer[0].kind, Kind::Dir);
        assert_eq!(layer[0].mode, PARENT_MODE);
    }
}

#[test]
fn each_layer_holds_its_inputs_and_their_parents() {
    let tree = Tree::new([
        item("/tmp", What::Dir, Group::Base),
        item("/usr/lib/x.so", host("/h/x", 1), Group::Libraries),
        item("/usr/bin/p", host("/h/p", 2), Group::Program),
    ])
    .unwrap();
    assert_eq!(names(&tree, Some(Group::Base)), ["tmp/"]);
    assert_eq!(
        names(&tree, Some(Group::Libraries)),
        ["usr/", "usr/lib/", "usr/lib/x.so"]
    );
    assert_eq!(
        names(&tree, Some(Group::Program)),
        ["usr/", "usr/bin/", "usr/bin/p"]
    );
    assert!(tree.has(Group::Base) && tree.has(Group::Program));
}

#[test]
fn a_named_directory_keeps_its_mode_in_every_layer_that_holds_it() {
    let mut tmp = item("/tmp", What::Dir, Group::Base);
    tmp.mode = 0o1777;
    let tree = Tree::new([tmp, item("/tmp/x", host("/h/x", 1), Group::Program)]).unwrap();
    let program = tree.layer(Some(Group::Program));
    assert_eq!(
        (program[0].name.as_slice(), program[0].mode),
        (&b"tmp/"[..], 0o1777)
    );
}

#[test]
fn one_file_of_this_machine_at_two_paths_is_written_once_then_hard_linked() {
    let tree = Tree::new([
        item("/b", host("/h/f", 7), Group::Program),
        item("/a", host("/h/g", 7), Group::Program),
        item("/c", host("/h/c", 8), Group::Program),
    ])
    .unwrap();
    let layer = tree.layer(None);
    assert!(matches!(layer[0].kind, Kind::File(_)));
    assert_eq!(layer[1].kind, Kind::HardLink(b"a".to_vec()));
    assert!(matches!(layer[2].kind, Kind::File(_)));
}

#[test]
fn the_same_input_twice_is_one_and_different_ones_are_refused() {
    let same = Tree::new([
        item("/x", host("/h/x", 1), Group::Libraries),
        item("/x", host("/other/name/of/x", 1), Group::Program),
    ])
    .unwrap();
    assert_eq!(
        names(&same, Some(Group::Libraries)),
        ["x"],
        "the lower layer keeps it"
    );
    let e = Tree::new([
        item("/x", host("/h/x", 1), Group::Program),
        item("/x", host("/h/y", 2), Group::Program),
    ])
    .unwrap_err();
    assert_eq!(
        e,
        "/x: given twice, by input /x and by input /x, differently"
    );
    let e = Tree::new([
        item(
            "/etc/passwd",
            What::File(Data::Bytes(b"a".to_vec())),
            Group::Base,
        ),
        item(
            "/etc/passwd",
            What::File(Data::Bytes(b"b".to_vec())),
            Group::Base,
        ),
    ]);
    assert!(e.is_err());
}

#[test]
fn a_path_under_a_file_or_a_link_is_refused() {
    let e = Tree::new([
        item("/lib", What::Symlink(b"usr/lib".to_vec()), Group::Program),
        item("/lib/x.so", host("/h/x", 1), Group::Program),
    ])
    .unwrap_err();
    assert_eq!(
        e,
        "/lib/x.so: input /lib/x.so puts it in /lib, which input /lib makes a symbolic link"
    );
}

#[test]
fn paths_must_be_absolute_without_dot_components() {
    for bad in ["x", "/a/../b", "/./a", "/"] {
        assert!(
            Tree::new([item(bad, host("/h", 1), Group::Program)]).is_err(),
            "{bad}"
        );
    }
    let tree = Tree::new([item("//a//b/", What::Dir, Group::Program)]).unwrap();
    assert_eq!(names(&tree, None), ["a/", "a/b/"]);
}

#[test]
fn modes_depend_on_the_execute_bits_and_the_sticky_bit_only() {
    for (here, want) in [
        (0o600, 0o644),
        (0o664, 0o644),
        (0o700, 0o755),
        (0o711, 0o755),
        (0o4755, 0o4755),
        (0o2700, 0o2755),
    ] {
        assert_eq!(file_mode(here), want, "{here:o}");
    }
    for (here, want) in [
        (0o700, 0o755),
        (0o2775, 0o755),
        (0o1777, 0o1777),
        (0o1700, 0o1777),
    ] {
        assert_eq!(dir_mode(here), want, "{here:o}");
    }
}
