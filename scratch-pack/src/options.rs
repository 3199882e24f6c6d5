//! The command line: `scratch-pack [OPTIONS] -o IMAGE PROGRAM [ARGS...]`. Options end at
//! PROGRAM (the first argument that is not an option or an option's value) or at `--`: what
//! follows is the program's.

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::ffi::CStr;

use scratch_doctor::image::config::Platform;
use scratch_doctor::paths::from_bytes;

use crate::compress::Compression;
use crate::essentials::{self, User};

/// The usage text of `--help`.
pub const USAGE: &str = "\
usage: scratch-pack [OPTIONS] -o IMAGE PROGRAM [ARGS...]

Writes a FROM scratch container image whose entrypoint is PROGRAM ARGS..., holding
PROGRAM at /NAME (NAME its file name) and what it needs: its ELF interpreter and
libraries, found as scratch-doctor --closure finds them. No engine, no root, no
Dockerfile; the same inputs give the same bytes (see SOURCE_DATE_EPOCH below).
Options end at PROGRAM or at --.

  -o, --output IMAGE    where to write the image (required). It is written under a
                        temporary name beside IMAGE and renamed into place: a failure
                        leaves nothing
  --format FORMAT       oci-archive (default): an OCI layout in a tar archive with a
                        Docker manifest.json beside index.json, which podman load,
                        docker load and skopeo copy oci-archive: accept; or oci-dir:
                        an OCI layout directory
  --append              add this platform's image to the multi-platform index of the
                        image IMAGE holds already (one written by scratch-pack),
                        replacing the one of the same platform
  --program-path PATH   where PROGRAM goes in the image (default /NAME)
  --root DIR            add the tree DIR at / (symbolic links kept as links; devices,
                        FIFOs and sockets refused; a file the closure also gives, with
                        the same mode and bytes, is one file); may be given more than
                        once
  --add HOST[:PATH]     add the file or directory HOST at PATH (default: the same
                        path); may be given more than once
  --user USER[:GROUP]   the user the program runs as, numbers or names in the
                        image's /etc/passwd (default 65534:65534, nobody)
  --env K=V             an environment variable; may be given more than once
  --workdir DIR         the working directory (absolute)
  --label K=V           a label; may be given more than once
  --expose PORT[/PROTO] a port the program listens on (tcp or udp)
  --stop-signal SIGNAL  the signal that stops it (SIGTERM, SIGINT, ...)
  --platform OS/ARCH[/VARIANT]
                        the image's platform, which must be PROGRAM's (default: from
                        its ELF header)
  --tag NAME[:TAG]      the image's name when it is loaded (default NAME of PROGRAM,
                        tag latest)
  --init                scratch-init becomes PID 1: ENTRYPOINT [/scratch-init, --,
                        PROGRAM, ARGS...], so that signals reach PROGRAM and orphans
                        are reaped
  --init-binary PATH    the scratch-init to put in (default: scratch-init beside
                        scratch-pack; it must be built for the image's platform:
                        cargo xtask build ARCH -p scratch-init writes
                        target/TRIPLE/release/scratch-init)
  --healthcheck CHECK   the image's health check, scratch-probe in exec form: CHECK is
                        http://HOST[:PORT]/PATH or tcp:HOST:PORT (the image is then
                        written with Docker's media types, the only ones that hold
                        a health check)
  --probe-binary PATH   the scratch-probe to put in (default: beside scratch-pack)
  --essentials          --passwd --tmp --ca-certs --tz all
  --passwd              /etc/passwd and /etc/group (root, nobody 65534, nonroot
                        65532) and /etc/nsswitch.conf
  --tmp                 /tmp, mode 1777
  --ca-certs            this machine's CA bundle as /etc/ssl/certs/ca-certificates.crt,
                        and SSL_CERT_FILE naming it
  --tz ZONES            the time zones ZONE,ZONE,... of /usr/share/zoneinfo, or all
  --layers              three layers (base files, libraries, the program's files)
                        instead of one, so that images of one base share layers
  --compression ALGO    gzip (default), zstd or none
  --trace               run PROGRAM ARGS here first, under scratch-doctor's tracer,
                        and put in what it opened (its closure, its files, the links
                        on the way, /tmp when it used it) rather than the closure
                        alone; PROGRAM then stays at its path here. Its output goes
                        to standard error, its input is /dev/null, its environment
                        is this one with the --env values; it must exit with status
                        0 (or be ended by --timeout)
  --timeout DURATION    with --trace: end the traced run after DURATION (30s, 2m,
                        500ms), for a program that does not exit by itself (a server)
  --one-cpu             with --trace: the traced run and the tracer on one CPU, which
                        makes a run that looks up many paths faster on a virtual
                        machine; PROGRAM then sees one CPU (as scratch-doctor's)
  -h, --help            this text
  --version             the version

It prints the digest of what index.json names (the image manifest, or with --append
the index of the platforms' manifests: what a registry reports for the tag) on
standard output. Every entry's time, and the config's created, is SOURCE_DATE_EPOCH when it is
set, else 1970-01-01T00:00:01Z.

Exit status: 0 the image is written, 2 a usage or input error, or a failure while
writing (one line says which; nothing is left behind).
";

/// The format of the output.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// An OCI layout in a tar archive, with Docker's `manifest.json`.
    Archive,
    /// An OCI layout directory.
    Dir,
}

/// `--healthcheck`: an HTTP URL or a TCP address, as scratch-probe takes them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Check {
    /// `http://HOST[:PORT]/PATH`.
    Http(String),
    /// `tcp:HOST:PORT`: `HOST:PORT`.
    Tcp(String),
}

impl Check {
    fn parse(text: &str) -> Result<Check, String> {
        if let Some(addr) = text.strip_prefix("tcp:")
            && addr.rsplit_once(':').is_some_and(|(h, p)| {
                !h.is_empty() && !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit())
            })
        {
            return Ok(Check::Tcp(addr.into()));
        }
        if text.starts_with("http://") && text.len() > "http://".len() {
            return Ok(Check::Http(text.into()));
        }
        Err(format!(
            "--healthcheck {text}: not http://HOST[:PORT]/PATH or tcp:HOST:PORT"
        ))
    }

    /// scratch-probe's arguments for it.
    pub fn probe_args(&self) -> Vec<String> {
        match self {
            Check::Http(url) => alloc::vec![url.clone()],
            Check::Tcp(addr) => alloc::vec!["tcp".into(), addr.clone()],
        }
    }
}

