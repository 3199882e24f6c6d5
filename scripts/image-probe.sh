#!/usr/bin/env bash
# Builds the image $PROBE_IMAGE (default scratch-probe) from scratch-probe/Containerfile with
# build-image.sh (the engine engine.sh picks; with Podman in the Docker format, which keeps
# HEALTHCHECK). The build context is a temporary directory holding only the release binary,
# which `cargo build-nostd -p scratch-probe` must have built.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
image=${PROBE_IMAGE:-scratch-probe}
bin=$root/target/x86_64-unknown-linux-musl/release/scratch-probe

if [[ ! -f "$bin" ]]; then
  echo "error: $bin is missing: build it with \`cargo build-nostd -p scratch-probe\`" >&2
  exit 1
fi
context=$(mktemp -d)
trap 'rm -rf "$context"' EXIT
cp "$bin" "$context/scratch-probe"
"$root/scripts/build-image.sh" --docker-format "$image" "$root/scratch-probe/Containerfile" "$context"
echo "the probe in $image: $(stat -c %s "$bin") bytes" >&2
