#!/usr/bin/env bash
# Measures a hello binary the way the README reports it: its size in bytes and the system calls
# it makes after execve, as strace sees them. Usage: scripts/measure-hello.sh [BINARY]
set -euo pipefail

bin=${1:-target/x86_64-unknown-linux-musl/release/hello-nostd}
if [ ! -x "$bin" ]; then
  echo "measure-hello: $bin: not found or not executable (run: cargo make build)" >&2
  exit 2
fi
if ! command -v strace >/dev/null; then
  echo "measure-hello: strace not found (Debian/Ubuntu: apt-get install strace)" >&2
  exit 2
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT
strace -f -qq -o "$log" "$bin" >/dev/null

# Drop the process id strace -f puts first and the execve line itself; fold runs of spaces.
calls=$(sed -E 's/^[0-9]+ +//; s/ +/ /g' "$log" | grep -v '^execve(' || true)

echo "binary: $(realpath --relative-to=. "$bin")"
echo "bytes: $(stat -c %s "$bin")"
echo "system calls after execve: $(printf '%s\n' "$calls" | grep -c .)"
printf '%s\n' "$calls" | sed 's/^/  /'
