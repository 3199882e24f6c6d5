//! scratch-doctor: does a program run in a `FROM scratch` image, and what does it need there?
//!
//! A `#![no_std]`, `#![no_main]`, static program on syscall-kit: it reads files with `openat`,
//! `statx` and `read`, lists directories with `getdents64`, allocates from the kit's `brk`
//! heap and prints through the kit's stdio; the analysis is the `scratch_doctor` library. See
//! `cli::args::USAGE` for the command line.

#![no_std]
#![no_main]

extern crate alloc;

mod cli;

use scratch_doctor::closure::DLOPEN_WARNING;
use scratch_doctor::machine::Host;
use scratch_doctor::report::{Report, error_json};
use scratch_doctor::search::Search;
use scratch_doctor::{Program, inspect, resolve_closure};
use syscall_kit::rt::heap::KernelHeap;
use syscall_kit::{eprintln, print, println};

use cli::host_root::{self, HostRoot, read_file};
use cli::{args, copy};

#[global_allocator]
static HEAP: KernelHeap = KernelHeap::new();

syscall_kit::main!(main);

/// Exit statuses.
const ALL_RUN: i32 = 0;
const SOME_DO_NOT: i32 = 1;
const USAGE_OR_INPUT: i32 = 2;

fn main() -> i32 {
    let options = match args::parse(syscall_kit::rt::args().skip(1)) {
        Ok(Some(o)) => o,
        Ok(None) => {
            print!("{}", args::USAGE);
            return ALL_RUN;
        }
        Err(e) => {
            eprintln!("scratch-doctor: {e}");
            return USAGE_OR_INPUT;
        }
    };
    let mut status = ALL_RUN;
    let mut copied = false;
    for (i, file) in options.files.iter().enumerate() {
        let name = file.to_string_lossy();
        let fail = |problem: &str| {
            eprintln!("scratch-doctor: {name}: {problem}");
            if options.json {
                println!("{}", error_json(&name, problem));
            }
            USAGE_OR_INPUT
        };
        let data = match read_file(*file) {
            Ok(f) => f.bytes,
            Err(e) => {
                status = fail(&read_problem(e));
                continue;
            }
        };
        let program = match inspect(&data) {
            Ok(p) => p,
            Err(e) => {
                status = fail(&alloc::format!("{e}"));
                continue;
            }
        };
        drop(data);
        let mut report = Report::new(&name, program, Host::this());
        if options.closure
            && let Program::Elf(elf) = &report.program
        {
            let search = Search::load(&mut HostRoot, elf);
            report.closure = Some(resolve_closure(&mut HostRoot, &name, elf, &search));
        }
        if options.json {
            println!("{}", report.json());
        } else {
            if i > 0 {
                println!();
            }
            print!("{}", report.text());
        }
        if !report.all_good() && status == ALL_RUN {
            status = SOME_DO_NOT;
        }
        if let (Some(dir), Some(closure)) = (options.copy_to, &report.closure) {
            match copy::copy_closure(closure, dir, options.force) {
                Ok(written) => {
                    copied |= written.len() > 1;
                    eprintln!(
                        "scratch-doctor: {name}: copied {} files into {}",
                        written.len(),
                        dir.to_string_lossy()
                    );
                }
                Err(problems) => {
                    for p in &problems {
                        status = fail(p);
                    }
                }
            }
        }
    }
    if copied {
        eprintln!("scratch-doctor: warning: {DLOPEN_WARNING}");
    }
    status
}

/// The one-line problem for a file that could not be read.
fn read_problem(e: syscall_kit::Errno) -> alloc::string::String {
    use syscall_kit::Errno;
    match e {
        Errno::EISDIR => "is a directory, not a program".into(),
        host_root::NOT_REGULAR => "not a regular file (a device, FIFO or socket)".into(),
        e => alloc::format!("cannot read: {e}"),
    }
}
