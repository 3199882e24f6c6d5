//! The kit's example programs, run as their users run them: `tcp-echo` (examples/tcp-echo, the
//! network and event calls) against std clients on loopback, and `dir-size` (examples/dir-size,
//! the directory calls) against `du` on the same trees, with its system calls counted.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::os::unix::fs::{PermissionsExt, symlink};
use std::path::Path;
use std::process::{Child, ChildStdout, Command, Output, Stdio};
use std::time::Duration;

use system_tests::strace::strace;
use system_tests::{TempDir, is_root, nostd_bin, require_tool, skip_or_fail};

/// A running `tcp-echo`, killed on drop if a test fails before it ends it.
struct Server {
    child: Child,
    stdout: BufReader<ChildStdout>,
    addr: String,
}

impl Server {
    /// Starts `tcp-echo ADDR` and reads where it listens from its first line.
    fn start(addr: &str) -> Server {
        let mut child = Command::new(nostd_bin("tcp-echo"))
            .arg(addr)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run tcp-echo");
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        let addr = line
            .trim_end()
            .strip_prefix("tcp-echo: listening on ")
            .unwrap_or_else(|| panic!("the first line says where it listens: {line:?}"))
            .to_string();
        Server {
            child,
            stdout,
            addr,
        }
    }

    /// The next line of its standard output.
    fn line(&mut self) -> String {
        let mut line = String::new();
        self.stdout.read_line(&mut line).unwrap();
        line.trim_end().to_string()
    }

    /// Sends `SIGTERM` and returns how it ended, with the rest of its output.
    fn terminate(mut self) -> (Option<i32>, String, String) {
        // SAFETY: (test): kill(2) on our own child's pid reads no memory of this process.
        let sent = unsafe { libc::kill(self.child.id() as i32, libc::SIGTERM) };
        assert_eq!(sent, 0);
        let status = self.child.wait().unwrap();
        let mut rest = String::new();
        self.stdout.read_to_string(&mut rest).unwrap();
        let mut stderr = String::new();
        self.child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut stderr)
            .unwrap();
        (status.code(), rest, stderr)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Sends `data` on a new connection while reading, and returns what came back.
fn echo_of(addr: &str, data: &[u8]) -> (Vec<u8>, String) {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let local = stream.local_addr().unwrap().to_string();
    let mut writer = stream.try_clone().unwrap();
    let data = data.to_vec();
    let sender = std::thread::spawn(move || {
        writer.write_all(&data).unwrap();
        writer.shutdown(Shutdown::Write).unwrap();
    });
    let mut back = Vec::new();
    stream.read_to_end(&mut back).unwrap();
    sender.join().unwrap();
    (back, local)
}

#[test]
fn tcp_echo_echoes_each_client_logs_its_peer_and_ends_cleanly_on_sigterm() {
    let mut server = Server::start("127.0.0.1:0");
    // Three clients at once, each with 4 MiB of its own pattern: more than the socket buffers
    // hold, so the server must wait for each client to read before it reads on.
    let clients: Vec<_> = (0..3u8)
        .map(|n| {
            let addr = server.addr.clone();
            std::thread::spawn(move || {
                let data: Vec<u8> = (0..4 << 20).map(|i: u32| (i % 251) as u8 ^ n).collect();
                let (back, local) = echo_of(&addr, &data);
                assert!(back == data, "client {n}: {} bytes came back", back.len());
                local
            })
        })
        .collect();
    let mut locals: Vec<String> = clients.into_iter().map(|c| c.join().unwrap()).collect();
    // Each connection is logged with its peer's address as std prints it, once opened and once
    // closed.
    let mut logged: Vec<String> = (0..6).map(|_| server.line()).collect();
    logged.sort();
    let mut expected: Vec<String> = locals
        .iter()
        .flat_map(|l| {
            [
                format!("tcp-echo: {l} closed"),
                format!("tcp-echo: {l} connected"),
            ]
        })
        .collect();
    expected.sort();
    assert_eq!(logged, expected);

    // A client that sends and never reads does not stop the server from serving another.
    let mut stalled = TcpStream::connect(&server.addr).unwrap();
    stalled
        .set_write_timeout(Some(Duration::from_millis(500)))
        .unwrap();
    let chunk = vec![b'x'; 1 << 16];
    while stalled.write_all(&chunk).is_ok() {}
    let (back, local) = echo_of(&server.addr, b"still here\n");
    assert_eq!(back, b"still here\n");
    locals.push(local);

    let (code, rest, stderr) = server.terminate();
    assert_eq!(code, Some(0), "SIGTERM ends it with status 0: {stderr}");
    assert!(
        rest.ends_with("tcp-echo: SIGTERM: closing 1 connection(s)\n"),
        "the stalled client is the one left: {rest:?}"
    );
    assert_eq!(stderr, "", "no error");
}

#[test]
fn tcp_echo_serves_ipv6_too() {
    if std::net::TcpListener::bind("[::1]:0").is_err() {
        skip_or_fail("no IPv6 loopback on this machine");
        return;
    }
    let server = Server::start("[::1]:0");
    assert!(server.addr.starts_with("[::1]:"), "{}", server.addr);
    assert_eq!(echo_of(&server.addr, b"over IPv6").0, b"over IPv6");
}

#[test]
fn tcp_echo_names_its_errors_in_one_line() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let run = |args: &[&str]| -> Output {
        Command::new(nostd_bin("tcp-echo"))
            .args(args)
            .output()
            .unwrap()
    };
    let busy = run(&[&format!("127.0.0.1:{port}")]);
    assert_eq!(busy.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&busy.stderr),
        format!("tcp-echo: bind 127.0.0.1:{port}: EADDRINUSE: Address already in use\n")
    );
    let bad = run(&["localhost:80"]);
    assert_eq!(bad.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&bad.stderr),
        "tcp-echo: localhost:80: invalid socket address syntax\n"
    );
    assert_eq!(run(&["a", "b"]).status.code(), Some(2));
    let help = run(&["--help"]);
    assert_eq!(help.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&help.stdout).starts_with("usage: tcp-echo"));
}