/// What the command line asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Options {
    /// `-o IMAGE`.
    pub output: &'static CStr,
    /// `--format`.
    pub format: Format,
    /// `--append`.
    pub append: bool,
    /// PROGRAM.
    pub program: &'static CStr,
    /// ARGS.
    pub args: Vec<String>,
    /// `--program-path`.
    pub program_path: Option<String>,
    /// `--root DIR`s, in order.
    pub roots: Vec<&'static CStr>,
    /// `--add`s: the host path and the path in the image.
    pub adds: Vec<(Vec<u8>, Vec<u8>)>,
    /// `--user`.
    pub user: User,
    /// `--env`s.
    pub env: Vec<String>,
    /// `--workdir`.
    pub workdir: Option<String>,
    /// `--label`s.
    pub labels: Vec<(String, String)>,
    /// `--expose`s, as `PORT/PROTO`.
    pub exposed: Vec<String>,
    /// `--stop-signal`.
    pub stop_signal: Option<String>,
    /// `--platform`.
    pub platform: Option<Platform>,
    /// `--tag`, as `NAME:TAG`.
    pub tag: Option<String>,
    /// `--init`.
    pub init: bool,
    /// `--init-binary`.
    pub init_binary: Option<&'static CStr>,
    /// `--healthcheck`.
    pub healthcheck: Option<Check>,
    /// `--probe-binary`.
    pub probe_binary: Option<&'static CStr>,
    /// `--passwd` (or `--essentials`).
    pub passwd: bool,
    /// `--tmp`.
    pub tmp: bool,
    /// `--ca-certs`.
    pub ca_certs: bool,
    /// `--tz`.
    pub tz: Tz,
    /// `--layers`.
    pub layers: bool,
    /// `--compression`.
    pub compression: Compression,
    /// `--trace`.
    pub trace: bool,
    /// `--timeout DURATION` (with `--trace`).
    pub timeout: Option<core::time::Duration>,
    /// `--one-cpu` (with `--trace`).
    pub one_cpu: bool,
}

