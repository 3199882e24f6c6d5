//! An image's platform (`linux/amd64`, `linux/arm/v7`): from its program's ELF header, or as
//! `--platform` gives it, which must be the program's.

use alloc::format;
use alloc::string::String;

use scratch_doctor::image::config::{ARCHITECTURES, Platform};

/// `EF_ARM_ABI_FLOAT_HARD` of a 32-bit arm program's `e_flags`: floats passed in VFP registers.
const EF_ARM_ABI_FLOAT_HARD: u32 = 0x400;

/// The platform of a program for `machine` (scratch-doctor's machine name, `x86_64`), of the
/// byte order `big_endian` and with the ELF header's `e_flags`: `linux` and the OCI
/// architecture (scratch-doctor's table); the variant `v8` for arm64, and for 32-bit arm `v7`
/// for a hard-float program, `v5` for a soft-float one (Debian's armhf and armel;
/// `--platform linux/arm/v6` says otherwise).
pub fn of_machine(machine: &str, big_endian: bool, e_flags: u32) -> Result<Platform, String> {
    let arch = ARCHITECTURES
        .iter()
        .find(|(_, m)| *m == machine)
        .map(|(a, _)| *a)
        .ok_or_else(|| format!("a program for {machine}, which has no OCI platform name"))?;
    let arch = match arch {
        // One machine name for both byte orders: the table lists mips64le first.
        "mips64le" if big_endian => "mips64",
        a => a,
    };
    let variant = match arch {
        "arm64" => Some("v8"),
        "arm" if e_flags & EF_ARM_ABI_FLOAT_HARD != 0 => Some("v7"),
        "arm" => Some("v5"),
        _ => None,
    };
    Ok(Platform {
        os: "linux".into(),
        architecture: arch.into(),
        variant: variant.map(Into::into),
    })
}

/// The platform of the image: `given` (`--platform`) if it names the program's OS and
/// architecture (its variant may differ: `v6` for an arm program), else the program's.
pub fn choose(given: Option<&Platform>, program: Platform) -> Result<Platform, String> {
    let Some(given) = given else {
        return Ok(program);
    };
    if given.os != program.os || given.architecture != program.architecture {
        return Err(format!(
            "--platform {given} does not match the program, which is for {program}"
        ));
    }
    let variant = given.variant.clone().or(program.variant);
    Ok(Platform {
        variant,
        ..given.clone()
    })
}

#[cfg(test)]
mod tests;
