//! The C library's calls that read files no `DT_NEEDED` names: a table of function → need.
//! [`ANY_LIBC`] holds for glibc and musl alike; [`GLIBC`] only for glibc (an import versioned
//! `GLIBC_…`, or a static program with glibc's `.note.ABI-tag`): its NSS configuration, its
//! gconv modules, the `libgcc_s.so.1` it loads to unwind a thread, and the NSS modules a
//! static program may load ([`STATIC_NSS`]).
//!
//! Each error is what a program here printed in a `FROM scratch` image of its closure (the
//! system tests run them: `system-tests/tests/needs.rs`).

use alloc::vec::Vec;

use super::{Calls, Kind, Need, Rule, add_rule};

/// `/etc/passwd`.
pub(super) const PASSWD: Kind = Kind {
    what: "/etc/passwd (user names)",
    files: &["/etc/passwd"],
    library: false,
    without: "a user ID has no name and a name no user: programs fail with their own words, such as `whoami: cannot find name for user ID 0`",
    fix: "add /etc/passwd with a line for each user it runs as, such as root:x:0:0:root:/root:/sbin/nologin; a host's file lists the host's users: write one for the image",
    copy: Some("/etc/passwd"),
};

/// `/etc/group`.
pub(super) const GROUP: Kind = Kind {
    what: "/etc/group (group names)",
    files: &["/etc/group"],
    library: false,
    without: "a group ID has no name: programs fail with their own words, such as `id: cannot find name for group ID 0`",
    fix: "add /etc/group with a line for each group it uses, such as root:x:0:; a host's file lists the host's groups: write one for the image",
    copy: Some("/etc/group"),
};

/// A place for temporary files.
const TMP: Kind = Kind {
    what: "/tmp (temporary files)",
    files: &["/tmp"],
    library: false,
    without: "creating a temporary file under /tmp fails with ENOENT, such as `tmpfile: No such file or directory`",
    fix: "make the directory /tmp, mode 1777, in the image (`mkdir -m 1777 DIR/tmp` in the directory you COPY in), or point TMPDIR at a directory it has",
    copy: None,
};

/// The time zones, for `TZ`.
const ZONEINFO: Kind = Kind {
    what: "/usr/share/zoneinfo (time zones)",
    files: &["/usr/share/zoneinfo"],
    library: false,
    without: "TZ=Asia/Shanghai finds no zone file, and times are shown in UTC with no error (`date +%z` prints +0000)",
    fix: "copy the zone files it is run with from /usr/share/zoneinfo to the same path (the whole directory, or only /usr/share/zoneinfo/Asia/Shanghai for TZ=Asia/Shanghai), or give TZ as a rule such as CST-8",
    copy: Some("/usr/share/zoneinfo"),
};

/// Libraries opened by name.
const DLOPEN: Kind = Kind {
    what: "libraries it opens by name with dlopen",
    files: &[],
    library: false,
    without: "dlopen of a library that is not in the image returns NULL when the program asks for it; what it then does is the program's own (an error, or a feature that is silently missing)",
    fix: "find which it opens by tracing a run of it on this machine (`strace -f -e trace=openat PROGRAM ARGS`) and copy those libraries to the paths it opened",
    copy: None,
};

/// glibc's NSS configuration, for host names.
pub(super) const NSSWITCH: Kind = Kind {
    what: "/etc/nsswitch.conf (how host names are looked up)",
    files: &["/etc/nsswitch.conf"],
    library: false,
    without: "glibc looks host names up as `hosts: dns [!UNAVAIL=return] files`: DNS first, and /etc/hosts only when no DNS server answers, so a name that only /etc/hosts has (--add-host, the container's own name) is `Name or service not known` on a network with DNS. (/etc/hosts and /etc/resolv.conf need not be in the image: Docker and Podman bind-mount both into every container)",
    fix: "add /etc/nsswitch.conf with the line `hosts: files dns`",
    copy: Some("/etc/nsswitch.conf"),
};

/// glibc's gconv modules, for `iconv_open`.
const GCONV: Kind = Kind {
    what: "/usr/lib/{multiarch}/gconv (glibc's character set converters)",
    files: &[
        "/usr/lib/{multiarch}/gconv/gconv-modules",
        "/usr/lib/{multiarch}/gconv/gconv-modules.cache",
        "/usr/lib64/gconv/gconv-modules",
        "/usr/lib/gconv/gconv-modules",
    ],
    library: false,
    without: "iconv_open fails for every conversion but the few glibc has built in, such as `iconv: failed to start conversion processing`",
    fix: "copy /usr/lib/{multiarch}/gconv/gconv-modules with gconv-modules.d/ and the modules of the character sets it converts (ISO8859-1.so …) to the same paths",
    copy: Some("/usr/lib/{multiarch}/gconv"),
};

/// `libgcc_s.so.1`, which glibc loads with `dlopen` to unwind a thread.
const LIBGCC_S: Kind = Kind {
    what: "libgcc_s.so.1 (thread cancellation and exit)",
    files: &["libgcc_s.so.1"],
    library: true,
    without: "glibc loads libgcc_s.so.1 with dlopen when a thread is cancelled or exits with pthread_exit (no DT_NEEDED names it), and without it the process prints `libgcc_s.so.1 must be installed for pthread_cancel to work` and dies (killed by a signal)",
    fix: "copy /lib/{multiarch}/libgcc_s.so.1 into the image, where the loader finds it (the same path)",
    copy: Some("/lib/{multiarch}/libgcc_s.so.1"),
};

