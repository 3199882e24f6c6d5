#!/usr/bin/env bash
# Builds the image and runs it (`docker run --rm --network none hello-nostd`, or podman).
# Without any container engine it says so in one line and runs the binary in an empty root with
# scratch-run.sh instead.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
image=${HELLO_IMAGE:-hello-nostd}

engine=$("$root/scripts/engine.sh" --or-none)
if [[ "$engine" == none ]]; then
  echo "no container engine (Docker or Podman) found: running hello-nostd in an empty root with \`cargo make scratch-run\` instead" >&2
  exec "$root/scripts/scratch-run.sh"
fi
CONTAINER_ENGINE=$engine "$root/scripts/image.sh"
# hello-nostd needs no network. `--network none` also spares rootless Podman its network helper
# (slirp4netns), which fails where /dev/net/tun is not available to users.
echo "+ $engine run --rm --network none $image" >&2
exec "$engine" run --rm --network none "$image"
