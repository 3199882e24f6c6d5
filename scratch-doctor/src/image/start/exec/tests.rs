//! Unit tests of steps 3 and 4 (`exec.rs`): a `#!` script's interpreter.

use object::elf;

use crate::image::test_images::{doctor, one_layer};
use crate::test_files::Elf;

#[test]
fn a_script_whose_interpreter_cannot_run_fails_under_the_scripts_name() {
    let foreign = Elf::executable(elf::EM_IA_64).bytes();
    let r = doctor(one_layer(
        "{\"Entrypoint\":[\"/run.sh\"]}",
        &[
            ("bin/sh", b'0', &foreign, 0o755),
            ("run.sh", b'0', b"#!/bin/sh\necho hi\n", 0o755),
        ],
    ))
    .unwrap();
    assert_eq!(r.failure.unwrap().error, "exec /run.sh: exec format error");
}
