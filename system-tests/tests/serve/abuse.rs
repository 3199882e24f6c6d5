//! scratch-serve under abuse, each case ending with the server still answering: 10,000 idle
//! connections (and the memory they cost), slowloris, a client that never reads, a file
//! truncated or replaced while it is sent, the served directory removed, and a descriptor limit
//! far below the connections that come. No assertion is on a time: every wait is bounded by
//! [`BOUND`], and a wait that runs out fails the test.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::os::unix::process::CommandExt;
use std::time::{Duration, Instant};

use system_tests::skip_or_fail;

use crate::{BOUND, Server, Site, closes, pattern, read_response};

/// How many idle connections [`ten_thousand_idle_connections_cost_little_and_block_nothing`]
/// holds.
const IDLE: usize = 10_000;

/// Waits until `done` holds, checking every 20 ms; panics with `what` after [`BOUND`].
fn wait_for(what: &str, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(start.elapsed() < BOUND, "{what}: not within {BOUND:?}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The server's worker processes (the first process's children).
fn workers(server: &Server) -> Vec<u32> {
    server.pids().into_iter().skip(1).collect()
}

/// The resident memory of `pid` in bytes (`Rss` of `/proc/PID/smaps_rollup`).
fn rss(pid: u32) -> u64 {
    let text = std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")).unwrap();
    let kib: u64 = text
        .lines()
        .find_map(|l| l.strip_prefix("Rss:"))
        .and_then(|v| v.trim().strip_suffix("kB"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap();
    kib * 1024
}

/// Whether `pid` has a descriptor open on a file whose path ends with `name`.
fn has_open(pid: u32, name: &str) -> bool {
    std::fs::read_dir(format!("/proc/{pid}/fd"))
        .unwrap()
        .filter_map(Result::ok)
        .filter_map(|e| std::fs::read_link(e.path()).ok())
        .any(|target| target.to_string_lossy().ends_with(name))
}

/// Raises this process's soft descriptor limit to at least `need`, within the hard limit;
/// `false` when the hard limit is lower.
fn raise_fd_limit(need: u64) -> bool {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: (test): `limit` is a `struct rlimit` the call fills.
    let got = unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) };
    assert_eq!(got, 0);
    if limit.rlim_max < need {
        return false;
    }
    limit.rlim_cur = limit.rlim_cur.max(need);
    // SAFETY: (test): a limit within the hard one, for this process.
    unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &limit) == 0 }
}

/// A request of `path` on the kept-alive connection that `r` reads, and its response read
/// whole.
fn get_on(r: &mut BufReader<TcpStream>, path: &str) -> crate::Response {
    r.get_mut()
        .write_all(format!("GET {path} HTTP/1.1\r\nHost: t\r\n\r\n").as_bytes())
        .unwrap();
    read_response(r, false).expect("a response")
}

#[test]
fn ten_thousand_idle_connections_cost_little_and_block_nothing() {
    // The test's own end of each connection, and a margin.
    if !raise_fd_limit(IDLE as u64 + 200) {
        skip_or_fail(&format!(
            "the hard descriptor limit is below {} (for {IDLE} connections)",
            IDLE + 200
        ));
        return;
    }
    let site = Site::new("idle");
    // Room for all of them in either worker, whichever way the kernel spreads them.
    let server = Server::start(
        &site.root(),
        &["--workers", "2", "--max-connections", "40000"],
    );
    // One request first, so that the code and a buffer are in memory before the count.
    assert_eq!(server.get("/a.txt").status, 200);
    let before: u64 = workers(&server).into_iter().map(rss).sum();
    let mut idle = Vec::with_capacity(IDLE);
    for _ in 0..IDLE {
        // One descriptor a connection in this process, and a small buffer.
        let mut r = BufReader::with_capacity(512, server.connect());
        // Each has had a response: idle between requests, as a browser leaves them.
        assert_eq!(get_on(&mut r, "/a.txt").status, 200);
        idle.push(r);
    }
    let after: u64 = workers(&server).into_iter().map(rss).sum();
    let each = after.saturating_sub(before) / IDLE as u64;
    println!(
        "scratch-serve: {IDLE} idle kept-alive connections: the workers' resident memory \
         {before} to {after} bytes, {each} bytes a connection (the kernel's socket memory not \
         counted)"
    );
    assert!(each <= 1024, "{each} bytes a connection");
    // The server answers a new connection, and every idle one still works.
    assert_eq!(server.get("/data.bin").body, pattern(64 * 1024));
    for r in idle.iter_mut().step_by(997) {
        assert_eq!(get_on(r, "/a.txt").body, b"hello, world\n");
    }
}

