#!/bin/sh
# Logistic regression fit speed: fraudkit's Newton solver against scikit-learn's default lbfgs,
# on the same standardised data in one run, at equal training-set average precision.
#
# Usage: bench/logreg_fit.sh [BUILD_DIR]   (or BUILD_DIR=...; default build/)
#   ROWS=1000000 REPEATS=3 to change the generated set's size or the number of timed fits.
# Data: the shared cover.csv (286k x 10) and a generated 1M-row transaction set
# (make_transactions.py --rows ROWS --fraud-rate 0.02 --seed 42 --one-hot, 10 features).
# Both tools standardise every column (mean, population std), fit on all rows with default
# parameters (sklearn: LogisticRegression(max_iter=1000), C=1, lbfgs) and score the same rows;
# each time is the best of REPEATS fits and covers the fit only (no CSV parsing, no scaling).
# Both APs are computed by sklearn.metrics.average_precision_score on the two score vectors.
# fraudkit runs with its default OpenMP threads and, for reference, with one thread; sklearn's
# lbfgs runs as configured by Debian's numpy/scipy (one thread for this problem size).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-${BUILD_DIR:-$here/../build}}
rows=${ROWS:-1000000}
repeats=${REPEATS:-3}
shared=$here/../../shared
bench_bin=$build/bench/logreg_fit_bench
[ -x "$bench_bin" ] || { echo "missing $bench_bin: build the logreg_fit_bench target" >&2; exit 2; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
generated=$tmp/transactions_${rows}.csv
/usr/bin/python3 "$shared/anchors/make_transactions.py" --rows "$rows" --fraud-rate 0.02 \
  --seed 42 --one-hot --out "$generated"

run() {  # FILE TARGET
  file=$1 target=$2
  echo "== $(basename "$file")"
  line=$("$bench_bin" "$file" "$target" "$repeats" "$tmp/scores.f64")
  echo "$line"
  ours=$(echo "$line" | sed -n 's/.*best of [0-9]*: \([0-9.]*\) s (.*/\1/p')
  ours_1t=$(echo "$line" | sed -n 's/.*threads), \([0-9.]*\) s (1 thread).*/\1/p')
  /usr/bin/python3 - "$file" "$target" "$repeats" "$tmp/scores.f64" "$ours" "$ours_1t" <<'PY'
import sys, time, warnings
import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score
from sklearn.preprocessing import StandardScaler

path, target, repeats, scores_path = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
ours, ours_1t = float(sys.argv[5]), float(sys.argv[6])
df = pd.read_csv(path, float_precision="round_trip")
y = df.pop(target).to_numpy()
X = StandardScaler().fit_transform(df.to_numpy(dtype=np.float64))
best = float("inf")
for _ in range(repeats):
    model = LogisticRegression(max_iter=1000)
    t0 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(X, y)
    best = min(best, time.perf_counter() - t0)
ap_sklearn = average_precision_score(y, model.predict_proba(X)[:, 1])
ap_ours = average_precision_score(y, np.fromfile(scores_path, dtype="<f8"))
same = "yes" if abs(ap_ours - ap_sklearn) <= 0.001 else "NO"
print(f"sklearn lbfgs fit: best of {repeats}: {best:.4f} s ({model.n_iter_[0]} iterations); training AP {ap_sklearn:.6f}")
print(f"AP (sklearn's function on both): fraudkit {ap_ours:.6f}, sklearn {ap_sklearn:.6f}, "
      f"|diff| {abs(ap_ours - ap_sklearn):.2e}, equal within 0.001: {same}")
print(f"ratio: fraudkit is {best / ours:.1f}x faster (default threads), {best / ours_1t:.1f}x with one thread")
PY
}

echo "threads: OMP_NUM_THREADS=${OMP_NUM_THREADS:-unset}, cores: $(nproc), load: $(cut -d' ' -f1-3 /proc/loadavg)"
run "$shared/datasets/cover.csv" label
run "$generated" is_fraud
