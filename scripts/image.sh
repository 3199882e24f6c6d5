#!/usr/bin/env bash
# Builds the image $HELLO_IMAGE (default hello-nostd) from the repository's Dockerfile with the
# engine chosen by engine.sh. The build context is the repository root; .dockerignore sends only
# the release binary, which `cargo make build` must have built.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
image=${HELLO_IMAGE:-hello-nostd}
bin=$root/target/x86_64-unknown-linux-musl/release/hello-nostd

engine=$("$root/scripts/engine.sh")
if [[ ! -f "$bin" ]]; then
  echo "error: $bin is missing: build it with \`cargo make build\`" >&2
  exit 1
fi
# A manifest list of that name (from `cargo make image-multiarch`) would be left behind untagged,
# which Podman 4.3 then reports as broken in `podman images`: remove it first.
if [[ "$engine" == podman ]] && podman manifest inspect "$image" >/dev/null 2>&1; then
  podman manifest rm "$image" >/dev/null
fi
# No time of the build in the image: its creation time and its history's are SOURCE_DATE_EPOCH
# (scripts/source-date-epoch.sh). With Podman, --timestamp sets them and every file's time in the
# layer, so the same binary gives the same image digest on any machine; --layers=false makes
# each build a real one (no intermediate image of an earlier build is reused). With Docker,
# BuildKit (docker buildx 0.10 on) takes SOURCE_DATE_EPOCH from the environment for the config
# and the history, while the layer keeps the binary's modification time; the classic builder
# has no such setting.
# The engine's progress output goes to stderr, so that stdout of `cargo make run` is the program's.
epoch=$("$root/scripts/source-date-epoch.sh")
if [[ "$engine" == podman ]]; then
  reproducible=(--layers=false --timestamp "$epoch")
else
  reproducible=()
fi
SOURCE_DATE_EPOCH=$epoch "$engine" build "${reproducible[@]}" --tag "$image" --file "$root/Dockerfile" "$root" >&2
echo "built image $image with $engine" >&2
