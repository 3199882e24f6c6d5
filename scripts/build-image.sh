#!/usr/bin/env bash
# Builds a container image: the one way the image scripts build (image.sh, image-probe.sh,
# image-init.sh), with the engine engine.sh picks (CONTAINER_ENGINE=docker|podman forces one).
#
#   build-image.sh [--docker-format] IMAGE CONTAINERFILE CONTEXT
#
# --docker-format: with Podman, build in the Docker image format, which keeps HEALTHCHECK (the OCI
# format has no such field, and Podman drops the instruction from an OCI build); Docker always
# builds that format.
#
# No time of the build in the image: its creation time and its history's are SOURCE_DATE_EPOCH
# (scripts/source-date-epoch.sh). With Podman, --timestamp sets them and every file's time in the
# layer, so the same files give the same image digest on any machine; --layers=false makes each
# build a real one (no intermediate image of an earlier build is reused). With Docker, BuildKit
# (docker buildx 0.10 on) takes SOURCE_DATE_EPOCH from the environment for the config and the
# history, while the layer keeps the files' modification times; the classic builder has no such
# setting.
#
# The engine's progress output goes to stderr (so that stdout of `cargo make run` is the
# program's), and so does the last line, `built image IMAGE with ENGINE`.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
docker_format=
if [[ "${1:-}" == --docker-format ]]; then
  docker_format=1
  shift
fi
if [[ $# -ne 3 ]]; then
  echo "usage: build-image.sh [--docker-format] IMAGE CONTAINERFILE CONTEXT" >&2
  exit 2
fi
image=$1 containerfile=$2 context=$3

engine=$("$root/scripts/engine.sh")
# A manifest list of that name (from `cargo make image-multiarch`) would be left behind untagged,
# which Podman 4.3 then reports as broken in `podman images`: remove it first.
if [[ "$engine" == podman ]] && podman manifest inspect "$image" >/dev/null 2>&1; then
  podman manifest rm "$image" >/dev/null
fi
epoch=$("$root/scripts/source-date-epoch.sh")
options=()
if [[ "$engine" == podman ]]; then
  options=(--layers=false --timestamp "$epoch")
  if [[ -n "$docker_format" ]]; then
    options+=(--format docker)
  fi
fi
SOURCE_DATE_EPOCH=$epoch "$engine" build "${options[@]}" --tag "$image" --file "$containerfile" "$context" >&2
echo "built image $image with $engine" >&2
