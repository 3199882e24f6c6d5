//! Links scratch-init as a static executable with no C start files and no C library; release
//! builds as a flat image (syscall-kit-build's `flat.ld`: headers written by the linker, no
//! section headers, symbols or unwind tables). `syscall-kit-build` passes the flags to this
//! package's binaries only.
//!
//! And packs the program's texts (`messages.rs`) into one string, `$OUT_DIR/messages.rs`, which
//! say.rs unpacks when it writes a message: they are a third of the program, and they repeat
//! themselves (`[FATAL scratch-init (`, `failed: `, `signal` …). The format, LZ77 with one
//! kind of token per byte: a byte below 0x80 is itself; a byte `0x80 | (length - 3) << 3 |
//! distance >> 8`, then the byte `distance & 0xff`, repeats the `length` (3 to 18) bytes that
//! start `distance` (1 to 2047) bytes back in the output. The texts have no byte of 0x80 or
//! more.

use std::fmt::Write as _;

/// The longest match a token holds, the farthest it reaches back.
const MAX_LEN: usize = 18;
const MAX_DISTANCE: usize = 2047;

/// The tokens of `text`, as few bytes as the format allows: the cheapest way to the end from
/// each position, computed from the end back (a literal costs one byte, a match two).
fn pack(text: &[u8]) -> Vec<u8> {
    let n = text.len();
    // cost[i]: the fewest bytes that hold text[i..]; step[i]: the (length, distance) taken at
    // i, a length of 1 being a literal.
    let mut cost = vec![0usize; n + 1];
    let mut step = vec![(1, 0); n + 1];
    for i in (0..n).rev() {
        cost[i] = cost[i + 1] + 1;
        for j in i.saturating_sub(MAX_DISTANCE)..i {
            let longest = (0..MAX_LEN.min(n - i))
                .take_while(|&k| text[j + k] == text[i + k])
                .count();
            for len in 3..=longest {
                if cost[i + len] + 2 < cost[i] {
                    cost[i] = cost[i + len] + 2;
                    step[i] = (len, i - j);
                }
            }
        }
    }
    let mut out = Vec::with_capacity(cost[0]);
    let mut i = 0;
    while i < n {
        let (len, distance) = step[i];
        if len == 1 {
            out.push(text[i]);
        } else {
            out.push(0x80 | ((len - 3) << 3) as u8 | (distance >> 8) as u8);
            out.push((distance & 0xff) as u8);
        }
        i += len;
    }
    out
}

/// What say.rs does with the tokens, to check them.
fn unpack(packed: &[u8]) -> Vec<u8> {
    let mut out: Vec<u8> = Vec::new();
    let mut i = 0;
    while i < packed.len() {
        let b = packed[i];
        i += 1;
        if b < 0x80 {
            out.push(b);
        } else {
            let distance = usize::from(b & 7) << 8 | usize::from(packed[i]);
            i += 1;
            for _ in 0..usize::from((b >> 3) & 15) + 3 {
                out.push(out[out.len() - distance]);
            }
        }
    }
    out
}

fn main() {
    syscall_kit_build::static_executable().flat_image().emit();

    println!("cargo:rerun-if-changed=messages.rs");
    let messages: &[(&str, &[u8])] = include!("messages.rs");
    let mut text = Vec::new();
    let mut names = String::new();
    for (name, t) in messages {
        assert!(
            t.iter().all(|&b| b < 0x80),
            "{name}: a byte of 0x80 or more"
        );
        // A message, known by its first byte (`[LEVEL` or the code for standard output; the TAG
        // and the errno texts are pieces of one), ends its line.
        if matches!(t.first(), Some(b'[' | 0x06)) {
            assert!(
                t.ends_with(b"\n"),
                "{name}: a message that does not end its line"
            );
        }
        writeln!(
            names,
            "/// The text `{name}` of messages.rs.\npub const {name}: Msg = Msg({});",
            text.len() << 16 | t.len()
        )
        .unwrap();
        text.extend_from_slice(t);
    }
    assert!(text.len() < 1 << 16, "the texts have grown past 64 KiB");
    let packed = pack(&text);
    assert_eq!(unpack(&packed), text, "the packer is wrong");
    let out = std::path::Path::new(&std::env::var("OUT_DIR").unwrap()).join("messages.rs");
    let code = format!(
        "/// The texts of messages.rs, packed by build.rs ({} bytes, {} unpacked).\n\
         pub const PACKED: [u8; {}] = {:?};\n\
         /// Their length unpacked.\npub const UNPACKED: usize = {};\n{names}",
        packed.len(),
        text.len(),
        packed.len(),
        packed,
        text.len()
    );
    std::fs::write(out, code).unwrap();
}
