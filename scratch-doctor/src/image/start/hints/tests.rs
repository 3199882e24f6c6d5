//! Unit tests of the hints (`hints.rs`).

use crate::image::test_images::{doctor, one_layer, static_elf};

#[test]
fn hints_for_a_shell_healthcheck_and_https_without_ca_bundle() {
    let mut elf = static_elf();
    elf.extend_from_slice(b"https://example.org/\0");
    let r = doctor(one_layer(
        "{\"Entrypoint\":[\"/hello\"],\"Healthcheck\":{\"Test\":[\"CMD-SHELL\",\"true\"]}}",
        &[("hello", b'0', &elf, 0o755)],
    ))
    .unwrap();
    assert!(r.starts(), "{}", r.text());
    assert_eq!(r.hints.len(), 2, "{:?}", r.hints);
    assert!(r.hints.iter().any(|h| h.contains("HEALTHCHECK")));
    assert!(r.hints.iter().any(|h| h.contains("CA bundle")));
}
