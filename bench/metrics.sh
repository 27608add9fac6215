#!/bin/sh
# AP + ROC-AUC on 10M scores: fraudkit (bench/metrics_bench) against scikit-learn's
# average_precision_score + roc_auc_score, on the same data in the same run.
#
#   bench/metrics.sh [BUILD_DIR] [ROWS]      (defaults: build, 10000000)
#
# Generates ROWS labels (1% positive) and scores with ties (rounded to 1e-6) into one binary
# file, times both sides on it excluding file I/O (best of 3 each), checks that the values
# agree to 1e-9 and prints the ratio sklearn_seconds / fraudkit_seconds.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
BUILD=${1:-"$HERE/../build"}
ROWS=${2:-10000000}
PY=/usr/bin/python3
BENCH="$BUILD/bench/metrics_bench"
if [ ! -x "$BENCH" ]; then
  cmake --build "$BUILD" -j2 --target metrics_bench
fi

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT INT TERM
DATA="$TMP/scores.bin"

# Format read by metrics_bench: uint64 n, n uint8 labels, n float64 scores (little-endian).
"$PY" - "$DATA" "$ROWS" <<'PYEOF'
import sys
import numpy as np
path, n = sys.argv[1], int(sys.argv[2])
rng = np.random.default_rng(12345)
y = (rng.random(n) < 0.01).astype(np.uint8)
# A score with some signal, as a probability, rounded to 1e-6 so that many rows tie.
z = rng.standard_normal(n) + 1.5 * y
s = np.round(1.0 / (1.0 + np.exp(-z)), 6)
with open(path, "wb") as f:
    f.write(np.uint64(n).tobytes())
    f.write(y.tobytes())
    f.write(s.astype("<f8").tobytes())
PYEOF

FK=$("$BENCH" --data "$DATA" --repeats 3)

SK=$("$PY" - "$DATA" <<'PYEOF'
import json, sys, time
import numpy as np
from sklearn.metrics import average_precision_score, roc_auc_score
path = sys.argv[1]
with open(path, "rb") as f:
    n = int(np.frombuffer(f.read(8), dtype="<u8")[0])
    y = np.frombuffer(f.read(n), dtype=np.uint8).astype(np.int64)
    s = np.frombuffer(f.read(8 * n), dtype="<f8").copy()
best = float("inf")
for _ in range(3):
    t0 = time.perf_counter()
    ap = average_precision_score(y, s)
    auc = roc_auc_score(y, s)
    best = min(best, time.perf_counter() - t0)
print(json.dumps({"n": n, "seconds": best, "average_precision": float(ap), "roc_auc": float(auc)}))
PYEOF
)

"$PY" - "$FK" "$SK" <<'PYEOF'
import json, sys
fk, sk = json.loads(sys.argv[1]), json.loads(sys.argv[2])
print(f"rows: {fk['n']:,}  (1% positive, scores rounded to 1e-6)")
print(f"fraudkit AP+ROC-AUC: {fk['seconds']:.3f} s  ({fk['threads']} threads; "
      f"{fk['seconds_one_thread']:.3f} s on 1 thread)")
print(f"  key sort alone: radix {fk['sort_keys_radix_seconds']:.3f} s vs std::sort "
      f"{fk['sort_keys_std_sort_seconds']:.3f} s")
print(f"sklearn  AP+ROC-AUC: {sk['seconds']:.3f} s")
print(f"average_precision: fraudkit {fk['average_precision']!r}  sklearn {sk['average_precision']!r}")
print(f"roc_auc:           fraudkit {fk['roc_auc']!r}  sklearn {sk['roc_auc']!r}")
agree = (abs(fk["average_precision"] - sk["average_precision"]) <= 1e-9
         and abs(fk["roc_auc"] - sk["roc_auc"]) <= 1e-9)
print(f"values agree to 1e-9: {'yes' if agree else 'NO'}")
print(f"speed-up (sklearn / fraudkit): {sk['seconds'] / fk['seconds']:.1f}x")
sys.exit(0 if agree else 1)
PYEOF
