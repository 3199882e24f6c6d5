//! Unit tests of [`binfmt`](super): which entries match which ELF headers, and which entries
//! are read from a `binfmt_misc` directory.

use super::*;
use crate::memory_root::MemoryRoot;
use crate::test_files::Elf;

const QEMU_AARCH64: &str = "enabled\ninterpreter /usr/libexec/qemu-binfmt/aarch64-binfmt-P\nflags: POF\noffset 0\nmagic 7f454c460201010000000000000000000200b700\nmask ffffffffffffff00fffffffffffffffffeffffff\n";

/// A 64-bit little-endian ELF executable for `machine`.
fn program_for(machine: u16) -> Vec<u8> {
    Elf::executable(machine).bytes()
}

#[test]
fn an_entry_matches_its_machine_only() {
    let e = Entry::parse("qemu-aarch64", QEMU_AARCH64).unwrap();
    assert!(e.fixed());
    assert!(e.matches(&program_for(object::elf::EM_AARCH64)));
    assert!(!e.matches(&program_for(object::elf::EM_RISCV)));
    assert!(!e.matches(&program_for(object::elf::EM_AARCH64)[..10]));
    let disabled = Entry::parse("x", &QEMU_AARCH64.replacen("enabled", "disabled", 1));
    assert!(
        !disabled
            .unwrap()
            .matches(&program_for(object::elf::EM_AARCH64))
    );
    assert_eq!(Entry::parse("status", "enabled\n"), None);
    assert_eq!(Entry::parse("register", ""), None);
    let ext = "enabled\ninterpreter /usr/bin/wine\nflags: \nextension .exe\n";
    assert_eq!(Entry::parse("wine", ext), None);
}

#[test]
fn entries_are_read_unless_disabled_or_absent() {
    let mut root = MemoryRoot::new();
    assert_eq!(load(&mut root), Ok(Vec::new()));
    root.file("/proc/sys/fs/binfmt_misc/status", "enabled\n")
        .file("/proc/sys/fs/binfmt_misc/register", "")
        .file("/proc/sys/fs/binfmt_misc/qemu-aarch64", QEMU_AARCH64);
    let entries = load(&mut root).unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].name, "qemu-aarch64");
    root.file("/proc/sys/fs/binfmt_misc/status", "disabled\n");
    assert_eq!(load(&mut root), Ok(Vec::new()));
}

#[test]
fn the_line_says_which_case_this_host_is() {
    let aarch64 = program_for(object::elf::EM_AARCH64);
    let fixed = Ok(alloc::vec![
        Entry::parse("qemu-aarch64", QEMU_AARCH64).unwrap()
    ]);
    assert!(this_host(&fixed, &aarch64).starts_with(
        "runs through /usr/libexec/qemu-binfmt/aarch64-binfmt-P (binfmt_misc entry qemu-aarch64, flags POF: with F"
    ));
    let unfixed = Ok(alloc::vec![
        Entry::parse("qemu-aarch64", &QEMU_AARCH64.replace("POF", "P")).unwrap()
    ]);
    assert!(this_host(&unfixed, &aarch64).contains("flags P: without F"));
    assert_eq!(
        this_host(&Ok(Vec::new()), &aarch64),
        "exec format error: no enabled binfmt_misc entry takes it"
    );
    let denied = Err(ViewError::new(BINFMT_MISC, syscall_kit::Errno::EACCES));
    assert!(
        this_host(&denied, &aarch64)
            .starts_with("unknown: cannot read /proc/sys/fs/binfmt_misc: EACCES")
    );
}
