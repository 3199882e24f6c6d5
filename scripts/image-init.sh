#!/usr/bin/env bash
# Builds the image $INIT_IMAGE (default scratch-init) from scratch-init/Containerfile with
# build-image.sh (the engine engine.sh picks): scratch-init as PID 1 of a small app, kit-selftest.
# The build context is the repository root; .dockerignore sends only the two release binaries,
# which `cargo xtask build x86_64 -p scratch-init -p kit-selftest` must have built.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
image=${INIT_IMAGE:-scratch-init}

for name in scratch-init kit-selftest; do
  bin=$root/target/x86_64-unknown-linux-musl/release/$name
  if [[ ! -f "$bin" ]]; then
    echo "error: $bin is missing: build it with \`cargo xtask build x86_64 -p scratch-init -p kit-selftest\`" >&2
    exit 1
  fi
done
exec "$root/scripts/build-image.sh" "$image" "$root/scratch-init/Containerfile" "$root"
