//! What `--essentials` puts in an image, for the reasons distroless `static` has them: the
//! files a program looks for that a `FROM scratch` image lacks (see scratch-doctor's "needs at
//! run time"), and the look-up of `--user` in the image's `/etc/passwd`.
//!
//! | option | files | why |
//! |---|---|---|
//! | `--passwd` | `/etc/passwd`, `/etc/group` (`root` 0, `nobody` 65534, `nonroot` 65532), `/etc/nsswitch.conf` | user and group names (`USER nobody`, Go's `os/user`, glibc's `getpwuid`) |
//! | `--tmp` | `/tmp`, mode 1777 | temporary files (`tmpfile(3)`, Go's `os.TempDir`) |
//! | `--ca-certs` | this machine's CA bundle as `/etc/ssl/certs/ca-certificates.crt`, and `SSL_CERT_FILE` | TLS: verifying a server's certificate |
//! | `--tz ZONE,...` / `--tz all` | those zones of `/usr/share/zoneinfo`, or all of it | time zones (`time.LoadLocation`, `TZ=Europe/Paris`) |

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

/// `/etc/passwd`: distroless's three users, without a shell.
pub const PASSWD: &str = "\
root:x:0:0:root:/root:/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin
nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin
";

/// `/etc/group`.
pub const GROUP: &str = "\
root:x:0:
nobody:x:65534:
nonroot:x:65532:
";

/// `/etc/nsswitch.conf`: users, groups and hosts from the files first (glibc's default for
/// `hosts` without the file differs, and Go reads it to choose its resolver).
pub const NSSWITCH: &str = "\
passwd: files
group: files
shadow: files
hosts: files dns
";

/// Where the CA bundle goes in the image, and what `SSL_CERT_FILE` names.
pub const CA_BUNDLE: &str = "/etc/ssl/certs/ca-certificates.crt";

/// Where this machine's CA bundle may be, in the order Go's `crypto/x509` looks
/// (scratch-doctor's list, which its needs at run time check): the first there is copied.
pub use scratch_doctor::needs::GO_CERT_FILES as CA_BUNDLES_HERE;

/// The time zone database, here and in the image.
pub const ZONEINFO: &str = "/usr/share/zoneinfo";

/// The default user: nobody and nogroup, by number (an image without `/etc/passwd` has no
/// names to look up).
pub const DEFAULT_USER: &str = "65534:65534";

/// `--tz ZONES`: `all`, or zone names separated by commas, each a relative path under
/// [`ZONEINFO`] without `.` or `..` (`Europe/Paris`).
pub fn zones(arg: &str) -> Result<Option<Vec<String>>, String> {
    if arg == "all" {
        return Ok(None);
    }
    let mut out = Vec::new();
    for zone in arg.split(',') {
        let bad = zone.is_empty()
            || zone.starts_with('/')
            || zone
                .split('/')
                .any(|c| c.is_empty() || c == "." || c == "..");
        if bad {
            return Err(format!(
                "--tz {arg}: {zone:?} is not a zone name such as Europe/Paris (or give all)"
            ));
        }
        out.push(zone.to_string());
    }
    Ok(Some(out))
}

/// What `--user` names: a user and an optional group, each a number or a name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct User {
    /// The user: `65534` or `nobody`.
    pub user: String,
    /// The group, if given.
    pub group: Option<String>,
}

impl User {
    /// `UID[:GID]` or `NAME[:GROUP]`, as `--user` takes it.
    pub fn parse(text: &str) -> Result<User, String> {
        let (user, group) = match text.split_once(':') {
            Some((u, g)) => (u, Some(g)),
            None => (text, None),
        };
        let ok = |s: &str| {
            !s.is_empty()
                && s.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
        };
        if !ok(user) || group.is_some_and(|g| !ok(g)) {
            return Err(format!(
                "--user {text}: not UID[:GID] or NAME[:GROUP] (such as 65534:65534 or nobody)"
            ));
        }
        Ok(User {
            user: user.into(),
            group: group.map(Into::into),
        })
    }

    /// The names in it that must be looked up (those that are not numbers): the user's in
    /// `passwd`, the group's in `group`.
    fn names(&self) -> (Option<&str>, Option<&str>) {
        fn name(s: &str) -> Option<&str> {
            (!s.bytes().all(|b| b.is_ascii_digit())).then_some(s)
        }
        (name(&self.user), self.group.as_deref().and_then(name))
    }

    /// Whether the names in it are in the image: `passwd` and `group` are the image's
    /// `/etc/passwd` and `/etc/group` (`None` when it has none). A number needs no look-up,
    /// as the runtime uses it as it is.
    pub fn check(&self, passwd: Option<&str>, group: Option<&str>) -> Result<(), String> {
        let (user, grp) = self.names();
        let listed = |file: Option<&str>, name: &str| {
            file.is_some_and(|f| f.lines().any(|l| l.split(':').next() == Some(name)))
        };
        let shown = match &self.group {
            Some(g) => format!("{}:{g}", self.user),
            None => self.user.clone(),
        };
        if let Some(u) = user
            && !listed(passwd, u)
        {
            return Err(match passwd {
                None => format!(
                    "--user {shown}: the image has no /etc/passwd to find {u} in: give numbers \
                     (such as --user 65534:65534) or add --passwd (or --essentials)"
                ),
                Some(_) => format!("--user {shown}: the image's /etc/passwd has no user {u}"),
            });
        }
        if let Some(g) = grp
            && !listed(group, g)
        {
            return Err(match group {
                None => format!(
                    "--user {shown}: the image has no /etc/group to find {g} in: give a number \
                     or add --passwd (or --essentials)"
                ),
                Some(_) => format!("--user {shown}: the image's /etc/group has no group {g}"),
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
