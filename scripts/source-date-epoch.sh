#!/usr/bin/env bash
# Prints the timestamp (seconds since the epoch) that the image builds write as the image's
# creation time and as every file's time, so that building the same binary again, here or on
# another machine, gives the same image digest: $SOURCE_DATE_EPOCH when set (the
# reproducible-builds.org convention), else the commit time of the checkout's HEAD, else 0.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
if [[ -n "${SOURCE_DATE_EPOCH:-}" ]]; then
  echo "$SOURCE_DATE_EPOCH"
elif epoch=$(git -C "$root" log -1 --format=%ct 2>/dev/null) && [[ -n "$epoch" ]]; then
  echo "$epoch"
else
  echo 0
fi
