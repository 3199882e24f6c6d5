//! The user and group ids of a new user namespace (see `user_namespaces(7)`): until they are
//! mapped, every id inside it is the overflow id (65534, `nobody`), and a process there cannot
//! change its ids. Each map is written once, by a process in the namespace or in its parent,
//! in one `write(2)` of `/proc/PID/uid_map` or `gid_map`; these write the caller's own
//! (`/proc/self/…`).

use crate::fs::{self, Mode, OFlags};
use crate::text::Decimal;
use crate::{Errno, Result, io};

/// One line of a `uid_map` or `gid_map`: the `count` ids from `inside` (in the namespace) are
/// the ids from `outside` (in its parent).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IdMap {
    /// The first id inside the namespace.
    pub inside: u32,
    /// The id it is in the parent namespace.
    pub outside: u32,
    /// How many consecutive ids.
    pub count: u32,
}

impl IdMap {
    /// One id: `inside` is `outside`.
    pub const fn one(inside: u32, outside: u32) -> IdMap {
        IdMap {
            inside,
            outside,
            count: 1,
        }
    }
}

/// Writes `bytes` to the file `path` in one `write(2)`, as the id-map files of `/proc` require.
/// A write the kernel takes only in part (which it does not do for these files) is
/// [`Errno::EIO`].
fn write_once(path: &core::ffi::CStr, bytes: &[u8]) -> Result<()> {
    let fd = fs::open(path, OFlags::WRONLY | OFlags::CLOEXEC, Mode::empty())?;
    match io::write(&fd, bytes)? {
        n if n == bytes.len() => fd.close(),
        _ => Err(Errno::EIO),
    }
}

/// `map` as a line of an id-map file, `inside outside count\n`, into `buf`; returns its length.
fn map_line(map: &IdMap, buf: &mut [u8; 36]) -> usize {
    let mut len = 0;
    for (i, n) in [map.inside, map.outside, map.count].into_iter().enumerate() {
        let digits = Decimal::new(n);
        for &b in digits
            .as_bytes()
            .iter()
            .chain(if i < 2 { b" " } else { b"\n" })
        {
            if let Some(slot) = buf.get_mut(len) {
                *slot = b;
                len += 1;
            }
        }
    }
    len
}

/// Writes `map` to `path` (`/proc/self/uid_map` or `gid_map`).
fn write_map(path: &core::ffi::CStr, map: &IdMap) -> Result<()> {
    let mut buf = [0u8; 36];
    let len = map_line(map, &mut buf);
    write_once(path, buf.get(..len).unwrap_or_default())
}

/// Writes `deny` to `/proc/self/setgroups`: no process of the caller's user namespace may call
/// `setgroups(2)`, which an unprivileged process must give up before it may write
/// [`write_gid_map`] (else a process could drop a group that denies it access). Written before
/// the gid map; afterwards it fails with [`Errno::EPERM`].
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man7/user_namespaces.7.html
pub fn deny_setgroups() -> Result<()> {
    write_once(c"/proc/self/setgroups", b"deny")
}

/// Writes `map` as the caller's user id map (`/proc/self/uid_map`).
///
/// An unprivileged process may map one id only, its own effective user id outside
/// ([`crate::process::geteuid`]); a map already written fails with
/// [`Errno::EPERM`](crate::Errno::EPERM), as does one the caller may not write.
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man7/user_namespaces.7.html
pub fn write_uid_map(map: &IdMap) -> Result<()> {
    write_map(c"/proc/self/uid_map", map)
}

/// Writes `map` as the caller's group id map (`/proc/self/gid_map`).
///
/// An unprivileged process may map one id only, its own effective group id outside
/// ([`crate::process::getegid`]), and only after [`deny_setgroups`]; otherwise, or a second
/// time, it fails with [`Errno::EPERM`](crate::Errno::EPERM).
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man7/user_namespaces.7.html
pub fn write_gid_map(map: &IdMap) -> Result<()> {
    write_map(c"/proc/self/gid_map", map)
}

/// The three steps that give the caller, just moved into a new user namespace
/// ([`super::CloneFlags::NEWUSER`]), an identity there: [`deny_setgroups`], then the user id
/// map `uid`, then the group id map `gid`. `map_ids(IdMap::one(0, geteuid()), IdMap::one(0,
/// getegid()))` makes it root in the namespace, as `unshare --map-root-user` does. The first
/// step that fails ends it, with its error.
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man7/user_namespaces.7.html
pub fn map_ids(uid: IdMap, gid: IdMap) -> Result<()> {
    deny_setgroups()?;
    write_uid_map(&uid)?;
    write_gid_map(&gid)
}

#[cfg(test)]
mod tests {
    use super::{IdMap, map_line};

    #[test]
    fn a_map_is_one_line_of_three_numbers() {
        let mut buf = [0u8; 36];
        let len = map_line(&IdMap::one(0, 1000), &mut buf);
        assert_eq!(&buf[..len], b"0 1000 1\n");
        let max = IdMap {
            inside: u32::MAX,
            outside: u32::MAX,
            count: u32::MAX,
        };
        let len = map_line(&max, &mut buf);
        assert_eq!(&buf[..len], b"4294967295 4294967295 4294967295\n");
    }
}
