//! Unit tests of [`report`](super): the runtime's error in the report and its JSON.

use crate::image::test_images::{doctor, one_layer};

#[test]
fn a_symlink_loop_is_the_runtimes_eloop_and_json_is_one_object() {
    let r = doctor(one_layer(
        "{\"Entrypoint\":[\"/a\"]}",
        &[("a", b'2', b"/b", 0o777), ("b", b'2', b"/a", 0o777)],
    ))
    .unwrap();
    assert_eq!(
        r.failure.as_ref().unwrap().error,
        "exec: \"/a\": stat /a: too many levels of symbolic links"
    );
    let v: serde_json::Value = serde_json::from_str(&r.json()).unwrap();
    assert_eq!(v["starts"], serde_json::Value::Bool(false));
    assert_eq!(v["command"][0], "/a");
    assert_eq!(
        v["runtime_error"],
        "exec: \"/a\": stat /a: too many levels of symbolic links"
    );
}
