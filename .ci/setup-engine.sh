# shellcheck shell=bash
# Makes Podman usable for CI and the system tests on this project's CI machines, and exports the
# environment the tests use. Sourced by .ci/run (as root): `source .ci/setup-engine.sh`.
#
# What it does, idempotently:
#  1. installs the Debian packages in ENGINE_APT_PACKAGES that are missing;
#  2. exports CONTAINERS_CONF=.ci/containers.conf (runc, cgroupfs, lower ulimits: see that file);
#  3. starts `podman system service` on a Unix socket unless one already answers there, and
#     exports DOCKER_HOST so that the docker CLI drives Podman; waits until it answers.
# Users with a working Docker or Podman need none of this.

# Podman and the runtime it must use here (runc: see containers.conf), uidmap for rootless use,
# and the network stack of `podman run` without --network none (netavark rather than CNI).
ENGINE_APT_PACKAGES="podman runc uidmap netavark aardvark-dns iptables"
# The docker CLI, only when `docker` is not on PATH: Debian's docker.io (which also ships a daemon,
# kept from starting by a policy-rc.d during the install; DOCKER_HOST points the CLI at Podman).
ENGINE_DOCKER_CLI_PACKAGE="docker.io"

hello_engine_setup() {
  local ci_dir missing=() pkg sock i
  ci_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

  for pkg in $ENGINE_APT_PACKAGES; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  if [[ ${#missing[@]} -gt 0 || -z "$(command -v docker)" ]]; then
    command -v docker >/dev/null || missing+=("$ENGINE_DOCKER_CLI_PACKAGE")
    echo "setup-engine: installing ${missing[*]}" >&2
    # policy-rc.d exit status 101: "do not start services" while the packages install.
    local policy=/usr/sbin/policy-rc.d created_policy=
    if [[ ! -e $policy ]]; then
      printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && created_policy=1
    fi
    local status=0
    DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null ||
      status=$?
    [[ -n $created_policy ]] && rm -f "$policy"
    if [[ $status -ne 0 ]]; then
      echo "setup-engine: apt-get install ${missing[*]} failed" >&2
      return 1
    fi
  fi

  export CONTAINERS_CONF="$ci_dir/containers.conf"
  # The docker CLI cannot use BuildKit through Podman's Docker-compatible API: classic builder.
  export DOCKER_BUILDKIT=0
  if [[ $(id -u) -eq 0 ]]; then
    sock=/run/hello-nostd-podman.sock
  else
    sock=/tmp/hello-nostd-podman-$(id -u).sock
  fi
  export DOCKER_HOST="unix://$sock"

  if ! docker info >/dev/null 2>&1; then
    rm -f "$sock"
    # --time=0: no idle timeout; the service lives as long as the machine (CI) does.
    setsid podman system service --time=0 "$DOCKER_HOST" \
      >/tmp/hello-nostd-podman-service.log 2>&1 </dev/null &
    export HELLO_PODMAN_SERVICE_PID=$!
    for ((i = 0; i < 150; i++)); do # at most 30 s
      docker info >/dev/null 2>&1 && break
      sleep 0.2
    done
    if ! docker info >/dev/null 2>&1; then
      echo "setup-engine: Podman's socket $sock does not answer after 30 s; see /tmp/hello-nostd-podman-service.log" >&2
      return 1
    fi
  fi
  echo "setup-engine: podman $(podman version --format '{{.Client.Version}}') with runc; docker CLI -> $DOCKER_HOST" >&2
}

hello_engine_setup
