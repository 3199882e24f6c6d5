#!/usr/bin/env bash
# Builds the no_std programs (hello-nostd, kit-selftest) for one architecture or all:
#   scripts/build-arch.sh [x86_64|aarch64|riscv64|all]   (default: $ARCH, else all)
# and prints each hello-nostd's path and size.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=scripts/arch.sh
source "$root/scripts/arch.sh"

[[ "${1:-}" == -- ]] && shift
arches=$(arch_list "${1:-${ARCH:-all}}")
cd "$root"
for arch in $arches; do
  arch_add_target "$arch"
  cargo "$(arch_alias "$arch")" -p hello-nostd -p kit-selftest
  bin=target/$(arch_triple "$arch")/release/hello-nostd
  echo "$arch: $bin: $(stat -c %s "$bin") bytes"
done