/// A static glibc program's NSS: the linker's warning.
pub(super) const STATIC_NSS: Kind = Kind {
    what: "libnss_*.so.2 of the glibc it was linked with (a static program's name lookups)",
    files: &[],
    library: false,
    without: "the linker warned when it was built: `Using 'getpwnam' in statically linked applications requires at runtime the shared libraries from the glibc version used for linking`. glibc 2.34 and later build the files and dns services in, so /etc/passwd, /etc/group, /etc/hosts and DNS work without them; a service that an /etc/nsswitch.conf names beyond those (sss, ldap, systemd, mdns) is loaded with dlopen as libnss_NAME.so.2, and finds nothing unless that library is in the image and of the very glibc version it was linked with",
    fix: "keep /etc/nsswitch.conf in the image to files and dns (or leave it out), or link the program dynamically and copy its closure",
    copy: None,
};

/// User names.
const USERS: Rule = Rule {
    names: &[
        "getpwnam",
        "getpwnam_r",
        "getpwuid",
        "getpwuid_r",
        "getpwent",
        "getpwent_r",
        "getlogin",
        "getlogin_r",
    ],
    kind: &PASSWD,
    when: None,
};

/// Group names.
const GROUPS: Rule = Rule {
    names: &[
        "getgrnam",
        "getgrnam_r",
        "getgrgid",
        "getgrgid_r",
        "getgrent",
        "getgrent_r",
        "getgrouplist",
        "initgroups",
    ],
    kind: &GROUP,
    when: None,
};

/// Host names, through glibc's NSS.
const HOSTS: Rule = Rule {
    names: &[
        "getaddrinfo",
        "gethostbyname",
        "gethostbyname_r",
        "gethostbyname2",
        "gethostbyname2_r",
        "gethostbyaddr",
        "gethostbyaddr_r",
    ],
    kind: &NSSWITCH,
    when: None,
};

/// Libraries opened by name. Not of a static glibc program: glibc links `dlopen` into every
/// one that looks names up or converts character sets, for its own modules ([`STATIC_NSS`]).
const LOADS: Rule = Rule {
    names: &["dlopen", "dlmopen"],
    kind: &DLOPEN,
    when: None,
};

/// The calls of any C library.
const ANY_LIBC: [&Rule; 4] = [
    &USERS,
    &GROUPS,
    &Rule {
        names: &[
            "tmpfile",
            "tmpfile64",
            "tmpnam",
            "tmpnam_r",
            "tempnam",
            "mkstemp",
            "mkstemp64",
            "mkostemp",
            "mkostemp64",
            "mkstemps",
            "mkdtemp",
        ],
        kind: &TMP,
        when: None,
    },
    &Rule {
        names: &["tzset", "localtime", "localtime_r", "mktime"],
        kind: &ZONEINFO,
        when: Some("TZ names a time zone"),
    },
];

/// The calls that need more with glibc.
const GLIBC: [&Rule; 3] = [
    &HOSTS,
    &Rule {
        names: &["iconv_open"],
        kind: &GCONV,
        when: None,
    },
    &Rule {
        names: &["pthread_cancel", "pthread_exit"],
        kind: &LIBGCC_S,
        when: None,
    },
];

/// The lookups through NSS, after which the linker warns in a static glibc program.
const NSS: [&Rule; 3] = [&USERS, &GROUPS, &HOSTS];

/// A static glibc program's lookups through NSS.
const STATIC_LOOKUPS: Rule = Rule {
    names: &[],
    kind: &STATIC_NSS,
    when: Some("an /etc/nsswitch.conf names a service other than files and dns"),
};

/// Every name of the tables, for [`read_calls`](super::read_calls).
pub(super) fn names() -> impl Iterator<Item = &'static str> {
    ANY_LIBC
        .into_iter()
        .chain([&LOADS])
        .chain(GLIBC)
        .flat_map(|r| r.names.iter().copied())
}

/// Adds the needs of the C library's calls in `calls`.
pub(super) fn add(calls: &Calls, multiarch: &str, needs: &mut Vec<Need>) {
    let static_glibc = calls.glibc && !calls.defined.is_empty();
    let loads: &[&Rule] = if static_glibc { &[] } else { &[&LOADS] };
    let glibc: &[&Rule] = if calls.glibc { &GLIBC } else { &[] };
    for rule in ANY_LIBC.iter().chain(loads).chain(glibc) {
        for name in rule.names.iter().filter(|n| calls.calls(n)) {
            add_rule(needs, rule, name, multiarch);
        }
    }
    // A static glibc program: what it defines is what it calls.
    if static_glibc {
        for rule in NSS {
            for name in rule.names.iter().filter(|n| calls.calls(n)) {
                add_rule(needs, &STATIC_LOOKUPS, name, multiarch);
            }
        }
    }
}