#[test]
fn slowloris_gets_408_and_is_closed_while_others_are_served() {
    let site = Site::new("slowloris");
    let server = Server::start(&site.root(), &["--workers", "1", "--header-timeout", "1s"]);
    let mut slow = server.connect();
    slow.write_all(b"GET /a.txt HTTP/1.1\r\nHo").unwrap();
    // Meanwhile, on the same worker, a whole request is answered.
    assert_eq!(server.get("/a.txt").status, 200);
    // A byte now and then does not extend the head's time: it counts from its first byte.
    let mut r = BufReader::new(slow.try_clone().unwrap());
    let mut dribble = slow.try_clone().unwrap();
    let feeder = std::thread::spawn(move || {
        for _ in 0..100 {
            if dribble.write_all(b"s").is_err() {
                return;
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    });
    let response = read_response(&mut r, false).expect("a 408");
    assert_eq!(response.status, 408);
    assert_eq!(response.field("connection"), Some("close"));
    assert!(closes(&mut r), "closed after the 408");
    feeder.join().unwrap();
    assert_eq!(server.get("/a.txt").status, 200);
}

#[test]
fn a_client_that_never_reads_is_closed_after_the_idle_timeout_and_stops_nothing() {
    let site = Site::new("no-reader");
    let big = 64 << 20;
    site.write("big.bin", &pattern(big));
    let server = Server::start(&site.root(), &["--workers", "1", "--idle-timeout", "1s"]);
    // The worker is started after the line that says where the server listens.
    assert_eq!(server.get("/a.txt").status, 200);
    let worker = workers(&server)[0];
    let mut stuck = server.connect();
    stuck
        .write_all(b"GET /big.bin HTTP/1.1\r\nHost: t\r\n\r\n")
        .unwrap();
    // The server's send buffer and this socket's receive buffer fill; the worker serves on.
    wait_for("the big response under way", || {
        has_open(worker, "/big.bin")
    });
    for _ in 0..10 {
        assert_eq!(server.get("/a.txt").body, b"hello, world\n");
    }
    // No progress for the idle time-out: the connection and its file are closed.
    wait_for("the connection that does not read closed", || {
        !has_open(worker, "/big.bin")
    });
    let mut got = Vec::new();
    let _ = stuck.read_to_end(&mut got);
    assert!(got.len() < big, "{} bytes: the whole file", got.len());
    assert_eq!(server.get("/a.txt").status, 200);
}

#[test]
fn a_file_truncated_while_sent_closes_its_connection_and_one_replaced_is_sent_whole() {
    let site = Site::new("changed");
    let big = 32 << 20;
    site.write("big.bin", &pattern(big));
    site.write("other.bin", &pattern(big));
    let server = Server::start(&site.root(), &["--workers", "1"]);

    // Truncated: the response cannot be whole, and only closing the connection says so.
    let mut s = server.connect();
    s.write_all(b"GET /big.bin HTTP/1.1\r\nHost: t\r\n\r\n")
        .unwrap();
    let mut r = BufReader::new(s.try_clone().unwrap());
    let mut line = String::new();
    while line != "\r\n" {
        line.clear();
        assert!(r.read_line(&mut line).unwrap() > 0, "the head");
    }
    let mut first = vec![0; 1 << 20];
    r.read_exact(&mut first).unwrap();
    assert_eq!(first, pattern(big)[..1 << 20]);
    std::fs::OpenOptions::new()
        .write(true)
        .open(site.root().join("big.bin"))
        .unwrap()
        .set_len(2 << 20)
        .unwrap();
    let mut rest = Vec::new();
    let ended = r.read_to_end(&mut rest);
    assert!(
        ended.is_ok() || ended.unwrap_err().kind() == std::io::ErrorKind::ConnectionReset,
        "the connection ends"
    );
    assert!(first.len() + rest.len() < big, "not the whole length");
    assert_eq!(server.get("/big.bin").body.len(), 2 << 20);

    // Replaced by a rename: the file opened is sent, whole.
    let mut s = server.connect();
    s.write_all(b"GET /other.bin HTTP/1.1\r\nHost: t\r\n\r\n")
        .unwrap();
    let mut r = BufReader::new(s);
    // The response has begun (its first bytes are here, not consumed) when the file is
    // replaced.
    assert!(!r.fill_buf().unwrap().is_empty());
    site.write("new.bin", b"the new file\n");
    std::fs::rename(site.root().join("new.bin"), site.root().join("other.bin")).unwrap();
    let response = read_response(&mut r, false).expect("the response");
    assert_eq!(response.status, 200);
    assert!(!response.closed);
    assert_eq!(response.body, pattern(big));
    assert_eq!(server.get("/other.bin").body, b"the new file\n");
}

#[test]
fn the_directory_removed_under_the_server_is_404_and_health_still_answers() {
    let site = Site::new("removed");
    let server = Server::start(&site.root(), &["--health-path", "/healthz"]);
    assert_eq!(server.get("/a.txt").status, 200);
    std::fs::remove_dir_all(site.root()).unwrap();
    for path in ["/a.txt", "/", "/docs/"] {
        assert_eq!(server.get(path).status, 404, "{path}");
    }
    assert_eq!(server.get("/healthz").status, 200);
    // A new directory of the same name is not the one served: still 404.
    site.write("a.txt", b"another\n");
    assert_eq!(server.get("/a.txt").status, 404);
    let (status, err) = server.stop(libc::SIGTERM);
    assert_eq!(status.code(), Some(0), "{err:?}");
}

#[test]
fn at_a_low_descriptor_limit_the_connections_beyond_wait_and_all_are_served() {
    let site = Site::new("fds");
    site.write("big.bin", &pattern(1 << 20));
    // 100 descriptors: room for 18 connections (64 kept for the rest, two a connection).
    let server = Server::start_with(&site.root(), &["--workers", "1"], |cmd| {
        // SAFETY: (test): setrlimit(2) only, in the child between fork and exec.
        unsafe {
            cmd.pre_exec(|| {
                let limit = libc::rlimit {
                    rlim_cur: 100,
                    rlim_max: 100,
                };
                if libc::setrlimit(libc::RLIMIT_NOFILE, &limit) == 0 {
                    Ok(())
                } else {
                    Err(std::io::Error::last_os_error())
                }
            })
        };
    });
    // 100 connections, each asking for 1 MiB and reading nothing yet.
    let mut conns: Vec<TcpStream> = (0..100)
        .map(|_| {
            let mut s = server.connect();
            s.write_all(b"GET /big.bin HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
                .unwrap();
            s
        })
        .collect();
    // Read in the order they came: the ones beyond wait in the backlog until one closes.
    for (i, s) in conns.iter_mut().enumerate() {
        let mut r = BufReader::new(s.try_clone().unwrap());
        let response = read_response(&mut r, false).unwrap_or_else(|| panic!("connection {i}"));
        assert_eq!(response.status, 200, "connection {i}");
        assert_eq!(response.body.len(), 1 << 20, "connection {i}");
        s.shutdown(std::net::Shutdown::Both).unwrap();
    }
    assert_eq!(server.get("/a.txt").status, 200);
}
