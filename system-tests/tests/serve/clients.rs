//! Real clients against scratch-serve: curl (a range, `--compressed` with a gzip sidecar,
//! conditional requests with `-z` and `--etag-compare`), wget (a download, and `-c` resuming
//! one with a range), Python's `http.client` on one kept-alive connection, and a browser-like
//! pipeline of requests sent in one write and answered in order.

use std::io::{BufReader, Write};
use std::path::Path;
use std::process::{Command, Output};

use system_tests::{TempDir, require_tool};

use crate::{Server, Site, pattern, read_response};

/// The plain text of `app.js` in [`Site::new`].
const APP_JS: &[u8] = b"console.log('plain');\n";

/// Runs `cmd`; its output, after asserting that it succeeded.
fn run(cmd: &mut Command) -> Output {
    let out = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    system_tests::assert_success_with(&out, &format!("{cmd:?}"), "");
    out
}

/// `app.js.gz`, a real gzip of `app.js` (by `gzip -n`), beside it.
fn gzip_sidecar(site: &Site) {
    let out = run(Command::new("gzip")
        .args(["-n", "-c"])
        .arg(site.root().join("app.js")));
    site.write("app.js.gz", &out.stdout);
}

/// curl's status code of a request with `args`, its body into `body`.
fn curl_status(url: &str, body: &Path, args: &[&str]) -> String {
    let out = run(Command::new("curl")
        .args(["-s", "-o"])
        .arg(body)
        .args(["-w", "%{http_code}"])
        .args(args)
        .arg(url));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn curl_ranges_compressed_and_conditional_requests() {
    if !require_tool("curl", "curl") {
        return;
    }
    let site = Site::new("curl");
    gzip_sidecar(&site);
    let server = Server::start(&site.root(), &[]);
    let base = format!("http://{}", server.addr);
    let tmp = TempDir::new("serve-curl");
    let body = tmp.path().join("body");

    // A range.
    let status = curl_status(&format!("{base}/data.bin"), &body, &["-r", "100-1099"]);
    assert_eq!(status, "206");
    assert_eq!(
        std::fs::read(&body).unwrap(),
        &pattern(64 * 1024)[100..1100]
    );

    // --compressed: the gzip sidecar, decoded by curl into the file's own text.
    let headers = tmp.path().join("headers");
    let status = curl_status(
        &format!("{base}/app.js"),
        &body,
        &["--compressed", "-D", headers.to_str().unwrap()],
    );
    assert_eq!(status, "200");
    assert_eq!(std::fs::read(&body).unwrap(), APP_JS);
    let head = std::fs::read_to_string(&headers)
        .unwrap()
        .to_ascii_lowercase();
    assert!(head.contains("\r\ncontent-encoding: gzip\r\n"), "{head}");
    // Without --compressed, the file as it is.
    let status = curl_status(&format!("{base}/app.js"), &body, &[]);
    assert_eq!(
        (status.as_str(), &std::fs::read(&body).unwrap()[..]),
        ("200", APP_JS)
    );

    // -z FILE: If-Modified-Since the served file's own time is 304; an older date 200.
    let served = site.root().join("a.txt");
    let status = curl_status(
        &format!("{base}/a.txt"),
        &body,
        &["-z", served.to_str().unwrap()],
    );
    assert_eq!(status, "304");
    let status = curl_status(
        &format!("{base}/a.txt"),
        &body,
        &["-z", "1 Jan 2000 00:00:00 GMT"],
    );
    assert_eq!(status, "200");
    assert_eq!(std::fs::read(&body).unwrap(), b"hello, world\n");

    // --etag-save, then --etag-compare: the second request is If-None-Match, 304.
    let etag = tmp.path().join("etag");
    let etag = etag.to_str().unwrap();
    let status = curl_status(&format!("{base}/a.txt"), &body, &["--etag-save", etag]);
    assert_eq!(status, "200");
    let saved = std::fs::read_to_string(etag).unwrap();
    assert!(saved.trim().starts_with('"'), "{saved:?}");
    let status = curl_status(&format!("{base}/a.txt"), &body, &["--etag-compare", etag]);
    assert_eq!(status, "304");
}

#[test]
fn wget_downloads_and_resumes_with_a_range() {
    if !require_tool("wget", "wget") {
        return;
    }
    let site = Site::new("wget");
    let server = Server::start(&site.root(), &[]);
    let url = format!("http://{}/data.bin", server.addr);
    let tmp = TempDir::new("serve-wget");
    let whole = pattern(64 * 1024);

    let out = run(Command::new("wget").args(["-q", "-O", "-", &url]));
    assert_eq!(out.stdout, whole);

    // -c: the first 1000 bytes are there, the rest is asked for with a range.
    std::fs::write(tmp.path().join("data.bin"), &whole[..1000]).unwrap();
    run(Command::new("wget")
        .args(["-q", "-c", &url])
        .current_dir(tmp.path()));
    assert_eq!(std::fs::read(tmp.path().join("data.bin")).unwrap(), whole);
}

#[test]
fn python_http_client_on_one_kept_alive_connection() {
    if !require_tool("python3", "python3") {
        return;
    }
    let site = Site::new("python");
    let server = Server::start(&site.root(), &[]);
    // Each response read whole before the next request, on one connection (http.client
    // raises if the server closed it).
    let script = format!(
        "import http.client
c = http.client.HTTPConnection('127.0.0.1', {port}, timeout=20)
for method, path, headers in [('GET', '/a.txt', {{}}), ('HEAD', '/data.bin', {{}}),
        ('GET', '/data.bin', {{'Range': 'bytes=100-109'}}), ('GET', '/missing', {{}}),
        ('GET', '/docs/', {{}})]:
    c.request(method, path, headers=headers)
    r = c.getresponse()
    body = r.read()
    print(method, path, r.status, r.getheader('Content-Length'), body[:12])
print('sock', c.sock is not None)
",
        port = server.addr.port()
    );
    let out = run(Command::new("python3").args(["-c", &script]));
    // Bytes 100 to 109 of the pattern are the letters d to m.
    let expected = "GET /a.txt 200 13 b'hello, world'
HEAD /data.bin 200 65536 b''
GET /data.bin 206 10 b'defghijklm'
GET /missing 404 14 b'404 Not Foun'
GET /docs/ 200 20 b'<title>docs<'
sock True
";
    assert_eq!(String::from_utf8_lossy(&out.stdout), expected);
}

#[test]
fn a_browser_like_pipeline_is_answered_in_order() {
    let site = Site::new("pipeline");
    let server = Server::start(&site.root(), &[]);
    let browser = "Host: example.test\r\nUser-Agent: Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0\r\n\
                   Accept: */*\r\nAccept-Language: en-US,en;q=0.5\r\n\
                   Accept-Encoding: gzip, deflate, br, zstd\r\nConnection: keep-alive\r\n\
                   Sec-Fetch-Mode: no-cors\r\n";
    let requests: [(&str, &str, u16, &[u8]); 8] = [
        ("GET", "/", 200, b"<!doctype html><title>home</title>\n"),
        ("GET", "/style.css", 200, b"body { color: black }\n"),
        ("GET", "/app.js", 200, APP_JS),
        ("GET", "/favicon.ico", 404, b"404 Not Found\n"),
        ("HEAD", "/data.bin", 200, b""),
        ("GET", "/a.txt", 200, b"hello, world\n"),
        ("GET", "/docs/page.html", 200, b"<title>page</title>\n"),
        ("GET", "/data.bin", 200, &[]),
    ];
    let all: String = requests
        .iter()
        .map(|(method, path, _, _)| format!("{method} {path} HTTP/1.1\r\n{browser}\r\n"))
        .collect();
    let mut stream = server.connect();
    // One write: every request is in the server's buffer before the first answer.
    stream.write_all(all.as_bytes()).unwrap();
    let mut r = BufReader::new(stream.try_clone().unwrap());
    for (method, path, status, body) in requests {
        let response = read_response(&mut r, method == "HEAD").expect(path);
        assert_eq!(response.status, status, "{method} {path}");
        let expected = if path == "/data.bin" && method == "GET" {
            pattern(64 * 1024)
        } else {
            body.to_vec()
        };
        assert_eq!(response.body, expected, "{method} {path}");
        assert!(!response.closed, "{method} {path}: closed");
    }
}
