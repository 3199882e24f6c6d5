//! `--image PATH`: the image's files read with system calls (`scratch_doctor::image::host`:
//! an archive, or the files of a directory opened with `openat2(2)` beneath it, with `pread(2)`
//! through a read-ahead buffer), then the analysis of `scratch_doctor::image`.

use core::ffi::CStr;

use super::host_root::HostRoot;
use scratch_doctor::image::ImageError;
use scratch_doctor::image::config::{self, Platform};
use scratch_doctor::image::host;
use scratch_doctor::image::layers::{ImageRoot, apply_layers};
use scratch_doctor::image::report::ImageReport;
use scratch_doctor::image::start::diagnose;
use scratch_doctor::paths::from_bytes;

/// The report on the image at `path`, for `platform` (`--platform`), or the one-line problem.
pub fn doctor(path: &CStr, platform: Option<&CStr>) -> Result<ImageReport, ImageError> {
    let shown = from_bytes(path.to_bytes());
    let want = match platform {
        Some(p) => Some(Platform::parse(&from_bytes(p.to_bytes()))?),
        None => None,
    };
    let mut storage = host::open(path, &shown)?;
    let image = config::load(&mut *storage, want.as_ref())?;
    let tree = apply_layers(&mut *storage, &image)?;
    let mut host = HostRoot;
    let mut root = ImageRoot::new(&mut *storage, &image, tree).with_host(&mut host);
    let mut report = diagnose(&mut root, &image, &shown);
    // The size on this machine of each file the image lacks, for the fix.
    scratch_doctor::needs::add_sizes_here(&mut report.needs, &mut HostRoot).map_err(ImageError)?;
    Ok(report)
}
