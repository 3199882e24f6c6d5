//! Unit tests of the hint on an image for another machine (`foreign.rs`).

use object::elf;

use crate::image::config::{Platform, load};
use crate::image::layers::{ImageRoot, apply_layers};
use crate::image::layout::ArchiveStorage;
use crate::image::start::diagnose;
use crate::image::test_images::{config, oci_archive, tar};
use crate::test_files::Elf;

#[test]
fn an_i386_image_runs_natively_here_unless_a_binfmt_entry_takes_it() {
    let elf = Elf {
        class: elf::ELFCLASS32,
        ..Elf::executable(elf::EM_386)
    }
    .bytes();
    let layer = tar(&[("hello", b'0', &elf, 0o755)]);
    let c = config("{\"Entrypoint\":[\"/hello\"]}", &[&layer]).replace("\"amd64\"", "\"386\"");
    let archive = oci_archive(&c, &[layer]);
    let hint = |host: &mut crate::memory_root::MemoryRoot| {
        let mut storage = ArchiveStorage::new(archive.clone()).unwrap();
        let image = load(&mut storage, Some(&Platform::parse("linux/386").unwrap())).unwrap();
        let tree = apply_layers(&mut storage, &image).unwrap();
        let mut root = ImageRoot::new(&mut storage, &image, tree).with_host(host);
        let r = diagnose(&mut root, &image, "t");
        assert!(r.starts(), "{}", r.text());
        r.hints
            .into_iter()
            .find(|h| h.contains("on this host"))
            .unwrap_or_default()
    };
    assert!(hint(&mut crate::memory_root::MemoryRoot::new()).ends_with(
        "on this host: its i386 program runs natively (x86_64's 32-bit compatibility mode)"
    ));
    // The kernel tries binfmt_misc entries first: one for i386 takes it.
    let mut host = crate::memory_root::MemoryRoot::new();
    host.file(
        "/proc/sys/fs/binfmt_misc/qemu-i386",
        "enabled\ninterpreter /usr/libexec/qemu-binfmt/i386-binfmt-P\nflags: F\noffset 0\nmagic 7f454c4601010100000000000000000002000300\nmask fffffffffffefefcfffffffffffffffffeffffff\n",
    );
    assert!(
        hint(&mut host)
            .contains("on this host: runs through /usr/libexec/qemu-binfmt/i386-binfmt-P"),
        "{}",
        hint(&mut host)
    );
}
