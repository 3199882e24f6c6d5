//! Arguments and environment: `rt::args` here, and both through a re-executed copy.

use syscall_kit::rt;

use super::support::run_self;
use crate::TestResult;

pub fn name_the_program() -> TestResult {
    let argv0 = rt::args().next().ok_or("no argv[0]")?;
    check!(
        argv0.to_bytes().ends_with(b"kit-selftest"),
        "argv[0] is {argv0:?}"
    );
    check!(rt::args().len() >= 1, "argc is 0");
    Ok(())
}

/// The child (`--child-args`, see `child.rs`) checks what it received and exits 0 when right.
pub fn and_env_reach_a_child() -> TestResult {
    let (code, stderr) = run_self(
        &[c"--child-args", c"one", c"two words", c""],
        &[c"OTHER=1", c"SELFTEST_VALUE=x=y z"],
    )?;
    check!(code == 0, "child exited {code}: {stderr}");
    Ok(())
}
