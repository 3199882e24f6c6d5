//! Unit tests of the trace's pure parts: paths made absolute, the copy plan over a root in
//! memory. The tracer itself runs real programs in scratch-doctor's tests/trace.rs and in
//! system-tests/tests/trace.rs.

use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;

use syscall_kit::Errno;

use super::calls::Use;
use super::plan::{Entry, plan};
use super::report::TraceReport;
use super::{End, Lookup, Trace, clean};
use crate::memory_root::MemoryRoot;
use crate::test_files::{Elf, GLIBC_LOADER};

#[test]
fn clean_drops_empty_and_dot_components_and_keeps_dot_dot() {
    assert_eq!(clean("/usr//lib/./x"), "/usr/lib/x");
    assert_eq!(clean("/a/b/../c"), "/a/b/../c");
    assert_eq!(clean("/"), "/");
    assert_eq!(clean("//"), "/");
    assert_eq!(clean("/tmp/"), "/tmp");
}

/// A lookup of `path` by `call` with `uses`, and its result.
pub(crate) fn lookup(
    call: &'static str,
    uses: Use,
    path: &str,
    result: Result<(), Errno>,
) -> Lookup {
    Lookup {
        pid: 100,
        call,
        uses,
        follow: true,
        given: path.into(),
        path: Ok(path.into()),
        unreadable: None,
        result,
    }
}

pub(crate) fn trace(lookups: Vec<Lookup>, executed: &[&str]) -> Trace {
    Trace {
        lookups,
        executed: executed.iter().map(|p| String::from(*p)).collect(),
        end: End::Exited(0),
        traced: 1,
        warnings: Vec::new(),
    }
}

/// A machine with a merged `/usr` (`/lib -> usr/lib`), a dynamic program, a time zone reached
/// through `/etc/localtime`, and what it writes.
fn machine() -> MemoryRoot {
    let mut root = MemoryRoot::new();
    root.symlink("/lib", "usr/lib")
        .symlink("/lib64", "usr/lib64")
        .symlink(
            "/usr/lib64/ld-linux-x86-64.so.2",
            "/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2",
        )
        .file(
            "/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2",
            Elf::library(&[]).bytes(),
        )
        .file("/usr/bin/prog", Elf::program(&[]).bytes())
        .symlink("/etc/localtime", "/usr/share/zoneinfo/Asia/Shanghai")
        .file("/usr/share/zoneinfo/Asia/Shanghai", b"TZif".to_vec())
        .dir("/var/out")
        .file("/var/out/written", b"output".to_vec())
        .dir("/tmp");
    assert_eq!(GLIBC_LOADER, "/lib64/ld-linux-x86-64.so.2");
    root
}

#[test]
fn the_plan_keeps_links_as_links_and_files_at_their_real_paths() {
    let mut root = machine();
    let t = trace(
        vec![
            lookup("execve", Use::Exec, "/usr/bin/prog", Ok(())),
            lookup("openat", Use::Read, "/etc/localtime", Ok(())),
            lookup("openat", Use::Read, "/etc/missing", Err(Errno::ENOENT)),
            lookup("openat", Use::Read, "/proc/self/maps", Ok(())),
            lookup("openat", Use::Write, "/var/out/written", Ok(())),
            lookup("openat", Use::Read, "/var/out/written", Ok(())),
            lookup("mkdir", Use::Mkdir, "/tmp/work", Ok(())),
            // The root directory (glibc's NSS stats it): DIR itself, nothing to make.
            lookup("openat", Use::Directory, "/", Ok(())),
        ],
        &["/usr/bin/prog"],
    );
    let report = TraceReport::new(&mut root, vec!["prog".into()], &t).unwrap();
    let plan = plan(&mut root, &t, &report.executed).unwrap();
    let link = |path: &str, target: &str| Entry::Link {
        path: path.into(),
        target: target.into(),
    };
    let copy = |path: &str| Entry::Copy(path.into());
    assert_eq!(
        plan.entries,
        [
            // The closure: the program, its interpreter through two links.
            copy("/usr/bin/prog"),
            link("/lib64", "usr/lib64"),
            link(
                "/usr/lib64/ld-linux-x86-64.so.2",
                "/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2"
            ),
            link("/lib", "usr/lib"),
            copy("/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2"),
            // The time zone, as a link and its target.
            link("/etc/localtime", "/usr/share/zoneinfo/Asia/Shanghai"),
            copy("/usr/share/zoneinfo/Asia/Shanghai"),
            // Where it writes: the directory, not what it wrote.
            copy("/var/out"),
            // Its mkdir in /tmp: /tmp itself, as here (empty; the plan's `/tmp` entry is then
            // the same).
            copy("/tmp"),
        ]
    );
    assert!(plan.gone.is_empty(), "{:?}", plan.gone);
}

