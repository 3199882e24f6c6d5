//! hello-nostd as a user runs it: its ELF headers, its output, its system calls, and a run in
//! an empty root directory, as in a FROM scratch container.

use std::process::Command;

use object::elf;
use object::read::elf::{ElfFile64, FileHeader, ProgramHeader};
use object::{Endianness, Object};
use system_tests::{TempDir, is_root, nostd_bin, require_tool, skip_or_fail, strace};

const HELLO: &[u8] = b"Hello, world!\n";

fn hello() -> std::path::PathBuf {
    nostd_bin("hello-nostd")
}

#[test]
fn is_a_static_x86_64_executable_with_no_interpreter_and_no_dynamic_section() {
    let data = std::fs::read(hello()).unwrap();
    let file = ElfFile64::<Endianness>::parse(&*data).expect("hello-nostd is a 64-bit ELF");
    let header = file.elf_header();
    let e = file.endian();
    assert!(file.is_little_endian());
    assert_eq!(header.e_machine(e), elf::EM_X86_64);
    assert_eq!(
        header.e_type(e),
        elf::ET_EXEC,
        "a fixed-address executable, not PIE"
    );
    let phdrs = header.program_headers(e, &*data).unwrap();
    let types: Vec<u32> = phdrs.iter().map(|p| p.p_type(e)).collect();
    assert!(
        !types.contains(&elf::PT_INTERP),
        "no ELF interpreter: {types:x?}"
    );
    assert!(
        !types.contains(&elf::PT_DYNAMIC),
        "no dynamic section, so no DT_NEEDED"
    );
    assert!(types.contains(&elf::PT_LOAD));
    for p in phdrs {
        let flags = p.p_flags(e);
        if p.p_type(e) == elf::PT_LOAD {
            assert!(
                flags & elf::PF_W == 0 || flags & elf::PF_X == 0,
                "a segment both writable and executable: {flags:#x}"
            );
            assert_eq!(
                p.p_offset(e) % p.p_align(e),
                p.p_vaddr(e) % p.p_align(e),
                "offset and address agree modulo the alignment"
            );
            assert!(
                p.p_offset(e) + p.p_filesz(e) <= data.len() as u64,
                "segment within the file"
            );
        }
    }
    let stack = phdrs
        .iter()
        .find(|p| p.p_type(e) == elf::PT_GNU_STACK)
        .expect("PT_GNU_STACK present");
    assert_eq!(
        stack.p_flags(e) & elf::PF_X,
        0,
        "the stack is not executable"
    );
    let entry = header.e_entry(e);
    assert!(
        phdrs.iter().any(|p| p.p_type(e) == elf::PT_LOAD
            && p.p_flags(e) & elf::PF_X != 0
            && (p.p_vaddr(e)..p.p_vaddr(e) + p.p_memsz(e)).contains(&entry)),
        "the entry point is in an executable segment"
    );
}

#[test]
fn is_at_most_600_bytes() {
    let size = std::fs::metadata(hello()).unwrap().len();
    assert!(size <= 600, "hello-nostd is {size} bytes");
}

#[test]
fn prints_hello_world_and_exits_0() {
    let out = Command::new(hello()).output().unwrap();
    assert_eq!(out.stdout, HELLO);
    assert!(out.stderr.is_empty(), "stderr: {:?}", out.stderr);
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn stdout_dev_full_names_enospc_and_exits_1() {
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let out = Command::new(hello()).stdout(full).output().unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "hello-nostd: stdout: ENOSPC\n"
    );
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn stdout_closed_names_ebadf_and_exits_1() {
    // The shell closes descriptor 1 (`>&-`) and execs hello-nostd in its place.
    let out = Command::new("sh")
        .arg("-c")
        .arg("exec \"$0\" >&-")
        .arg(hello())
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "hello-nostd: stdout: EBADF\n"
    );
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn makes_exactly_two_system_calls() {
    let Some((out, calls)) = strace(&hello(), &[]) else {
        return;
    };
    assert_eq!(out.stdout, HELLO);
    assert_eq!(
        calls,
        [
            r#"write(1, "Hello, world!\n", 14) = 14"#,
            "exit_group(0) = ?"
        ],
        "the system calls after execve"
    );
}

#[test]
fn runs_in_an_empty_root_directory() {
    let root = TempDir::new("empty-root");
    std::fs::copy(hello(), root.path().join("hello")).unwrap();
    let entries: Vec<_> = std::fs::read_dir(root.path()).unwrap().collect();
    assert_eq!(
        entries.len(),
        1,
        "the root holds the binary and nothing else"
    );
    if !require_tool("unshare", "util-linux") {
        return;
    }
    let mut cmd = Command::new("unshare");
    if !is_root() {
        // Unprivileged: a user namespace in which we are root.
        cmd.args(["--user", "--map-root-user"]);
    }
    cmd.args(["--mount", "--pid", "--fork", "--root"])
        .arg(root.path())
        .arg("/hello");
    let out = cmd.output().unwrap();
    if !out.status.success() && !is_root() {
        skip_or_fail(&format!(
            "unshare without root failed (unprivileged user namespaces disabled?): {}",
            String::from_utf8_lossy(&out.stderr)
        ));
        return;
    }
    assert_eq!(
        out.stdout,
        HELLO,
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(out.status.code(), Some(0));
}
