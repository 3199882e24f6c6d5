//! Unit tests of [`image`](super) as a whole: every problem with the input is one error line,
//! and mutated archives give a report or an error, never a panic.

use alloc::format;
use alloc::vec;
use alloc::vec::Vec;

use crate::image::config::load;
use crate::image::layers::{ImageRoot, apply_layers};
use crate::image::layout::ArchiveStorage;
use crate::image::start::diagnose;
use crate::image::test_images::{
    config, doctor, gzip, multi_platform_archive, oci_archive, one_layer, pax_path, static_elf, tar,
};

/// Bad input: each one error, no panic.
#[test]
fn bad_input_is_one_error() {
    let elf = static_elf();
    let good = one_layer(
        "{\"Entrypoint\":[\"/hello\"]}",
        &[("hello", b'0', &elf, 0o755)],
    );
    let not_image = tar(&[("hello.txt", b'0', b"hi", 0o644)]);
    let mut random = vec![0u8; 4096];
    let mut x: u32 = 12345;
    for b in &mut random {
        x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
        *b = (x >> 16) as u8;
    }
    let mut truncated = good.clone();
    truncated.truncate(good.len() / 2);
    // A member whose base-256 size is u64::MAX in front of the good archive: its padded end
    // wraps around 64 bits; read as 0 bytes, the good archive behind it would be taken.
    let mut huge = tar(&[("junk", b'0', b"", 0o644)]);
    huge.truncate(512);
    huge[124..128].copy_from_slice(&[0x80, 0, 0, 0]);
    huge[128..136].fill(0xff);
    huge[148..156].fill(b' ');
    let sum: u32 = huge.iter().map(|&b| u32::from(b)).sum();
    huge[148..156].copy_from_slice(format!("{sum:06o}\0 ").as_bytes());
    huge.extend_from_slice(&good);
    let cases: Vec<(Vec<u8>, &str)> = vec![
        (huge, "ends inside a file"),
        (Vec::new(), "empty"),
        (random, "not an image archive"),
        (not_image, "neither index.json nor manifest.json"),
        (truncated, "truncated"),
        (
            one_layer("{}", &[("../x", b'0', b"", 0o644)]),
            "leaves the image root",
        ),
        (
            one_layer("{}", &[("/x", b'0', b"", 0o644)]),
            "absolute path",
        ),
        (
            one_layer("{}", &[("x", b'1', b"missing", 0o644)]),
            "which the image does not hold",
        ),
        (
            one_layer("{}", &[("d/", b'5', b"", 0o755), ("x", b'1', b"d", 0o644)]),
            "points to the directory d: refused",
        ),
        (
            one_layer("{}", &[(".wh.", b'0', b"", 0o644)]),
            "the whiteout .wh. names no file",
        ),
        (
            one_layer("{}", &[("a/.wh.", b'0', b"", 0o644)]),
            "the whiteout a/.wh. names no file",
        ),
        (
            one_layer("{}", &pax_path(&format!("{}ab", "a/".repeat(2047)), b'5')),
            "longer than PATH_MAX (4095)",
        ),
    ];
    for (archive, want) in cases {
        let e = doctor(archive).expect_err(want);
        assert!(e.0.contains(want), "{e} (wanted {want:?})");
        assert!(!e.0.contains('\n'));
    }
}

mod mutated {
    //! Property test: real-shaped archives (an OCI archive with a gzip layer and a symlinked
    //! program, a multi-platform index) with random bytes changed or cut short never make the
    //! doctor panic or loop: each gives a report or one error line. A mutated byte in a blob is
    //! almost always a digest mismatch, so the mutations also go into headers and JSON, and
    //! some archives are rebuilt with mutated layer contents and fresh digests (so that the
    //! tar reader, whiteouts and links see hostile input past the digests).
    use super::*;
    use proptest::prelude::*;

    fn bases() -> Vec<Vec<u8>> {
        let elf = static_elf();
        vec![
            one_layer(
                "{\"Entrypoint\":[\"hello\"],\"User\":\"nobody\",\"Env\":[\"PATH=/bin\"]}",
                &[
                    ("bin/hello", b'2', b"../usr/hello", 0o777),
                    ("usr/hello", b'0', &elf, 0o755),
                    ("etc/passwd", b'0', b"nobody:x:65534:65534::/:/x\n", 0o644),
                ],
            ),
            multi_platform_archive(),
        ]
    }

    fn run(archive: Vec<u8>) {
        let Ok(mut storage) = ArchiveStorage::new(archive) else {
            return;
        };
        let Ok(image) = load(&mut storage, None) else {
            return;
        };
        let Ok(tree) = apply_layers(&mut storage, &image) else {
            return;
        };
        let mut root = ImageRoot::new(&mut storage, &image, tree);
        let r = diagnose(&mut root, &image, "t");
        assert_eq!(
            r.text()
                .lines()
                .filter(|l| l.starts_with("starts:"))
                .count(),
            1
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn mutated_archives_give_a_report_or_an_error(
            base in 0usize..2,
            changes in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..16),
            cut in prop::option::weighted(0.2, any::<prop::sample::Index>()),
        ) {
            let mut data = bases().swap_remove(base);
            for (at, v) in changes {
                let i = at.index(data.len());
                data[i] = v;
            }
            if let Some(cut) = cut {
                data.truncate(cut.index(data.len()));
            }
            run(data);
        }

        #[test]
        fn mutated_layers_with_fresh_digests_give_a_report_or_an_error(
            changes in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..16),
            gzip_it in any::<bool>(),
        ) {
            let elf = static_elf();
            let mut layer = tar(&[
                ("bin/", b'5', b"", 0o755),
                ("bin/hello", b'2', b"/usr/hello", 0o777),
                ("usr/hello", b'0', &elf, 0o755),
                ("usr/again", b'1', b"usr/hello", 0o755),
                ("lib/.wh..wh..opq", b'0', b"", 0o644),
                ("etc/.wh.passwd", b'0', b"", 0o644),
            ]);
            for (at, v) in changes {
                let i = at.index(layer.len());
                layer[i] = v;
            }
            let c = config("{\"Entrypoint\":[\"/bin/hello\"]}", &[&layer]);
            let stored = if gzip_it { gzip(&layer) } else { layer };
            run(oci_archive(&c, &[stored]));
        }
    }
}
