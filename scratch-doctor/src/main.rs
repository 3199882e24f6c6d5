//! scratch-doctor: does a program run in a `FROM scratch` image, and what does it need there?
//!
//! A `#![no_std]`, `#![no_main]`, static program on syscall-kit: it reads files with `openat`,
//! `statx`, `pread64` (the parts of an ELF file it looks at) and `read`, lists directories with `getdents64`, allocates from the kit's
//! `brk` heap and prints through the kit's stdio; the analysis is the `scratch_doctor` library.
//! See `cli::args::USAGE` for the command line.
//!
//! Its output follows the kit's policy for tools (`syscall_kit::rt::stdio`, "Output errors"):
//! a failed write of standard output ends it with one line on standard error and status 2
//! (quietly for `EPIPE`); a failed write of standard error changes nothing but what is seen.

#![no_std]
#![no_main]

extern crate alloc;

mod cli;

use scratch_doctor::binfmt;
use scratch_doctor::closure::DLOPEN_WARNING;
use scratch_doctor::elf::FileReader;
use scratch_doctor::file_report::{FileReport, error_json};
use scratch_doctor::machine::Host;
use scratch_doctor::needs::read_calls;
use scratch_doctor::root_view::FileError;
use scratch_doctor::search::Search;
use scratch_doctor::{Program, inspect_from, resolve_closure};
use syscall_kit::Errno;
use syscall_kit::rt::heap::KernelHeap;
use syscall_kit::rt::stdio::report_output_error;
use syscall_kit::{try_eprintln, try_print, try_println};

use cli::host_root::{self, HostRoot, open_file};
use cli::{args, copy};

#[global_allocator]
static HEAP: KernelHeap = KernelHeap::new();

syscall_kit::main!(main);

/// The name in messages.
pub(crate) const NAME: &str = "scratch-doctor";

/// Exit statuses.
const ALL_RUN: i32 = 0;
const SOME_DO_NOT: i32 = 1;
pub(crate) const USAGE_OR_INPUT: i32 = 2;

fn main() -> i32 {
    syscall_kit::rt::panic::set_program_name(NAME);
    match run() {
        Ok(status) => status,
        Err(e) => {
            report_output_error(NAME.as_bytes(), e);
            USAGE_OR_INPUT
        }
    }
}

/// A line on standard error. Its own write error is ignored on purpose: the exit status,
/// which the caller sets, is what is left to tell of the problem.
macro_rules! warn {
    ($($arg:tt)*) => {
        let _ = try_eprintln!("{}: {}", NAME, ::core::format_args!($($arg)*));
    };
}

