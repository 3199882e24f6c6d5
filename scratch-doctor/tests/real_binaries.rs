//! On the real programs and libraries of this machine: the facts equal what `readelf -l -d`
//! reports, `--closure` equals what `ldd` prints, and `/etc/ld.so.cache` reads as `ldconfig -p`
//! lists it.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::{StdFs, require_tool, run_doctor, status, texts};
use scratch_doctor::elf::ElfFacts;
use scratch_doctor::ld_so_cache::LdCache;
use scratch_doctor::{Program, inspect};
use system_tests::ldd;

/// Every ELF file in `/usr/bin` and `/usr/lib/x86_64-linux-gnu/*.so*`.
fn elf_files() -> Vec<PathBuf> {
    let mut files = Vec::new();
    let lib = Path::new("/usr/lib/x86_64-linux-gnu");
    for (dir, only_so) in [(Path::new("/usr/bin"), false), (lib, true)] {
        let Ok(entries) = std::fs::read_dir(dir) else {
            continue;
        };
        for e in entries.flatten() {
            let path = e.path();
            let name = e.file_name().to_string_lossy().into_owned();
            if only_so && !name.contains(".so") {
                continue;
            }
            let mut magic = [0u8; 4];
            let is_elf = std::fs::File::open(&path)
                .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut magic))
                .is_ok()
                && magic == *b"\x7fELF"
                && path.is_file();
            if is_elf {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// What readelf reports about one file.
#[derive(Debug, Default, PartialEq, Eq)]
struct Readelf {
    interpreter: Option<String>,
    needed: Vec<String>,
    rpath: Option<String>,
    runpath: Option<String>,
}

fn bracketed(line: &str) -> Option<String> {
    let start = line.find('[')? + 1;
    let end = line.rfind(']')?;
    Some(line[start..end].to_owned())
}

/// `readelf -l -d -W` on many files at once (it prints `File: NAME` before each).
fn readelf(files: &[PathBuf]) -> BTreeMap<PathBuf, Readelf> {
    let mut all = BTreeMap::new();
    for chunk in files.chunks(200) {
        let out = Command::new("readelf")
            .args(["-l", "-d", "-W"])
            .args(chunk)
            .env("LC_ALL", "C")
            .output()
            .expect("run readelf");
        let text = String::from_utf8_lossy(&out.stdout);
        let mut current: Option<PathBuf> = None;
        for line in text.lines() {
            if let Some(name) = line.strip_prefix("File: ") {
                current = Some(PathBuf::from(name.trim()));
                all.insert(current.clone().unwrap(), Readelf::default());
                continue;
            }
            let Some(r) = current.as_ref().and_then(|c| all.get_mut(c)) else {
                continue;
            };
            if line.contains("[Requesting program interpreter:") {
                r.interpreter = bracketed(line).map(|s| {
                    s.trim_start_matches("Requesting program interpreter: ")
                        .into()
                });
            } else if line.contains("(NEEDED)") {
                r.needed.extend(bracketed(line));
            } else if line.contains("(RUNPATH)") {
                r.runpath = bracketed(line);
            } else if line.contains("(RPATH)") {
                r.rpath = bracketed(line);
            }
        }
    }
    all
}

fn facts(path: &Path) -> ElfFacts {
    let data = std::fs::read(path).unwrap();
    match inspect(&data) {
        Ok(Program::Elf(f)) => f,
        other => panic!("{}: {other:?}", path.display()),
    }
}

#[test]
fn interpreter_and_libraries_equal_readelf_on_every_system_elf_file() {
    if !require_tool("readelf", "binutils") {
        return;
    }
    let files = elf_files();
    assert!(files.len() > 100, "only {} ELF files found", files.len());
    let reported = readelf(&files);
    let mut checked = 0;
    for file in &files {
        let Some(want) = reported.get(file) else {
            panic!("readelf said nothing about {}", file.display());
        };
        let f = facts(file);
        let got = Readelf {
            interpreter: f.interpreter.clone(),
            needed: f.needed.clone(),
            rpath: f.rpath.clone(),
            runpath: f.runpath.clone(),
        };
        assert_eq!(&got, want, "{}", file.display());
        checked += 1;
    }
    eprintln!("{checked} files agree with readelf");
}

#[test]
fn the_program_agrees_with_the_library_on_all_of_usr_bin() {
    let files: Vec<PathBuf> = elf_files()
        .into_iter()
        .filter(|f| f.starts_with("/usr/bin"))
        .collect();
    let mut args = vec![PathBuf::from("--json")];
    args.extend(files.iter().cloned());
    let out = run_doctor(&args);
    let (stdout, stderr) = texts(&out);
    assert!(stderr.is_empty(), "{stderr}");
    assert!([0, 1].contains(&status(&out)));
    let objects: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(objects.len(), files.len());
    for (file, o) in files.iter().zip(&objects) {
        let f = facts(file);
        assert_eq!(o["file"], file.to_str().unwrap());
        assert_eq!(o["interpreter"].as_str(), f.interpreter.as_deref());
        let needed: Vec<&str> = o["needed"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        assert_eq!(needed, f.needed, "{}", file.display());
    }
}

#[test]
fn closure_equals_ldd_on_a_sample_of_dynamic_programs() {
    if !require_tool("ldd", "libc-bin") {
        return;
    }
    let sample = [
        "/bin/ls",
        "/usr/bin/python3",
        "/usr/bin/perl",
        "/usr/bin/git",
        "/usr/bin/curl",
        "/usr/bin/ssh",
        "/usr/bin/gcc",
        "/usr/bin/tar",
        "/usr/bin/podman",
    ];
    let present: Vec<&str> = sample
        .into_iter()
        .filter(|p| Path::new(p).exists())
        .collect();
    assert!(present.len() >= 2, "too few of {sample:?} present");
    let out = run_doctor(&[["--json", "--closure"].as_slice(), &present].concat());
    let (stdout, stderr) = texts(&out);
    assert!(stderr.is_empty(), "{stderr}");
    for (program, line) in present.iter().zip(stdout.lines()) {
        let o: serde_json::Value = serde_json::from_str(line).unwrap();
        let closure = &o["closure"];
        assert_eq!(closure["missing"], serde_json::json!([]), "{program}");
        let mut ours: Vec<String> = closure["objects"]
            .as_array()
            .unwrap()
            .iter()
            .skip(1) // the program itself
            .map(|ob| ob["host_path"].as_str().unwrap().to_owned())
            .collect();
        ours.sort();
        assert_eq!(ours, ldd(Path::new(program)), "{program}");
    }
    // Through the library too, with std I/O instead of system calls.
    let f = facts(Path::new("/bin/ls"));
    let search = scratch_doctor::search::Search::load(&mut StdFs, &f).expect("the search");
    let closure =
        scratch_doctor::resolve_closure(&mut StdFs, "/bin/ls", &f, &search).expect("the closure");
    let mut ours: Vec<String> = closure.objects[1..]
        .iter()
        .map(|o| o.host_path.clone())
        .collect();
    ours.sort();
    assert_eq!(ours, ldd(Path::new("/bin/ls")));
}

#[test]
fn ld_so_cache_reads_as_ldconfig_lists_it() {
    let Ok(data) = std::fs::read("/etc/ld.so.cache") else {
        return system_tests::skip_or_fail("no /etc/ld.so.cache");
    };
    if !require_tool("ldconfig", "libc-bin") {
        return;
    }
    let cache = LdCache::parse(&data).expect("parse /etc/ld.so.cache");
    let out = Command::new("ldconfig").arg("-p").output().unwrap();
    let listed: Vec<(String, String)> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .skip(1)
        .filter_map(|l| {
            let (left, path) = l.trim().split_once(" => ")?;
            let name = left.split(" (").next()?;
            Some((name.to_owned(), path.to_owned()))
        })
        .collect();
    let ours: Vec<(String, String)> = cache
        .entries
        .iter()
        .map(|e| (e.name.clone(), e.path.clone()))
        .collect();
    assert_eq!(ours, listed);
}
