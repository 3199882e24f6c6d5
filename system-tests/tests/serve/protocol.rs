//! The HTTP scratch-serve speaks, over raw sockets: what each request gets, status, fields and
//! body, and whether the connection goes on.

use std::io::{BufReader, Write};

use crate::{Server, Site, exchange, pattern, read_response};

/// `GET path HTTP/1.1` with `extra` fields and `Connection: close`.
fn get(server: &Server, path: &str, extra: &str) -> crate::Response {
    server.exchange(
        format!("GET {path} HTTP/1.1\r\nHost: t\r\n{extra}Connection: close\r\n\r\n").as_bytes(),
    )
}

#[test]
fn files_directories_and_links_beneath_the_directory() {
    let site = Site::new("files");
    let server = Server::start(&site.root(), &[]);
    let r = get(&server, "/a.txt", "");
    assert_eq!((r.status, &r.body[..]), (200, &b"hello, world\n"[..]));
    assert_eq!(r.field("content-type"), Some("text/plain;charset=utf-8"));
    assert_eq!(r.field("content-length"), Some("13"));
    assert_eq!(r.field("accept-ranges"), Some("bytes"));
    assert_eq!(r.field("vary"), Some("Accept-Encoding"));
    assert_eq!(r.field("server"), Some("scratch-serve"));
    let etag = r.field("etag").unwrap();
    assert!(
        etag.starts_with('"') && etag.ends_with('"') && etag.matches('-').count() == 2,
        "{etag}"
    );
    // Last-Modified is the file's time, in the IMF-fixdate form.
    let modified = std::fs::metadata(site.root().join("a.txt"))
        .unwrap()
        .modified()
        .unwrap();
    let secs = modified
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    assert_eq!(r.field("last-modified"), Some(&*imf_fixdate(secs)));
    assert!(r.field("date").is_some_and(|d| d.ends_with(" GMT")));

    for (path, status, body) in [
        ("/", 200, &b"<!doctype html><title>home</title>\n"[..]),
        ("/index.html", 200, b"<!doctype html><title>home</title>\n"),
        ("/docs/", 200, b"<title>docs</title>\n"),
        ("/docs/page.html", 200, b"<title>page</title>\n"),
        ("/data.bin", 200, &pattern(64 * 1024)),
        ("/empty.txt", 200, b""),
        ("/with%20space.txt", 200, b"a name with a space\n"),
        ("/caf%C3%A9.txt", 200, b"utf-8 name\n"),
        ("/link-in.txt", 200, b"hello, world\n"),
        ("/link-dir/page.html", 200, b"<title>page</title>\n"),
        (
            "/.well-known/security.txt",
            200,
            b"Contact: mailto:security@example.com\n",
        ),
        ("/docs/../a.txt", 200, b"hello, world\n"),
        ("/docs/%2e%2e/a.txt", 200, b"hello, world\n"),
        ("/./a.txt", 200, b"hello, world\n"),
        ("//a.txt", 200, b"hello, world\n"),
        ("/a.txt?query=1", 200, b"hello, world\n"),
        ("http://t/a.txt", 200, b"hello, world\n"),
        // Not found: missing, no index, dotfiles, links that leave the directory.
        ("/missing", 404, b"404 Not Found\n"),
        ("/noindex/", 404, b"404 Not Found\n"),
        ("/.env", 404, b"404 Not Found\n"),
        ("/.git/config", 404, b"404 Not Found\n"),
        ("/docs/.hidden", 404, b"404 Not Found\n"),
        ("/link-out.txt", 404, b"404 Not Found\n"),
        ("/link-up.txt", 404, b"404 Not Found\n"),
        ("/link-abs.txt", 404, b"404 Not Found\n"),
        ("/dangling", 404, b"404 Not Found\n"),
        ("/a.txt/", 404, b"404 Not Found\n"),
        // Refused: encoded NUL and slash, a way above the root, bad escapes.
        ("/%00", 400, b"400 Bad Request\n"),
        ("/a%2Fb", 400, b"400 Bad Request\n"),
        ("/a%2fb", 400, b"400 Bad Request\n"),
        ("/../a.txt", 400, b"400 Bad Request\n"),
        ("/%2e%2e/a.txt", 400, b"400 Bad Request\n"),
        ("/docs/../../a.txt", 400, b"400 Bad Request\n"),
        ("/%zz", 400, b"400 Bad Request\n"),
        ("/%4", 400, b"400 Bad Request\n"),
        ("*", 400, b"400 Bad Request\n"),
    ] {
        let r = get(&server, path, "");
        assert_eq!(
            (r.status, &r.body[..]),
            (status, body),
            "{path}: {}",
            r.head
        );
    }
    // A directory named without its slash: to the name with one, the query kept.
    let r = get(&server, "/docs?x=1", "");
    assert_eq!(r.status, 301);
    assert_eq!(r.field("location"), Some("/docs/?x=1"));
    let r = get(&server, "/link-dir", "");
    assert_eq!(r.field("location"), Some("/link-dir/"));
}

