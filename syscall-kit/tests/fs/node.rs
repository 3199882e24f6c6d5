//! `mknodat` (`src/fs/node.rs`) and `umask` (`src/fs/mod.rs`), against the real kernel.

use crate::common::{TempDir, wait_for};
use crate::open_dir;
use syscall_kit::Errno;
use syscall_kit::fs::{self, FileType, Mode, OFlags};
use syscall_kit::process::{self, Fork};

/// A FIFO and an empty regular file need no privilege; a character device (as `/dev/null`, 1:3)
/// needs root, which this test then is under `CI=true`, and opens like the real one.
#[test]
fn mknodat_makes_fifos_files_and_devices() {
    let dir = TempDir::new("mknodat");
    let d = open_dir(dir.path().to_str().unwrap());
    let rw = Mode::from_bits_truncate(0o600);
    fs::mknodat(&d, "fifo", FileType::Fifo, rw, (0, 0)).unwrap();
    fs::mknodat(&d, "empty", FileType::Regular, rw, (0, 0)).unwrap();
    assert_eq!(
        fs::statx(&d, "fifo", fs::AtFlags::empty())
            .unwrap()
            .file_type,
        FileType::Fifo
    );
    let empty = fs::statx(&d, "empty", fs::AtFlags::empty()).unwrap();
    assert_eq!((empty.file_type, empty.size), (FileType::Regular, 0));
    if !system_tests::require_root("making a device file") {
        return;
    }
    fs::mknodat(&d, "null", FileType::CharDevice, rw, (1, 3)).unwrap();
    let st = fs::statx(&d, "null", fs::AtFlags::empty()).unwrap();
    assert_eq!((st.file_type, st.rdev), (FileType::CharDevice, (1, 3)));
    assert_eq!(fs::stat("/dev/null").unwrap().rdev, (1, 3), "the real one");
    let null = fs::openat(&d, "null", OFlags::RDWR, Mode::empty()).unwrap();
    assert_eq!(syscall_kit::io::write(&null, b"gone"), Ok(4));
    assert_eq!(syscall_kit::io::read(&null, &mut [0u8; 4]), Ok(0));
}

/// `umask` returns the mask before, and takes its bits away from the mode of what is created
/// (in a child: the mask is the whole process's, and other tests create files meanwhile).
#[test]
fn umask_masks_the_modes_of_new_files() {
    let dir = TempDir::new("umask");
    let (file, sub) = (dir.join("file"), dir.join("sub"));
    // SAFETY: (test): the child makes system calls through the kit only, then exits.
    let status = match unsafe { process::fork() }.expect("fork") {
        Fork::Child => {
            let code = (|| {
                fs::umask(Mode::from_bits_truncate(0o027));
                if fs::umask(Mode::from_bits_truncate(0o077)) != Mode::from_bits_truncate(0o027) {
                    return 1;
                }
                let all = Mode::from_bits_truncate(0o777);
                if fs::open(&*file, OFlags::WRONLY | OFlags::CREAT, all).is_err()
                    || fs::mkdir(&*sub, all).is_err()
                {
                    return 2;
                }
                0
            })();
            process::exit(code)
        }
        Fork::Parent(pid) => wait_for(pid),
    };
    assert_eq!(
        status.exit_status(),
        Some(0),
        "{status:?}: see the codes above"
    );
    assert_eq!(fs::stat(&*file).unwrap().permissions, 0o700);
    assert_eq!(fs::stat(&*sub).unwrap().permissions, 0o700);
}

#[test]
fn mknodat_of_a_name_taken_is_eexist() {
    let dir = TempDir::new("mknodat-eexist");
    let d = open_dir(dir.path().to_str().unwrap());
    fs::mknodat(&d, "x", FileType::Fifo, Mode::RUSR, (0, 0)).unwrap();
    assert_eq!(
        fs::mknodat(&d, "x", FileType::Regular, Mode::RUSR, (0, 0)),
        Err(Errno::EEXIST)
    );
}
