#!/usr/bin/env bash
# Writes the multi-architecture image (the manifest list of `cargo make image-multiarch`) as one
# OCI archive holding every platform, $HELLO_ARCHIVE (default
# target/hello-nostd-multiarch.oci.tar), with `podman manifest push --all … oci-archive:…`, and
# prints its path and size in bytes. `podman load` of it loads the host's platform.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
image=${HELLO_IMAGE:-hello-nostd}
out=${HELLO_ARCHIVE:-$root/target/hello-nostd-multiarch.oci.tar}

if ! command -v podman >/dev/null; then
  echo "error: image-save-multiarch needs Podman (apt-get install podman)" >&2
  exit 1
fi
if ! podman manifest inspect "$image" >/dev/null 2>&1; then
  echo "error: no manifest list $image: run \`cargo make image-multiarch\` first" >&2
  exit 1
fi
mkdir -p -- "$(dirname -- "$out")"
rm -f -- "$out"
podman manifest push --quiet --all "$image" "oci-archive:$out"
echo "$out: $(stat -c %s -- "$out") bytes"
