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

/// The tokens of `text`: greedy, the longest match at each position (the nearest of equals).
fn pack(text: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < text.len() {
        let (mut best, mut distance) = (0, 0);
        for j in i.saturating_sub(MAX_DISTANCE)..i {
            let len = (0..MAX_LEN.min(text.len() - i))
                .take_while(|&k| text[j + k] == text[i + k])
                .count();
            if len >= best {
                (best, distance) = (len, i - j);
            }
        }
        if best >= 3 {
            out.push(0x80 | ((best - 3) << 3) as u8 | (distance >> 8) as u8);
            out.push((distance & 0xff) as u8);
            i += best;
        } else {
            out.push(text[i]);
            i += 1;
        }
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
