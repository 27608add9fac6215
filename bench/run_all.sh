#!/bin/sh
# Runs every side-by-side benchmark (fraudkit vs the Python peer, same data, same run) and
# prints each one's output, ratios included. Builds the Release tree first.
#   bench/run_all.sh [BUILD_DIR]     (default build/)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../build}
bash "$here/../scripts/build.sh" "$build"
for b in csv_parse metrics logreg_fit knn resample smotenc_wide models anomaly; do
  echo "================ $b"
  sh "$here/$b.sh" "$build"
done
