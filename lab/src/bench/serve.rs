//! scratch-serve against nginx (Debian's nginx-light), side by side on loopback with `wrk`: the
//! same number of workers (one per CPU), `sendfile on`, `access_log off`, keep-alive (neither
//! closes a connection: nginx's `keepalive_requests` raised above any run's count), each server
//! measured in turn while both run. Rows: time per request for a 1 KiB and a 64 KiB file
//! (1 / requests per second, so that below 1 is better as everywhere in the table) and their
//! p99 latency; time per MiB for a 100 MiB file (1 / throughput); and scratch-serve's two ways
//! of sharing the port, `--balance exclusive` against the default `reuseport`, for 1 KiB.

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use super::table::{Row, Unit};

/// How long each `wrk` run lasts.
const SECONDS: &str = "10";

/// The files served: a name and its size.
const FILES: [(&str, usize); 3] = [
    ("1k.bin", 1 << 10),
    ("64k.bin", 64 << 10),
    ("100m.bin", 100 << 20),
];

/// A server started for the bench, stopped on drop.
struct Running {
    child: Child,
    port: u16,
}

impl Drop for Running {
    /// SIGTERM, which both servers take as "stop": nginx's master then ends its workers (a
    /// SIGKILL of the master would leave them running), scratch-serve's first process its own.
    /// SIGKILL only if it is still there after 10 seconds.
    fn drop(&mut self) {
        let _ = syscall_kit::signal::kill(self.child.id() as i32, syscall_kit::signal::SIGTERM);
        for _ in 0..500 {
            if !matches!(self.child.try_wait(), Ok(None)) {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A loopback port free now (the kernel's choice).
fn free_port() -> Result<u16, String> {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| format!("cannot find a free port: {e}"))
}

/// Starts `cmd` and waits until `port` accepts connections (a bound on the wait).
fn start(mut cmd: Command, port: u16, what: &str) -> Result<Running, String> {
    let child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot start {what}: {e}"))?;
    let mut running = Running { child, port };
    for _ in 0..500 {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Ok(running);
        }
        if let Ok(Some(status)) = running.child.try_wait() {
            return Err(format!("{what} exited ({status}) before it listened"));
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    Err(format!("{what} did not listen on 127.0.0.1:{port}"))
}

/// nginx serving `site` with `workers` worker processes; its files under `dir`.
fn nginx(site: &Path, dir: &Path, workers: usize) -> Result<Running, String> {
    let port = free_port()?;
    let d = dir.display();
    let conf = format!(
        "daemon off; worker_processes {workers}; pid {d}/nginx.pid;
error_log {d}/error.log;
events {{ worker_connections 4096; }}
http {{
  default_type application/octet-stream;
  access_log off;
  sendfile on;
  keepalive_requests 100000000;
  client_body_temp_path {d}/body; proxy_temp_path {d}/proxy; fastcgi_temp_path {d}/fcgi;
  uwsgi_temp_path {d}/uwsgi; scgi_temp_path {d}/scgi;
  server {{
    listen 127.0.0.1:{port};
    root {site};
  }}
}}
",
        site = site.display()
    );
    let conf_file = dir.join("nginx.conf");
    std::fs::write(&conf_file, conf)
        .map_err(|e| format!("cannot write {}: {e}", conf_file.display()))?;
    let mut cmd = Command::new("nginx");
    cmd.arg("-p").arg(dir).arg("-c").arg(&conf_file);
    start(cmd, port, "nginx")
}

/// scratch-serve serving `site` with `workers` workers and `extra` options.
fn scratch_serve(
    serve: &Path,
    site: &Path,
    workers: usize,
    extra: &[&str],
) -> Result<Running, String> {
    let port = free_port()?;
    let mut cmd = Command::new(serve);
    cmd.args(["--workers", &workers.to_string()])
        .args(["--listen", &format!("127.0.0.1:{port}")])
        .args(extra)
        .arg(site);
    start(cmd, port, "scratch-serve")
}

/// What a `wrk` run measured.
#[derive(Debug)]
struct Wrk {
    requests_per_sec: f64,
    p99_ns: f64,
}

/// `wrk --latency -t THREADS -c CONNECTIONS -d SECONDS` on `path` of `server`; its report goes
/// to standard error. A response other than 2xx or a socket error fails the run.
fn wrk(server: &Running, path: &str, threads: usize, connections: usize) -> Result<Wrk, String> {
    let url = format!("http://127.0.0.1:{}/{path}", server.port);
    let out = Command::new("wrk")
        .args(["--latency", "-t", &threads.to_string()])
        .args(["-c", &connections.to_string(), "-d", SECONDS])
        .arg(&url)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run wrk: {e}"))?;
    let report = String::from_utf8_lossy(&out.stdout).into_owned();
    eprint!("{report}");
    if !out.status.success() {
        return Err(format!("wrk {url} failed ({})", out.status));
    }
    parse_wrk(&report).map_err(|e| format!("wrk {url}: {e}"))
}

/// Reads `Requests/sec:` and the `99%` line of `--latency` from a report of `wrk`.
fn parse_wrk(report: &str) -> Result<Wrk, String> {
    for bad in ["Non-2xx or 3xx responses", "Socket errors"] {
        if let Some(line) = report.lines().find(|l| l.trim_start().starts_with(bad)) {
            return Err(line.trim().to_string());
        }
    }
    let field = |name: &str| {
        report
            .lines()
            .find_map(|l| l.trim_start().strip_prefix(name))
            .map(str::trim)
            .ok_or_else(|| format!("no `{name}` line"))
    };
    let requests_per_sec = field("Requests/sec:")?
        .parse::<f64>()
        .map_err(|e| format!("Requests/sec: {e}"))?;
    let p99_ns = duration_ns(field("99%")?)?;
    Ok(Wrk {
        requests_per_sec,
        p99_ns,
    })
}

/// A duration as `wrk` prints it (`812.00us`, `1.23ms`, `2.01s`) in nanoseconds.
fn duration_ns(text: &str) -> Result<f64, String> {
    let (number, scale) = if let Some(n) = text.strip_suffix("us") {
        (n, 1e3)
    } else if let Some(n) = text.strip_suffix("ms") {
        (n, 1e6)
    } else if let Some(n) = text.strip_suffix('m') {
        (n, 60e9)
    } else if let Some(n) = text.strip_suffix('s') {
        (n, 1e9)
    } else {
        return Err(format!("not a duration: {text}"));
    };
    number
        .parse::<f64>()
        .map(|n| n * scale)
        .map_err(|e| format!("{text}: {e}"))
}

/// Writes the files of [`FILES`] into `site` (random bytes, kept between runs).
fn make_site(site: &Path) -> Result<(), String> {
    std::fs::create_dir_all(site).map_err(|e| format!("cannot create {}: {e}", site.display()))?;
    for (name, len) in FILES {
        let path = site.join(name);
        if std::fs::metadata(&path).map(|m| m.len()).ok() == Some(len as u64) {
            continue;
        }
        // A pattern of bytes: neither server compresses.
        let data: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
        std::fs::write(&path, data).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    Ok(())
}

/// The rows; `serve` is the built scratch-serve, `out` holds the site and nginx's files.
pub fn rows(serve: &Path, out: &Path) -> Result<Vec<Row>, String> {
    let site = out.join("serve-site");
    make_site(&site)?;
    let nginx_dir: PathBuf = out.join("serve-nginx");
    std::fs::create_dir_all(&nginx_dir)
        .map_err(|e| format!("cannot create {}: {e}", nginx_dir.display()))?;
    let workers = std::thread::available_parallelism().map_or(1, usize::from);
    let kit = scratch_serve(serve, &site, workers, &[])?;
    let peer = nginx(&site, &nginx_dir, workers)?;
    let mut rows = Vec::new();
    // Small files: many connections, each server in turn.
    for (name, label) in [("1k.bin", "1 KiB"), ("64k.bin", "64 KiB")] {
        let k = wrk(&kit, name, workers, 64)?;
        let p = wrk(&peer, name, workers, 64)?;
        rows.push(Row::new(
            format!("serve {label} file, 64 connections (ns/request)"),
            1e9 / k.requests_per_sec,
            "nginx",
            1e9 / p.requests_per_sec,
            Some("1.00"),
            Unit::Ns,
        ));
        rows.push(Row::new(
            format!("serve {label} file, p99 latency (ns)"),
            k.p99_ns,
            "nginx",
            p.p99_ns,
            Some("1.00"),
            Unit::Ns,
        ));
    }
    // A large file: throughput, a few connections.
    let mib = 100.0;
    let k = wrk(&kit, "100m.bin", workers, 4)?;
    let p = wrk(&peer, "100m.bin", workers, 4)?;
    rows.push(Row::new(
        "serve 100 MiB file, 4 connections (ns/MiB)",
        1e9 / (k.requests_per_sec * mib),
        "nginx",
        1e9 / (p.requests_per_sec * mib),
        Some("1.00"),
        Unit::Ns,
    ));
    drop(kit);
    drop(peer);
    // The two ways of sharing the port, for the choice of the default.
    let reuseport = scratch_serve(serve, &site, workers, &["--balance", "reuseport"])?;
    let r = wrk(&reuseport, "1k.bin", workers, 64)?;
    drop(reuseport);
    let exclusive = scratch_serve(serve, &site, workers, &["--balance", "exclusive"])?;
    let e = wrk(&exclusive, "1k.bin", workers, 64)?;
    drop(exclusive);
    rows.push(Row::new(
        "serve 1 KiB, --balance exclusive (ns/request)",
        1e9 / e.requests_per_sec,
        "--balance reuseport",
        1e9 / r.requests_per_sec,
        None,
        Unit::Ns,
    ));
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::{duration_ns, parse_wrk};

    /// A report of Debian's wrk 4.1, as `--latency` prints it.
    const REPORT: &str = "Running 10s test @ http://127.0.0.1:8080/1k.bin
  2 threads and 64 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   812.33us    1.02ms  20.13ms   89.01%
    Req/Sec    40.12k     2.01k   45.00k    70.00%
  Latency Distribution
     50%  620.00us
     75%    0.90ms
     90%    1.50ms
     99%    4.20ms
  798765 requests in 10.00s, 987.65MB read
Requests/sec:  79876.50
Transfer/sec:     98.76MB
";

    #[test]
    fn a_report_gives_its_rate_and_p99() {
        let w = parse_wrk(REPORT).unwrap();
        assert_eq!(w.requests_per_sec, 79876.5);
        assert_eq!(w.p99_ns, 4.2e6);
    }

    #[test]
    fn errors_of_a_run_fail_it() {
        let bad = REPORT.replace(
            "Requests/sec",
            "  Non-2xx or 3xx responses: 12\nRequests/sec",
        );
        assert_eq!(
            parse_wrk(&bad).err().as_deref(),
            Some("Non-2xx or 3xx responses: 12")
        );
        let bad = REPORT.replace(
            "Requests/sec",
            "  Socket errors: connect 0, read 3, write 0, timeout 0\nRequests/sec",
        );
        assert!(parse_wrk(&bad).unwrap_err().starts_with("Socket errors"));
        assert!(parse_wrk("nothing").is_err());
    }

    #[test]
    fn durations_in_each_unit() {
        assert_eq!(duration_ns("812.00us").unwrap(), 812e3);
        assert_eq!(duration_ns("1.50ms").unwrap(), 1.5e6);
        assert_eq!(duration_ns("2.00s").unwrap(), 2e9);
        assert_eq!(duration_ns("1.00m").unwrap(), 60e9);
        assert!(duration_ns("12").is_err());
    }
}
