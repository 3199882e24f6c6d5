//! `--tz` zone lists and `--user` looked up in the image's files.

use super::{GROUP, PASSWD, User, zones};

#[test]
fn zones_are_relative_names_or_all() {
    assert_eq!(zones("all"), Ok(None));
    assert_eq!(
        zones("Europe/Paris,UTC"),
        Ok(Some(alloc::vec!["Europe/Paris".into(), "UTC".into()]))
    );
    for bad in ["", "/etc/passwd", "../x", "Europe//Paris", "a,", "./UTC"] {
        assert!(zones(bad).is_err(), "{bad}");
    }
}

#[test]
fn numbers_need_no_passwd_and_names_must_be_in_it() {
    let numbers = User::parse("65534:65534").unwrap();
    assert_eq!(numbers.check(None, None), Ok(()));
    let nobody = User::parse("nobody").unwrap();
    assert_eq!(
        nobody.check(None, None).unwrap_err(),
        "--user nobody: the image has no /etc/passwd to find nobody in: give numbers (such as \
         --user 65534:65534) or add --passwd (or --essentials)"
    );
    assert_eq!(nobody.check(Some(PASSWD), Some(GROUP)), Ok(()));
    let both = User::parse("nonroot:nonroot").unwrap();
    assert_eq!(both.check(Some(PASSWD), Some(GROUP)), Ok(()));
    let mixed = User::parse("1000:nobody").unwrap();
    assert!(mixed.check(None, None).is_err());
    assert_eq!(mixed.check(None, Some(GROUP)), Ok(()));
    let stranger = User::parse("alice").unwrap();
    assert_eq!(
        stranger.check(Some(PASSWD), Some(GROUP)).unwrap_err(),
        "--user alice: the image's /etc/passwd has no user alice"
    );
    for bad in ["", ":1", "1:", "a b", "root:x:y"] {
        assert!(User::parse(bad).is_err(), "{bad}");
    }
}
