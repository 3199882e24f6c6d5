#!/usr/bin/env bash
# Builds the image $PROBE_IMAGE (default scratch-probe) from scratch-probe/Containerfile with the
# engine chosen by engine.sh. The build context is a temporary directory holding only the
# release binary, which `cargo build-nostd -p scratch-probe` must have built. Podman builds in
# the Docker format: the OCI image format has no HEALTHCHECK.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
image=${PROBE_IMAGE:-scratch-probe}
bin=$root/target/x86_64-unknown-linux-musl/release/scratch-probe

engine=$("$root/scripts/engine.sh")
if [[ ! -f "$bin" ]]; then
  echo "error: $bin is missing: build it with \`cargo build-nostd -p scratch-probe\`" >&2
  exit 1
fi
context=$(mktemp -d)
trap 'rm -rf "$context"' EXIT
cp "$bin" "$context/scratch-probe"
format=()
if [[ "$engine" == podman ]]; then format=(--format docker); fi
"$engine" build "${format[@]}" --tag "$image" --file "$root/scratch-probe/Containerfile" "$context" >&2
echo "built image $image with $engine ($(stat -c %s "$bin") bytes of probe)" >&2
