//! `Errno`: `Display` (name and text, or the number), `Debug`, and the numbers of this
//! architecture, against the kernel's headers and an error of the kernel itself.

use alloc::format;

use syscall_kit::Errno;
use syscall_kit::fs::OFlags;
use syscall_kit::io::pipe2;
use syscall_kit::net::listen;

use crate::TestResult;

pub fn display() -> TestResult {
    let s = format!("{}", Errno::ENOENT);
    check!(s == "ENOENT: No such file or directory", "got {s:?}");
    let s = format!("{}", Errno::EDQUOT);
    check!(s == "EDQUOT: Disk quota exceeded", "got {s:?}");
    let s = format!("{}", Errno::ECONNABORTED);
    check!(
        s == "ECONNABORTED: Software caused connection abort",
        "got {s:?}"
    );
    let s = format!("{}", Errno::EHWPOISON);
    check!(
        s == "EHWPOISON: Memory page has hardware error",
        "got {s:?}"
    );
    let s = format!("{:?}", Errno::EPROTO);
    check!(s == "EPROTO", "got {s:?}");
    let s = format!("{}", Errno::from_raw(999));
    check!(s == "errno 999", "got {s:?}");
    let s = format!("{}", Errno::from_raw(41));
    check!(s == "errno 41", "got {s:?}");
    Ok(())
}

/// The numbers of include/uapi/asm-generic/errno-base.h and errno.h, which every architecture
/// of the kit uses, but `EDEADLOCK`: 58 on powerpc (arch/powerpc/include/uapi/asm/errno.h),
/// an error of its own there, `EDEADLK`'s 35 elsewhere.
pub fn numbers() -> TestResult {
    for (e, number, name) in [
        (Errno::EPERM, 1, "EPERM"),
        (Errno::EAGAIN, 11, "EAGAIN"),
        (Errno::EWOULDBLOCK, 11, "EAGAIN"),
        (Errno::EDEADLK, 35, "EDEADLK"),
        (Errno::ENOMSG, 42, "ENOMSG"),
        (Errno::EBADSLT, 57, "EBADSLT"),
        (Errno::EBFONT, 59, "EBFONT"),
        (Errno::EPROTO, 71, "EPROTO"),
        (Errno::EOPNOTSUPP, 95, "EOPNOTSUPP"),
        (Errno::ENOTSUP, 95, "EOPNOTSUPP"),
        (Errno::EADDRINUSE, 98, "EADDRINUSE"),
        (Errno::ECONNABORTED, 103, "ECONNABORTED"),
        (Errno::ENOBUFS, 105, "ENOBUFS"),
        (Errno::EHWPOISON, 133, "EHWPOISON"),
    ] {
        check!(e.raw() == number, "{name} is {}, not {number}", e.raw());
        check!(e.name() == Some(name), "{number} is named {:?}", e.name());
    }
    let deadlock = format!("{}", Errno::EDEADLOCK);
    if cfg!(target_arch = "powerpc64") {
        check!(Errno::EDEADLOCK.raw() == 58, "EDEADLOCK is {deadlock}");
        check!(
            deadlock == "EDEADLOCK: File locking deadlock error",
            "got {deadlock:?}"
        );
    } else {
        check!(Errno::EDEADLOCK.raw() == 35, "EDEADLOCK is {deadlock}");
        check!(
            deadlock == "EDEADLK: Resource deadlock avoided",
            "got {deadlock:?}"
        );
    }
    // Every number of the headers has a name and a text: 1 to 133 but 41, and 58 but on
    // powerpc.
    for n in 1..=134 {
        let e = Errno::from_raw(n);
        let numbered = n != 41 && n != 134 && (n != 58 || cfg!(target_arch = "powerpc64"));
        check!(
            e.name().is_some() == numbered && e.description().is_some() == numbered,
            "{n} prints as {e}"
        );
    }
    Ok(())
}

/// An error number the kernel returns (through qemu-user, which translates the host's numbers
/// to this architecture's) prints with its name: `listen(2)` on a pipe.
pub fn from_the_kernel() -> TestResult {
    let (read_end, _write_end) = pipe2(OFlags::CLOEXEC).map_err(|e| format!("pipe2: {e}"))?;
    match listen(&read_end, 1) {
        Err(e) => {
            let s = format!("{e}");
            check!(s == "ENOTSOCK: Socket operation on non-socket", "got {s:?}");
            Ok(())
        }
        Ok(()) => Err("listen on a pipe succeeded".into()),
    }
}
