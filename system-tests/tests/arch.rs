//! hello-nostd and the self-test on every architecture the kit supports: x86_64 natively, the
//! others under qemu-user (the table: `syscall_kit_build::Arch::ALL`).

use std::process::Command;

use object::elf;
use object::read::elf::{ElfFile, ElfFile32, ElfFile64, FileHeader, ProgramHeader};
use object::{Endianness, Object};
use system_tests::{Arch, nostd_bin, nostd_bin_for, require_binfmt, require_tool};

mod kit_selftest;
use kit_selftest::assert_every_listed_test_passes;

const HELLO: &[u8] = b"Hello, world!\n";

/// The architectures to test: all, or the one named by `ARCH` (`cargo make test-arch ARCH`).
fn selected() -> Vec<Arch> {
    match std::env::var("ARCH").as_deref() {
        Err(_) | Ok("") | Ok("all") => Arch::ALL.to_vec(),
        Ok(name) => vec![
            Arch::ALL
                .into_iter()
                .find(|a| a.name() == name)
                .unwrap_or_else(|| {
                    panic!("ARCH={name}: use a name of `cargo xtask arches` or all")
                }),
        ],
    }
}

/// The selected architectures that are foreign to this x86_64 host (run under qemu-user).
fn foreign() -> Vec<Arch> {
    selected()
        .into_iter()
        .filter(|a| a.qemu().is_some())
        .collect()
}

/// The size hello-nostd must stay within: 1 KiB, and 1.5 KiB on powerpc64le, where the same
/// code takes more bytes (every instruction is 4 bytes, and every function sets up its TOC
/// pointer: docs/architectures.md).
fn size_budget(arch: Arch) -> usize {
    if arch.target_arch() == "powerpc64" {
        1536
    } else {
        1024
    }
}

/// The table's `e_machine` and `e_flags` are what the linker writes for the target by itself:
/// hello-nostd's header is written by its linker script from the table, so checking hello
/// against the table alone could not find a wrong row; kit-selftest is linked the usual way.
#[test]
fn the_tables_elf_fields_are_the_linkers_own() {
    for arch in selected() {
        let data = std::fs::read(nostd_bin_for(arch, "kit-selftest")).unwrap();
        let h = system_tests::elf::header(&data).unwrap();
        let (machine, flags) = (h.machine, h.flags);
        assert_eq!(
            (machine, flags),
            (arch.e_machine(), arch.e_flags()),
            "{arch:?}: kit-selftest's e_machine and e_flags against the table's"
        );
    }
}

#[test]
fn hello_for_every_architecture_is_a_static_executable_within_its_size_budget() {
    for arch in selected() {
        let path = nostd_bin_for(arch, "hello-nostd");
        let data = std::fs::read(&path).unwrap();
        let budget = size_budget(arch);
        assert!(data.len() <= budget, "{arch:?}: {} bytes", data.len());
        match arch.bits() {
            32 => check_elf(
                arch,
                &ElfFile32::<Endianness>::parse(&*data).expect("ELF32"),
            ),
            _ => check_elf(
                arch,
                &ElfFile64::<Endianness>::parse(&*data).expect("ELF64"),
            ),
        }
    }
}

/// The header fields of the table's row, `ET_EXEC`, no interpreter or dynamic section, no
/// segment both writable and executable.
fn check_elf<H: FileHeader<Endian = Endianness>>(arch: Arch, file: &ElfFile<'_, H>) {
    let (header, e, data) = (file.elf_header(), file.endian(), file.data());
    assert_eq!(
        file.is_little_endian(),
        !arch.big_endian(),
        "{arch:?}: byte order"
    );
    assert_eq!(header.e_machine(e), arch.e_machine(), "{arch:?}: e_machine");
    assert_eq!(header.e_flags(e), arch.e_flags(), "{arch:?}: e_flags");
    assert_eq!(header.e_type(e), elf::ET_EXEC, "{arch:?}: ET_EXEC");
    for p in header.program_headers(e, data).unwrap() {
        let t = p.p_type(e);
        assert!(
            t != elf::PT_INTERP && t != elf::PT_DYNAMIC,
            "{arch:?}: {t:#x}"
        );
        let f = p.p_flags(e);
        assert!(f & elf::PF_W == 0 || f & elf::PF_X == 0, "{arch:?}: W+X");
    }
}

