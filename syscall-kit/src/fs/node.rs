//! Special files: `mknodat(2)`, which makes a device file, a FIFO, a socket file or an empty
//! regular file.

use super::{FileType, Mode};
use crate::fd::AsFd;
use crate::raw::{self, nr};
use crate::{Errno, PathArg, Result};

/// A device number in the form `mknodat(2)` takes it (the kernel's `new_encode_dev`): the low
/// 8 bits of the minor, then 12 bits of major, then the rest of the minor. `None` for a major
/// past 12 bits or a minor past 20, which it cannot hold.
fn encode_dev((major, minor): (u32, u32)) -> Option<u32> {
    if major > 0xfff || minor > 0xf_ffff {
        return None;
    }
    Some((minor & 0xff) | (major << 8) | ((minor & !0xff) << 12))
}

/// `mknodat(2)`: creates the file `path` (relative to the directory `dirfd`, or
/// [`CWD`](super::CWD)) of type `file_type` with permission bits `mode` less the umask
/// ([`umask`](super::umask)); for a device, `dev` is its `(major, minor)` number (ignored
/// otherwise).
///
/// `file_type` is [`FileType::CharDevice`] or [`FileType::BlockDevice`] (which need
/// `CAP_MKNOD`, and a file system mounted without `MS_NODEV` to be opened), [`FileType::Fifo`],
/// [`FileType::Socket`] or [`FileType::Regular`] (an empty file). Another type, or a device
/// number that does not fit (a major past 4095, a minor past 1048575), fails with
/// [`Errno::EINVAL`] before any system call. A `path` that exists fails with
/// [`Errno::EEXIST`]; a device without the privilege, or in a user namespace (where no device
/// may be made), with [`Errno::EPERM`].
///
/// # References
///  - [Linux]
///
/// [Linux]: https://man7.org/linux/man-pages/man2/mknod.2.html
pub fn mknodat(
    dirfd: impl AsFd,
    path: impl PathArg,
    file_type: FileType,
    mode: Mode,
    dev: (u32, u32),
) -> Result<()> {
    let kind = match file_type {
        FileType::Regular => 0o100000,
        FileType::CharDevice => 0o020000,
        FileType::BlockDevice => 0o060000,
        FileType::Fifo => 0o010000,
        FileType::Socket => 0o140000,
        FileType::Directory | FileType::Symlink | FileType::Unknown => return Err(Errno::EINVAL),
    };
    let dev = encode_dev(dev).ok_or(Errno::EINVAL)?;
    let dirfd = dirfd.as_fd().as_raw_fd();
    path.with_c_str(|path| {
        // SAFETY: `path` is a NUL-terminated string that outlives the call.
        unsafe {
            raw::syscall4(
                nr::MKNODAT,
                dirfd as usize,
                path.as_ptr() as usize,
                (kind | mode.bits()) as usize,
                dev as usize,
            )
        }
        .map(drop)
    })
}

#[cfg(test)]
mod tests {
    use super::encode_dev;

    /// The kernel's `new_encode_dev`, include/linux/kdev_t.h, on the numbers of devices that
    /// exist (`/dev/null` 1:3, a pts 136:5, a disk partition 259:1) and the largest numbers.
    #[test]
    fn device_numbers_are_encoded_as_the_kernel_decodes_them() {
        assert_eq!(encode_dev((1, 3)), Some(0x103));
        assert_eq!(encode_dev((136, 5)), Some(0x8805));
        assert_eq!(encode_dev((259, 1)), Some(0x10301));
        assert_eq!(encode_dev((0xfff, 0xf_ffff)), Some(0xffff_ffff));
        assert_eq!(encode_dev((0, 0x100)), Some(0x10_0000));
        assert_eq!(encode_dev((0x1000, 0)), None);
        assert_eq!(encode_dev((0, 0x10_0000)), None);
    }
}