/// The time zones to put in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Tz {
    /// None.
    None,
    /// All of `/usr/share/zoneinfo`: `--tz all`, or `--essentials` without `--tz ZONES`.
    All,
    /// Those zones (`--tz ZONE,...`, which may be given more than once).
    Zones(Vec<String>),
}

/// What the command line asks for: the image to write, `--help` or `--version`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    /// Write the image.
    Pack(alloc::boxed::Box<Options>),
    /// `--help`.
    Help,
    /// `--version`.
    Version,
}

/// The signals `--stop-signal` takes, by name (`SIGTERM` or `TERM`) or number.
const SIGNALS: [&str; 31] = [
    "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE", "KILL", "USR1", "SEGV", "USR2",
    "PIPE", "ALRM", "TERM", "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN", "TTOU", "URG",
    "XCPU", "XFSZ", "VTALRM", "PROF", "WINCH", "IO", "PWR", "SYS",
];

fn stop_signal(text: &str) -> Result<String, String> {
    let name = text.strip_prefix("SIG").unwrap_or(text);
    if SIGNALS.contains(&name) {
        return Ok(format!("SIG{name}"));
    }
    if text.parse::<u8>().is_ok_and(|n| (1..=64).contains(&n)) {
        return Ok(text.into());
    }
    Err(format!(
        "--stop-signal {text}: not a signal name (SIGTERM, SIGINT, ...) or number from 1 to 64"
    ))
}

fn key_value(option: &str, text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((k, v)) if !k.is_empty() => Ok((k.into(), v.into())),
        _ => Err(format!("{option} {text}: not KEY=VALUE")),
    }
}

fn port(text: &str) -> Result<String, String> {
    let (number, proto) = text.split_once('/').unwrap_or((text, "tcp"));
    let ok = number.parse::<u16>().is_ok_and(|p| p > 0) && matches!(proto, "tcp" | "udp");
    if !ok {
        return Err(format!(
            "--expose {text}: not PORT or PORT/tcp or PORT/udp, with PORT from 1 to 65535"
        ));
    }
    Ok(format!("{}/{proto}", number.parse::<u16>().unwrap_or(0)))
}

/// `NAME[:TAG]` with `:latest` added when there is no tag (a `:` after the last `/`). The
/// name is lower-case letters, digits, `.`, `_`, `-`, `/` and a registry's `:PORT`; the tag
/// letters, digits, `.`, `_`, `-` (Docker's reference grammar, loosely).
fn tag(text: &str) -> Result<String, String> {
    let slash = text.rfind('/').map_or(0, |i| i + 1);
    let (name, tag) = match text[slash..].rfind(':') {
        Some(i) => (&text[..slash + i], Some(&text[slash + i + 1..])),
        None => (text, None),
    };
    let name_ok = !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-/:".contains(&b))
        && !name.starts_with(['/', ':', '.', '-', '_'])
        && !name.ends_with(['/', ':', '.', '-', '_']);
    let tag_ok = tag.is_none_or(|t| {
        !t.is_empty()
            && t.len() <= 128
            && !t.starts_with(['.', '-'])
            && t.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
    });
    if !name_ok || !tag_ok {
        return Err(format!(
            "--tag {text}: not NAME[:TAG] (such as hello or example.com/hello:1.0; the name \
             in lower case)"
        ));
    }
    Ok(format!("{name}:{}", tag.unwrap_or("latest")))
}

/// `HOST[:PATH]`: the host path and the path in the image (the host path's own when there is
/// no `:PATH`, which must then be absolute).
fn add(arg: &[u8]) -> Result<(Vec<u8>, Vec<u8>), String> {
    let (host, at) = match arg.iter().rposition(|&b| b == b':') {
        Some(i) => (&arg[..i], &arg[i + 1..]),
        None => (arg, arg),
    };
    if host.is_empty() || !at.starts_with(b"/") {
        return Err(format!(
            "--add {}: not HOST[:PATH] with PATH absolute (or HOST absolute without it)",
            from_bytes(arg)
        ));
    }
    Ok((host.to_vec(), at.to_vec()))
}

