//! `--trace`'s command line: what is refused (one line, status 2, nothing run), and a COMMAND's
//! own options left to it. The tracer itself runs real programs in
//! system-tests/tests/trace.rs.

mod common;

use common::{run_doctor, status, texts};

/// Runs the doctor with `args` and returns its one line on standard error.
fn refused(args: &[&str]) -> String {
    let out = run_doctor(args);
    let (stdout, stderr) = texts(&out);
    assert_eq!(
        status(&out),
        2,
        "{args:?}: stdout: {stdout}\nstderr: {stderr}"
    );
    assert!(stdout.is_empty(), "{args:?}: stdout: {stdout}");
    assert_eq!(stderr.lines().count(), 1, "{args:?}: stderr: {stderr}");
    stderr.trim_end().to_owned()
}

#[test]
fn a_trace_without_a_command_or_with_options_of_files_is_refused() {
    for (args, line) in [
        (
            &["--trace"][..],
            "scratch-doctor: --trace needs a COMMAND to run (see --help)",
        ),
        (
            &["--trace", "--"],
            "scratch-doctor: --trace needs a COMMAND to run (see --help)",
        ),
        (
            &["/bin/true", "--trace"],
            "scratch-doctor: --trace takes no FILE: COMMAND follows the options (see --help)",
        ),
        (
            &["--trace", "--closure", "--", "true"],
            "scratch-doctor: --trace takes no --image, --platform or --closure (its report has the closures) (see --help)",
        ),
        (
            &["--trace", "--image", "x", "--", "true"],
            "scratch-doctor: --trace takes no --image, --platform or --closure (its report has the closures) (see --help)",
        ),
        (
            &["--one-cpu", "/bin/true"],
            "scratch-doctor: --one-cpu needs --trace (see --help)",
        ),
        (
            &["--timeout", "5s", "/bin/true"],
            "scratch-doctor: --timeout needs --trace or --run-in DIR (see --help)",
        ),
        (
            &["--trace", "--timeout"],
            "scratch-doctor: --timeout needs a duration: --timeout DURATION",
        ),
        (
            &["--trace", "--timeout", "soon", "--", "true"],
            "scratch-doctor: --timeout: not a duration: soon (say 30s, 500ms, 2m)",
        ),
        (
            &["--trace", "--timeout", "0", "--", "true"],
            "scratch-doctor: --timeout: not a duration: 0 (say 30s, 500ms, 2m)",
        ),
        (
            &[
                "--trace",
                "--timeout",
                "1s",
                "--timeout",
                "2s",
                "--",
                "true",
            ],
            "scratch-doctor: --timeout given twice (see --help)",
        ),
        (
            &["--trace", "--check", "--", "true"],
            "scratch-doctor: --check needs --trace and --copy-closure DIR: it runs the command again in DIR (see --help)",
        ),
        (
            &["--check", "/bin/true"],
            "scratch-doctor: --check needs --trace and --copy-closure DIR: it runs the command again in DIR (see --help)",
        ),
        (
            &["--run-in", "/", "--trace", "--", "true"],
            "scratch-doctor: --run-in takes no other option but --timeout (see --help)",
        ),
    ] {
        assert_eq!(refused(args), line, "{args:?}");
    }
}

/// After COMMAND, everything is its own, options included: `--json` here is `echo`'s argument.
#[test]
fn the_commands_own_options_are_left_to_it() {
    let out = run_doctor(&["--trace", "echo", "--json", "-n", "x"]);
    let (stdout, stderr) = texts(&out);
    assert_eq!(status(&out), 0, "stderr: {stderr}");
    assert!(
        stdout.starts_with("--json -n x\necho --json -n x:\n"),
        "{stdout}"
    );
}

#[test]
fn help_documents_trace_and_timeout() {
    let out = run_doctor(&["--help"]);
    let (stdout, _) = texts(&out);
    for word in [
        "--trace",
        "--timeout DURATION",
        "COMMAND [ARGS...]",
        "io_uring",
    ] {
        assert!(stdout.contains(word), "{word} not in --help");
    }
}