/// The program, with every write of standard output checked: `Err` is the error of one.
fn run() -> Result<i32, Errno> {
    let options = match args::parse(syscall_kit::rt::args().skip(1)) {
        Ok(Some(o)) => o,
        Ok(None) => {
            try_print!("{}", args::USAGE)?;
            return Ok(ALL_RUN);
        }
        Err(e) => {
            warn!("{e}");
            return Ok(USAGE_OR_INPUT);
        }
    };
    if let Some(image) = options.image {
        return image_main(image, &options);
    }
    if let Some(dir) = options.run_in {
        return cli::run_in::main(dir, &options);
    }
    if options.trace {
        return cli::trace::main(&options);
    }
    let mut status = ALL_RUN;
    let mut copied = false;
    // /proc/sys/fs/binfmt_misc, read once, for the first foreign program.
    let mut binfmt = None;
    for (i, file) in options.files.iter().enumerate() {
        // The name as the analysis holds it: bytes that are not UTF-8 escaped, not lost.
        let name = scratch_doctor::paths::from_bytes(file.to_bytes());
        let fail = |problem: &str| -> Result<i32, Errno> {
            warn!("{name}: {problem}");
            if options.json {
                try_println!("{}", error_json(&name, problem))?;
            }
            Ok(USAGE_OR_INPUT)
        };
        let opened = match open_file(*file) {
            Ok(f) => f,
            Err(e) => {
                status = fail(&read_problem(e))?;
                continue;
            }
        };
        // Only the parts looked at are read: the first bytes, an ELF file's headers, dynamic
        // section and strings.
        let data = FileReader::new(&opened);
        let inspected = inspect_from(&data);
        if let Some(e) = data.io_error() {
            status = fail(&read_problem(FileError::Read(e)))?;
            continue;
        }
        let program = match inspected {
            Ok(p) => p,
            Err(e) => {
                status = fail(&alloc::format!("{e}"))?;
                continue;
            }
        };
        let mut report = FileReport::new(&name, program, Host::this());
        if let Program::Elf(elf) = &report.program
            && !Host::this().runs(elf.machine, elf.class, elf.byte_order)
        {
            let entries = binfmt.get_or_insert_with(|| binfmt::load(&mut HostRoot));
            let header = scratch_doctor::program::head(&data, binfmt::HEADER_BYTES);
            report.this_host = Some(binfmt::this_host(entries, header));
        }
        drop(data);
        // What its file says it will look for at run time, read while it is open.
        let calls = match &report.program {
            Program::Elf(elf) => match read_calls(&opened, elf) {
                Ok(calls) => Some(calls),
                Err(e) => {
                    status = fail(&read_problem(FileError::Read(e)))?;
                    continue;
                }
            },
            Program::Script(_) => None,
        };
        drop(opened);
        if options.closure
            && let Program::Elf(elf) = &report.program
        {
            let closure = Search::load(&mut HostRoot, elf)
                .and_then(|search| resolve_closure(&mut HostRoot, &name, elf, &search));
            match closure {
                Ok(c) => report.closure = Some(c),
                Err(e) => {
                    status = fail(&alloc::format!("cannot resolve its closure: {e}"))?;
                    continue;
                }
            }
        }
        if let Some(calls) = &calls {
            // An interpreter is known by its real name (/usr/bin/python3 -> python3.11).
            let needs = scratch_doctor::paths::canonicalize(&mut HostRoot, &name)
                .map_err(|e| alloc::format!("cannot resolve its path: {e}"))
                .and_then(|real| report.add_needs(&real, calls, &mut HostRoot));
            if let Err(e) = needs {
                status = fail(&e)?;
                continue;
            }
        }
        if options.json {
            try_println!("{}", report.json())?;
        } else {
            if i > 0 {
                try_println!()?;
            }
            try_print!("{}", report.text())?;
        }
        if !report.all_good() && status == ALL_RUN {
            status = SOME_DO_NOT;
        }
        if let (Some(dir), Some(closure)) = (options.copy_to, &report.closure) {
            match copy::copy_closure(closure, dir, options.force) {
                Ok(written) => {
                    copied |= written.len() > 1;
                    warn!(
                        "{name}: copied {} files into {}",
                        written.len(),
                        scratch_doctor::paths::from_bytes(dir.to_bytes())
                    );
                }
                Err(problems) => {
                    for p in &problems {
                        status = fail(p)?;
                    }
                }
            }
        }
    }
    if copied {
        warn!("warning: {DLOPEN_WARNING}");
    }
    Ok(status)
}

/// `--image PATH`: the report, or one line naming the problem (status 2).
fn image_main(image: &'static core::ffi::CStr, options: &args::Options) -> Result<i32, Errno> {
    let name = scratch_doctor::paths::from_bytes(image.to_bytes());
    match cli::image_io::doctor(image, options.platform) {
        Ok(report) => {
            if options.json {
                try_println!("{}", report.json())?;
            } else {
                try_print!("{}", report.text())?;
            }
            Ok(if report.starts() {
                ALL_RUN
            } else {
                SOME_DO_NOT
            })
        }
        Err(e) => {
            warn!("{name}: {e}");
            if options.json {
                try_println!("{}", error_json(&name, &e.0))?;
            }
            Ok(USAGE_OR_INPUT)
        }
    }
}

/// The one-line problem for a file that could not be read.
fn read_problem(e: FileError) -> alloc::string::String {
    match e {
        FileError::Read(Errno::EISDIR) => "is a directory, not a program".into(),
        FileError::Read(host_root::NOT_REGULAR) => {
            "not a regular file (a device, FIFO or socket)".into()
        }
        e => alloc::format!("cannot read: {e}"),
    }
}
