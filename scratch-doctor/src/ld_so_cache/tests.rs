//! Unit tests of [`ld_so_cache`](super): a malformed cache is an error.

use super::*;

#[test]
fn a_cache_with_a_count_past_the_end_is_an_error() {
    let mut data = alloc::vec![0u8; 48];
    data[..20].copy_from_slice(NEW_MAGIC);
    data[20..24].copy_from_slice(&u32::MAX.to_le_bytes());
    data[28] = 2;
    assert!(LdCache::parse(&data).is_err());
    data[20..24].copy_from_slice(&0u32.to_le_bytes());
    assert_eq!(LdCache::parse(&data), Ok(LdCache::default()));
    assert!(LdCache::parse(b"ld.so-1.7.0").is_err());
    assert!(LdCache::parse(b"").is_err());
}
