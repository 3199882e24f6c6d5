# shellcheck shell=bash
# The architectures of the no_std programs, for the other scripts: `source scripts/arch.sh`.
#
#   arch_list ARG      the architectures ARG names: x86_64, aarch64, riscv64, or all (default)
#   arch_triple ARCH   its rustup target
#   arch_alias ARCH    its cargo alias in .cargo/config.toml (build-nostd, build-nostd-aarch64 …)
#   arch_qemu ARCH     the qemu-user program that runs it on x86_64 (empty for x86_64)
#   arch_platform ARCH its OCI platform (linux/amd64, linux/arm64, linux/riscv64)

ARCHES=(x86_64 aarch64 riscv64)

arch_list() {
  case "${1:-all}" in
  all) echo "${ARCHES[@]}" ;;
  x86_64 | aarch64 | riscv64) echo "$1" ;;
  *)
    echo "error: unknown architecture '$1': use x86_64, aarch64, riscv64 or all" >&2
    return 1
    ;;
  esac
}

arch_triple() {
  case "$1" in
  x86_64) echo x86_64-unknown-linux-musl ;;
  aarch64) echo aarch64-unknown-linux-musl ;;
  riscv64) echo riscv64gc-unknown-linux-gnu ;;
  esac
}

arch_alias() {
  case "$1" in
  x86_64) echo build-nostd ;;
  *) echo "build-nostd-$1" ;;
  esac
}

arch_qemu() {
  case "$1" in
  x86_64) echo "" ;;
  *) echo "qemu-$1" ;;
  esac
}

arch_platform() {
  case "$1" in
  x86_64) echo linux/amd64 ;;
  aarch64) echo linux/arm64 ;;
  riscv64) echo linux/riscv64 ;;
  esac
}

# Adds the rustup target of ARCH when it is missing.
arch_add_target() {
  local triple
  triple=$(arch_triple "$1")
  if ! command -v rustup >/dev/null; then
    echo "error: rustup not found: install the Rust target $triple with your toolchain's own means" >&2
    return 1
  fi
  rustup target list --installed | grep -qx "$triple" || rustup target add "$triple"
}
