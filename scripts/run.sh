#!/usr/bin/env bash
# Builds the image and runs it (`docker run --rm hello-nostd`, or podman). Without any container
# engine it says so in one line and runs the binary in an empty root with scratch-run.sh instead.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
image=${HELLO_IMAGE:-hello-nostd}

engine=$("$root/scripts/engine.sh" --or-none)
if [[ "$engine" == none ]]; then
  echo "no container engine (Docker or Podman) found: running hello-nostd in an empty root with \`cargo make scratch-run\` instead" >&2
  exec "$root/scripts/scratch-run.sh"
fi
CONTAINER_ENGINE=$engine "$root/scripts/image.sh"
exec "$engine" run --rm "$image"
