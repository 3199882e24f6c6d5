#!/usr/bin/env bash
# Builds the image $SERVE_IMAGE (default scratch-serve) from scratch-serve/Containerfile with
# build-image.sh (the engine engine.sh picks; with Podman in the Docker format, which keeps
# HEALTHCHECK). The build context is a temporary directory holding only the two release binaries,
# which `cargo xtask build x86_64 -p scratch-serve -p scratch-probe` must have built, and the site
# of scratch-serve/site.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
image=${SERVE_IMAGE:-scratch-serve}
release=$root/target/x86_64-unknown-linux-musl/release

for name in scratch-serve scratch-probe; do
  if [[ ! -f "$release/$name" ]]; then
    echo "error: $release/$name is missing: build it with \`cargo xtask build x86_64 -p scratch-serve -p scratch-probe\`" >&2
    exit 1
  fi
done
context=$(mktemp -d)
trap 'rm -rf "$context"' EXIT
cp "$release/scratch-serve" "$release/scratch-probe" "$context/"
# Readable by the image's user, 65534, whatever the umask of the checkout.
cp -r "$root/scratch-serve/site" "$context/site"
chmod -R a+rX "$context/site"
"$root/scripts/build-image.sh" --docker-format "$image" "$root/scratch-serve/Containerfile" "$context"
echo "the server in $image: $(stat -c %s "$release/scratch-serve") bytes, the probe $(stat -c %s "$release/scratch-probe")" >&2