/// The command line after the program name.
pub fn parse(args: impl IntoIterator<Item = &'static CStr>) -> Result<Command, String> {
    let mut args = args.into_iter();
    let mut output = None;
    let mut format = None;
    let mut o = Options {
        output: c"",
        format: Format::Archive,
        append: false,
        program: c"",
        args: Vec::new(),
        program_path: None,
        roots: Vec::new(),
        adds: Vec::new(),
        user: User::parse(essentials::DEFAULT_USER)?,
        env: Vec::new(),
        workdir: None,
        labels: Vec::new(),
        exposed: Vec::new(),
        stop_signal: None,
        platform: None,
        tag: None,
        init: false,
        init_binary: None,
        healthcheck: None,
        probe_binary: None,
        passwd: false,
        tmp: false,
        ca_certs: false,
        tz: Tz::None,
        layers: false,
        compression: Compression::Gzip,
        trace: false,
        timeout: None,
        one_cpu: false,
    };
    let mut user = None;
    let mut compression = None;
    // `--tz all`, `--essentials` (all, unless `--tz ZONES` names some), `--tz ZONES`.
    let (mut tz_all, mut essentials_tz, mut zones) = (false, false, Vec::new());
    let mut program = None;
    // An option that takes one value, given once.
    fn once<T>(slot: &mut Option<T>, name: &str, value: T) -> Result<(), String> {
        if slot.is_some() {
            return Err(format!("{name} given twice (see --help)"));
        }
        *slot = Some(value);
        Ok(())
    }
    while let Some(arg) = args.next() {
        let bytes = arg.to_bytes();
        if bytes == b"--" {
            program = args.next();
            break;
        }
        if !bytes.starts_with(b"-") || bytes == b"-" {
            program = Some(arg);
            break;
        }
        let name = from_bytes(bytes);
        let mut value = || {
            args.next()
                .ok_or_else(|| format!("{name} needs a value (see --help)"))
        };
        let text = |v: &'static CStr| from_bytes(v.to_bytes());
        match bytes {
            b"-h" | b"--help" => return Ok(Command::Help),
            b"--version" => return Ok(Command::Version),
            b"-o" | b"--output" => once(&mut output, "-o", value()?)?,
            b"--format" => {
                let v = text(value()?);
                let f = match v.as_str() {
                    "oci-archive" => Format::Archive,
                    "oci-dir" => Format::Dir,
                    _ => return Err(format!("--format {v}: oci-archive or oci-dir")),
                };
                once(&mut format, "--format", f)?;
            }
            b"--append" => o.append = true,
            b"--program-path" => {
                let v = text(value()?);
                if !v.starts_with('/') || v.ends_with('/') {
                    return Err(format!(
                        "--program-path {v}: not an absolute path to a file"
                    ));
                }
                once(&mut o.program_path, "--program-path", v)?;
            }
            b"--root" => o.roots.push(value()?),
            b"--add" => o.adds.push(add(value()?.to_bytes())?),
            b"--user" => once(&mut user, "--user", User::parse(&text(value()?))?)?,
            b"--env" => {
                let (k, v) = key_value("--env", &text(value()?))?;
                o.env.push(format!("{k}={v}"));
            }
            b"--workdir" => {
                let v = text(value()?);
                if !v.starts_with('/') {
                    return Err(format!("--workdir {v}: not an absolute path"));
                }
                once(&mut o.workdir, "--workdir", v)?;
            }
            b"--label" => o.labels.push(key_value("--label", &text(value()?))?),
            b"--expose" => o.exposed.push(port(&text(value()?))?),
            b"--stop-signal" => {
                let s = stop_signal(&text(value()?))?;
                once(&mut o.stop_signal, "--stop-signal", s)?;
            }
            b"--platform" => {
                let p = Platform::parse(&text(value()?))?;
                once(&mut o.platform, "--platform", p)?;
            }
            b"--tag" => {
                let t = tag(&text(value()?))?;
                once(&mut o.tag, "--tag", t)?;
            }
            b"--init" => o.init = true,
            b"--init-binary" => once(&mut o.init_binary, "--init-binary", value()?)?,
            b"--healthcheck" => {
                let c = Check::parse(&text(value()?))?;
                once(&mut o.healthcheck, "--healthcheck", c)?;
            }
            b"--probe-binary" => once(&mut o.probe_binary, "--probe-binary", value()?)?,
            b"--essentials" => {
                o.passwd = true;
                o.tmp = true;
                o.ca_certs = true;
                essentials_tz = true;
            }
            b"--passwd" => o.passwd = true,
            b"--tmp" => o.tmp = true,
            b"--ca-certs" => o.ca_certs = true,
            b"--tz" => match essentials::zones(&text(value()?))? {
                Some(more) => zones.extend(more),
                None => tz_all = true,
            },
            b"--layers" => o.layers = true,
            b"--compression" => {
                let v = text(value()?);
                let c = Compression::parse(&v)
                    .ok_or_else(|| format!("--compression {v}: gzip, zstd or none"))?;
                once(&mut compression, "--compression", c)?;
            }
            b"--trace" => o.trace = true,
            b"--one-cpu" => o.one_cpu = true,
            b"--timeout" => {
                let v = text(value()?);
                let d = syscall_kit::text::parse_duration(v.as_bytes())
                    .filter(|d| !d.is_zero())
                    .ok_or_else(|| format!("--timeout {v}: not a duration (say 30s, 500ms, 2m)"))?;
                once(&mut o.timeout, "--timeout", d)?;
            }
            _ => return Err(format!("unknown option {name} (see --help)")),
        }
    }
    let Some(output) = output else {
        return Err("no output given: -o IMAGE (see --help)".into());
    };
    let Some(program) = program else {
        return Err("no PROGRAM given (see --help)".into());
    };
    if program.to_bytes().is_empty() {
        return Err("PROGRAM is an empty name".into());
    }
    if o.init_binary.is_some() && !o.init {
        return Err("--init-binary needs --init (see --help)".into());
    }
    if o.timeout.is_some() && !o.trace {
        return Err("--timeout needs --trace (see --help)".into());
    }
    if o.one_cpu && !o.trace {
        return Err("--one-cpu needs --trace (see --help)".into());
    }
    if o.trace && o.program_path.is_some() {
        return Err(
            "--program-path and --trace: a traced PROGRAM stays at its path on this machine, \
             where the files it opened expect it"
                .into(),
        );
    }
    if o.probe_binary.is_some() && o.healthcheck.is_none() {
        return Err("--probe-binary needs --healthcheck (see --help)".into());
    }
    o.output = output;
    o.program = program;
    o.args = args.map(|a| from_bytes(a.to_bytes())).collect();
    o.format = format.unwrap_or(Format::Archive);
    o.compression = compression.unwrap_or(Compression::Gzip);
    if let Some(u) = user {
        o.user = u;
    }
    o.tz = if tz_all || (essentials_tz && zones.is_empty()) {
        Tz::All
    } else if zones.is_empty() {
        Tz::None
    } else {
        zones.sort();
        zones.dedup();
        Tz::Zones(zones)
    };
    if o.healthcheck.is_some() && o.compression == Compression::Zstd {
        return Err(
            "--healthcheck and --compression zstd: a health check needs Docker's \
                    image format, which has no zstd layers"
                .into(),
        );
    }
    Ok(Command::Pack(alloc::boxed::Box::new(o)))
}

/// The image's name without `--tag`: PROGRAM's file name, lower-case, with what a name may not
/// hold made `-`, and the tag `latest`.
pub fn default_tag(program: &[u8]) -> String {
    let name = program.rsplit(|&b| b == b'/').next().unwrap_or(program);
    let mut out: String = name
        .iter()
        .map(|&b| match b.to_ascii_lowercase() {
            c @ (b'a'..=b'z' | b'0'..=b'9' | b'.' | b'_' | b'-') => char::from(c),
            _ => '-',
        })
        .collect();
    let trimmed = out.trim_start_matches(['.', '-', '_']).to_string();
    out = if trimmed.is_empty() {
        "image".into()
    } else {
        trimmed
    };
    format!("{out}:latest")
}

#[cfg(test)]
mod tests;
