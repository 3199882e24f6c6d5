//! `mmap`, `munmap` and `brk` (`src/mm.rs`), against the real kernel.

mod common;

use common::TempDir;
use syscall_kit::Errno;
use syscall_kit::fs::{self, Mode, OFlags};
use syscall_kit::mm::{MapFlags, ProtFlags, brk, mmap, munmap};

#[test]
fn anonymous_memory_is_zeroed_writable_and_unmappable() {
    let len = 3 * 4096;
    // SAFETY: (test): a fresh anonymous mapping, used only here, unmapped once.
    unsafe {
        let p = mmap(
            std::ptr::null_mut(),
            len,
            ProtFlags::READ | ProtFlags::WRITE,
            MapFlags::PRIVATE | MapFlags::ANONYMOUS,
            None,
            0,
        )
        .unwrap();
        let s = std::slice::from_raw_parts_mut(p, len);
        assert!(s.iter().all(|&b| b == 0));
        s.fill(0x5a);
        assert!(s.iter().all(|&b| b == 0x5a));
        munmap(p, len).unwrap();
    }
}

#[test]
fn a_file_mapping_shows_its_contents() {
    let dir = TempDir::new("mmap");
    let path = dir.join("f");
    std::fs::write(&path, b"mapped bytes").unwrap();
    let fd = fs::open(&*path, OFlags::RDONLY, Mode::empty()).unwrap();
    // SAFETY: (test): a private read-only mapping of a file nobody writes meanwhile.
    unsafe {
        let p = mmap(
            std::ptr::null_mut(),
            12,
            ProtFlags::READ,
            MapFlags::PRIVATE,
            Some(syscall_kit::AsFd::as_fd(&fd)),
            0,
        )
        .unwrap();
        assert_eq!(std::slice::from_raw_parts(p, 12), b"mapped bytes");
        munmap(p, 12).unwrap();
    }
}

#[test]
fn bad_mmap_arguments_are_reported() {
    // SAFETY: (test): every call fails before mapping anything.
    unsafe {
        // Neither SHARED nor PRIVATE.
        assert_eq!(
            mmap(
                std::ptr::null_mut(),
                4096,
                ProtFlags::READ,
                MapFlags::ANONYMOUS,
                None,
                0
            ),
            Err(Errno::EINVAL)
        );
        // Zero length.
        assert_eq!(
            mmap(
                std::ptr::null_mut(),
                0,
                ProtFlags::READ,
                MapFlags::PRIVATE | MapFlags::ANONYMOUS,
                None,
                0
            ),
            Err(Errno::EINVAL)
        );
        // Writable shared mapping of a read-only descriptor.
        let fd = fs::open("/dev/zero", OFlags::RDONLY, Mode::empty()).unwrap();
        assert_eq!(
            mmap(
                std::ptr::null_mut(),
                4096,
                ProtFlags::WRITE,
                MapFlags::SHARED,
                Some(syscall_kit::AsFd::as_fd(&fd)),
                0
            ),
            Err(Errno::EACCES)
        );
        // Unaligned address.
        assert_eq!(
            munmap(std::ptr::dangling_mut::<u8>(), 4096),
            Err(Errno::EINVAL)
        );
    }
}

#[test]
fn brk_reports_the_break_and_an_impossible_one_as_enomem() {
    // Only queries and a refused request: this process's C library owns the break, so the
    // test must not move it (the no_std self-test grows it for real).
    // SAFETY: (test): a null address only asks where the break is.
    let now = unsafe { brk(std::ptr::null_mut()) }.unwrap();
    assert!(!now.is_null());
    // SAFETY: (test): an address in the kernel half cannot be granted; the break stays.
    let refused = unsafe { brk((usize::MAX - 4095) as *mut u8) };
    assert_eq!(refused, Err(Errno::ENOMEM));
    // SAFETY: (test): as above.
    assert_eq!(unsafe { brk(std::ptr::null_mut()) }.unwrap(), now);
}
