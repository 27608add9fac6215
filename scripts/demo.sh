#!/usr/bin/env bash
# README command 1: install dependencies, build, and run the main job (`fraudkit demo`) on the
# embedded default data (50,000 generated transactions, 2% fraud). Extra args go to the demo.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bash "$root/scripts/setup.sh"
bash "$root/scripts/build.sh" "$root/build" -DFRAUDKIT_BUILD_TESTS=OFF -DFRAUDKIT_BUILD_BENCH=OFF
"$root/build/fraudkit" demo "$@"
