//! What the runtime does when it starts a container of the image, step by step, and the
//! first step that fails, with the error the runtime prints (runc's wording, which Podman and
//! Docker pass on) and the fix:
//!
//! 1. the user (`User`): a name needs `/etc/passwd` (a group name `/etc/group`) in the image
//!    (the engine looks it up before the runtime starts);
//! 2. the command: `Entrypoint` + `Cmd`; a name without `/` looked up in the image's `PATH`
//!    as Go's `exec.LookPath` does in runc (a regular file with an execute bit); a relative
//!    path against `WorkingDir`;
//! 3. `execve(2)` of it as that user: an execute bit for the user;
//! 4. its format: an ELF file of the image's platform, or a `#!` script whose interpreter is
//!    in the image (checked the same way); anything else is `ENOEXEC`;
//! 5. a dynamic ELF file: its `PT_INTERP`, then every library found the way the loader finds
//!    it in the image ([`resolve_closure`](crate::resolve_closure) over the image's
//!    [`ImageRoot`]), then the symbol versions they need of each other;
//! 6. a `HEALTHCHECK` in `CMD-SHELL` form needs `/bin/sh` (a hint: the container starts).
//!
//! | file | what it holds |
//! |---|---|
//! | `mod.rs` | [`diagnose`]: the steps in order, and what they work with (`Start`) |
//! | `users.rs` | step 1: the user, from `/etc/passwd` and `/etc/group` |
//! | `lookup.rs` | step 2: the command, found as `exec.LookPath` finds it |
//! | `exec.rs` | steps 3 and 4: the execute permission, the format, a `#!` line's interpreter |
//! | `loader.rs` | step 5: the ELF interpreter, the libraries, their symbol versions ([`versions`](super::versions)) |
//! | `hints.rs` | step 6 and the other hints: what starts but will fail once it runs |
//! | `needs.rs` | the files the program will look for once it runs ([`needs`](crate::needs)), checked against the image's |
//! | `foreign.rs` | the hint on an image for another machine: what this host does with it |
//! | `go_errno.rs` | the texts of `errno` values as runc prints them (Go's) |

mod exec;
mod foreign;
mod go_errno;
mod hints;
mod loader;
mod lookup;
mod needs;
mod users;

use alloc::string::{String, ToString};
use alloc::vec::Vec;

pub use lookup::ENGINE_DEFAULT_PATH;

use super::config::Image;
use super::layers::ImageRoot;
use super::report::{Failure, ImageReport};
use exec::Exec;
use users::{User, user_of};

/// What the steps of one start work with: the image's merged root and its config, the user the
/// container runs as, and the report they fill in (the program and its format, once found).
struct Start<'a, 'r> {
    root: &'a mut ImageRoot<'r>,
    image: &'a Image,
    user: User,
    report: &'a mut ImageReport,
}

/// The verdict on the image whose merged root is `root`.
pub fn diagnose(root: &mut ImageRoot<'_>, image: &Image, name: &str) -> ImageReport {
    let mut report = ImageReport {
        image: name.into(),
        format: image.format,
        platform: image.platform.to_string(),
        platforms: image.platforms.iter().map(ToString::to_string).collect(),
        reference: image.reference.clone(),
        layers: image.layers.len(),
        command: image
            .run
            .entrypoint
            .iter()
            .chain(&image.run.cmd)
            .cloned()
            .collect(),
        program: None,
        user: String::new(),
        file_format: None,
        failure: None,
        needs: Vec::new(),
        needs_unread: None,
        hints: Vec::new(),
    };
    report.failure = steps(root, image, &mut report).err();
    hints::add(root, image, &mut report);
    report
}

/// Steps 1 to 5, up to the first that fails.
fn steps(root: &mut ImageRoot<'_>, image: &Image, report: &mut ImageReport) -> Result<(), Failure> {
    let (user, shown) = user_of(root, &image.run.user).inspect_err(|_| {
        report.user = image.run.user.clone();
    })?;
    report.user = shown;
    let Some(arg0) = report.command.first().cloned() else {
        return Err(Failure::new(
            "the image has neither Entrypoint nor Cmd".into(),
            "no command or entrypoint provided, and no CMD or ENTRYPOINT from image".into(),
            "add ENTRYPOINT [\"/prog\"] (exec form) to the Containerfile",
        ));
    };
    let mut start = Start {
        root,
        image,
        user,
        report,
    };
    let name = lookup::command(&mut start, &arg0)?;
    let in_image = start
        .root
        .stat(&name, true)
        .map(|(p, _)| p)
        .unwrap_or_else(|_| name.clone());
    start.report.program = Some(in_image.clone());
    exec::check(
        &mut start,
        &Exec {
            name: &name,
            in_image: &in_image,
            argv0: &arg0,
            depth: 0,
        },
    )
}

#[cfg(test)]
mod tests;
