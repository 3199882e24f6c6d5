//! Unit tests of [`paths`](super): names that are not UTF-8, `dirname`, `basename`, `join`,
//! lexical normalizing, and the `$ORIGIN` tokens.

use super::*;

#[test]
fn names_that_are_not_utf8_are_escaped_and_come_back() {
    let raw: &[u8] = b"/tmp/bad-\xff\xfe-name\\x41";
    let held = from_bytes(raw);
    assert_eq!(held, "/tmp/bad-\\xff\\xfe-name\\\\x41");
    assert_eq!(to_bytes(&held), raw);
    assert_eq!(from_bytes("/usr/bin/ls".as_bytes()), "/usr/bin/ls");
    assert_eq!(from_bytes("é".as_bytes()), "é");
    assert_eq!(to_bytes("a\\b\\xzz"), b"a\\b\\xzz");
}

#[test]
fn dirname_basename_join() {
    assert_eq!(dirname("/usr/bin/ls"), "/usr/bin");
    assert_eq!(dirname("/ls"), "/");
    assert_eq!(dirname("ls"), ".");
    assert_eq!(dirname("a//b/"), "a");
    assert_eq!(basename("/usr/bin/ls"), "ls");
    assert_eq!(join("/lib/", "/libc.so.6"), "/lib/libc.so.6");
}

#[test]
fn normalize_cleans_lexically() {
    assert_eq!(normalize("../lib//./x", "/opt/app/bin"), "/opt/app/lib/x");
    assert_eq!(normalize("/../..", "/x"), "/");
    assert_eq!(normalize("/a/b/", "/x"), "/a/b");
}

#[test]
fn tokens_are_expanded_in_both_spellings() {
    assert_eq!(
        expand_tokens(
            "$ORIGIN/../lib:${ORIGIN}/x/$LIB/$PLATFORM",
            "/o",
            "lib64",
            "x86_64"
        ),
        "/o/../lib:/o/x/lib64/x86_64"
    );
    assert_eq!(
        expand_tokens("/a/$FOO/${BAR", "/o", "l", "p"),
        "/a/$FOO/${BAR"
    );
    assert_eq!(expand_tokens("$", "/o", "l", "p"), "$");
}