/// A tree with what makes `du` count carefully: files of several sizes, a sparse file, a file
/// with two links, a symbolic link (dangling), an empty directory, a FIFO, depth.
fn odd_tree(root: &Path) {
    std::fs::create_dir_all(root.join("a/b/c/d")).unwrap();
    std::fs::create_dir(root.join("empty")).unwrap();
    for (i, size) in [0usize, 1, 511, 4096, 70_000, 1 << 20].iter().enumerate() {
        std::fs::write(root.join(format!("a/file{i}")), vec![b'k'; *size]).unwrap();
    }
    std::fs::write(root.join("a/b/c/d/deep"), b"deep\n").unwrap();
    let sparse = std::fs::File::create(root.join("a/b/sparse")).unwrap();
    sparse.set_len(1 << 30).unwrap();
    std::fs::hard_link(root.join("a/file4"), root.join("a/b/link-to-file4")).unwrap();
    symlink("/nonexistent/target", root.join("a/dangling")).unwrap();
    let fifo = std::ffi::CString::new(root.join("a/fifo").to_str().unwrap()).unwrap();
    // SAFETY: (test): mkfifo reads a NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o644) }, 0);
}

/// `du`'s two figures for `paths`: (disk bytes, apparent bytes, path) per line.
fn du(paths: &[&Path]) -> Vec<String> {
    let run = |args: &[&str]| -> Vec<String> {
        let out = Command::new("du").args(args).args(paths).output().unwrap();
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(str::to_string)
            .collect()
    };
    let disk = run(&["-s", "-B1"]);
    let apparent = run(&["-sb"]);
    disk.iter()
        .zip(&apparent)
        .map(|(d, a)| {
            let (d, path) = d.split_once('\t').unwrap();
            let (a, _) = a.split_once('\t').unwrap();
            format!("{d} {a} {path}")
        })
        .collect()
}

fn dir_size(paths: &[&Path]) -> Output {
    Command::new(nostd_bin("dir-size"))
        .args(paths)
        .output()
        .unwrap()
}