/// `qemu-ARCH -strace` lines (`PID name(args) = ret`) without the process id.
fn qemu_strace(arch: Arch, qemu: &str, path: &std::path::Path) -> (Vec<u8>, Vec<String>) {
    let out = Command::new(qemu)
        .args(arch.qemu_args())
        .arg("-strace")
        .arg(path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{qemu} -strace {path:?}");
    let calls = system_tests::strace::qemu_calls(&String::from_utf8_lossy(&out.stderr));
    (out.stdout, calls)
}

#[test]
fn hello_prints_its_line_with_exactly_two_syscalls_under_qemu() {
    for arch in foreign() {
        let qemu = arch.qemu().unwrap();
        if !require_tool(qemu, "qemu-user") {
            continue;
        }
        let path = nostd_bin_for(arch, "hello-nostd");
        let out = Command::new(qemu)
            .args(arch.qemu_args())
            .arg(&path)
            .output()
            .unwrap();
        assert_eq!(out.stdout, HELLO, "{arch:?}");
        assert!(out.stderr.is_empty(), "{arch:?}: {:?}", out.stderr);
        assert_eq!(out.status.code(), Some(0), "{arch:?}");
        let (stdout, calls) = qemu_strace(arch, qemu, &path);
        assert_eq!(stdout, HELLO);
        assert_eq!(calls.len(), 2, "{arch:?}: {calls:?}");
        assert!(
            calls[0].starts_with("write(1,0x") && calls[0].ends_with(",14) = 14"),
            "{arch:?}: {calls:?}"
        );
        assert_eq!(calls[1], "exit_group(0)", "{arch:?}");
    }
}

#[test]
fn hello_names_the_error_of_a_full_or_closed_stdout_under_qemu() {
    for arch in foreign() {
        let qemu = arch.qemu().unwrap();
        if !require_tool(qemu, "qemu-user") {
            continue;
        }
        let path = nostd_bin_for(arch, "hello-nostd");
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        let out = Command::new(qemu)
            .args(arch.qemu_args())
            .arg(&path)
            .stdout(full)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(stderr, "hello-nostd: stdout: ENOSPC\n", "{arch:?}");
        assert_eq!(out.status.code(), Some(1), "{arch:?}");
        // The shell closes descriptor 1 and execs qemu in its place.
        let out = Command::new("sh")
            .arg("-c")
            .arg("exec \"$@\" >&-")
            .arg("sh")
            .arg(qemu)
            .args(arch.qemu_args())
            .arg(&path)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(stderr, "hello-nostd: stdout: EBADF\n", "{arch:?}");
        assert_eq!(out.status.code(), Some(1), "{arch:?}");
    }
}

/// kit-selftest's cases that need a user namespace (`kit-selftest/src/tests/ns.rs`).
const USER_NAMESPACE_CASE: &str = "ns: a user namespace, root there through its id maps";
const MOUNT_NAMESPACE_CASE: &str =
    "ns: a mount and UTS namespace, a tmpfs made the root with pivot_root";

#[test]
fn the_self_test_passes_on_every_architecture() {
    for arch in foreign() {
        let qemu = arch.qemu().unwrap();
        // The self-test re-executes itself (fork + execve), which needs the kernel to run
        // foreign binaries through qemu: binfmt_misc.
        if !require_tool(qemu, "qemu-user") || !require_binfmt(arch) {
            continue;
        }
        let bin = nostd_bin_for(arch, "kit-selftest");
        // qemu-user runs the program with threads of its own, which unshare(CLONE_NEWUSER)
        // refuses (EINVAL): the user-namespace case is skipped, and so is the mount case when
        // it needs a user namespace (not root).
        let mut may_skip = vec![(USER_NAMESPACE_CASE, "qemu-user")];
        if !system_tests::is_root() {
            may_skip.push((MOUNT_NAMESPACE_CASE, "qemu-user"));
        }
        assert_every_listed_test_passes(arch.name(), &may_skip, || {
            let mut cmd = Command::new(qemu);
            cmd.args(arch.qemu_args()).arg(&bin);
            // The CPU for its re-executed copies too, which binfmt_misc's qemu runs.
            if let Some(cpu) = arch.qemu_cpu() {
                cmd.env("QEMU_CPU", cpu);
            }
            cmd
        });
    }
}

/// The usual name of the machine of `arch`, as scratch-doctor prints it (its machine table):
/// Rust's `target_arch`, but `ppc64le` for little-endian powerpc64 (all arm rows are `arm`).
fn machine_name(arch: Arch) -> &'static str {
    match (arch.target_arch(), arch.big_endian()) {
        ("powerpc64", false) => "ppc64le",
        (name, _) => name,
    }
}

