#!/usr/bin/env bash
# Saves the image $HELLO_IMAGE as a tar archive at $HELLO_ARCHIVE (default
# target/hello-nostd.oci.tar) that both `docker load` and `podman load` accept, then prints the
# archive's path and size in bytes.
#
# With Podman: an OCI image layout (`podman save --format oci-archive`) plus a Docker
# `manifest.json` naming the same blobs, the layout `docker save` itself writes since Docker 25.
# Docker's classic image store loads only archives with a manifest.json; Podman reads the OCI
# layout. With Docker: `docker save` (an OCI layout plus manifest.json from Docker 25 on).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
image=${HELLO_IMAGE:-hello-nostd}
out=${HELLO_ARCHIVE:-$root/target/hello-nostd.oci.tar}

engine=$("$root/scripts/engine.sh")
mkdir -p -- "$(dirname -- "$out")"
rm -f -- "$out"

if [[ "$engine" == docker ]]; then
  docker save --output "$out" "$image"
else
  podman save --quiet --format oci-archive --output "$out" "$image"

  tmp=$(mktemp -d)
  trap 'rm -rf -- "$tmp"' EXIT
  # The sha256 values of the "digest" fields of a JSON file, in order.
  digests() { grep -o '"digest":"sha256:[0-9a-f]\{64\}"' "$1" | sed 's/.*sha256:\([0-9a-f]*\)"/\1/'; }

  tar -xf "$out" -C "$tmp" index.json
  manifest=$(digests "$tmp/index.json" | head -n 1)
  tar -xf "$out" -C "$tmp" "blobs/sha256/$manifest"
  # An image manifest lists its config first, then its layers.
  mapfile -t blobs < <(digests "$tmp/blobs/sha256/$manifest")
  id=$(podman image inspect --format '{{.Id}}' "$image")
  if [[ "${blobs[0]}" != "$id" ]]; then
    echo "error: unexpected OCI manifest in $out: config ${blobs[0]}, image id $id" >&2
    exit 1
  fi
  # Docker wants a name:tag in RepoTags; add :latest when the last path part has no tag.
  tag=$image
  [[ "${tag##*/}" == *:* ]] || tag=$tag:latest
  layers=$(printf ',"blobs/sha256/%s"' "${blobs[@]:1}")
  printf '[{"Config":"blobs/sha256/%s","RepoTags":["%s"],"Layers":[%s]}]\n' \
    "$id" "$tag" "${layers#,}" >"$tmp/manifest.json"
  tar -rf "$out" -C "$tmp" manifest.json
fi
echo "$out: $(stat -c %s -- "$out") bytes"
