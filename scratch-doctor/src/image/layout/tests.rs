//! Unit tests of [`layout`](super): the members of an archive, links between them followed
//! inside it.

use alloc::format;
use alloc::vec;
use alloc::vec::Vec;

use crate::image::Storage;
use crate::image::decode::sha256_digest;
use crate::image::layout::ArchiveStorage;
use crate::image::test_images::{T, config, doctor, hex, static_elf, tar};

#[test]
fn a_docker_archive_whose_layer_tar_is_a_link_to_a_shared_layer() {
    let elf = static_elf();
    let layer = tar(&[("hello", b'0', &elf, 0o755)]);
    let c = config("{\"Entrypoint\":[\"/hello\"]}", &[&layer]);
    let cd = sha256_digest(c.as_bytes());
    let config_name = format!("{}.json", hex(&cd));
    let manifest = format!(
        "[{{\"Config\":\"{config_name}\",\"RepoTags\":[\"localhost/t:latest\"],\"Layers\":[\"new/layer.tar\"]}}]"
    );
    let entries: Vec<T<'_>> = vec![
        ("old/layer.tar", b'0', &layer, 0o644),
        ("./new/layer.tar", b'2', b"../old/layer.tar", 0o777),
        ("hard/layer.tar", b'1', b"old/layer.tar", 0o644),
        ("loop/layer.tar", b'2', b"layer.tar", 0o777),
        (&config_name, b'0', c.as_bytes(), 0o644),
        ("manifest.json", b'0', manifest.as_bytes(), 0o644),
    ];
    let storage = ArchiveStorage::new(tar(&entries)).unwrap();
    assert!(storage.has("new/layer.tar") && storage.has("hard/layer.tar"));
    assert!(
        !storage.has("loop/layer.tar"),
        "a link to itself leads nowhere"
    );
    let r = doctor(tar(&entries)).unwrap();
    assert!(r.starts(), "{}", r.text());
    // A link out of the archive stays in it: `..` stops at its top, as in a chroot.
    let out: Vec<T<'_>> = vec![
        ("etc/passwd", b'0', b"the archive's", 0o644),
        ("x/layer.tar", b'2', b"../../../etc/passwd", 0o777),
        ("y/layer.tar", b'2', b"../../../nothing", 0o777),
    ];
    let mut storage = ArchiveStorage::new(tar(&out)).unwrap();
    assert!(!storage.has("y/layer.tar"));
    let mut s = storage.open("x/layer.tar").unwrap().expect("a member");
    let mut data = vec![0u8; 64];
    let n = crate::image::read_full(&mut *s, &mut data).unwrap();
    assert_eq!(&data[..n], b"the archive's");
    // A hard link to a link member is that link; one to a missing member names nothing, not
    // an earlier member of its name.
    let links: Vec<T<'_>> = vec![
        ("old/layer.tar", b'0', &layer, 0o644),
        ("sym/layer.tar", b'2', b"../old/layer.tar", 0o777),
        ("hard/layer.tar", b'1', b"sym/layer.tar", 0o644),
        ("gone/layer.tar", b'0', b"stale", 0o644),
        ("gone/layer.tar", b'1', b"missing/layer.tar", 0o644),
    ];
    let storage = ArchiveStorage::new(tar(&links)).unwrap();
    assert!(storage.has("hard/layer.tar"));
    assert!(!storage.has("gone/layer.tar"));
}
