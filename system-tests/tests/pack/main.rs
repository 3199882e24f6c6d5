//! scratch-pack against reality: the images it writes loaded and run by the engines and read
//! by the other tools that read images, its reproducibility, and its bad input.
//!
//! | module | what it shows |
//! |---|---|
//! | [`reproducible`] | the same inputs give the same bytes, whatever their times, owners, order and umask; any change of an input changes them |
//! | [`engines`] | `podman load` + `run` (hello-nostd as the Dockerfile's image runs, a dynamic C program, a Go program with `--essentials`), `docker load`, `skopeo inspect` and `copy`, `umoci unpack`, zstd and plain layers, shared layers, every config option as the engine reads it, a `--copy-closure` tree given with `--root`, scratch-pack in its own image writing the same bytes |
//! | [`registry`] | a real registry (Debian's `docker-registry`) on loopback: pushed with skopeo, the digest it reports, `podman pull` + `run`, a multi-platform index of the ten hellos |
//! | [`runtime`] | `--init`: `podman stop` ends by the forwarded SIGTERM; `--healthcheck`: healthy, then unhealthy |
//! | [`trace`] | `--trace`: a traced Python run and `date` with `--env TZ` run in Podman as here, the same bytes twice, a failed run refused, `--timeout` |
//! | [`bad_input`] | every bad input one line and exit status 2, nothing left behind; long, non-UTF-8 names and a file over 8 GiB in pax records |
//!
//! Every image a test writes is also read by `scratch-doctor --image`, which must say it
//! starts ([`common::doctor_says_it_starts`]).
//!
//! On this project's CI machines Podman needs `.ci/setup-engine.sh` sourced first (runc,
//! cgroupfs, lower ulimits); elsewhere `export CONTAINERS_CONF=$PWD/.ci/containers.conf`.

mod bad_input;
mod common;
mod engines;
mod registry;
mod reproducible;
mod runtime;
mod trace;
