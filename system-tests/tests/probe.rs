//! scratch-probe against real servers on loopback: nginx (200, 301, 404 from its
//! configuration) and deliberately bad servers written here (503, a refused port, one that
//! never answers, one that closes mid-header, a response in one-byte writes, a 1 MiB header,
//! a greeting that is not HTTP, interim 1xx responses before the real one, lines that end with
//! a bare LF); and its bad-input handling.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Output};
use std::time::Duration;

use system_tests::{TempDir, nostd_bin, require_tool};

fn probe(args: &[&str]) -> Output {
    Command::new(nostd_bin("scratch-probe"))
        .args(args)
        .output()
        .expect("run scratch-probe")
}

/// Exit status and the one line of standard error.
fn outcome(args: &[&str]) -> (Option<i32>, String) {
    let out = probe(args);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        stderr.lines().count() <= 1,
        "{args:?}: more than one line: {stderr:?}"
    );
    (out.status.code(), stderr.trim_end().to_string())
}

/// A server on a loopback port that runs `answer` on each connection (after reading the
/// request's first bytes, when `read_first`).
fn bad_server(read_first: bool, answer: fn(&mut TcpStream)) -> String {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = l.local_addr().unwrap().to_string();
    std::thread::spawn(move || {
        for mut c in l.incoming().flatten() {
            std::thread::spawn(move || {
                if read_first {
                    let mut buf = [0u8; 4096];
                    let _ = c.read(&mut buf);
                }
                answer(&mut c);
            });
        }
    });
    addr
}

