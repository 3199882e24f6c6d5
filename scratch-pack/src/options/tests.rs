//! The command line: options end at PROGRAM or `--`, each bad value one line.

use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;
use core::ffi::CStr;

use super::{Check, Command, Format, Options, Tz, default_tag, parse};
use crate::compress::Compression;

fn pack(args: &[&'static CStr]) -> Options {
    match parse(args.iter().copied()) {
        Ok(Command::Pack(o)) => *o,
        other => panic!("{args:?}: {other:?}"),
    }
}

fn error(args: &[&'static CStr]) -> String {
    match parse(args.iter().copied()) {
        Err(e) => e,
        other => panic!("{args:?}: {other:?}"),
    }
}

#[test]
fn options_end_at_the_program_and_what_follows_is_its() {
    let o = pack(&[c"-o", c"out.tar", c"/bin/prog", c"--init", c"-o", c"x"]);
    assert_eq!(o.output, c"out.tar");
    assert_eq!(o.program, c"/bin/prog");
    assert_eq!(o.args, vec!["--init", "-o", "x"]);
    assert!(!o.init);
    let o = pack(&[c"-o", c"out.tar", c"--", c"-prog", c"a"]);
    assert_eq!(
        (o.program, o.args.as_slice()),
        (c"-prog", &[String::from("a")][..])
    );
}

#[test]
fn defaults() {
    let o = pack(&[c"-o", c"i", c"p"]);
    assert_eq!(o.format, Format::Archive);
    assert_eq!(o.compression, Compression::Gzip);
    assert_eq!(
        (o.user.user.as_str(), o.user.group.as_deref()),
        ("65534", Some("65534"))
    );
    assert_eq!(o.tz, Tz::None);
    assert!(!o.passwd && !o.tmp && !o.ca_certs && !o.layers && !o.append);
    assert_eq!(
        default_tag(b"target/release/Hello_World"),
        "hello_world:latest"
    );
    assert_eq!(default_tag(b"./.x"), "x:latest");
    assert_eq!(default_tag(b"/usr/bin/python3.11"), "python3.11:latest");
}

#[test]
fn essentials_are_its_four_parts_and_tz_zones_narrow_it() {
    let o = pack(&[c"--essentials", c"-o", c"i", c"p"]);
    assert!(o.passwd && o.tmp && o.ca_certs);
    assert_eq!(o.tz, Tz::All);
    let o = pack(&[
        c"--tz",
        c"UTC,Europe/Paris",
        c"--essentials",
        c"--tz",
        c"UTC",
        c"-o",
        c"i",
        c"p",
    ]);
    assert_eq!(o.tz, Tz::Zones(vec!["Europe/Paris".into(), "UTC".into()]));
    let o = pack(&[c"--tz", c"UTC", c"--tz", c"all", c"-o", c"i", c"p"]);
    assert_eq!(o.tz, Tz::All);
}

#[test]
fn values_are_checked() {
    let o = pack(&[
        c"--expose",
        c"8080",
        c"--expose",
        c"53/udp",
        c"--label",
        c"a=b=c",
        c"--env",
        c"K=",
        c"--stop-signal",
        c"INT",
        c"--tag",
        c"example.com:5000/x/hello",
        c"--healthcheck",
        c"tcp:127.0.0.1:80",
        c"--add",
        c"/etc/hosts",
        c"--add",
        c"a:b:/c",
        c"-o",
        c"i",
        c"p",
    ]);
    assert_eq!(o.exposed, vec!["8080/tcp", "53/udp"]);
    assert_eq!(o.labels, vec![("a".into(), "b=c".into())]);
    assert_eq!(o.env, vec!["K="]);
    assert_eq!(o.stop_signal.as_deref(), Some("SIGINT"));
    assert_eq!(o.tag.as_deref(), Some("example.com:5000/x/hello:latest"));
    assert_eq!(o.healthcheck, Some(Check::Tcp("127.0.0.1:80".into())));
    assert_eq!(
        o.adds,
        vec![
            (b"/etc/hosts".to_vec(), b"/etc/hosts".to_vec()),
            (b"a:b".to_vec(), b"/c".to_vec())
        ]
    );
    assert_eq!(
        pack(&[c"--tag", c"hello:V1.0", c"-o", c"i", c"p"])
            .tag
            .as_deref(),
        Some("hello:V1.0")
    );
}

#[test]
fn every_bad_value_is_one_line() {
    let cases: Vec<(Vec<&'static CStr>, &str)> = vec![
        (vec![c"p"], "no output given: -o IMAGE (see --help)"),
        (vec![c"-o", c"i"], "no PROGRAM given (see --help)"),
        (
            vec![c"-o", c"i", c"-o", c"j", c"p"],
            "-o given twice (see --help)",
        ),
        (vec![c"-o"], "-o needs a value (see --help)"),
        (
            vec![c"--bogus", c"-o", c"i", c"p"],
            "unknown option --bogus (see --help)",
        ),
        (
            vec![c"--format", c"zip", c"-o", c"i", c"p"],
            "--format zip: oci-archive or oci-dir",
        ),
        (
            vec![c"--compression", c"xz", c"-o", c"i", c"p"],
            "--compression xz: gzip, zstd or none",
        ),
        (
            vec![c"--expose", c"0", c"-o", c"i", c"p"],
            "--expose 0: not PORT or PORT/tcp or PORT/udp, with PORT from 1 to 65535",
        ),
        (
            vec![c"--env", c"=x", c"-o", c"i", c"p"],
            "--env =x: not KEY=VALUE",
        ),
        (
            vec![c"--workdir", c"rel", c"-o", c"i", c"p"],
            "--workdir rel: not an absolute path",
        ),
        (
            vec![c"--add", c"rel", c"-o", c"i", c"p"],
            "--add rel: not HOST[:PATH] with PATH absolute (or HOST absolute without it)",
        ),
        (
            vec![c"--stop-signal", c"SIGFOO", c"-o", c"i", c"p"],
            "--stop-signal SIGFOO: not a signal name (SIGTERM, SIGINT, ...) or number from 1 to 64",
        ),
        (
            vec![c"--healthcheck", c"ftp://x", c"-o", c"i", c"p"],
            "--healthcheck ftp://x: not http://HOST[:PORT]/PATH or tcp:HOST:PORT",
        ),
        (
            vec![c"--init-binary", c"x", c"-o", c"i", c"p"],
            "--init-binary needs --init (see --help)",
        ),
        (
            vec![
                c"--healthcheck",
                c"tcp:a:1",
                c"--compression",
                c"zstd",
                c"-o",
                c"i",
                c"p",
            ],
            "--healthcheck and --compression zstd: a health check needs Docker's image format, which has no zstd layers",
        ),
        (
            vec![c"--user", c"a b", c"-o", c"i", c"p"],
            "--user a b: not UID[:GID] or NAME[:GROUP] (such as 65534:65534 or nobody)",
        ),
        (
            vec![c"--platform", c"amd64", c"-o", c"i", c"p"],
            "--platform amd64: not OS/ARCH[/VARIANT] (such as linux/arm64)",
        ),
    ];
    for (args, want) in cases {
        assert_eq!(error(&args), want, "{args:?}");
    }
    assert!(
        error(&[c"--tag", c"UPPER", c"-o", c"i", c"p"]).starts_with("--tag UPPER: not NAME[:TAG]")
    );
    assert_eq!(
        error(&[c"--timeout", c"5s", c"-o", c"i", c"p"]),
        "--timeout needs --trace (see --help)"
    );
    assert_eq!(
        error(&[c"--one-cpu", c"-o", c"i", c"p"]),
        "--one-cpu needs --trace (see --help)"
    );
    assert_eq!(
        error(&[c"--trace", c"--timeout", c"0", c"-o", c"i", c"p"]),
        "--timeout 0: not a duration (say 30s, 500ms, 2m)"
    );
    assert!(
        error(&[c"--trace", c"--program-path", c"/x", c"-o", c"i", c"p"])
            .starts_with("--program-path and --trace: ")
    );
}

#[test]
fn help_and_version() {
    assert_eq!(parse([c"-o", c"i", c"--help"]), Ok(Command::Help));
    assert_eq!(parse([c"--version"]), Ok(Command::Version));
}
