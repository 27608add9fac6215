#!/usr/bin/env bash
# README command 2: install dependencies, build, and pass every test: first the Release build
# (warnings as errors), then the same suite under AddressSanitizer + UndefinedBehaviorSanitizer.
# The oracle tests call Debian's scikit-learn stack through ../shared/anchors and tests/oracle.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bash "$root/scripts/setup.sh"

echo "== Release build, warnings as errors"
bash "$root/scripts/build.sh" "$root/build"
(cd "$root/build" && ctest --output-on-failure -j2)

echo "== AddressSanitizer + UndefinedBehaviorSanitizer build"
bash "$root/scripts/build.sh" "$root/build-asan" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DFRAUDKIT_SANITIZE=ON -DFRAUDKIT_BUILD_BENCH=OFF
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
(cd "$root/build-asan" && ctest --output-on-failure -j2)
