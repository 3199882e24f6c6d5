//! Property test: real ELF files with random bytes changed (most in the headers, where offsets
//! and counts live) or cut short never make the analysis panic (the closure and the needs at
//! run time included); each gives facts or a clean error. A bounded number of cases (CI runs
//! the same count), and a batch of mutated files through the static program itself.

mod common;

use proptest::prelude::*;
use scratch_doctor::file_report::FileReport;
use scratch_doctor::machine::Host;
use scratch_doctor::needs::read_calls;
use scratch_doctor::root_view::FileError;
use scratch_doctor::search::Search;
use scratch_doctor::{Program, RootView, inspect, resolve_closure};
use syscall_kit::Errno;

/// Cases per property: enough to reach the dynamic section and string table often, few enough
/// to run in seconds.
const CASES: u32 = 512;

/// The ELF files to mutate: a dynamic program of the system (dynamic section, interpreter,
/// needed libraries) and the static doctor.
fn bases() -> Vec<Vec<u8>> {
    let dynamic = ["/bin/true", "/usr/bin/true", "/bin/ls"]
        .iter()
        .find_map(|p| std::fs::read(p).ok())
        .expect("a dynamic program: /bin/true or /bin/ls");
    vec![dynamic, std::fs::read(common::doctor()).unwrap()]
}

/// A file system where every file has the same (mutated) contents: the closure search then
/// parses mutated libraries too.
struct SameEverywhere(Vec<u8>);

impl RootView for SameEverywhere {
    fn read(&mut self, _: &str) -> Result<Vec<u8>, FileError> {
        Ok(self.0.clone())
    }
    fn read_link(&mut self, _: &str) -> Result<Option<String>, Errno> {
        Ok(None)
    }
    fn list_dir(&mut self, _: &str) -> Result<Vec<String>, Errno> {
        Ok(Vec::new())
    }
    fn current_dir(&mut self) -> Result<String, Errno> {
        Ok("/".into())
    }
}

/// Byte changes: `(position, value)`, positions mostly in the first 4 KiB (ELF header, program
/// headers, and in small files the dynamic section), some anywhere.
fn mutations() -> impl Strategy<Value = Vec<(usize, u8, bool)>> {
    prop::collection::vec(
        (0usize..1 << 20, any::<u8>(), prop::bool::weighted(0.8)),
        1..24,
    )
}

fn mutate(base: &[u8], changes: &[(usize, u8, bool)], cut: Option<usize>) -> Vec<u8> {
    let mut data = base.to_vec();
    for &(pos, value, near_start) in changes {
        let limit = if near_start {
            data.len().min(4096)
        } else {
            data.len()
        };
        let at = pos % limit;
        data[at] = value;
    }
    if let Some(cut) = cut {
        data.truncate(cut % (data.len() + 1));
    }
    data
}

/// Everything the program does with a file, minus the I/O.
fn analyse(data: &[u8]) {
    match inspect(data) {
        Ok(program) => {
            let mut report = FileReport::new("mutated", program, Host::this());
            let mut fs = SameEverywhere(data.to_vec());
            let mut calls = None;
            if let Program::Elf(elf) = &report.program {
                // The view reads every path as the same bytes: no error of its own.
                let search = Search::load(&mut fs, elf).expect("a view that does not fail");
                let closure = resolve_closure(&mut fs, "/mutated", elf, &search);
                report.closure = Some(closure.expect("a view that does not fail"));
                // The needs at run time: the section headers and symbol tables, mutated too.
                calls = Some(read_calls(&data, elf).expect("bytes in memory: no read error"));
            }
            if let Some(calls) = calls {
                report
                    .add_needs("/mutated", &calls, &mut fs)
                    .expect("a view that does not fail");
            }
            let _ = report.text();
            let json = report.json();
            serde_json::from_str::<serde_json::Value>(&json).expect("valid JSON");
        }
        Err(e) => {
            let message = e.to_string();
            assert!(
                !message.is_empty() && !message.contains('\n'),
                "{message:?}"
            );
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: CASES,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn mutated_elf_files_give_facts_or_a_clean_error(
        which in 0usize..2,
        changes in mutations(),
        cut in prop::option::weighted(0.2, any::<usize>()),
    ) {
        let bases = bases();
        analyse(&mutate(&bases[which], &changes, cut));
    }
}

#[test]
fn the_program_survives_a_batch_of_mutated_files() {
    let dir = common::TempDir::new("doctor-mutated");
    let bases = bases();
    let mut x = 0x9e37_79b9_7f4a_7c15_u64;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let mut files = Vec::new();
    for i in 0..64 {
        let changes: Vec<(usize, u8, bool)> = (0..1 + next() % 16)
            .map(|_| (next() as usize, next() as u8, next() % 5 != 0))
            .collect();
        let cut = (next() % 5 == 0).then(|| next() as usize);
        let data = mutate(&bases[i % 2], &changes, cut);
        let path = dir.path().join(format!("m{i}"));
        std::fs::write(&path, data).unwrap();
        files.push(path);
    }
    let mut args = vec![std::path::PathBuf::from("--closure")];
    args.extend(files);
    let out = common::run_doctor(&args);
    let (_, stderr) = common::texts(&out);
    assert!([0, 1, 2].contains(&common::status(&out)), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    for line in stderr.lines() {
        assert!(line.starts_with("scratch-doctor: "), "{line}");
    }
}
