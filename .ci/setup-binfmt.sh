# shellcheck shell=bash
# Lets the kernel run the foreign architectures' binaries (aarch64, riscv64 …) through qemu-user (binfmt_misc), for the
# multi-architecture tests: the self-test re-executes itself, and foreign images run in the
# container engine. Sourced by .ci/run as root; idempotent.
#
# Debian's qemu-user-static ships the entries in /usr/lib/binfmt.d/qemu-*.conf with the F flag
# (the kernel opens the static interpreter when the entry is registered, so it works inside
# containers and chroots too). binfmt_misc is not mounted by default on these machines.

hello_binfmt_setup() {
  local qemu conf qemus
  if [[ ! -e /proc/sys/fs/binfmt_misc/register ]]; then
    mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc || return 1
  fi
  # The qemu-user programs of the foreign architectures of the table (`cargo xtask arches`:
  # NAME TRIPLE PLATFORM QEMU BINFMT, BINFMT `-` for those the kernel runs itself, x86_64 and
  # i686).
  qemus=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && cargo xtask arches | awk '$5 != "-" { print $5 }' | sort -u) || return 1
  for qemu in $qemus; do
    conf=/usr/lib/binfmt.d/$qemu.conf
    if [[ ! -e /proc/sys/fs/binfmt_misc/$qemu ]]; then
      if [[ ! -r $conf ]]; then
        echo "setup-binfmt: $conf missing (apt-get install qemu-user-static)" >&2
        return 1
      fi
      cat "$conf" >/proc/sys/fs/binfmt_misc/register || return 1
    fi
    echo "setup-binfmt: $qemu: $(head -n 1 "/proc/sys/fs/binfmt_misc/$qemu"), $(grep ^flags "/proc/sys/fs/binfmt_misc/$qemu")" >&2
  done
}

hello_binfmt_setup
