#!/bin/sh
# Exact k-nearest-neighbour speed: fraudkit's engine against scikit-learn's
# NearestNeighbors(n_neighbors=k).fit(X).kneighbors(X) (algorithm "auto", a k-d tree for these
# shapes) on the same raw features in one run, for k = 2 and 4 (what TomekLinks, ENN and
# NearMiss ask for).
#
# Usage: bench/knn.sh [BUILD_DIR]   (or BUILD_DIR=...; default build/)
#   REPEATS=3 to change the number of timed runs; ROWS=1000000 adds a generated set of that many
#   rows (make_transactions.py --one-hot, 10 features; sklearn takes about half a minute per k on
#   1M rows, so it is off unless ROWS is set).
# Data: the shared cover.csv (286k x 10) and http.csv (567k x 3, 222k distinct rows).
# Each time is the best of REPEATS runs of fit + query of every row, no CSV parsing. fraudkit
# runs with its default OpenMP threads and with one thread; sklearn's kneighbors runs as
# configured by default (n_jobs=None: one thread). Parity: the two tools' distance matrices
# (k per row, nearest first) are compared; sklearn orders ties differently, so indices are not.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-${BUILD_DIR:-$here/../build}}
repeats=${REPEATS:-3}
shared=$here/../../shared
bench_bin=$build/bench/knn_bench
[ -x "$bench_bin" ] || { echo "missing $bench_bin: build the knn_bench target" >&2; exit 2; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

run() {  # FILE TARGET
  file=$1 target=$2
  echo "== $(basename "$file")"
  for k in 2 4; do
    line=$("$bench_bin" "$file" "$target" auto "$k" "$repeats" 0 self "$tmp/d.f64")
    line_1t=$("$bench_bin" "$file" "$target" auto "$k" "$repeats" 1 self)
    echo "$line"
    ours=$(echo "$line" | sed -n 's/.*: \([0-9.]*\) s$/\1/p')
    ours_1t=$(echo "$line_1t" | sed -n 's/.*: \([0-9.]*\) s$/\1/p')
    /usr/bin/python3 - "$file" "$target" "$k" "$repeats" "$tmp/d.f64" "$ours" "$ours_1t" <<'PY'
import sys, time
import numpy as np
import pandas as pd
from sklearn.neighbors import NearestNeighbors

path, target, k, repeats, dist_path = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
ours, ours_1t = float(sys.argv[6]), float(sys.argv[7])
X = pd.read_csv(path, float_precision="round_trip").drop(columns=target).to_numpy(dtype=np.float64)
best = float("inf")
for _ in range(repeats):
    t0 = time.perf_counter()
    nn = NearestNeighbors(n_neighbors=k).fit(X)
    d, _ = nn.kneighbors(X)
    best = min(best, time.perf_counter() - t0)
mine = np.fromfile(dist_path, dtype="<f8").reshape(d.shape)
diff = float(np.max(np.abs(mine - d) / (1 + d)))
print(f"sklearn NearestNeighbors({nn._fit_method}) k={k}: best of {repeats}: {best:.4f} s; "
      f"max relative distance difference {diff:.1e} ({'same' if diff < 1e-9 else 'DIFFERENT'})")
print(f"ratio k={k}: fraudkit is {best / ours:.1f}x faster (default threads), {best / ours_1t:.1f}x with one thread "
      f"({ours_1t:.4f} s)")
PY
  done
}

echo "threads: OMP_NUM_THREADS=${OMP_NUM_THREADS:-unset}, cores: $(nproc), load: $(cut -d' ' -f1-3 /proc/loadavg)"
run "$shared/datasets/cover.csv" label
run "$shared/datasets/http.csv" label
if [ -n "${ROWS:-}" ]; then
  generated=$tmp/transactions_${ROWS}.csv
  /usr/bin/python3 "$shared/anchors/make_transactions.py" --rows "$ROWS" --fraud-rate 0.02 \
    --seed 42 --one-hot --out "$generated"
  run "$generated" is_fraud
fi
