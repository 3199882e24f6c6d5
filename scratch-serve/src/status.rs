//! The status codes this server sends, each with its status line and its text for error
//! responses.

/// A status: its code and reason phrase (RFC 9110 §15), as the status line writes them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Status(pub &'static [u8]);

impl Status {
    pub const OK: Status = Status(b"200 OK");
    pub const PARTIAL: Status = Status(b"206 Partial Content");
    pub const MOVED: Status = Status(b"301 Moved Permanently");
    pub const NOT_MODIFIED: Status = Status(b"304 Not Modified");
    pub const BAD_REQUEST: Status = Status(b"400 Bad Request");
    pub const FORBIDDEN: Status = Status(b"403 Forbidden");
    pub const NOT_FOUND: Status = Status(b"404 Not Found");
    pub const METHOD_NOT_ALLOWED: Status = Status(b"405 Method Not Allowed");
    pub const REQUEST_TIMEOUT: Status = Status(b"408 Request Timeout");
    pub const PRECONDITION_FAILED: Status = Status(b"412 Precondition Failed");
    pub const URI_TOO_LONG: Status = Status(b"414 URI Too Long");
    pub const RANGE_NOT_SATISFIABLE: Status = Status(b"416 Range Not Satisfiable");
    /// RFC 6585 §5.
    pub const FIELDS_TOO_LARGE: Status = Status(b"431 Request Header Fields Too Large");
    pub const INTERNAL_ERROR: Status = Status(b"500 Internal Server Error");
    pub const NOT_IMPLEMENTED: Status = Status(b"501 Not Implemented");
    pub const UNAVAILABLE: Status = Status(b"503 Service Unavailable");
    pub const VERSION_NOT_SUPPORTED: Status = Status(b"505 HTTP Version Not Supported");

    /// The three digits.
    pub fn code(self) -> &'static [u8] {
        self.0.get(..3).unwrap_or_default()
    }
}
