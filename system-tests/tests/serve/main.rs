//! scratch-serve as users and attackers meet it, on loopback: its command line and start-up
//! failures (here), the HTTP it speaks to raw sockets (`protocol.rs`), the same requests sent to
//! nginx and compared (`nginx.rs`), real clients (`clients.rs`: curl, wget, Python's
//! http.client, a pipeline), abuse (`abuse.rs`: idle connections, slowloris, a client that never
//! reads, files changed under it, its directory removed, no descriptors left), the example image
//! under Podman (`image.rs`).
//!
//! The shared pieces are here: [`Site`], a directory of files with known contents; [`Server`],
//! scratch-serve started on a loopback port of the kernel's choosing; [`exchange`] and
//! [`Response`], a request over a raw socket and its response read by its framing.

mod abuse;
mod clients;
mod image;
mod nginx;
mod protocol;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use system_tests::{TempDir, nostd_bin};

/// The bound of every wait of these tests for the server: long enough for any machine, so that
/// a server that never answers fails its test instead of hanging the suite. No test asserts how
/// long anything took.
pub(crate) const BOUND: Duration = Duration::from_secs(20);

/// The program.
pub(crate) fn serve_bin() -> PathBuf {
    nostd_bin("scratch-serve")
}

/// A directory of files to serve, removed on drop.
pub(crate) struct Site {
    pub(crate) dir: TempDir,
}

/// 64 KiB of a pattern that repeats every 251 bytes, so that misplaced bytes show.
pub(crate) fn pattern(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i % 251) as u8).collect()
}

impl Site {
    /// The site of most tests: `index.html`, `a.txt`, `data.bin` (64 KiB of a pattern), a
    /// directory with and one without an index, dotfiles, `.well-known/`, symbolic links in and
    /// out of the directory, an empty file, a name with a space and one in UTF-8.
    pub(crate) fn new(what: &str) -> Site {
        let site = Site {
            dir: TempDir::new(&format!("serve-{what}")),
        };
        let outside = site.dir.path().join("outside");
        std::fs::create_dir(&outside).unwrap();
        std::fs::write(
            outside.join("secret.txt"),
            b"outside the served directory\n",
        )
        .unwrap();
        let root = site.root();
        std::fs::create_dir(&root).unwrap();
        site.write("index.html", b"<!doctype html><title>home</title>\n");
        site.write("a.txt", b"hello, world\n");
        site.write("data.bin", &pattern(64 * 1024));
        site.write("empty.txt", b"");
        site.write("style.css", b"body { color: black }\n");
        site.write("app.js", b"console.log('plain');\n");
        site.write("docs/index.html", b"<title>docs</title>\n");
        site.write("docs/page.html", b"<title>page</title>\n");
        site.write("noindex/file.txt", b"in a directory without an index\n");
        site.write(".env", b"SECRET=1\n");
        site.write(".git/config", b"[core]\n");
        site.write(
            ".well-known/security.txt",
            b"Contact: mailto:security@example.com\n",
        );
        site.write("with space.txt", b"a name with a space\n");
        site.write("caf\u{e9}.txt", b"utf-8 name\n");
        let link = |target: &Path, name: &str| {
            std::os::unix::fs::symlink(target, root.join(name)).unwrap();
        };
        link(Path::new("a.txt"), "link-in.txt");
        link(Path::new("docs"), "link-dir");
        link(&outside.join("secret.txt"), "link-out.txt");
        link(Path::new("../outside/secret.txt"), "link-up.txt");
        link(Path::new("/etc/hostname"), "link-abs.txt");
        link(Path::new("missing"), "dangling");
        site
    }

    /// The served directory.
    pub(crate) fn root(&self) -> PathBuf {
        self.dir.path().join("root")
    }

    /// Writes `name` (its directories made) under the served directory.
    pub(crate) fn write(&self, name: &str, data: &[u8]) {
        let path = self.root().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, data).unwrap();
    }
}

/// scratch-serve running, killed on drop.
pub(crate) struct Server {
    pub(crate) child: Child,
    pub(crate) addr: SocketAddr,
    /// Standard error's lines after the first (read by a thread).
    pub(crate) stderr: Arc<Mutex<Vec<String>>>,
}

impl Server {
    /// Starts scratch-serve on `root` with `args` and `--listen 127.0.0.1:0`, and waits for
    /// its `serving … on http://ADDR/` line.
    pub(crate) fn start(root: &Path, args: &[&str]) -> Server {
        Server::start_with(root, args, |_| {})
    }

