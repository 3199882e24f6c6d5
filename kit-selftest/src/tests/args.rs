//! Arguments and environment: `rt::args` and the tables `rt::arg_table`, `rt::env_table`
//! here, and both through a re-executed copy.

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

/// The tables of the initial stack hold what `args` and `env` give, and end with the null
/// `execve(2)` wants.
pub fn tables_match_args_and_env() -> TestResult {
    for (table, strings) in [(rt::arg_table(), rt::args()), (rt::env_table(), rt::env())] {
        check!(
            table.len() == strings.len(),
            "{} strings, not {}",
            table.len(),
            strings.len()
        );
        for (i, s) in strings.enumerate() {
            check!(
                table.get(i) == Some(s),
                "string {i}: {:?}, not {s:?}",
                table.get(i)
            );
        }
        check!(table.get(table.len()).is_none(), "a string after the last");
        // SAFETY: the table ends with a null pointer, one after its last string.
        let end = unsafe { *table.as_ptr().add(table.len()) };
        check!(end.is_null(), "no null at the end");
        let tail = table.skip(1);
        check!(
            tail.get(0) == table.get(1),
            "skip(1) does not start at the second"
        );
    }
    check!(
        !rt::env_table().is_empty(),
        "the self-test runs with an environment"
    );
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