#[test]
fn bad_servers_each_give_their_one_line() {
    let s503 = bad_server(true, |c| {
        let _ = c.write_all(b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n");
    });
    assert_eq!(
        outcome(&[&format!("http://{s503}/health")]),
        (Some(1), "scratch-probe: HTTP 503".into())
    );

    let silent = bad_server(true, |_| std::thread::sleep(Duration::from_secs(30)));
    assert_eq!(
        outcome(&["--timeout", "1s", &format!("http://{silent}/")]),
        (Some(1), "scratch-probe: timed out after 1s".into())
    );

    let mid_header = bad_server(true, |c| {
        let _ = c.write_all(b"HTTP/1.1 200 OK\r\nContent-Le");
    });
    let (code, line) = outcome(&[&format!("http://{mid_header}/")]);
    assert_eq!(code, Some(1));
    assert!(
        line.starts_with("scratch-probe: malformed response"),
        "{line}"
    );

    let one_byte_writes = bad_server(true, |c| {
        c.set_nodelay(true).unwrap();
        for b in b"HTTP/1.1 204 No Content\r\nServer: slow\r\n\r\n" {
            if c.write_all(&[*b]).is_err() {
                return;
            }
            std::thread::sleep(Duration::from_millis(1));
        }
    });
    assert_eq!(
        outcome(&[&format!("http://{one_byte_writes}/")]),
        (Some(0), String::new())
    );

    let huge_header = bad_server(true, |c| {
        let _ = c.write_all(b"HTTP/1.1 200 OK\r\nX-Big: ");
        let _ = c.write_all(&vec![b'a'; 1 << 20]);
        let _ = c.write_all(b"\r\n\r\n");
    });
    assert_eq!(
        outcome(&[&format!("http://{huge_header}/")]),
        (
            Some(1),
            "scratch-probe: response header larger than 8192 bytes".into()
        )
    );

    let not_http = bad_server(false, |c| {
        let _ = c.write_all(b"SSH-2.0-OpenSSH_9.2\r\n");
    });
    assert_eq!(
        outcome(&[&format!("http://{not_http}/")]),
        (Some(1), "scratch-probe: malformed response".into())
    );
    // The same greeting is a fine TCP service.
    assert_eq!(outcome(&["tcp", &not_http]), (Some(0), String::new()));
}

/// An interim response (RFC 9110 §15.2) is followed by the real one, which decides; `101` is
/// final. Lines that end with a bare LF are read as RFC 9112 §2.2 allows (as curl and wget do).
#[test]
fn interim_responses_are_skipped_and_bare_lf_lines_are_read() {
    let continue_then_503 = bad_server(true, |c| {
        let _ =
            c.write_all(b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 503 Service Unavailable\r\n\r\n");
    });
    assert_eq!(
        outcome(&[&format!("http://{continue_then_503}/")]),
        (Some(1), "scratch-probe: HTTP 503".into())
    );
    let hints_then_200 = bad_server(true, |c| {
        c.set_nodelay(true).unwrap();
        // In two writes: the interim head alone first.
        let _ = c.write_all(b"HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n");
        std::thread::sleep(Duration::from_millis(20));
        let _ = c.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
    });
    assert_eq!(
        outcome(&[&format!("http://{hints_then_200}/")]),
        (Some(0), String::new())
    );
    let switching = bad_server(true, |c| {
        let _ = c.write_all(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n");
    });
    assert_eq!(
        outcome(&[&format!("http://{switching}/")]),
        (Some(1), "scratch-probe: HTTP 101".into())
    );
    let bare_lf = bad_server(true, |c| {
        let _ = c.write_all(b"HTTP/1.1 100 Continue\n\nHTTP/1.0 204 No Content\nServer: lf\n\n");
    });
    assert_eq!(
        outcome(&[&format!("http://{bare_lf}/")]),
        (Some(0), String::new())
    );
    let bare_lf_503 = bad_server(true, |c| {
        let _ = c.write_all(b"HTTP/1.1 503\nRetry-After: 1\n\n");
    });
    assert_eq!(
        outcome(&[&format!("http://{bare_lf_503}/")]),
        (Some(1), "scratch-probe: HTTP 503".into())
    );
    // An interim head that never ends is still bounded by the header buffer.
    let endless_interim = bad_server(true, |c| {
        let _ = c.write_all(b"HTTP/1.1 100 Continue\r\n\r\n");
        for _ in 0..10_000 {
            if c.write_all(b"HTTP/1.1 102 Processing\r\n\r\n").is_err() {
                return;
            }
        }
    });
    assert_eq!(
        outcome(&[&format!("http://{endless_interim}/")]),
        (
            Some(1),
            "scratch-probe: response header larger than 8192 bytes".into()
        )
    );
}

#[test]
fn a_refused_port_is_connection_refused() {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = l.local_addr().unwrap().to_string();
    drop(l);
    for target in [
        vec!["tcp", addr.as_str()],
        vec![&*format!("http://{addr}/")],
    ] {
        let target: Vec<&str> = target.iter().map(|s| &**s).collect();
        assert_eq!(
            outcome(&target),
            (Some(1), "scratch-probe: connect: connection refused".into()),
            "{target:?}"
        );
    }
}

#[test]
fn ipv6_and_localhost_reach_the_server() {
    let v4 = bad_server(true, |c| {
        let _ = c.write_all(b"HTTP/1.0 200 OK\r\n\r\n");
    });
    let port = v4.rsplit(':').next().unwrap();
    assert_eq!(
        outcome(&[&format!("http://localhost:{port}/")]),
        (Some(0), String::new())
    );
    match TcpListener::bind("[::1]:0") {
        Ok(l) => {
            let addr = l.local_addr().unwrap();
            std::thread::spawn(move || {
                let (mut c, _) = l.accept().unwrap();
                let mut buf = [0u8; 1024];
                let n = c.read(&mut buf).unwrap();
                let request = String::from_utf8_lossy(&buf[..n]).into_owned();
                assert!(request.starts_with("GET /v6 HTTP/1.1\r\n"), "{request}");
                assert!(request.contains(&format!("\r\nHost: [::1]:{}\r\n", addr.port())));
                assert!(request.contains("\r\nConnection: close\r\n"));
                c.write_all(b"HTTP/1.1 302 Found\r\nLocation: /\r\n\r\n")
                    .unwrap();
            });
            assert_eq!(
                outcome(&[&format!("http://[::1]:{}/v6", addr.port())]),
                (Some(0), String::new())
            );
        }
        Err(_) => system_tests::skip_or_fail("no IPv6 loopback"),
    }
}

#[test]
fn bad_input_is_one_line_and_status_2() {
    for args in [
        &["--bogus"][..],
        &[],
        &["http://127.0.0.1:99999/"],
        &["http://127.0.0.1:0/"],
        &["http://127.0.0.1:8x/"],
        &["http:///path"],
        &["http://:80/"],
        &["https://127.0.0.1/"],
        &["ftp://127.0.0.1/"],
        &["--timeout", "soon", "tcp", "127.0.0.1:80"],
        &["--timeout", "5h", "tcp", "127.0.0.1:80"],
        &["--timeout"],
        &["tcp", "127.0.0.1"],
        &["tcp", "example.com:80"],
        &["http://example.com/"],
        &["tcp", "127.0.0.1:80", "extra"],
    ] {
        let (code, line) = outcome(args);
        assert_eq!(code, Some(2), "{args:?}: {line}");
        assert!(line.starts_with("scratch-probe: "), "{args:?}: {line}");
    }
    // The argument that is wrong is named.
    for (arg, line) in [
        (
            "localhost:8080",
            "scratch-probe: not a URL or tcp HOST:PORT: localhost:8080",
        ),
        (
            "https://127.0.0.1/",
            "scratch-probe: only http:// URLs are supported: https://127.0.0.1/",
        ),
    ] {
        assert_eq!(outcome(&[arg]), (Some(2), line.to_string()), "{arg}");
    }
    let help = probe(&["--help"]);
    assert_eq!(help.status.code(), Some(0));
    let text = String::from_utf8_lossy(&help.stdout);
    assert!(text.contains("No DNS"), "{text}");
    let version = probe(&["--version"]);
    assert_eq!(
        String::from_utf8_lossy(&version.stdout),
        format!("scratch-probe {}\n", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn a_url_without_a_port_means_port_80() {
    // Port 80 of loopback: whatever answers (or refuses), the probe must have gone to port 80.
    let out = probe(&["--timeout", "2s", "http://127.0.0.1/"]);
    let listening = TcpStream::connect("127.0.0.1:80").is_ok();
    if !listening {
        assert_eq!(
            String::from_utf8_lossy(&out.stderr).trim_end(),
            "scratch-probe: connect: connection refused"
        );
    }
    let strace_ok = require_tool("strace", "strace");
    if strace_ok {
        let log = TempDir::new("probe-port");
        let path = log.join("trace");
        let _ = Command::new("strace")
            .args(["-f", "-e", "trace=connect", "-o", &path])
            .arg(nostd_bin("scratch-probe"))
            .args(["--timeout", "1s", "http://127.0.0.1/"])
            .output()
            .unwrap();
        let trace = std::fs::read_to_string(&path).unwrap();
        assert!(trace.contains("sin_port=htons(80)"), "{trace}");
    }
}

/// nginx, as the test's own process, on a loopback port with a configuration in a temporary
/// directory: `/ok` 200, `/moved` 301, anything else 404.
struct Nginx {
    child: Child,
    port: u16,
    _dir: TempDir,
}

impl Nginx {
    fn start() -> Option<Nginx> {
        if !require_tool("nginx", "nginx-light") {
            return None;
        }
        let dir = TempDir::new("probe-nginx");
        let port = {
            let l = TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap().port()
        };
        let d = dir.path().display();
        let conf = format!(
            "daemon off; master_process off; worker_processes 1; pid {d}/nginx.pid;
error_log {d}/error.log;
events {{ worker_connections 16; }}
http {{
  access_log off;
  client_body_temp_path {d}/body; proxy_temp_path {d}/proxy; fastcgi_temp_path {d}/fcgi;
  uwsgi_temp_path {d}/uwsgi; scgi_temp_path {d}/scgi;
  server {{
    listen 127.0.0.1:{port};
    location = /ok {{ return 200 'ok'; }}
    location = /moved {{ return 301 /ok; }}
    location / {{ return 404; }}
  }}
}}
"
        );
        std::fs::write(dir.join("nginx.conf"), conf).unwrap();
        let child = Command::new("nginx")
            .args(["-p", &d.to_string(), "-c", &dir.join("nginx.conf")])
            .spawn()
            .expect("start nginx");
        let nginx = Nginx {
            child,
            port,
            _dir: dir,
        };
        // Wait until it listens (not a timed assertion: a bound on the wait, then a clear error;
        // dropping `nginx` stops it).
        for _ in 0..500 {
            if TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return Some(nginx);
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        let log = std::fs::read_to_string(Path::new(&nginx._dir.join("error.log")));
        panic!("nginx did not listen on {port}: {log:?}");
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn nginx_200_and_301_pass_and_404_fails() {
    let Some(nginx) = Nginx::start() else {
        return;
    };
    let url = |path: &str| format!("http://127.0.0.1:{}{path}", nginx.port);
    assert_eq!(outcome(&[&url("/ok")]), (Some(0), String::new()));
    assert_eq!(outcome(&[&url("/moved")]), (Some(0), String::new()));
    assert_eq!(
        outcome(&[&url("/missing")]),
        (Some(1), "scratch-probe: HTTP 404".into())
    );
    assert_eq!(
        outcome(&["tcp", &format!("127.0.0.1:{}", nginx.port)]),
        (Some(0), String::new())
    );
}

#[test]
fn the_serve_mode_answers_until_stopped() {
    let port = {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let mut server = Command::new(nostd_bin("scratch-probe"))
        .args(["--serve", &format!("127.0.0.1:{port}")])
        .spawn()
        .unwrap();
    let url = format!("http://127.0.0.1:{port}/health");
    let mut up = false;
    for _ in 0..500 {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            up = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    assert!(up, "--serve did not listen");
    assert_eq!(outcome(&[&url]), (Some(0), String::new()));
    assert_eq!(
        outcome(&[&format!("http://127.0.0.1:{port}/stop")]),
        (Some(0), String::new())
    );
    assert_eq!(
        outcome(&[&url]),
        (Some(1), "scratch-probe: connect: connection refused".into())
    );
    assert!(
        server.try_wait().unwrap().is_none(),
        "the server process stays"
    );
    server.kill().unwrap();
    server.wait().unwrap();
}

/// The container's health as Podman records it.
fn health(container: &str) -> String {
    let out = Command::new("podman")
        .args(["inspect", "--format", "{{.State.Health.Status}}", container])
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// Removes the container when dropped, even by a failing test.
struct Container(String);

impl Drop for Container {
    fn drop(&mut self) {
        let _ = Command::new("podman")
            .args(["rm", "--force", "--time", "0", &self.0])
            .output();
    }
}

#[test]
fn a_scratch_image_is_healthy_then_unhealthy_once_its_server_stops() {
    let _lock = system_tests::engine_lock();
    if !require_tool("podman", "podman") {
        return;
    }
    let image = system_tests::test_image_name("probe");
    let images = system_tests::TestImages::new("podman", &[&image]);
    // The image of `cargo make image-probe` (scripts/image-probe.sh), under a test name.
    let _ = nostd_bin("scratch-probe");
    let build = Command::new(system_tests::workspace_root().join("scripts/image-probe.sh"))
        .env("CONTAINER_ENGINE", "podman")
        .env("PROBE_IMAGE", images.name())
        .output()
        .unwrap();
    system_tests::assert_success_with(&build, "image-probe.sh", system_tests::engine_setup_hint());
    let name = format!("{image}-run");
    let run = Command::new("podman")
        .args([
            "run",
            "--detach",
            "--network",
            "none",
            "--name",
            &name,
            images.name(),
        ])
        .output()
        .unwrap();
    let container = Container(name);
    system_tests::assert_success_with(&run, "podman run", system_tests::engine_setup_hint());
    // The HEALTHCHECK is the probe in exec form; `healthcheck run` runs it now. The server may
    // not listen yet: retry a bounded number of times (a bound, not a timed assertion).
    let check = || {
        Command::new("podman")
            .args(["healthcheck", "run", &container.0])
            .output()
            .unwrap()
    };
    let healthy = (0..50).any(|_| {
        let ok = check().status.success();
        if !ok {
            std::thread::sleep(Duration::from_millis(100));
        }
        ok
    });
    assert!(healthy, "never healthy: {:?}", check());
    assert_eq!(health(&container.0), "healthy");
    let stop = Command::new("podman")
        .args(["exec", &container.0, "/probe", "http://127.0.0.1:8080/stop"])
        .output()
        .unwrap();
    system_tests::assert_success_with(&stop, "podman exec /probe …/stop", "");
    let after = check();
    assert_eq!(after.status.code(), Some(1), "{after:?}");
    assert_eq!(health(&container.0), "unhealthy");
}

#[test]
fn the_probe_is_a_static_executable_with_no_writable_and_executable_segment_within_8192_bytes() {
    let data = std::fs::read(nostd_bin("scratch-probe")).unwrap();
    system_tests::elf::check_static_executable(&data).unwrap();
    // The size is docs/probe.md's figure; 8,192 bytes on x86_64 is its ceiling.
    println!("scratch-probe: {} bytes", data.len());
    assert!(
        data.len() <= 8192,
        "scratch-probe: {} bytes, over the goal of 8,192",
        data.len()
    );
}
