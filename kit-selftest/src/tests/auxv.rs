//! The auxiliary vector: `AT_PAGESZ`, `AT_RANDOM`, `AT_ENTRY`.

use syscall_kit::rt;
use syscall_kit::rt::startup::{AT_ENTRY, AT_PAGESZ};

use crate::TestResult;

pub fn page_size() -> TestResult {
    let page = rt::auxv(AT_PAGESZ).ok_or("no AT_PAGESZ")?;
    check!(page.is_power_of_two() && page >= 4096, "AT_PAGESZ = {page}");
    check!(rt::page_size() == page, "page_size() disagrees");
    check!(rt::auxv(0x7fff_ffff).is_none(), "an absent key was found");
    Ok(())
}

pub fn random() -> TestResult {
    let bytes = rt::random_bytes().ok_or("no AT_RANDOM")?;
    check!(bytes.iter().any(|&b| b != 0), "AT_RANDOM is all zero");
    Ok(())
}

pub fn entry_is_start() -> TestResult {
    unsafe extern "C" {
        fn _start();
    }
    let entry = rt::auxv(AT_ENTRY).ok_or("no AT_ENTRY")?;
    check!(
        entry == _start as *const () as usize,
        "AT_ENTRY {entry:#x} is not _start"
    );
    Ok(())
}
