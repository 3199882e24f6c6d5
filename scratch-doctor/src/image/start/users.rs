//! Step 1 of a start: the user the container runs as (the config's `User`), as the engine finds
//! it before the runtime starts. A number needs nothing; a user name needs `/etc/passwd` in the
//! image, a group name `/etc/group`; no `User` is root.

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use crate::image::layers::ImageRoot;
use crate::image::report::Failure;
use crate::root_view::RootView;

/// The user the process runs as.
pub(super) struct User {
    /// Its user ID.
    pub(super) uid: u32,
    /// Its group IDs.
    gids: Vec<u32>,
}

impl User {
    /// Whether `mode` (of a file owned by `uid`:`gid`) lets this user execute it, as
    /// `execve(2)` checks (root needs one execute bit).
    pub(super) fn may_execute(&self, mode: u32, uid: u32, gid: u32) -> bool {
        if self.uid == 0 {
            return mode & 0o111 != 0;
        }
        if self.uid == uid {
            mode & 0o100 != 0
        } else if self.gids.contains(&gid) {
            mode & 0o010 != 0
        } else {
            mode & 0o001 != 0
        }
    }
}

/// `name:x:uid:gid:…` lines (`/etc/passwd`, `/etc/group`): the fields of the line whose first
/// field is `key`.
fn passwd_entry<'a>(text: &'a str, key: &str) -> Option<Vec<&'a str>> {
    text.lines()
        .map(|l| l.split(':').collect::<Vec<_>>())
        .find(|f| f.len() >= 3 && f[0] == key)
}

/// Step 1: the user `spec` (`User`: empty, `name`, `uid`, `name:group`, `uid:gid` …) as the
/// engine finds it in the image, and how the report shows it; a name the image's
/// `/etc/passwd` (or a group its `/etc/group`) does not have is the engine's error.
pub(super) fn user_of(root: &mut ImageRoot<'_>, spec: &str) -> Result<(User, String), Failure> {
    if spec.is_empty() {
        return Ok((
            User {
                uid: 0,
                gids: alloc::vec![0],
            },
            "root (the image sets no User)".into(),
        ));
    }
    let (name, group) = match spec.split_once(':') {
        Some((u, g)) => (u, Some(g)),
        None => (spec, None),
    };
    let passwd = root.read("/etc/passwd").ok();
    let passwd = passwd.as_deref().map(String::from_utf8_lossy);
    let (uid, mut gid) = match name.parse::<u32>() {
        Ok(uid) => {
            let gid = passwd
                .as_deref()
                .and_then(|p| {
                    p.lines()
                        .map(|l| l.split(':').collect::<Vec<_>>())
                        .find(|f| f.len() >= 4 && f[2] == name)
                        .and_then(|f| f[3].parse().ok())
                })
                .unwrap_or(0);
            (uid, gid)
        }
        Err(_) => {
            let entry = passwd.as_deref().and_then(|p| passwd_entry(p, name));
            match entry.and_then(|f| Some((f.get(2)?.parse().ok()?, f.get(3)?.parse().ok()?))) {
                Some(ids) => ids,
                None => {
                    let why = if passwd.is_none() {
                        "the image has no /etc/passwd".to_string()
                    } else {
                        format!("the image's /etc/passwd has no user {name}")
                    };
                    return Err(Failure::new(
                        format!("User is the name {name:?} and {why}"),
                        format!("unable to find user {name}: no matching entries in passwd file"),
                        format!(
                            "use a numeric USER (such as USER 65534:65534), which needs no /etc/passwd, or add the file /etc/passwd with a line for {name} (such as {name}:x:65534:65534:{name}:/:/sbin/nologin)"
                        ),
                    ));
                }
            }
        }
    };
    if let Some(g) = group {
        gid = match g.parse::<u32>() {
            Ok(gid) => gid,
            Err(_) => {
                let groups = root.read("/etc/group").ok();
                let groups = groups.as_deref().map(String::from_utf8_lossy);
                match groups
                    .as_deref()
                    .and_then(|t| passwd_entry(t, g))
                    .and_then(|f| f.get(2)?.parse().ok())
                {
                    Some(gid) => gid,
                    None => {
                        return Err(Failure::new(
                            format!(
                                "User names the group {g:?}, which the image's /etc/group does not have"
                            ),
                            format!("unable to find group {g}: no matching entries in group file"),
                            format!(
                                "use a numeric group (USER {name}:65534), or add /etc/group with a line for {g}"
                            ),
                        ));
                    }
                }
            }
        };
    }
    Ok((
        User {
            uid,
            gids: alloc::vec![gid],
        },
        format!("{spec} (uid {uid}, gid {gid})"),
    ))
}

#[cfg(test)]
mod tests;
