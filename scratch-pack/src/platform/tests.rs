//! Platforms from machines, and `--platform` against the program's.

use alloc::string::ToString;

use scratch_doctor::image::config::Platform;

use super::{choose, of_machine};

fn p(text: &str) -> Platform {
    Platform::parse(text).unwrap()
}

#[test]
fn the_machines_of_the_architecture_table_have_their_platforms() {
    let hard = 0x0500_0400;
    let soft = 0x0500_0200;
    for (machine, big, flags, want) in [
        ("x86_64", false, 0, "linux/amd64"),
        ("aarch64", false, 0, "linux/arm64/v8"),
        ("riscv64", false, 5, "linux/riscv64"),
        ("i386", false, 0, "linux/386"),
        ("arm", false, hard, "linux/arm/v7"),
        ("arm", false, soft, "linux/arm/v5"),
        ("s390x", true, 0, "linux/s390x"),
        ("ppc64le", false, 2, "linux/ppc64le"),
        ("loongarch64", false, 0x43, "linux/loong64"),
        ("mips64", true, 0, "linux/mips64"),
        ("mips64", false, 0, "linux/mips64le"),
    ] {
        assert_eq!(of_machine(machine, big, flags).unwrap().to_string(), want);
    }
    assert!(of_machine("ia64", false, 0).is_err());
}

#[test]
fn platform_must_name_the_programs_architecture_and_may_choose_its_variant() {
    let arm = of_machine("arm", false, 0x400).unwrap();
    assert_eq!(choose(None, arm.clone()).unwrap(), p("linux/arm/v7"));
    assert_eq!(
        choose(Some(&p("linux/arm/v6")), arm.clone()).unwrap(),
        p("linux/arm/v6")
    );
    assert_eq!(
        choose(Some(&p("linux/arm")), arm.clone()).unwrap(),
        p("linux/arm/v7")
    );
    assert_eq!(
        choose(Some(&p("linux/arm64")), arm).unwrap_err(),
        "--platform linux/arm64 does not match the program, which is for linux/arm/v7"
    );
    let amd64 = of_machine("x86_64", false, 0).unwrap();
    assert!(choose(Some(&p("windows/amd64")), amd64).is_err());
}
