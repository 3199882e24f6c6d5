// Every text scratch-init writes, as templates of say.rs: build.rs packs them into one string
// (LZ77, see build.rs) and gives each its constant (`msg::NAME`); this file is read by build.rs
// only, with `include!`. The codes, bytes below 32 (no text has one but the newline):
//   \x01  the tag: the TAG entry below (` scratch-init (PID)] `), after the `[LEVEL` that
//         starts a message
//   \x08  the string argument          \x10  the number argument, in decimal
//   \x18  the errno text of the number argument (an E… entry, or `errno N`)
//   \x06  (first byte only) to standard output, not standard error
//   \x1f  this process's id, in decimal
// (Far apart, so that the writer tests them one by one rather than through a jump table.)
// Every text but TAG and the errno texts ends with its newline.

&[
    // The tag of every message, as tini's: `[LEVEL tini (PID)] `.
    ("TAG", b" scratch-init (\x1f)] "),
    // An errno without a text of its own.
    ("ERRNO_NUMBER", b"errno \x10"),
    // The texts of the errors an init meets (say.rs picks one by its errno).
    ("ENOENT", b"No such file or directory"),
    ("EACCES", b"Permission denied"),
    ("ENOEXEC", b"Exec format error"),
    ("EPERM", b"Operation not permitted"),
    ("E2BIG", b"Argument list too long"),
    // `--version`, `-l`, `-h`.
    (
        "VERSION",
        concat!("\x06scratch-init version ", env!("CARGO_PKG_VERSION"), "\n").as_bytes(),
    ),
    (
        "LICENSE",
        concat!("\x06scratch-init ", env!("CARGO_PKG_VERSION"), ": MIT License\n").as_bytes(),
    ),
    (
        "USAGE",
        b"\x06Usage: scratch-init [-sgwvlh] [-p SIGNAL] [-e CODE]... -- PROGRAM [ARGS...] | --version
Runs PROGRAM, forwards signals to it, reaps zombies, as tini: -s subreaper,
-g signal the process group, -e CODE map exit code CODE to 0, -p SIGNAL
parent-death signal, -w warn on reaping zombies, -v more output, -l license, -h help.
Environment: TINI_SUBREAPER, TINI_KILL_PROCESS_GROUP, TINI_VERBOSITY.
",
    ),
    // Bad input (exit status 2); the argument that was wrong is the string.
    ("NEEDS_VALUE", b"[FATAL\x01Option requires a value: \x08\n"),
    ("BAD_E", b"[FATAL\x01Not a valid option for -e: \x08\n"),
    ("BAD_P", b"[FATAL\x01Not a valid option for -p: \x08\n"),
    ("UNKNOWN_OPTION", b"[FATAL\x01Unknown option (see -h): \x08\n"),
    (
        "NO_PROGRAM",
        b"[FATAL\x01No PROGRAM given; usage: scratch-init [OPTIONS] -- PROGRAM [ARGS...]\n",
    ),
    // tini's warning when orphans will not be re-parented here: its first sentence and its fixes.
    (
        "NOT_A_REAPER",
        b"[WARN \x01scratch-init is not running as PID 1 and isn't registered as a child subreaper: \
zombie reaping won't work (use -s or TINI_SUBREAPER, or run it as PID 1)\n",
    ),
    // A system call that failed (exit status 1); the number is the errno.
    ("SIGPROCMASK_FAILED", b"[FATAL\x01sigprocmask failed: \x18\n"),
    ("IGNORE_FAILED", b"[FATAL\x01Failed to ignore SIGTTIN and SIGTTOU: \x18\n"),
    ("PDEATHSIG_FAILED", b"[FATAL\x01Failed to set up parent death signal: \x18\n"),
    ("SUBREAPER_FAILED", b"[FATAL\x01Failed to register as child subreaper: \x18\n"),
    ("FORK_FAILED", b"[FATAL\x01fork failed: \x18\n"),
    ("SETPGID_FAILED", b"[FATAL\x01setpgid failed: \x18\n"),
    ("TCSETPGRP_FAILED", b"[FATAL\x01tcsetpgrp failed: \x18\n"),
    ("RESTORE_FAILED", b"[FATAL\x01Restoring the child's signals failed: \x18\n"),
    ("EXEC_FAILED", b"[FATAL\x01exec \x08 failed: \x18\n"),
    ("KILL_FAILED", b"[FATAL\x01Unexpected error when forwarding signal: \x18\n"),
    ("SIGTIMEDWAIT_FAILED", b"[FATAL\x01Unexpected error in sigtimedwait: \x18\n"),
    ("WAIT_FAILED", b"[FATAL\x01Error while waiting for pids: \x18\n"),
    // Warnings (-w, verbosity 1) and information (verbosity 2).
    ("CHILD_DEAD", b"[WARN \x01Child was dead when forwarding signal\n"),
    ("REAPED", b"[WARN \x01Reaped zombie process with pid=\x10\n"),
    ("SPAWNED", b"\x06[INFO \x01Spawned child process '\x08' with pid '\x10'\n"),
    ("EXITED", b"\x06[INFO \x01Main child exited normally (with status '\x10')\n"),
    ("SIGNALED", b"\x06[INFO \x01Main child exited with signal (with signal '\x10')\n"),
]
