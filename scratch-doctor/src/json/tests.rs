//! Unit tests of [`json`](super): how strings are escaped and objects' fields separated.

use super::*;

#[test]
fn escapes_quotes_backslashes_and_controls() {
    let mut out = String::new();
    string(&mut out, "a\"b\\c\nd\u{1}é");
    assert_eq!(out, r#""a\"b\\c\nd\u0001é""#);
}

#[test]
fn objects_separate_fields_with_commas() {
    let mut out = String::new();
    let mut o = Object::new(&mut out);
    o.str("a", "x").bool("b", true).opt_str("c", None);
    o.strs("d", ["1", "2"]);
    o.end();
    assert_eq!(out, r#"{"a":"x","b":true,"c":null,"d":["1","2"]}"#);
}
