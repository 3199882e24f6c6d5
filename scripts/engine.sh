#!/usr/bin/env bash
# Prints the container engine that the image tasks use: `docker` or `podman`.
#
# CONTAINER_ENGINE=docker|podman forces one. Otherwise: docker when a daemon answers `docker info`
# (a Docker daemon, or Podman's Docker-compatible socket named by DOCKER_HOST), else podman when it
# is installed. With neither it prints one line on stderr and exits 1; with `--or-none` it prints
# `none` instead (the run task then falls back to scratch-run).
set -euo pipefail

has() { command -v "$1" >/dev/null 2>&1; }

case "${CONTAINER_ENGINE:-}" in
docker | podman)
  if ! has "$CONTAINER_ENGINE"; then
    echo "error: CONTAINER_ENGINE=$CONTAINER_ENGINE but \`$CONTAINER_ENGINE\` is not on PATH: install it or unset CONTAINER_ENGINE" >&2
    exit 1
  fi
  echo "$CONTAINER_ENGINE"
  ;;
"")
  if has docker && docker info >/dev/null 2>&1; then
    echo docker
  elif has podman; then
    echo podman
  elif [[ "${1:-}" == --or-none ]]; then
    echo none
  else
    if has docker; then why="\`docker info\` fails (no Docker daemon answers) and podman is not installed"; else why="neither docker nor podman is on PATH"; fi
    echo "error: no container engine: $why; install Docker (https://docs.docker.com/engine/install/) or Podman (apt-get install podman), or use \`cargo make scratch-run\`, which runs hello-nostd without one" >&2
    exit 1
  fi
  ;;
*)
  echo "error: CONTAINER_ENGINE=$CONTAINER_ENGINE is not supported: set it to docker or podman, or unset it to pick one automatically" >&2
  exit 1
  ;;
esac
