#!/usr/bin/env bash
# Builds the no_std programs (hello-nostd, hello-locked, kit-selftest) for one architecture or all:
#   scripts/build-arch.sh [x86_64|aarch64|riscv64|all]   (default: $ARCH, else all)
# and prints the path and size of each hello.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=scripts/arch.sh
source "$root/scripts/arch.sh"

[[ "${1:-}" == -- ]] && shift
arches=$(arch_list "${1:-${ARCH:-all}}")
cd "$root"
for arch in $arches; do
  arch_add_target "$arch"
  cargo "$(arch_alias "$arch")" -p hello-nostd -p hello-locked -p kit-selftest
  for hello in hello-nostd hello-locked; do
    bin=target/$(arch_triple "$arch")/release/$hello
    echo "$arch: $bin: $(stat -c %s "$bin") bytes"
  done
done
