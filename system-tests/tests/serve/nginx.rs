//! The same few hundred requests sent to scratch-serve and to nginx (Debian's nginx-light,
//! started here with a configuration of this test's own over the same directory), each on a
//! new connection over a raw socket; their statuses compared, and their bodies where they
//! carry the file. Every difference must be in [`DIFFERENCES`], which says why scratch-serve's
//! answer is the one RFC 9110 or 9112 asks for (or allows, and scratch-serve's design chose); a
//! difference not listed fails the test, and so does a listed one that no longer happens.

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command};
use std::time::Duration;

use system_tests::{TempDir, require_tool};

use crate::{Response, Server, Site, exchange, try_exchange};

/// nginx on a loopback port, serving `root` as scratch-serve does by default where nginx can
/// be told to (index.html, no listing, dotfiles 404 but .well-known, gzip sidecars,
/// If-Modified-Since compared as RFC 9110 says); killed on drop.
struct Nginx {
    child: Child,
    addr: SocketAddr,
    _dir: TempDir,
}

impl Nginx {
    fn start(root: &Path) -> Option<Nginx> {
        if !require_tool("nginx", "nginx-light") {
            return None;
        }
        let dir = TempDir::new("serve-nginx");
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let d = dir.path().display();
        let conf = format!(
            "daemon off; master_process off; worker_processes 1; pid {d}/nginx.pid;
error_log {d}/error.log;
events {{ worker_connections 256; }}
http {{
  include /etc/nginx/mime.types;
  default_type application/octet-stream;
  access_log off;
  sendfile on;
  server_tokens off;
  if_modified_since before;
  client_body_temp_path {d}/body; proxy_temp_path {d}/proxy; fastcgi_temp_path {d}/fcgi;
  uwsgi_temp_path {d}/uwsgi; scgi_temp_path {d}/scgi;
  server {{
    listen 127.0.0.1:{port};
    root {root};
    index index.html;
    gzip_static on;
    location ~ /\\.(?!well-known/) {{ return 404; }}
  }}
}}
",
            root = root.display()
        );
        std::fs::write(dir.join("nginx.conf"), conf).unwrap();
        let child = Command::new("nginx")
            .args(["-p", &d.to_string(), "-c", &dir.join("nginx.conf")])
            .spawn()
            .expect("start nginx");
        let addr: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
        let nginx = Nginx {
            child,
            addr,
            _dir: dir,
        };
        // Until it listens (a bound on the wait, not a timed assertion).
        for _ in 0..1000 {
            if TcpStream::connect(addr).is_ok() {
                return Some(nginx);
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        panic!("nginx did not listen on {addr}");
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One request of the comparison: a name, and the bytes with `{etag}`, `{weak}`, `{modified}`
/// standing for the server's own validators of `/data.bin`.
struct Case {
    name: String,
    raw: String,
}

fn case(name: impl Into<String>, raw: impl Into<String>) -> Case {
    Case {
        name: name.into(),
        raw: raw.into(),
    }
}

/// The requests: paths of every kind (`..`, encoded dots and slashes, NUL, overlong UTF-8,
/// links in and out, dotfiles), ranges of every shape, conditional requests, malformed heads
/// and smuggling shapes, versions, methods, HEAD.
fn cases() -> Vec<Case> {
    let mut all = Vec::new();
    let paths = [
        "/",
        "/index.html",
        "/a.txt",
        "/data.bin",
        "/empty.txt",
        "/style.css",
        "/app.js",
        "/docs",
        "/docs/",
        "/docs/page.html",
        "/docs/index.html",
        "/noindex",
        "/noindex/",
        "/missing",
        "/missing/",
        "/a.txt/",
        "/with%20space.txt",
        "/caf%C3%A9.txt",
        "/caf%c3%a9.txt",
        "/link-in.txt",
        "/link-dir/page.html",
        "/link-out.txt",
        "/link-up.txt",
        "/link-abs.txt",
        "/dangling",
        "/.env",
        "/.git/config",
        "/docs/.hidden",
        "/.well-known/security.txt",
        "/docs/../a.txt",
        "/docs/./page.html",
        "/./a.txt",
        "//a.txt",
        "/docs//page.html",
        "/a.txt?x=1",
        "/a.txt?",
        "/docs?x=1",
        "/%61.txt",
        "/docs/%2e%2e/a.txt",
        "/docs/%2E%2E/a.txt",
        "/docs/.%2e/a.txt",
        "/../a.txt",
        "/%2e%2e/a.txt",
        "/docs/../../a.txt",
        "/..",
        "/%2e%2e",
        "/%2e%2e%2fetc%2fpasswd",
        "/a%2Fb",
        "/docs%2Fpage.html",
        "/%00",
        "/a.txt%00",
        "/%c0%ae%c0%ae/a.txt",
        "/%c0%af",
        "/%e0%80%ae%e0%80%ae/a.txt",
        "/%zz",
        "/%4",
        "/%",
        "/a.txt%20",
        "/A.TXT",
        "/index.htm",
        "/link-dir",
        "/link-dir/",
        "http://t/a.txt",
        "http://t",
        "HTTP://T/a.txt",
        "*",
    ];
    for path in paths {
        for method in ["GET", "HEAD"] {
            all.push(case(
                format!("{method} {path}"),
                format!("{method} {path} HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"),
            ));
        }
    }
    let ranges = [
        "bytes=0-0",
        "bytes=0-99",
        "bytes=100-",
        "bytes=-100",
        "bytes=-999999",
        "bytes=1000-999999",
        "bytes=65535-65535",
        "bytes=65535-",
        "bytes=65536-",
        "bytes=99999-100000",
        "bytes=-0",
        "bytes=0-1,5-9",
        "bytes=0-1, 0-1",
        "bytes=5-2",
        "bytes=abc",
        "bytes=-",
        "bytes=",
        "bytes=1-2-3",
        "items=0-1",
        "BYTES=0-1",
        "bytes= 5-9",
        "bytes=0-1,",
        "bytes=,0-1",
        "bytes=18446744073709551616-",
        "bytes=0-18446744073709551616",
    ];
    for range in ranges {
        all.push(case(
            format!("Range: {range}"),
            format!(
                "GET /data.bin HTTP/1.1\r\nHost: t\r\nRange: {range}\r\nConnection: close\r\n\r\n"
            ),
        ));
    }
    for (path, range) in [
        ("/empty.txt", "bytes=0-"),
        ("/a.txt", "bytes=-1"),
        ("/a.txt", "bytes=12-"),
    ] {
        all.push(case(
            format!("Range: {range} of {path}"),
            format!(
                "GET {path} HTTP/1.1\r\nHost: t\r\nRange: {range}\r\nConnection: close\r\n\r\n"
            ),
        ));
    }
    all.push(case(
        "HEAD with Range",
        "HEAD /data.bin HTTP/1.1\r\nHost: t\r\nRange: bytes=0-1\r\nConnection: close\r\n\r\n",
    ));
    let conditions = [
        "If-None-Match: {etag}",
        "If-None-Match: {weak}",
        "If-None-Match: \"x\", {etag}",
        "If-None-Match: *",
        "If-None-Match: \"x\"",
        "If-Modified-Since: {modified}",
        "If-Modified-Since: Fri, 01 Jan 2100 00:00:00 GMT",
        "If-Modified-Since: Thu, 01 Jan 1970 00:00:00 GMT",
        "If-Modified-Since: yesterday",
        "If-None-Match: \"x\"\r\nIf-Modified-Since: Fri, 01 Jan 2100 00:00:00 GMT",
        "If-Match: {etag}",
        "If-Match: *",
        "If-Match: \"x\"",
        "If-Match: {weak}",
        "If-Unmodified-Since: Thu, 01 Jan 1970 00:00:00 GMT",
        "If-Unmodified-Since: Fri, 01 Jan 2100 00:00:00 GMT",
        "If-Match: \"x\"\r\nIf-None-Match: {etag}",
        "Range: bytes=0-9\r\nIf-Range: {etag}",
        "Range: bytes=0-9\r\nIf-Range: {weak}",
        "Range: bytes=0-9\r\nIf-Range: \"x\"",
        "Range: bytes=0-9\r\nIf-Range: {modified}",
        "Range: bytes=0-9\r\nIf-Range: Thu, 01 Jan 1970 00:00:00 GMT",
    ];
    for cond in conditions {
        all.push(case(
            cond.replace("\r\n", " + "),
            format!("GET /data.bin HTTP/1.1\r\nHost: t\r\n{cond}\r\nConnection: close\r\n\r\n"),
        ));
    }
    for accept in ["gzip", "gzip;q=0", "br, gzip", "identity", "*"] {
        all.push(case(
            format!("Accept-Encoding: {accept}"),
            format!("GET /app.js HTTP/1.1\r\nHost: t\r\nAccept-Encoding: {accept}\r\nConnection: close\r\n\r\n"),
        ));
    }
    let heads: [(&str, &str); 46] = [
        ("bare CR", "GET /a.txt HTTP/1.1\r\nHost: t\rX: y\r\n\r\n"),
        (
            "obs-fold",
            "GET /a.txt HTTP/1.1\r\nHost: t\r\nX: a\r\n b\r\n\r\n",
        ),
        (
            "space before colon",
            "GET /a.txt HTTP/1.1\r\nHost : t\r\n\r\n",
        ),
        (
            "name not a token",
            "GET /a.txt HTTP/1.1\r\nHost: t\r\nX(y): 1\r\n\r\n",
        ),
        (
            "no colon",
            "GET /a.txt HTTP/1.1\r\nHost: t\r\nNoColon\r\n\r\n",
        ),
        (
            "NUL in a value",
            "GET /a.txt HTTP/1.1\r\nHost: t\r\nX: a\u{0}b\r\n\r\n",
        ),
        (
            "TE chunked",
            "GET /a.txt HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        ),
        (
            "TE and CL",
            "GET /a.txt HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        ),
        (
            "TE gzip",
            "GET /a.txt HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip\r\n\r\n",
        ),
        (
            "TE chunked, then identity",
            "GET /a.txt HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked, identity\r\n\r\n",
        ),
        (
            "two CLs that differ",
            "GET /a.txt HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\nContent-Length: 1\r\n\r\n",
        ),
        (
            "two CLs of 0",
            "GET /a.txt HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\nContent-Length: 0\r\n\r\n",
        ),
        (
            "CL +0",
            "GET /a.txt HTTP/1.1\r\nHost: t\r\nContent-Length: +0\r\n\r\n",
        ),
        (
            "CL -1",
            "GET /a.txt HTTP/1.1\r\nHost: t\r\nContent-Length: -1\r\n\r\n",
        ),
        (
            "CL 0",
            "GET /a.txt HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\n\r\n",
        ),
        (
            "a GET with a body",
            "GET /a.txt HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello",
        ),
        (
            "a POST with a body",
            "POST /a.txt HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello",
        ),
        ("no Host in 1.1", "GET /a.txt HTTP/1.1\r\n\r\n"),
        (
            "two Hosts",
            "GET /a.txt HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
        ),
        (
            "a Host with a space",
            "GET /a.txt HTTP/1.1\r\nHost: a b\r\n\r\n",
        ),
        (
            "a Host with a slash",
            "GET /a.txt HTTP/1.1\r\nHost: a/b\r\n\r\n",
        ),
        ("an empty Host", "GET /a.txt HTTP/1.1\r\nHost:\r\n\r\n"),
        ("HTTP/2.0", "GET /a.txt HTTP/2.0\r\nHost: t\r\n\r\n"),
        ("HTTP/0.9", "GET /a.txt HTTP/0.9\r\nHost: t\r\n\r\n"),
        ("HTTP/1.2", "GET /a.txt HTTP/1.2\r\nHost: t\r\n\r\n"),
        ("HTTP/1.10", "GET /a.txt HTTP/1.10\r\nHost: t\r\n\r\n"),
        ("http/1.1", "GET /a.txt http/1.1\r\nHost: t\r\n\r\n"),
        (
            "HTTP/1.1 and junk",
            "GET /a.txt HTTP/1.1x\r\nHost: t\r\n\r\n",
        ),
        ("two spaces", "GET  /a.txt HTTP/1.1\r\nHost: t\r\n\r\n"),
        ("a tab", "GET\t/a.txt HTTP/1.1\r\nHost: t\r\n\r\n"),
        ("no version", "GET /a.txt\r\nHost: t\r\n\r\n"),
        ("a fragment", "GET /a.txt#x HTTP/1.1\r\nHost: t\r\n\r\n"),
        (
            "raw UTF-8",
            "GET /caf\u{e9}.txt HTTP/1.1\r\nHost: t\r\n\r\n",
        ),
        ("HTTP/1.0", "GET /a.txt HTTP/1.0\r\n\r\n"),
        (
            "HTTP/1.0 keep-alive",
            "GET /a.txt HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
        ),
        ("bare LF lines", "GET /a.txt HTTP/1.1\nHost: t\n\n"),
        (
            "empty lines first",
            "\r\n\r\nGET /a.txt HTTP/1.1\r\nHost: t\r\n\r\n",
        ),
        ("POST", "POST /a.txt HTTP/1.1\r\nHost: t\r\n\r\n"),
        ("PUT", "PUT /a.txt HTTP/1.1\r\nHost: t\r\n\r\n"),
        ("DELETE", "DELETE /a.txt HTTP/1.1\r\nHost: t\r\n\r\n"),
        ("OPTIONS *", "OPTIONS * HTTP/1.1\r\nHost: t\r\n\r\n"),
        ("TRACE", "TRACE /a.txt HTTP/1.1\r\nHost: t\r\n\r\n"),
        (
            "an unknown method",
            "BREW /a.txt HTTP/1.1\r\nHost: t\r\n\r\n",
        ),
        ("lowercase get", "get /a.txt HTTP/1.1\r\nHost: t\r\n\r\n"),
        ("CONNECT", "CONNECT t:443 HTTP/1.1\r\nHost: t:443\r\n\r\n"),
        (
            "an absolute target for another host",
            "GET http://other/a.txt HTTP/1.1\r\nHost: t\r\n\r\n",
        ),
    ];
    for (name, raw) in heads {
        all.push(case(name, raw));
    }
    let big = "a".repeat(9000);
    all.push(case(
        "a head over 8 KiB",
        format!("GET /a.txt HTTP/1.1\r\nHost: t\r\nX-Big: {big}\r\n\r\n"),
    ));
    all.push(case(
        "a request line over 8 KiB",
        format!("GET /{big} HTTP/1.1\r\nHost: t\r\n\r\n"),
    ));
    let many: String = (0..101).map(|i| format!("X-{i}: v\r\n")).collect();
    all.push(case(
        "101 fields",
        format!("GET /a.txt HTTP/1.1\r\nHost: t\r\n{many}\r\n"),
    ));
    all
}

/// The differences with nginx, each with the reason scratch-serve's answer stands: (case,
/// scratch-serve's status, nginx's status, why). Clauses are RFC 9110's (semantics) and RFC
/// 9112's (HTTP/1.1); "§2.2 (9112)" is its rule that a server SHOULD answer a message that does
/// not match the grammar with 400 and close, which nginx, lenient, does not follow.
const DIFFERENCES: &[(&str, u16, u16, &str)] = &[
    // Paths.
    (
        "GET /noindex/",
        404,
        403,
        "RFC 9110 §15.5.5: 404 for a resource the server will not disclose (no listing, and no saying the directory exists)",
    ),
    ("HEAD /noindex/", 404, 403, "RFC 9110 §15.5.5, as GET"),
    (
        "GET /link-out.txt",
        404,
        200,
        "the security model: a link that leaves DIR is not followed (openat2 RESOLVE_BENEATH); RFC 9110 §15.5.5",
    ),
    ("HEAD /link-out.txt", 404, 200, "as GET"),
    (
        "GET /link-up.txt",
        404,
        200,
        "the security model, as /link-out.txt",
    ),
    ("HEAD /link-up.txt", 404, 200, "as GET"),
    (
        "GET /link-abs.txt",
        404,
        200,
        "the security model: an absolute link leaves DIR",
    ),
    ("HEAD /link-abs.txt", 404, 200, "as GET"),
    (
        "GET /a%2Fb",
        400,
        404,
        "RFC 9110 §4.2.3: a reserved character is not equivalent to its percent-encoding; %2F is refused, not decoded to a slash (nginx decodes it)",
    ),
    ("HEAD /a%2Fb", 400, 404, "as GET"),
    (
        "GET /docs%2Fpage.html",
        400,
        200,
        "RFC 9110 §4.2.3: nginx serves /docs/page.html for another URI",
    ),
    ("HEAD /docs%2Fpage.html", 400, 200, "as GET"),
    // Ranges.
    (
        "Range: bytes=0-1,5-9",
        200,
        206,
        "RFC 9110 §14.2: a server MAY ignore Range; several ranges get the whole file (scratch-serve's design), not multipart/byteranges",
    ),
    (
        "Range: bytes=0-1, 0-1",
        200,
        206,
        "RFC 9110 §14.2, as above",
    ),
    (
        "Range: bytes=0-1,",
        206,
        416,
        "RFC 9110 §5.6.1: a recipient MUST accept empty list elements; this is one range",
    ),
    ("Range: bytes=,0-1", 206, 416, "RFC 9110 §5.6.1, as above"),
    (
        "Range: bytes=0-18446744073709551616",
        206,
        416,
        "RFC 9110 §14.1.2: a last-pos at or past the end means the remainder; nginx refuses the number's size",
    ),
    (
        "Range: bytes=0- of /empty.txt",
        416,
        200,
        "RFC 9110 §14.1.1/§15.5.17: no range of an empty representation is satisfiable",
    ),
    (
        "HEAD with Range",
        200,
        206,
        "RFC 9110 §14.2: a server MUST ignore Range on a method other than GET",
    ),
    // Codings.
    (
        "Accept-Encoding: *",
        200,
        200,
        "RFC 9110 §12.5.3: * matches the codings not listed, so the .gz sidecar is served (nginx's gzip_static only looks for the word gzip): the bodies differ",
    ),
    // Malformed heads and smuggling shapes.
    (
        "name not a token",
        400,
        200,
        "RFC 9112 §5 and §2.2 (9112): a field line whose name is not a token does not match the grammar",
    ),
    (
        "no colon",
        400,
        200,
        "RFC 9112 §5 and §2.2 (9112), as above",
    ),
    (
        "TE chunked",
        400,
        200,
        "RFC 9110 §9.3.1: content in a GET may be refused and the connection closed (a smuggling vector); the body is not read",
    ),
    (
        "TE gzip",
        400,
        501,
        "RFC 9112 §6.3: Transfer-Encoding in a request without chunked last: the server MUST respond 400 and close",
    ),
    (
        "TE chunked, then identity",
        400,
        501,
        "RFC 9112 §6.3, as above",
    ),
    (
        "a GET with a body",
        400,
        200,
        "RFC 9110 §9.3.1: a body on a GET is refused and the connection closed, not read and dropped (the choice docs/serve.md states)",
    ),
    (
        "HTTP/0.9",
        505,
        400,
        "RFC 9110 §15.6.6: a well-formed version with a major number not supported is 505",
    ),
    (
        "HTTP/1.10",
        400,
        200,
        "RFC 9112 §2.3: HTTP-version is one DIGIT \".\" one DIGIT; §2.2 (9112)",
    ),
    (
        "two spaces",
        400,
        200,
        "RFC 9112 §3: one SP between the request line's parts; the lenient reading it allows is warned against as a smuggling risk (§11.2)",
    ),
    (
        "no version",
        400,
        0,
        "RFC 9112 §3: the request line has an HTTP-version; nginx answers as HTTP/0.9, which RFC 9112 does not define",
    ),
    (
        "a fragment",
        400,
        200,
        "RFC 9112 §3.2: a request target has no fragment; §2.2 (9112)",
    ),
    (
        "raw UTF-8",
        400,
        200,
        "RFC 9112 §3.2 and RFC 3986 §2: a URI is ASCII, other octets percent-encoded; §2.2 (9112)",
    ),
    (
        "OPTIONS *",
        405,
        400,
        "RFC 9112 §3.2.4: the asterisk-form is valid for OPTIONS; the method is not allowed here (RFC 9110 §15.5.6, with Allow)",
    ),
    (
        "an unknown method",
        501,
        405,
        "RFC 9110 §9.1: a method the server does not recognise SHOULD get 501",
    ),
    (
        "lowercase get",
        501,
        400,
        "RFC 9110 §9.1: methods are case-sensitive, get is a well-formed unknown method: 501",
    ),
    (
        "CONNECT",
        405,
        400,
        "RFC 9112 §3.2.3: the authority-form is valid for CONNECT; the method is not allowed here (RFC 9110 §15.5.6)",
    ),
    (
        "a head over 8 KiB",
        431,
        400,
        "RFC 6585 §5: 431 for header fields too large (RFC 9110 §5.4 asks for a 4xx)",
    ),
    (
        "101 fields",
        431,
        200,
        "RFC 9110 §5.4: a server MUST answer fields larger than it wishes to process with a 4xx; 100 fields at most (scratch-serve's limit), RFC 6585 §5",
    ),
];

/// The validators of `/data.bin` on `addr`, for the conditional requests.
fn validators(addr: SocketAddr) -> (String, String) {
    let r = exchange(
        addr,
        b"GET /data.bin HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n",
    );
    (
        r.field("etag").unwrap().to_string(),
        r.field("last-modified").unwrap().to_string(),
    )
}

/// `case` sent to `addr`, its placeholders filled.
fn send(addr: SocketAddr, case: &Case, (etag, modified): &(String, String)) -> Response {
    let raw = case
        .raw
        .replace("{etag}", etag)
        .replace("{weak}", &format!("W/{etag}"))
        .replace("{modified}", modified);
    // An answer that is not HTTP/1.x (nginx answers a request line without a version as
    // HTTP/0.9, the body alone) counts as status 0.
    try_exchange(addr, raw.as_bytes()).unwrap_or_default()
}

#[test]
fn the_same_requests_to_nginx_differ_only_where_the_rfc_is_on_our_side() {
    let site = Site::new("nginx");
    site.write("app.js.gz", b"GZIP");
    let Some(nginx) = Nginx::start(&site.root()) else {
        return;
    };
    let server = Server::start(&site.root(), &[]);
    let ours = validators(server.addr);
    let theirs = validators(nginx.addr);
    let cases = cases();
    println!("{} requests", cases.len());
    assert!(
        cases.len() >= 200,
        "a few hundred requests: {}",
        cases.len()
    );
    let mut differences = Vec::new();
    for c in &cases {
        let a = send(server.addr, c, &ours);
        let b = send(nginx.addr, c, &theirs);
        let carries_file = matches!(a.status, 200 | 206) && !c.raw.starts_with("HEAD");
        let same = a.status == b.status
            && (!carries_file || a.body == b.body)
            && (a.status != 206 || a.field("content-range") == b.field("content-range"));
        if !same {
            differences.push((c.name.clone(), a.status, b.status));
        }
    }
    let mut report = Vec::new();
    for (name, ours, theirs) in &differences {
        match DIFFERENCES.iter().find(|d| d.0 == name) {
            Some(&(_, o, t, _)) if (o, t) == (*ours, *theirs) => {}
            _ => report.push(format!(
                "not in the table: {name:?}: ours {ours}, nginx {theirs}"
            )),
        }
    }
    for (name, o, t, _) in DIFFERENCES {
        if !differences.iter().any(|d| d.0 == *name) {
            report.push(format!("no longer differs: {name:?} (ours {o}, nginx {t})"));
        }
    }
    assert!(report.is_empty(), "{}", report.join("\n"));
    // The table of docs/serve.md (`-- --nocapture` prints it).
    println!("| request | scratch-serve | nginx | why scratch-serve's answer stands |");
    println!("|---|---:|---:|---|");
    for (name, ours, theirs, why) in DIFFERENCES {
        let theirs = match theirs {
            0 => "HTTP/0.9".to_string(),
            t => t.to_string(),
        };
        println!("| `{name}` | {ours} | {theirs} | {why} |");
    }
}