/// The IMF-fixdate of `secs` (by a different method than the server's: the `date` program).
fn imf_fixdate(secs: u64) -> String {
    let out = std::process::Command::new("date")
        .args([
            "-u",
            "-d",
            &format!("@{secs}"),
            "+%a, %d %b %Y %H:%M:%S GMT",
        ])
        .env("LC_ALL", "C")
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

#[test]
fn options_dotfiles_no_symlinks_spa_health_path_headers_mime_types() {
    let site = Site::new("options");
    site.write(
        "mime.types",
        b"# a comment\ntext/x-custom txt  custom\napplication/x-thing thing\n",
    );
    site.write("f.custom", b"custom\n");
    site.write("f.thing", b"thing\n");
    site.write("f.png", b"png\n");
    site.write("f.unknown", b"?\n");
    let mime = site.root().join("mime.types");
    let server = Server::start(
        &site.root(),
        &[
            "--dotfiles",
            "--no-symlinks",
            "--spa",
            "--health-path",
            "/healthz",
            "--header",
            "Cache-Control: no-cache",
            "--header",
            "X-Frame-Options:DENY",
            "--mime-types",
            mime.to_str().unwrap(),
        ],
    );
    for (path, status, ty) in [
        ("/.env", 200, Some("application/octet-stream")),
        ("/link-in.txt", 404, None),
        ("/link-dir/page.html", 404, None),
        ("/a.txt", 200, Some("text/x-custom")),
        ("/f.custom", 200, Some("text/x-custom")),
        ("/f.thing", 200, Some("application/x-thing")),
        ("/f.png", 200, Some("image/png")),
        ("/f.unknown", 200, Some("application/octet-stream")),
        ("/style.css", 200, Some("text/css;charset=utf-8")),
        // --spa: a route with no extension is the index; a file that is missing is not.
        ("/some/route", 200, Some("text/html;charset=utf-8")),
        ("/missing.js", 404, None),
    ] {
        let r = get(&server, path, "");
        assert_eq!(r.status, status, "{path}: {}", r.head);
        if ty.is_some() {
            assert_eq!(r.field("content-type"), ty, "{path}");
        }
        assert_eq!(r.field("cache-control"), Some("no-cache"), "{path}");
        assert_eq!(r.field("x-frame-options"), Some("DENY"), "{path}");
    }
    let r = get(&server, "/some/route", "");
    assert_eq!(r.body, b"<!doctype html><title>home</title>\n");
    let r = get(&server, "/healthz", "");
    assert_eq!((r.status, &r.body[..]), (200, &b"ok\n"[..]));
    assert_eq!(r.field("cache-control"), Some("no-cache"));
}

#[test]
fn ranges_of_every_shape() {
    let site = Site::new("ranges");
    let server = Server::start(&site.root(), &[]);
    let data = pattern(64 * 1024);
    let len = data.len();
    let part = |a: usize, b: usize| {
        (
            206,
            Some(format!("bytes {a}-{b}/{len}")),
            data[a..=b].to_vec(),
        )
    };
    let whole = (200, None, data.clone());
    let none = (
        416,
        Some(format!("bytes */{len}")),
        b"416 Range Not Satisfiable\n".to_vec(),
    );
    for (range, expected) in [
        ("bytes=0-0", part(0, 0)),
        ("bytes=0-99", part(0, 99)),
        ("bytes=100-", part(100, len - 1)),
        ("bytes=-100", part(len - 100, len - 1)),
        ("bytes=-999999", part(0, len - 1)),
        ("bytes=1000-999999", part(1000, len - 1)),
        ("bytes=65535-65535", part(65535, 65535)),
        ("BYTES=0-1", part(0, 1)),
        ("bytes= 5-9", part(5, 9)),
        ("bytes=65536-", none.clone()),
        ("bytes=99999-100000", none.clone()),
        ("bytes=-0", none.clone()),
        ("bytes=18446744073709551616-", none.clone()),
        ("bytes=0-18446744073709551616", part(0, len - 1)),
        // A list may have empty elements (RFC 9110 §5.6.1).
        ("bytes=0-1,", part(0, 1)),
        ("bytes=,0-1", part(0, 1)),
        // Rejected: an invalid range (RFC 9110 §14.2 allows it, as nginx does).
        ("bytes=5-2", none.clone()),
        ("bytes=abc", none.clone()),
        ("bytes=-", none.clone()),
        ("bytes=1-2-3", none.clone()),
        // Ignored: several ranges, none, another unit.
        ("bytes=0-1,5-9", whole.clone()),
        ("bytes=0-1, 0-1", whole.clone()),
        ("bytes=", whole.clone()),
        ("items=0-1", whole.clone()),
    ] {
        let r = get(&server, "/data.bin", &format!("Range: {range}\r\n"));
        let got = (
            r.status,
            r.field("content-range").map(str::to_string),
            r.body.clone(),
        );
        assert!(
            got == expected,
            "{range}: got {} {:?}",
            r.status,
            r.field("content-range")
        );
    }
    // An empty file has no byte to give; HEAD ignores Range (RFC 9110 §14.2: GET only).
    let r = get(&server, "/empty.txt", "Range: bytes=0-\r\n");
    assert_eq!(
        (r.status, r.field("content-range")),
        (416, Some("bytes */0"))
    );
    let r = server.exchange(
        b"HEAD /data.bin HTTP/1.1\r\nHost: t\r\nRange: bytes=0-1\r\nConnection: close\r\n\r\n",
    );
    assert_eq!(r.status, 200);
    // If-Range: the range when the validator is the file's, the whole file otherwise.
    let etag = get(&server, "/data.bin", "")
        .field("etag")
        .unwrap()
        .to_string();
    let modified = get(&server, "/data.bin", "")
        .field("last-modified")
        .unwrap()
        .to_string();
    for (if_range, status) in [
        (etag.clone(), 206),
        (format!("W/{etag}"), 200),
        ("\"other\"".to_string(), 200),
        (modified, 206),
        ("Thu, 01 Jan 1970 00:00:00 GMT".into(), 200),
    ] {
        let r = get(
            &server,
            "/data.bin",
            &format!("Range: bytes=0-9\r\nIf-Range: {if_range}\r\n"),
        );
        assert_eq!(r.status, status, "If-Range: {if_range}");
    }
}

#[test]
fn conditional_requests_in_the_rfc_order() {
    let site = Site::new("cond");
    let server = Server::start(&site.root(), &[]);
    let first = get(&server, "/a.txt", "");
    let etag = first.field("etag").unwrap().to_string();
    let modified = first.field("last-modified").unwrap().to_string();
    let weak = format!("W/{etag}");
    let later = "Fri, 01 Jan 2100 00:00:00 GMT";
    let earlier = "Thu, 01 Jan 1970 00:00:00 GMT";
    for (fields, status) in [
        (format!("If-None-Match: {etag}"), 304),
        (format!("If-None-Match: {weak}"), 304),
        (format!("If-None-Match: \"x\", {etag}"), 304),
        (
            format!("If-None-Match: \"x\"\r\nIf-None-Match: {etag}"),
            304,
        ),
        ("If-None-Match: *".into(), 304),
        ("If-None-Match: \"x\"".into(), 200),
        (format!("If-Modified-Since: {modified}"), 304),
        (format!("If-Modified-Since: {later}"), 304),
        (format!("If-Modified-Since: {earlier}"), 200),
        ("If-Modified-Since: yesterday".into(), 200),
        // The three forms of an HTTP-date (RFC 9110 §5.6.7).
        (
            "If-Modified-Since: Friday, 01-Jan-60 00:00:00 GMT".into(),
            304,
        ),
        ("If-Modified-Since: Fri Jan  1 00:00:00 2100".into(), 304),
        // If-None-Match wins over If-Modified-Since (§13.2.2).
        (
            format!("If-None-Match: \"x\"\r\nIf-Modified-Since: {later}"),
            200,
        ),
        (format!("If-Match: {etag}"), 200),
        ("If-Match: *".into(), 200),
        ("If-Match: \"x\"".into(), 412),
        (format!("If-Match: {weak}"), 412),
        (format!("If-Unmodified-Since: {earlier}"), 412),
        (format!("If-Unmodified-Since: {later}"), 200),
        // If-Match comes before If-None-Match.
        (format!("If-Match: \"x\"\r\nIf-None-Match: {etag}"), 412),
    ] {
        let r = get(&server, "/a.txt", &format!("{fields}\r\n"));
        assert_eq!(r.status, status, "{fields}");
        if status == 304 {
            assert!(r.body.is_empty());
            assert_eq!(r.field("etag"), Some(&*etag), "{fields}");
            assert_eq!(r.field("last-modified"), Some(&*modified));
            assert_eq!(r.field("content-length"), None);
        }
    }
    // A file written again (the same size, in the same second) has another tag.
    site.write("a.txt", b"HELLO, WORLD\n");
    let r = get(&server, "/a.txt", &format!("If-None-Match: {etag}\r\n"));
    assert_eq!((r.status, &r.body[..]), (200, &b"HELLO, WORLD\n"[..]));
    assert_ne!(r.field("etag"), Some(&*etag));
}

#[test]
fn precompressed_sidecars_by_accept_encoding() {
    let site = Site::new("sidecars");
    site.write("app.js.br", b"BR");
    site.write("app.js.zst", b"ZSTD");
    site.write("app.js.gz", b"GZIP");
    site.write("style.css.gz", b"CSSGZ");
    let server = Server::start(&site.root(), &[]);
    for (accept, body, coding) in [
        ("", &b"console.log('plain');\n"[..], None),
        ("Accept-Encoding: gzip\r\n", b"GZIP", Some("gzip")),
        ("Accept-Encoding: x-gzip\r\n", b"GZIP", Some("gzip")),
        (
            "Accept-Encoding: gzip, deflate, br, zstd\r\n",
            b"BR",
            Some("br"),
        ),
        ("Accept-Encoding: zstd, gzip\r\n", b"ZSTD", Some("zstd")),
        (
            "Accept-Encoding: br;q=0.5, gzip;q=0.9\r\n",
            b"GZIP",
            Some("gzip"),
        ),
        (
            "Accept-Encoding: br;q=0, gzip;q=0\r\n",
            b"console.log('plain');\n",
            None,
        ),
        ("Accept-Encoding: *\r\n", b"BR", Some("br")),
        ("Accept-Encoding: *;q=0, zstd\r\n", b"ZSTD", Some("zstd")),
        (
            "Accept-Encoding: identity\r\n",
            b"console.log('plain');\n",
            None,
        ),
    ] {
        let r = get(&server, "/app.js", accept);
        assert_eq!(
            (&r.body[..], r.field("content-encoding")),
            (body, coding),
            "{accept}"
        );
        assert_eq!(r.field("vary"), Some("Accept-Encoding"));
        // The type is the file's, whatever its coding.
        assert_eq!(
            r.field("content-type"),
            Some("text/javascript;charset=utf-8")
        );
    }
    // Only the codings a file has: style.css has a .gz alone.
    let r = get(&server, "/style.css", "Accept-Encoding: br, gzip\r\n");
    assert_eq!(
        (&r.body[..], r.field("content-encoding")),
        (&b"CSSGZ"[..], Some("gzip"))
    );
    // Each representation has its own tag.
    let plain = get(&server, "/app.js", "");
    let br = get(&server, "/app.js", "Accept-Encoding: br\r\n");
    assert_ne!(plain.field("etag"), br.field("etag"));
}

/// One request's status, and whether the connection was closed after it.
fn status_and_close(server: &Server, raw: &[u8]) -> (u16, bool) {
    let r = server.exchange(raw);
    (r.status, r.closed)
}

#[test]
fn malformed_heads_and_smuggling_shapes_are_refused_and_closed() {
    let site = Site::new("malformed");
    let server = Server::start(&site.root(), &[]);
    let big_field = format!("X-Big: {}\r\n", "a".repeat(9000));
    let many_fields: String = (0..101).map(|i| format!("X-{i}: v\r\n")).collect();
    let long_target = format!("/{}", "a".repeat(9000));
    let cases: Vec<(String, Vec<u8>, (u16, bool))> = vec![
        (
            "bare CR in a field".into(),
            b"GET / HTTP/1.1\r\nHost: t\rX: y\r\n\r\n".to_vec(),
            (400, true),
        ),
        (
            "obs-fold".into(),
            b"GET / HTTP/1.1\r\nHost: t\r\nX: a\r\n b\r\n\r\n".to_vec(),
            (400, true),
        ),
        (
            "space before colon".into(),
            b"GET / HTTP/1.1\r\nHost : t\r\n\r\n".to_vec(),
            (400, true),
        ),
        (
            "a name that is not a token".into(),
            b"GET / HTTP/1.1\r\nHost: t\r\nX(y): 1\r\n\r\n".to_vec(),
            (400, true),
        ),
        (
            "no colon".into(),
            b"GET / HTTP/1.1\r\nHost: t\r\nNoColon\r\n\r\n".to_vec(),
            (400, true),
        ),
        (
            "NUL in a value".into(),
            b"GET / HTTP/1.1\r\nHost: t\r\nX: a\x00b\r\n\r\n".to_vec(),
            (400, true),
        ),
        (
            "Transfer-Encoding".into(),
            b"GET / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n".to_vec(),
            (400, true),
        ),
        (
            "TE and CL".into(),
            b"GET / HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n"
                .to_vec(),
            (400, true),
        ),
        (
            "two different CLs".into(),
            b"GET / HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\nContent-Length: 1\r\n\r\n".to_vec(),
            (400, true),
        ),
        (
            "a CL that is no number".into(),
            b"GET / HTTP/1.1\r\nHost: t\r\nContent-Length: +0\r\n\r\n".to_vec(),
            (400, true),
        ),
        (
            "two equal CLs".into(),
            b"GET / HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\nContent-Length: 0\r\n\r\n".to_vec(),
            (400, true),
        ),
        (
            "an empty Host".into(),
            b"GET / HTTP/1.1\r\nHost:\r\n\r\n".to_vec(),
            (400, true),
        ),
        (
            "a body on a GET".into(),
            b"GET /a.txt HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello".to_vec(),
            (400, true),
        ),
        (
            "a POST with a body".into(),
            b"POST /a.txt HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello".to_vec(),
            (405, true),
        ),
        (
            "no Host in HTTP/1.1".into(),
            b"GET / HTTP/1.1\r\n\r\n".to_vec(),
            (400, true),
        ),
        (
            "two Hosts".into(),
            b"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n".to_vec(),
            (400, true),
        ),
        (
            "a Host with a space".into(),
            b"GET / HTTP/1.1\r\nHost: a b\r\n\r\n".to_vec(),
            (400, true),
        ),
        (
            "HTTP/2.0".into(),
            b"GET / HTTP/2.0\r\nHost: t\r\n\r\n".to_vec(),
            (505, true),
        ),
        (
            "HTTP/0.9".into(),
            b"GET / HTTP/0.9\r\nHost: t\r\n\r\n".to_vec(),
            (505, true),
        ),
        (
            "HTTP/1.10".into(),
            b"GET / HTTP/1.10\r\nHost: t\r\n\r\n".to_vec(),
            (400, true),
        ),
        (
            "http/1.1".into(),
            b"GET / http/1.1\r\nHost: t\r\n\r\n".to_vec(),
            (400, true),
        ),
        (
            "two spaces".into(),
            b"GET  / HTTP/1.1\r\nHost: t\r\n\r\n".to_vec(),
            (400, true),
        ),
        (
            "a tab".into(),
            b"GET\t/ HTTP/1.1\r\nHost: t\r\n\r\n".to_vec(),
            (400, true),
        ),
        (
            "no version".into(),
            b"GET /\r\nHost: t\r\n\r\n".to_vec(),
            (400, true),
        ),
        (
            "a fragment".into(),
            b"GET /a.txt#x HTTP/1.1\r\nHost: t\r\n\r\n".to_vec(),
            (400, true),
        ),
        (
            "raw UTF-8".into(),
            "GET /café.txt HTTP/1.1\r\nHost: t\r\n\r\n"
                .as_bytes()
                .to_vec(),
            (400, true),
        ),
        (
            "a head over 8 KiB".into(),
            format!("GET / HTTP/1.1\r\nHost: t\r\n{big_field}\r\n").into_bytes(),
            (431, true),
        ),
        (
            "101 fields".into(),
            format!("GET / HTTP/1.1\r\nHost: t\r\n{many_fields}\r\n").into_bytes(),
            (431, true),
        ),
        (
            "a request line over 8 KiB".into(),
            format!("GET {long_target} HTTP/1.1\r\nHost: t\r\n\r\n").into_bytes(),
            (414, true),
        ),
        // Served, and the connection kept where HTTP/1.1 keeps it.
        (
            "HTTP/1.2 is read as 1.1".into(),
            b"GET /a.txt HTTP/1.2\r\nHost: t\r\n\r\n".to_vec(),
            (200, false),
        ),
        (
            "HTTP/1.0 without Host".into(),
            b"GET /a.txt HTTP/1.0\r\n\r\n".to_vec(),
            (200, true),
        ),
        (
            "HTTP/1.0 with keep-alive".into(),
            b"GET /a.txt HTTP/1.0\r\nConnection: keep-alive\r\n\r\n".to_vec(),
            (200, false),
        ),
        (
            "Connection: close".into(),
            b"GET /a.txt HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n".to_vec(),
            (200, true),
        ),
        (
            "Content-Length: 0".into(),
            b"GET /a.txt HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\n\r\n".to_vec(),
            (200, false),
        ),
        (
            "bare LF lines".into(),
            b"GET /a.txt HTTP/1.1\nHost: t\n\n".to_vec(),
            (200, false),
        ),
        (
            "empty lines first".into(),
            b"\r\n\r\nGET /a.txt HTTP/1.1\r\nHost: t\r\n\r\n".to_vec(),
            (200, false),
        ),
        (
            "POST".into(),
            b"POST /a.txt HTTP/1.1\r\nHost: t\r\n\r\n".to_vec(),
            (405, false),
        ),
        (
            "OPTIONS".into(),
            b"OPTIONS * HTTP/1.1\r\nHost: t\r\n\r\n".to_vec(),
            (405, false),
        ),
        (
            "a method of no RFC".into(),
            b"BREW /a.txt HTTP/1.1\r\nHost: t\r\n\r\n".to_vec(),
            (501, false),
        ),
        (
            "lowercase get".into(),
            b"get /a.txt HTTP/1.1\r\nHost: t\r\n\r\n".to_vec(),
            (501, false),
        ),
    ];
    for (what, raw, expected) in &cases {
        assert_eq!(status_and_close(&server, raw), *expected, "{what}");
    }
    let r = server.exchange(b"POST /a.txt HTTP/1.1\r\nHost: t\r\n\r\n");
    assert_eq!(r.field("allow"), Some("GET, HEAD"));
}

#[test]
fn keep_alive_pipelining_and_head() {
    let site = Site::new("pipeline");
    let server = Server::start(&site.root(), &[]);
    let mut s = server.connect();
    // Three requests in one write, answered in order on the one connection.
    s.write_all(
        b"GET /a.txt HTTP/1.1\r\nHost: t\r\n\r\nHEAD /data.bin HTTP/1.1\r\nHost: t\r\n\r\nGET /docs/ HTTP/1.1\r\nHost: t\r\n\r\n",
    )
    .unwrap();
    let mut r = BufReader::new(s.try_clone().unwrap());
    let a = read_response(&mut r, false).unwrap();
    assert_eq!((a.status, &a.body[..]), (200, &b"hello, world\n"[..]));
    let head = read_response(&mut r, true).unwrap();
    assert_eq!(head.status, 200);
    assert_eq!(head.field("content-length"), Some("65536"));
    let docs = read_response(&mut r, false).unwrap();
    assert_eq!(docs.body, b"<title>docs</title>\n");
    // The connection stays: one more request on it, sent in pieces.
    for piece in [
        &b"GET /a.t"[..],
        b"xt HTTP/1.1\r\nHo",
        b"st: t\r\n",
        b"\r\n",
    ] {
        s.write_all(piece).unwrap();
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert_eq!(read_response(&mut r, false).unwrap().status, 200);
    // A 400 ends it.
    s.write_all(b"GET / HTTP/1.1\r\nHost: t\r\nBad Field: 1\r\n\r\n")
        .unwrap();
    assert_eq!(read_response(&mut r, false).unwrap().status, 400);
    assert!(crate::closes(&mut r));
    // HEAD: the head of the GET, no body.
    let raw = exchange(
        server.addr,
        b"HEAD /a.txt HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n",
    );
    let full = server.get("/a.txt");
    assert_eq!(raw.field("content-length"), full.field("content-length"));
    assert_eq!(raw.field("etag"), full.field("etag"));
    assert!(raw.body.is_empty());
}

#[test]
fn the_access_log_has_a_line_a_request() {
    let site = Site::new("log");
    let mut server = Server::start(&site.root(), &["--access-log", "--workers", "1"]);
    assert_eq!(server.get("/a.txt").status, 200);
    assert_eq!(server.get("/missing\"\\").status, 404);
    assert_eq!(server.exchange(b"GET / HTTP/1.1\r\n\r\n").status, 400);
    let stdout = server.child.stdout.take().unwrap();
    let (status, _) = server.stop(libc::SIGTERM);
    assert_eq!(status.code(), Some(0));
    let mut text = String::new();
    std::io::Read::read_to_string(&mut { stdout }, &mut text).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    for (line, rest) in lines.iter().zip([
        "\"GET /a.txt HTTP/1.1\" 200 13",
        "\"GET /missing\\x22\\\\ HTTP/1.1\" 404 14",
        "\"-\" 400 16",
    ]) {
        let (start, end) = line.split_once(" - - ").unwrap();
        assert_eq!(start, "127.0.0.1", "{line}");
        let (when, what) = end.split_once("] ").unwrap();
        assert!(
            when.len() == 27 && when.starts_with('[') && when.ends_with("+0000"),
            "{line}"
        );
        assert_eq!(what, rest, "{line}");
    }
}
