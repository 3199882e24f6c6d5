#!/usr/bin/env bash
# Builds the image and runs it locked down, printing the exact command first (on stderr, so that
# stdout is the program's): `ENGINE run --rm FLAGS hello-nostd` with the FLAGS of
# seccomp/run-locked.args (read-only, no capabilities, no network, no new privileges, the user
# nobody, the seccomp profile seccomp/hello-nostd.json).
# HELLO_IMAGE names the image (default hello-nostd); HELLO_SECCOMP_PROFILE replaces the profile
# (the system tests' control runs); CONTAINER_ENGINE=docker|podman forces an engine (engine.sh).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
image=${HELLO_IMAGE:-hello-nostd}
# The arguments, one a line; # starts a comment line.
flags=()
while IFS= read -r arg; do
  [[ -z "$arg" || "$arg" == \#* ]] && continue
  if [[ "$arg" == seccomp=* && -n "${HELLO_SECCOMP_PROFILE:-}" ]]; then
    arg=seccomp=$HELLO_SECCOMP_PROFILE
  fi
  flags+=("$arg")
done <seccomp/run-locked.args

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
cmd=("$engine" run --rm "${flags[@]}" "$image")
echo "+ ${cmd[*]}" >&2
exec "${cmd[@]}"
