#!/usr/bin/env bash
# Runs hello-nostd (or the binary given as $1) as /hello in a fresh, empty root directory: no /dev,
# no /proc, no other file. New mount and PID namespaces isolate it; as a non-root user a user
# namespace (mapping the caller to root inside it) provides the privileges chroot needs.
# The program's exit status is this script's; the directory is removed on exit.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bin=${1:-$root/target/x86_64-unknown-linux-musl/release/hello-nostd}

if [[ ! -f "$bin" ]]; then
  echo "error: $bin is missing: build it with \`cargo make build\`" >&2
  exit 1
fi
if ! command -v unshare >/dev/null; then
  echo "error: unshare not found: install util-linux" >&2
  exit 1
fi

dir=$(mktemp -d "${TMPDIR:-/tmp}/hello-nostd-root.XXXXXX")
trap 'rm -rf -- "$dir"' EXIT
cp -- "$bin" "$dir/hello"

if [[ "$(id -u)" -eq 0 ]]; then
  namespaces=(--mount --pid --fork)
else
  namespaces=(--user --map-root-user --mount --pid --fork)
fi
status=0
unshare "${namespaces[@]}" --root="$dir" /hello || status=$?
exit "$status"