    /// As [`Server::start`], `setup` adjusting the command first.
    pub(crate) fn start_with(
        root: &Path,
        args: &[&str],
        setup: impl FnOnce(&mut Command),
    ) -> Server {
        let mut cmd = Command::new(serve_bin());
        cmd.args(["--listen", "127.0.0.1:0"])
            .args(args)
            .arg(root)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        setup(&mut cmd);
        let mut child = cmd.spawn().expect("start scratch-serve");
        let mut err = BufReader::new(child.stderr.take().unwrap());
        let mut line = String::new();
        let mut first = String::new();
        // The first line says where it listens (or why it did not start).
        loop {
            line.clear();
            if err.read_line(&mut line).unwrap() == 0 {
                let status = child.wait().unwrap();
                panic!("scratch-serve did not start ({status}): {first}");
            }
            first.push_str(&line);
            if line.contains(" on http://") {
                break;
            }
        }
        let addr = line
            .split(" on http://")
            .nth(1)
            .and_then(|rest| rest.split('/').next())
            .and_then(|a| a.parse().ok())
            .unwrap_or_else(|| panic!("no address in {line:?}"));
        let stderr = Arc::new(Mutex::new(Vec::new()));
        let lines = Arc::clone(&stderr);
        std::thread::spawn(move || {
            for l in err.lines().map_while(Result::ok) {
                lines.lock().unwrap().push(l);
            }
        });
        Server {
            child,
            addr,
            stderr,
        }
    }

    /// A new connection to the server.
    pub(crate) fn connect(&self) -> TcpStream {
        let s = TcpStream::connect(self.addr).expect("connect to scratch-serve");
        s.set_read_timeout(Some(BOUND)).unwrap();
        s.set_write_timeout(Some(BOUND)).unwrap();
        s
    }

    /// `raw` sent on a new connection, and the response.
    pub(crate) fn exchange(&self, raw: &[u8]) -> Response {
        exchange(self.addr, raw)
    }

    /// A GET of `path` (HTTP/1.1, `Connection: close`), and its response.
    pub(crate) fn get(&self, path: &str) -> Response {
        self.exchange(
            format!("GET {path} HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n").as_bytes(),
        )
    }

    /// Sends `signal` and waits for the server to exit (within [`BOUND`]); its status and its
    /// standard error.
    pub(crate) fn stop(mut self, signal: i32) -> (ExitStatus, Vec<String>) {
        // SAFETY: (test): kill(2) of our own child, which has not been waited for.
        unsafe { libc::kill(self.child.id() as i32, signal) };
        let status = wait_bounded(&mut self.child);
        // The reading thread sees the end of the pipe once the workers are gone too.
        std::thread::sleep(Duration::from_millis(50));
        let lines = self.stderr.lock().unwrap().clone();
        (status, lines)
    }

    /// The processes of the server: the first and its workers, by `/proc/PID/task/*/children`.
    pub(crate) fn pids(&self) -> Vec<u32> {
        let master = self.child.id();
        let children = std::fs::read_to_string(format!("/proc/{master}/task/{master}/children"))
            .unwrap_or_default();
        std::iter::once(master)
            .chain(children.split_whitespace().filter_map(|p| p.parse().ok()))
            .collect()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let pids = self.pids();
        for pid in pids {
            // SAFETY: (test): kill(2) of the server's processes, ours.
            unsafe { libc::kill(pid as i32, libc::SIGKILL) };
        }
        let _ = self.child.wait();
    }
}

