//! The runtime's assembly memory functions (`memcpy`, `memmove`, `memset`, `memcmp`).

use alloc::vec;
use alloc::vec::Vec;

use super::support::Rng;
use crate::TestResult;

/// The memory functions, through the calls the compiler makes for slice operations, at sizes
/// and offsets that cover short, long and overlapping cases.
pub fn memory_functions() -> TestResult {
    let mut rng = Rng::new();
    for &len in &[0usize, 1, 7, 8, 15, 64, 255, 4096, 100_003] {
        let src: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
        let mut dst = vec![0u8; len];
        dst.copy_from_slice(&src); // memcpy
        check!(dst == src, "memcpy of {len} bytes");
        for i in 0..len {
            check!(dst[i] == src[i], "byte {i} of memcpy differs");
        }
        let mut filled = vec![0u8; len];
        filled.fill(0xa5); // memset
        check!(filled.iter().all(|&b| b == 0xa5), "memset of {len} bytes");
        if len > 2 {
            // memcmp: equal, then one byte different near the end.
            let mut other = src.clone();
            check!(other == src, "memcmp says equal slices differ");
            other[len - 2] ^= 1;
            check!(other != src, "memcmp missed a difference");
            check!(
                (other < src) == (other[len - 2] < src[len - 2]),
                "memcmp ordering"
            );
            // A difference across the sign bit: memcmp compares unsigned bytes, so a byte of
            // 0x80 or more is the greater (a signed comparison would say the opposite).
            other[len - 2] = src[len - 2] ^ 0x80;
            check!(
                (other < src) == (other[len - 2] < src[len - 2]),
                "memcmp ordering across 0x80"
            );
            // memmove, both directions, overlapping.
            let mut buf = src.clone();
            buf.copy_within(0..len - 2, 2);
            check!(buf[2..] == src[..len - 2], "memmove up by 2 ({len})");
            let mut buf = src.clone();
            buf.copy_within(2..len, 0);
            check!(buf[..len - 2] == src[2..], "memmove down by 2 ({len})");
        }
    }
    // The same, on slices the compiler cannot see through (so memcmp is called): 0x80 is more
    // than 0x01, 0xff more than 0x00, in either operand order.
    for (big, small) in [([0x80u8, 0], [0x01u8, 0]), ([7, 0xff], [7, 0x00])] {
        let (big, small) = (
            core::hint::black_box(&big[..]),
            core::hint::black_box(&small[..]),
        );
        check!(
            big.cmp(small).is_gt() && small.cmp(big).is_lt(),
            "memcmp: {big:?} against {small:?}"
        );
    }
    Ok(())
}