#[test]
fn scratch_doctor_says_foreign_binaries_do_not_run_on_this_host() {
    let doctor = nostd_bin("scratch-doctor");
    // i686 runs on this host's kernel without qemu: see the next test.
    for arch in foreign().into_iter().filter(|a| !a.native()) {
        let hello = nostd_bin_for(arch, "hello-nostd");
        let out = Command::new(&doctor).arg(&hello).output().unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(1), "{stdout}");
        assert!(
            stdout.contains(&format!(
                "runs in FROM scratch: no: {} binary on an x86_64 host: exec format error unless the host has qemu binfmt",
                machine_name(arch)
            )),
            "{stdout}"
        );
        assert!(stdout.contains("interpreter: none"), "{stdout}");
    }
}

#[test]
fn scratch_doctor_says_i686_binaries_run_on_this_x86_64_kernel() {
    let doctor = nostd_bin("scratch-doctor");
    for arch in foreign().into_iter().filter(|a| a.native()) {
        let hello = nostd_bin_for(arch, "hello-nostd");
        let out = Command::new(&doctor).arg(&hello).output().unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(0), "{stdout}");
        assert!(
            stdout.contains(
                "runs in FROM scratch: yes (static, i386, which this x86_64 kernel runs in its 32-bit compatibility mode)"
            ),
            "{stdout}"
        );
    }
}

/// A table's rows without their two columns of byte counts, which depend on the compiler's
/// release (the README names the one its figures come from); every other cell must match.
/// The counts must be numbers, and the headers, code and constants must add up to the bytes.
fn without_bytes(table: &str) -> Vec<String> {
    let number = |cell: &str, line: &str| -> usize {
        cell.trim()
            .parse()
            .unwrap_or_else(|_| panic!("{cell:?} is not a byte count in {line}"))
    };
    table
        .lines()
        .filter(|l| l.starts_with('|'))
        .map(|l| {
            let mut cells: Vec<&str> = l.split('|').collect();
            // "", platform, architecture, target, bytes, headers + code + constants, calls,
            // output, "".
            if l.starts_with("| linux/") {
                assert_eq!(cells.len(), 9, "{l}");
                let bytes = number(cells[4], l);
                let parts: usize = cells[5].split('+').map(|c| number(c, l)).sum();
                assert_eq!(parts, bytes, "headers + code + constants in {l}");
                cells[4] = " N ";
                cells[5] = " N ";
            }
            cells.join("|")
        })
        .collect()
}

#[test]
fn the_readmes_architecture_table_is_what_measure_arch_prints() {
    if selected().len() != Arch::ALL.len()
        || !foreign()
            .into_iter()
            .all(|a| require_tool(a.qemu().unwrap(), "qemu-user"))
    {
        return;
    }
    for arch in Arch::ALL {
        nostd_bin_for(arch, "hello-nostd");
    }
    let root = system_tests::workspace_root();
    let out = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
        .args(["xtask", "measure-arch"])
        .current_dir(&root)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let fresh = String::from_utf8(out.stdout).unwrap();
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let documented = system_tests::doc_section::MEASURE_ARCH
        .find(&readme)
        .unwrap();
    assert_eq!(without_bytes(documented).len(), Arch::ALL.len() + 2);
    assert_eq!(
        without_bytes(documented),
        without_bytes(&fresh),
        "README.md's table is not `cargo make measure-arch`'s:\n{fresh}"
    );
}
