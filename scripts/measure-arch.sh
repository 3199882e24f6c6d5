#!/usr/bin/env bash
# Prints the table of docs/architectures.md, hello-nostd per architecture: size in bytes and
# system calls after execve, counted by strace on x86_64 and by `qemu-ARCH -strace` for the
# others. Run scripts/build-arch.sh first (`cargo make measure-arch` does).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=scripts/arch.sh
source "$root/scripts/arch.sh"
cd "$root"

need() {
  command -v "$1" >/dev/null || {
    echo "error: $1 not found (Debian/Ubuntu: apt-get install $2)" >&2
    exit 2
  }
}
need strace strace

log=$(mktemp)
trap 'rm -f "$log"' EXIT
echo "| architecture | rustup target | bytes | system calls | output |"
echo "|---|---|---|---|---|"
for arch in "${ARCHES[@]}"; do
  bin=target/$(arch_triple "$arch")/release/hello-nostd
  qemu=$(arch_qemu "$arch")
  if [[ -z "$qemu" ]]; then
    out=$(strace -f -qq -o "$log" "$bin")
    # Drop the pid, the execve line and blank lines; the rest are the program's calls.
    calls=$(sed -E 's/^[0-9]+ +//; s/\(.*//' "$log" | grep -v '^execve$' | paste -sd, -)
  else
    need "$qemu" qemu-user
    out=$("$qemu" -strace "$bin" 2>"$log")
    calls=$(sed -E 's/^[0-9]+ +//; s/\(.*//' "$log" | paste -sd, -)
  fi
  n=$(tr ',' '\n' <<<"$calls" | grep -c .)
  echo "| $arch | \`$(arch_triple "$arch")\` | $(stat -c %s "$bin") | $n (${calls//,/, }) | $out |"
done