#[test]
fn dir_size_counts_as_du_does() {
    if !require_tool("du", "coreutils") {
        return;
    }
    let tmp = TempDir::new("dir-size");
    let tree = tmp.path().join("tree");
    odd_tree(&tree);
    // A file linked from two PATHs is counted in the first only, as du does; a file as PATH;
    // PATHs inside others, before and after them, and a PATH given twice.
    let other = tmp.path().join("other");
    std::fs::create_dir(&other).unwrap();
    std::fs::hard_link(tree.join("a/file5"), other.join("same-as-file5")).unwrap();
    std::fs::write(other.join("own"), vec![b'o'; 12_345]).unwrap();
    let (file, sub) = (tree.join("a/file3"), tree.join("a/b"));
    for paths in [
        vec![tree.as_path()],
        vec![&tree, &other, &file],
        vec![&file, &sub, &tree, &other],
        vec![&other, &other],
    ] {
        let out = dir_size(&paths);
        assert_eq!(out.status.code(), Some(0), "{out:?}");
        let ours: Vec<String> = String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(str::to_string)
            .collect();
        assert_eq!(ours, du(&paths), "{paths:?}");
        assert!(out.stderr.is_empty());
    }
    // This machine's own trees too, when they are readable.
    for dir in ["/usr/share/doc", "/etc"] {
        let out = dir_size(&[Path::new(dir)]);
        if out.status.success() {
            assert_eq!(
                String::from_utf8_lossy(&out.stdout).trim_end(),
                du(&[Path::new(dir)])[0]
            );
        }
    }
}

#[test]
fn dir_size_reports_what_it_cannot_read_and_goes_on() {
    let tmp = TempDir::new("dir-size-errors");
    let tree = tmp.path().join("tree");
    odd_tree(&tree);
    // A missing PATH: its error and no line; the others are still counted.
    let missing = tmp.path().join("missing");
    let out = dir_size(&[&missing, &tree]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        format!(
            "dir-size: {}: ENOENT: No such file or directory\n",
            missing.display()
        )
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 1);

    // A directory it may not read, run as nobody: named with its path, and the rest counted.
    if !is_root() {
        skip_or_fail("the unreadable-directory case runs dir-size as nobody: needs root");
        return;
    }
    if !require_tool("setpriv", "util-linux") {
        return;
    }
    for dir in [tmp.path(), tree.as_path()] {
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let locked = tree.join("a/b");
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o700)).unwrap();
    let out = Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
        .arg(nostd_bin("dir-size"))
        .arg(&tree)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        format!(
            "dir-size: {}: EACCES: Permission denied\n",
            locked.display()
        )
    );
    assert!(String::from_utf8_lossy(&out.stdout).ends_with(&format!(" {}\n", tree.display())));
}

#[test]
fn dir_size_makes_one_statx_per_entry_and_one_open_per_directory() {
    let tmp = TempDir::new("dir-size-calls");
    let tree = tmp.path().join("tree");
    odd_tree(&tree);
    let Some((out, calls)) = strace(&nostd_bin("dir-size"), &[tree.to_str().unwrap()]) else {
        return;
    };
    assert!(out.status.success(), "{out:?}");
    let count = |name: &str| {
        calls
            .iter()
            .filter(|c| system_tests::strace::name(c) == name)
            .count()
    };
    let entries = walkdir_count(&tree);
    let dirs = walkdir_dirs(&tree);
    assert_eq!(
        count("statx"),
        entries,
        "one statx per entry, the PATH included"
    );
    assert_eq!(count("openat"), dirs, "one open per directory");
    assert_eq!(count("close"), dirs);
    for never in ["fstat", "newfstatat", "open", "lstat", "stat"] {
        assert_eq!(count(never), 0, "no {never}: {calls:?}");
    }
}

/// Every entry under `root` and `root` itself.
fn walkdir_count(root: &Path) -> usize {
    1 + std::fs::read_dir(root)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            if e.file_type().unwrap().is_dir() {
                walkdir_count(&e.path())
            } else {
                1
            }
        })
        .sum::<usize>()
}

/// The directories under `root` and `root` itself.
fn walkdir_dirs(root: &Path) -> usize {
    1 + std::fs::read_dir(root)
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().unwrap().is_dir())
        .map(|e| walkdir_dirs(&e.path()))
        .sum::<usize>()
}