#[test]
fn the_report_groups_by_why_and_names_the_alternative_used() {
    let mut root = machine();
    root.file("/usr/lib/locale/C.utf8/LC_CTYPE", b"x".to_vec())
        .file("/etc/app.conf", b"x".to_vec())
        .file(
            "/usr/lib/x86_64-linux-gnu/gconv/gconv-modules",
            b"x".to_vec(),
        );
    let t = trace(
        vec![
            lookup(
                "execve",
                Use::Exec,
                "/usr/local/bin/prog",
                Err(Errno::ENOENT),
            ),
            lookup("execve", Use::Exec, "/usr/bin/prog", Ok(())),
            lookup(
                "openat",
                Use::Read,
                "/usr/lib/locale/C.UTF-8/LC_CTYPE",
                Err(Errno::ENOENT),
            ),
            lookup(
                "openat",
                Use::Read,
                "/usr/lib/locale/C.utf8/LC_CTYPE",
                Ok(()),
            ),
            lookup(
                "openat",
                Use::Read,
                "/usr/lib/x86_64-linux-gnu/gconv/gconv-modules.cache",
                Err(Errno::ENOENT),
            ),
            lookup(
                "openat",
                Use::Read,
                "/usr/lib/x86_64-linux-gnu/gconv/gconv-modules",
                Ok(()),
            ),
            lookup(
                "access",
                Use::Lookup,
                "/etc/ld.so.preload",
                Err(Errno::ENOENT),
            ),
            // readlink of a file that is not a link: EINVAL, and the file is there.
            lookup("readlink", Use::Lookup, "/etc/app.conf", Err(Errno::EINVAL)),
            lookup("openat", Use::Read, "/etc/app.conf", Ok(())),
            lookup("openat", Use::Directory, "/usr/lib/locale", Ok(())),
            lookup("newfstatat", Use::Lookup, "/var/out", Ok(())),
            lookup("openat", Use::Read, "/dev/null", Ok(())),
            lookup("unlink", Use::Change, "/var/out/written", Ok(())),
            lookup(
                "connect",
                Use::Connect,
                "/run/nscd/socket",
                Err(Errno::ENOENT),
            ),
        ],
        &["/usr/bin/prog"],
    );
    let r = TraceReport::new(&mut root, vec!["prog".into(), "an arg".into()], &t).unwrap();
    let absent: Vec<(&str, Option<&str>)> = r
        .absent
        .iter()
        .map(|a| (a.path.as_str(), a.then.as_deref()))
        .collect();
    assert_eq!(
        absent,
        [
            ("/usr/local/bin/prog", Some("/usr/bin/prog")),
            (
                "/usr/lib/locale/C.UTF-8/LC_CTYPE",
                Some("/usr/lib/locale/C.utf8/LC_CTYPE")
            ),
            (
                "/usr/lib/x86_64-linux-gnu/gconv/gconv-modules.cache",
                Some("/usr/lib/x86_64-linux-gnu/gconv/gconv-modules")
            ),
            // Followed by /etc/app.conf: another name, but the same directory.
            ("/etc/ld.so.preload", Some("/etc/app.conf")),
            ("/run/nscd/socket", None),
        ]
    );
    use super::report::Category::{Configuration, Data, Module};
    assert_eq!(
        r.files,
        [
            ("/usr/lib/locale/C.utf8/LC_CTYPE".into(), Data),
            (
                "/usr/lib/x86_64-linux-gnu/gconv/gconv-modules".into(),
                Module
            ),
            ("/etc/app.conf".into(), Configuration),
        ]
    );
    assert_eq!(r.directories, ["/usr/lib/locale", "/var/out"]);
    assert_eq!(r.runtime, ["/dev/null"]);
    assert_eq!(r.written, ["/var/out/written"]);
    assert_eq!(r.executed.len(), 1);
    assert!(r.all_good(), "{:?}", r.executed);
    let text = r.text();
    assert!(text.starts_with("prog 'an arg':\n"), "{text}");
    assert!(
        text.contains(
            "    /usr/lib/locale/C.UTF-8/LC_CTYPE (ENOENT), then /usr/lib/locale/C.utf8/LC_CTYPE\n"
        ),
        "{text}"
    );
    let json: serde_json::Value = serde_json::from_str(&r.json()).unwrap();
    assert_eq!(json["command"][1], "an arg");
    assert_eq!(json["absent"][1]["then"], "/usr/lib/locale/C.utf8/LC_CTYPE");
    assert_eq!(json["files"][2]["category"], "configuration");
    assert_eq!(json["end"]["how"], "exited");
    assert_eq!(json["all_good"], true);
}

#[test]
fn a_script_is_reported_with_its_interpreters_and_their_closure() {
    let mut root = machine();
    root.file("/usr/bin/tool", b"#!/usr/bin/prog -x\n".to_vec())
        .file("/usr/bin/loop1", b"#!/usr/bin/loop2\n".to_vec())
        .file("/usr/bin/loop2", b"#!/usr/bin/loop1\n".to_vec());
    let t = trace(Vec::new(), &["/usr/bin/tool", "/usr/bin/loop1", "/gone"]);
    let r = TraceReport::new(&mut root, vec!["tool".into()], &t).unwrap();
    assert_eq!(r.executed[0].interpreters, ["/usr/bin/prog"]);
    let closure = r.executed[0].closure.as_ref().unwrap();
    assert_eq!(closure.objects[0].host_path, "/usr/bin/prog");
    assert_eq!(closure.objects[1].host_path, GLIBC_LOADER);
    assert!(
        r.executed[1].problem.as_deref().unwrap().contains("ELOOP"),
        "{:?}",
        r.executed[1]
    );
    assert!(
        r.executed[2]
            .problem
            .as_deref()
            .unwrap()
            .starts_with("/gone: gone since it ran")
    );
    assert!(!r.all_good());
}

#[test]
fn a_command_that_fails_or_times_out_is_not_all_good_and_says_so() {
    let mut root = machine();
    let mut t = trace(Vec::new(), &[]);
    t.end = End::Exited(3);
    let r = TraceReport::new(&mut root, vec!["prog".into()], &t).unwrap();
    assert!(!r.all_good());
    assert!(
        r.warnings[0].starts_with("the command exited with status 3:"),
        "{:?}",
        r.warnings
    );
    t.end = End::TimedOut;
    let r = TraceReport::new(&mut root, vec!["prog".into()], &t).unwrap();
    assert!(!r.all_good());
    let json: serde_json::Value = serde_json::from_str(&r.json()).unwrap();
    assert_eq!(json["end"]["how"], "timeout");
}
