#!/usr/bin/env bash
# Builds the image for every architecture of the table (`cargo xtask arches`: linux/amd64,
# linux/arm64/v8, linux/riscv64 …) and a manifest list named $HELLO_IMAGE (default hello-nostd)
# holding them, with Podman's own multi-platform support
# (`podman build --platform`, `podman manifest create` and `podman manifest add`), so that
# `podman run hello-nostd` picks the image of the host's architecture. Each platform's image is
# also tagged $HELLO_IMAGE:<platform less linux/, / as -> (amd64, arm64-v8, arm-v6 …):
# `podman run hello-nostd:arm64-v8` runs the arm64 one (through qemu binfmt on another host).
# Run `cargo xtask build-arch all` first (`cargo make image-multiarch` does).
#
# Podman only: with Docker the same needs `docker buildx` and a builder that can emulate the
# other platforms, which this project's machines do not have to test it.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
image=${HELLO_IMAGE:-hello-nostd}

if [[ "${CONTAINER_ENGINE:-podman}" != podman ]] || ! command -v podman >/dev/null; then
  echo "error: image-multiarch needs Podman (podman manifest); install it (apt-get install podman) — with Docker, build each platform with docker buildx" >&2
  exit 1
fi
# NAME TRIPLE PLATFORM QEMU BINFMT, a line an architecture (an assignment, so that set -e stops
# the script when the xtask fails, which a process substitution would hide).
table=$(cd "$root" && cargo xtask arches)
mapfile -t arches <<<"$table"
for line in "${arches[@]}"; do
  read -r _ triple _ _ <<<"$line"
  bin=target/$triple/release/hello-nostd
  [[ -f "$root/$bin" ]] || {
    echo "error: $bin is missing: run \`cargo make build-arch\` first" >&2
    exit 1
  }
done

# One image per platform, tagged by platform, then the list of them all under the plain
# name. A manifest list cannot take the name of an image: drop an earlier single-platform image
# or list of that name first.
podman manifest rm "$image" >/dev/null 2>&1 || podman rmi "$image" >/dev/null 2>&1 || true
# --timestamp: the creation time of each image and its files' times are SOURCE_DATE_EPOCH
# (scripts/source-date-epoch.sh), so the same binaries give the same digests (see image.sh).
epoch=$("$root/scripts/source-date-epoch.sh")
# The tag of a platform: the platform less `linux/`, a `/` before a variant as `-` (arm/v7:
# arm-v7), since a tag holds no `/`.
tag_of() {
  local t=${1#linux/}
  echo "${t//\//-}"
}
for line in "${arches[@]}"; do
  read -r _ triple platform _ <<<"$line"
  tag=$(tag_of "$platform")
  podman build --quiet --layers=false --timestamp "$epoch" --platform "$platform" \
    --build-arg "HELLO_BIN=target/$triple/release/hello-nostd" \
    --tag "$image:$tag" --file "$root/Dockerfile" "$root" >/dev/null
  echo "built $image:$tag for $platform" >&2
done
podman manifest create "$image" >/dev/null
# Each entry's platform is the row's, given explicitly: Podman 4.3 takes it from the image's
# config otherwise, where its build writes variant v7 for every arm image, v6 and v5 too (the
# list would then say arm/v7 three times).
for line in "${arches[@]}"; do
  read -r _ _ platform _ <<<"$line"
  IFS=/ read -r os arch variant <<<"$platform"
  podman manifest add --os "$os" --arch "$arch" ${variant:+--variant "$variant"} \
    "$image" "containers-storage:localhost/$image:$(tag_of "$platform")" >/dev/null
done
echo "built manifest list $image: $(podman manifest inspect "$image" | grep -o '"architecture": *"[a-z0-9]*"' | grep -o '[a-z0-9]*"$' | tr -d '"' | paste -sd ' ' -)" >&2
