#!/usr/bin/env bash
# Builds the image $HELLO_IMAGE (default hello-nostd) from the repository's Dockerfile with
# build-image.sh (the engine engine.sh picks, no time of the build in the image). The build
# context is the repository root; .dockerignore sends only the release binary, which
# `cargo make build` must have built.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
image=${HELLO_IMAGE:-hello-nostd}
bin=$root/target/x86_64-unknown-linux-musl/release/hello-nostd

if [[ ! -f "$bin" ]]; then
  echo "error: $bin is missing: build it with \`cargo make build\`" >&2
  exit 1
fi
exec "$root/scripts/build-image.sh" "$image" "$root/Dockerfile" "$root"
