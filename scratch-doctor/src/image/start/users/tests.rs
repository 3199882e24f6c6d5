//! Unit tests of step 1, the user (`users.rs`).

use crate::image::test_images::{doctor, one_layer, static_elf};

/// A numeric `uid:gid` needs no /etc/passwd (runc uses the numbers as they are): no hint
/// about the file, which an earlier version gave for every `USER 65534:65534`.
#[test]
fn a_numeric_user_and_group_need_no_passwd_file() {
    let elf = static_elf();
    let r = doctor(one_layer(
        "{\"Entrypoint\":[\"/hello\"],\"User\":\"65534:65534\"}",
        &[("hello", b'0', &elf, 0o755)],
    ))
    .unwrap();
    assert!(r.starts(), "{}", r.text());
    assert!(r.user.contains("uid 65534"), "{}", r.user);
    assert!(!r.text().contains("passwd"), "{}", r.text());
}