/// Waits for `child` to exit, at most [`BOUND`] (then it is killed and the test fails).
pub(crate) fn wait_bounded(child: &mut Child) -> ExitStatus {
    let waited = std::time::Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if waited.elapsed() > BOUND {
            let _ = child.kill();
            panic!("the process did not exit within {BOUND:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A response as it came: the status line's code, the fields (names lowercase) and the body.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Response {
    pub(crate) status: u16,
    pub(crate) head: String,
    pub(crate) fields: Vec<(String, String)>,
    pub(crate) body: Vec<u8>,
    /// The server closed the connection after it (before the test did).
    pub(crate) closed: bool,
}

impl Response {
    /// The value of `name` (lowercase), if the response has it.
    pub(crate) fn field(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Reads one response from `r`: its head, then the body its framing says (`Content-Length`; none
/// for a response to HEAD, a 1xx, 204 or 304; until the end for neither). `None` when the
/// connection ends before a status line.
pub(crate) fn read_response(r: &mut impl BufRead, head_request: bool) -> Option<Response> {
    let mut head = String::new();
    let mut line = Vec::new();
    loop {
        line.clear();
        match r.read_until(b'\n', &mut line) {
            Ok(0) | Err(_) => return None,
            Ok(_) => {}
        }
        let text = String::from_utf8_lossy(&line).into_owned();
        head.push_str(&text);
        if text == "\r\n" || text == "\n" {
            break;
        }
    }
    let mut lines = head.lines();
    let status_line = lines.next()?;
    let status = status_line.split(' ').nth(1)?.parse().ok()?;
    let fields: Vec<(String, String)> = lines
        .filter(|l| !l.is_empty())
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let mut response = Response {
        status,
        head,
        fields,
        ..Response::default()
    };
    let no_body = head_request || status / 100 == 1 || status == 204 || status == 304;
    if no_body {
        return Some(response);
    }
    match response
        .field("content-length")
        .and_then(|l| l.parse::<usize>().ok())
    {
        Some(len) => {
            let mut body = vec![0; len];
            let mut got = 0;
            while got < len {
                match r.read(&mut body[got..]) {
                    Ok(0) | Err(_) => {
                        response.closed = true;
                        break;
                    }
                    Ok(n) => got += n,
                }
            }
            body.truncate(got);
            response.body = body;
        }
        None => {
            let _ = r.read_to_end(&mut response.body);
            response.closed = true;
        }
    }
    Some(response)
}

/// Whether the peer closes `r` (an end of file, or a reset) without sending more (within
/// [`BOUND`]).
pub(crate) fn closes(r: &mut impl Read) -> bool {
    let mut buf = [0u8; 1];
    match r.read(&mut buf) {
        Ok(0) => true,
        Err(e) => e.kind() == std::io::ErrorKind::ConnectionReset,
        Ok(_) => false,
    }
}

/// `raw` sent to `addr` on a new connection, and the one response to it; `closed` says
/// whether the connection could carry no other request after it: one more request is sent, and
/// `closed` is true when the server closed the connection (or reset it) rather than answer it.
pub(crate) fn exchange(addr: SocketAddr, raw: &[u8]) -> Response {
    try_exchange(addr, raw).unwrap_or_else(|| {
        panic!(
            "no response to {:?} from {addr}",
            String::from_utf8_lossy(raw)
        )
    })
}

/// As [`exchange`]; `None` when what comes back is not an HTTP/1.x response.
pub(crate) fn try_exchange(addr: SocketAddr, raw: &[u8]) -> Option<Response> {
    let mut s = TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(BOUND)).unwrap();
    s.write_all(raw).unwrap();
    let head_request = raw.starts_with(b"HEAD ");
    let mut r = BufReader::new(s.try_clone().unwrap());
    let mut response = read_response(&mut r, head_request)?;
    if !response.closed {
        let next = b"GET /a.txt HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n";
        response.closed = s.write_all(next).is_err() || read_response(&mut r, false).is_none();
    }
    Some(response)
}

#[test]
fn help_version_and_bad_usage_are_one_line_each() {
    let out = Command::new(serve_bin()).arg("--help").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let help = String::from_utf8_lossy(&out.stdout);
    for option in [
        "--listen",
        "--workers",
        "--max-connections",
        "--header-timeout",
        "--idle-timeout",
        "--grace",
        "--spa",
        "--dotfiles",
        "--no-symlinks",
        "--header",
        "--health-path",
        "--mime-types",
        "--access-log",
        "--balance",
    ] {
        assert!(help.contains(option), "--help does not name {option}");
    }
    let out = Command::new(serve_bin()).arg("--version").output().unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        format!("scratch-serve {}\n", env!("CARGO_PKG_VERSION"))
    );
    for (args, says) in [
        (&["--bogus", "."][..], "unknown option --bogus"),
        (&[], "no DIR to serve"),
        (&[".", "other"], "one DIR only: other"),
        (&["--listen", "nowhere", "."], "bad --listen"),
        (&["--listen"], "--listen needs"),
        (&["--workers", "0", "."], "bad --workers"),
        (&["--workers", "257", "."], "bad --workers"),
        (&["--max-connections", "x", "."], "bad --max-connections"),
        (&["--grace", "5h", "."], "bad --grace"),
        (&["--header-timeout", "-1s", "."], "bad --header-timeout"),
        (&["--header", "Content-Length: 5", "."], "bad --header"),
        (&["--header", "X-Bad Name: 1", "."], "bad --header"),
        (&["--header", "X-Ctl: a\u{1}b", "."], "bad --header"),
        (&["--health-path", "healthz", "."], "bad --health-path"),
        (&["--balance", "random", "."], "bad --balance"),
    ] {
        let out = Command::new(serve_bin()).args(args).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        let first = err.lines().next().unwrap_or_default();
        assert!(
            first.starts_with("scratch-serve: ") && first.contains(says),
            "{args:?}: {err}"
        );
        assert!(err.lines().count() <= 2, "{args:?}: {err}");
    }
}

#[test]
fn a_server_that_cannot_start_says_why_in_one_line_and_exits_1() {
    let site = Site::new("start");
    let root = site.root();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let taken = taken.local_addr().unwrap().to_string();
    let file = root.join("a.txt");
    let cases: Vec<(Vec<String>, String)> = vec![
        (
            vec!["/nonexistent/site".into()],
            "scratch-serve: /nonexistent/site: ENOENT".into(),
        ),
        (
            vec![file.display().to_string()],
            format!("scratch-serve: {}: ENOTDIR", file.display()),
        ),
        (
            vec!["--listen".into(), taken.clone(), root.display().to_string()],
            format!("scratch-serve: bind {taken}: EADDRINUSE"),
        ),
        (
            vec![
                "--listen".into(),
                "192.0.2.1:8080".into(),
                root.display().to_string(),
            ],
            "scratch-serve: bind 192.0.2.1:8080: EADDRNOTAVAIL".into(),
        ),
        (
            vec![
                "--mime-types".into(),
                "/nonexistent/mime.types".into(),
                root.display().to_string(),
            ],
            "scratch-serve: --mime-types /nonexistent/mime.types: ENOENT".into(),
        ),
    ];
    for (args, line) in cases {
        let out = Command::new(serve_bin()).args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert_eq!(
            String::from_utf8_lossy(&out.stderr),
            format!("{line}\n"),
            "{args:?}"
        );
    }
}

#[test]
fn sigterm_and_sigint_stop_it_with_status_0() {
    let site = Site::new("stop");
    for signal in [libc::SIGTERM, libc::SIGINT] {
        let server = Server::start(&site.root(), &["--workers", "2"]);
        assert_eq!(server.get("/a.txt").status, 200);
        // An idle keep-alive connection does not hold the server up.
        let mut idle = server.connect();
        idle.write_all(b"GET /a.txt HTTP/1.1\r\nHost: t\r\n\r\n")
            .unwrap();
        let mut r = BufReader::new(idle.try_clone().unwrap());
        assert_eq!(read_response(&mut r, false).unwrap().status, 200);
        let (status, err) = server.stop(signal);
        assert_eq!(status.code(), Some(0), "signal {signal}: {err:?}");
        assert!(err.is_empty(), "{err:?}");
        assert!(closes(&mut r), "the idle connection is closed");
    }
}

#[test]
fn sigterm_finishes_the_response_under_way_whole_then_exits_0() {
    let site = Site::new("stop-mid-response");
    let big = 32 << 20;
    site.write("big.bin", &pattern(big));
    let mut server = Server::start(&site.root(), &["--workers", "1"]);
    let s = server.connect();
    (&s).write_all(b"GET /big.bin HTTP/1.1\r\nHost: t\r\n\r\n")
        .unwrap();
    let mut r = BufReader::new(s);
    // The response has begun (its first bytes are here, not consumed), and this client has read
    // nothing yet: most of it is still to be sent when the signal comes.
    assert!(!r.fill_buf().unwrap().is_empty());
    // SAFETY: (test): kill(2) of our own child, which has not been waited for.
    unsafe { libc::kill(server.child.id() as i32, libc::SIGTERM) };
    let response = read_response(&mut r, false).expect("the response");
    assert_eq!(response.status, 200);
    assert!(!response.closed, "the body was cut short");
    assert!(response.body == pattern(big), "the body is not the file");
    assert!(closes(&mut r), "closed after the response");
    assert_eq!(wait_bounded(&mut server.child).code(), Some(0));
}

/// The most scratch-serve may weigh on x86_64, as `cargo xtask build` builds it: its size is
/// held here, "readable first, then small". The goal is 32 KiB, not reached yet: this ceiling
/// is the size measured (44,904 bytes) rounded up to the next KiB, so that it grows only when
/// a change says so.
const CEILING: usize = 45 * 1024;

/// Static, no segment both writable and executable, a stack that is not executable
/// (`system_tests::elf::check_static_executable`), and at most [`CEILING`] bytes.
#[test]
fn the_binary_is_static_with_no_writable_executable_segment_and_within_its_ceiling() {
    let data = std::fs::read(serve_bin()).unwrap();
    system_tests::elf::check_static_executable(&data).unwrap();
    println!("scratch-serve: {} bytes", data.len());
    assert!(
        data.len() <= CEILING,
        "scratch-serve: {} bytes, over its ceiling of {CEILING}",
        data.len()
    );
}
