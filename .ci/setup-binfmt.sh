# shellcheck shell=bash
# Lets the kernel run aarch64 and riscv64 binaries through qemu-user (binfmt_misc), for the
# multi-architecture tests: the self-test re-executes itself, and foreign images run in the
# container engine. Sourced by .ci/run as root; idempotent.
#
# Debian's qemu-user-static ships the entries in /usr/lib/binfmt.d/qemu-*.conf with the F flag
# (the kernel opens the static interpreter when the entry is registered, so it works inside
# containers and chroots too). binfmt_misc is not mounted by default on these machines.

hello_binfmt_setup() {
  local arch conf
  if [[ ! -e /proc/sys/fs/binfmt_misc/register ]]; then
    mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc || return 1
  fi
  for arch in aarch64 riscv64; do
    conf=/usr/lib/binfmt.d/qemu-$arch.conf
    if [[ ! -e /proc/sys/fs/binfmt_misc/qemu-$arch ]]; then
      if [[ ! -r $conf ]]; then
        echo "setup-binfmt: $conf missing (apt-get install qemu-user-static)" >&2
        return 1
      fi
      cat "$conf" >/proc/sys/fs/binfmt_misc/register || return 1
    fi
    echo "setup-binfmt: qemu-$arch: $(head -n 1 /proc/sys/fs/binfmt_misc/qemu-$arch), $(grep ^flags /proc/sys/fs/binfmt_misc/qemu-$arch)" >&2
  done
}

hello_binfmt_setup
