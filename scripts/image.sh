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
# The engine's progress output goes to stderr, so that stdout of `cargo make run` is the program's.
"$engine" build --tag "$image" --file "$root/Dockerfile" "$root" >&2
echo "built image $image with $engine" >&2
