#!/usr/bin/env bash
# Builds the image and runs it locked down, printing the exact command first (on stderr, so that
# stdout is the program's):
#   ENGINE run --rm --read-only --cap-drop ALL --network none \
#     --security-opt no-new-privileges --security-opt seccomp=seccomp/hello-nostd.json \
#     --user 65534:65534 hello-nostd
# HELLO_IMAGE names the image (default hello-nostd); HELLO_SECCOMP_PROFILE replaces the profile
# (the system tests' control runs); CONTAINER_ENGINE=docker|podman forces an engine (engine.sh).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
image=${HELLO_IMAGE:-hello-nostd}
profile=${HELLO_SECCOMP_PROFILE:-seccomp/hello-nostd.json}

engine=$("$root/scripts/engine.sh")
# The docker CLI sends the profile's text; Podman 4.3's Docker-compatible API takes that text for
# a file name ("opening seccomp profile failed: open {...}: file name too long"). When the docker
# CLI is talking to Podman, ask Podman directly.
if [[ "$engine" == docker && -z "${CONTAINER_ENGINE:-}" ]] &&
  docker version --format '{{range .Server.Components}}{{.Name}};{{end}}' 2>/dev/null | grep -q 'Podman Engine'; then
  if command -v podman >/dev/null 2>&1; then
    echo "note: the docker CLI talks to Podman, whose Docker-compatible API cannot take a seccomp profile; using podman" >&2
    engine=podman
  else
    echo "error: the docker CLI talks to Podman's Docker-compatible API, which cannot take a seccomp profile (Podman 4.3), and podman is not on PATH" >&2
    exit 1
  fi
fi

CONTAINER_ENGINE=$engine "$root/scripts/image.sh"
cmd=("$engine" run --rm --read-only --cap-drop ALL --network none
  --security-opt no-new-privileges --security-opt "seccomp=$profile"
  --user 65534:65534 "$image")
echo "+ ${cmd[*]}" >&2
exec "${cmd[@]}"
