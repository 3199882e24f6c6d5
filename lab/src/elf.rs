//! What a binary asks of the system before it runs: its ELF interpreter (`PT_INTERP`) and the
//! libraries it needs (`DT_NEEDED`), read by scratch-doctor's library (`scratch_doctor::inspect`),
//! the workspace's one ELF reader.

use scratch_doctor::Program;

/// The ELF facts the table shows.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ElfFacts {
    /// The path in `PT_INTERP`, if any.
    pub interpreter: Option<String>,
    /// The `DT_NEEDED` names, in order.
    pub needed: Vec<String>,
}

/// Reads the facts of an ELF file.
pub fn read(data: &[u8]) -> Result<ElfFacts, String> {
    match scratch_doctor::inspect(data) {
        Ok(Program::Elf(facts)) => Ok(ElfFacts {
            interpreter: facts.interpreter,
            needed: facts.needed,
        }),
        Ok(Program::Script(_)) => Err("a script, not an ELF file".into()),
        Err(e) => Err(e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::read;

    #[test]
    fn refuses_what_is_not_elf() {
        assert!(read(b"#!/bin/sh\necho hello\n").is_err());
        assert!(read(b"\x7fELF but too short").is_err());
    }

    #[test]
    fn reads_the_interpreter_and_the_libraries_of_a_dynamic_program() {
        // This test program: a std Rust program for the host's GNU target, dynamically linked.
        let facts = read(&std::fs::read(std::env::current_exe().unwrap()).unwrap()).unwrap();
        assert!(facts.interpreter.is_some_and(|i| i.starts_with('/')));
        assert!(facts.needed.iter().any(|n| n.starts_with("libc.so")));
    }
}
