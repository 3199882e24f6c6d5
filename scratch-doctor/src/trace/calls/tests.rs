//! The tables of traced calls: numbers from the kit's tables, one entry per number, within the
//! filter's limits, and the flags read as `open(2)` defines them.

use alloc::vec::Vec;

use syscall_kit::fs::OFlags;

use super::{ABIS, Use, filter_lists, known_abi, open_use, spec};

#[test]
fn each_abi_lists_each_number_once_within_the_filters_limit() {
    for (arch, table, _) in ABIS {
        let mut numbers: Vec<usize> = table.iter().map(|(n, _)| *n).collect();
        numbers.sort_unstable();
        numbers.dedup();
        assert_eq!(numbers.len(), table.len(), "ABI {arch:#x}: a number twice");
        assert!(
            table.len() <= syscall_kit::seccomp::MAX_ALLOWED,
            "ABI {arch:#x}"
        );
    }
    for ((arch, table, unless), list) in ABIS.iter().zip(filter_lists()) {
        assert_eq!(*arch, list.arch);
        let numbers: Vec<usize> = table.iter().map(|(n, _)| *n).collect();
        assert_eq!(list.numbers(), numbers);
        assert_eq!(list.unless, *unless);
        // An exemption is of a listed call: the filter refuses any other (EINVAL).
        assert!(unless.iter().all(|u| numbers.contains(&u.nr)), "{arch:#x}");
    }
}

/// The same call has different numbers in the two ABIs of x86_64: `open` is 2 natively, 5
/// through `int 0x80` (the kernel's syscall_64.tbl and syscall_32.tbl).
#[cfg(target_arch = "x86_64")]
#[test]
fn x86_64_and_i386_numbers_name_their_own_calls() {
    let native = syscall_kit::arch::AUDIT_ARCH;
    let i386 = syscall_kit::arch::i386::AUDIT_ARCH_I386;
    assert_eq!(spec(native, 2).map(|s| s.name), Some("open"));
    assert_eq!(spec(i386, 5).map(|s| s.name), Some("open"));
    assert_eq!(spec(i386, 2), None, "2 is fork in i386's table");
    assert_eq!(spec(native, 59).map(|s| s.name), Some("execve"));
    assert_eq!(spec(i386, 11).map(|s| s.name), Some("execve"));
    assert_eq!(spec(i386, 102).map(|s| s.name), Some("socketcall"));
    assert_eq!(spec(native, 39), None, "getpid is not traced");
    assert!(known_abi(native) && known_abi(i386));
    assert!(!known_abi(0x4000_0028), "arm");
    assert_eq!(spec(0x4000_0028, 5), None);
}

#[test]
fn open_flags_decide_read_write_or_directory_and_following() {
    let bits = |f: OFlags| u64::from(f.bits());
    assert_eq!(open_use(0), (Use::Read, true));
    assert_eq!(open_use(bits(OFlags::WRONLY)), (Use::Write, true));
    assert_eq!(open_use(bits(OFlags::RDWR)), (Use::Write, true));
    assert_eq!(open_use(bits(OFlags::CREAT)), (Use::Write, true));
    assert_eq!(open_use(bits(OFlags::TRUNC)), (Use::Write, true));
    assert_eq!(
        open_use(bits(OFlags::DIRECTORY | OFlags::CLOEXEC)),
        (Use::Directory, true)
    );
    assert_eq!(open_use(bits(OFlags::NOFOLLOW)), (Use::Read, false));
    assert_eq!(open_use(bits(OFlags::PATH)), (Use::Read, true));
}
