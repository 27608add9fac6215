#!/usr/bin/env bash
# Configures and builds one build directory. usage: build.sh [BUILD_DIR] [extra cmake args...]
# Default: build/ in Release with warnings as errors.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dir="${1:-$root/build}"
shift || true
cmake -S "$root" -B "$dir" -DCMAKE_BUILD_TYPE=Release -DFRAUDKIT_WERROR=ON "$@" >/dev/null
cmake --build "$dir" -j"$(nproc)"
