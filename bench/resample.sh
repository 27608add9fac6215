#!/bin/sh
# Resampling speed and memory: every fraudkit sampler against imbalanced-learn 0.10 on the same
# data in the same run, ratio printed.
#
# Usage: bench/resample.sh [BUILD_DIR]     (or BUILD_DIR=...; default build/)
#   DATASETS="cover http tx_1m" METHODS="smote tomek ..." REPEATS=3 PEER_TIMEOUT=300
# Data: the shared cover.csv (286k x 10) and http.csv (567k x 3, mostly duplicate rows) and a
# generated 1M-row set (make_transactions.py --rows 1000000 --fraud-rate 0.02 --seed 42
# --one-hot: 10 numeric columns), as in ../shared/anchors/RESULTS.md.
# Both sides: default parameters (k_neighbors 5, n_neighbors 3, sampling_strategy auto),
# seed 0, fit_resample on all rows; times exclude CSV parsing. fraudkit's time is the best of
# REPEATS runs and includes building the full output matrix; the peer's is one run of
# `peer.py resample` (imblearn's fit_resample, whose output is already the full matrix) for
# the methods peer.py knows, and the same call written inline for borderline2, nearmiss2/3.
# "floor" is the time to write an output of the same size by copying input rows; "peak+" is
# fraudkit's peak resident memory above what it held before resampling (input included in the
# baseline), printed beside input and output sizes; mem_ok says whether in + peak+ <= 2 x (in + out).
# A peer run longer than PEER_TIMEOUT seconds is stopped and printed as a lower bound.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-${BUILD_DIR:-$here/../build}}
repeats=${REPEATS:-3}
peer_timeout=${PEER_TIMEOUT:-300}
datasets=${DATASETS:-"cover http tx_1m"}
methods=${METHODS:-"ros smote borderline1 borderline2 adasyn rus tomek enn nearmiss1 nearmiss2 nearmiss3 smoteenn smotetomek"}
shared=$here/../../shared
bench_bin=$build/bench/resample_bench
[ -x "$bench_bin" ] || { echo "missing $bench_bin: build the resample_bench target" >&2; exit 2; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

. "$here/datasets.sh"  # path_of, target_of

peer() {  # METHOD FILE TARGET -> prints seconds rows_out, or "timeout"
  case $1 in
    borderline2|nearmiss2|nearmiss3)
      timeout "$peer_timeout" /usr/bin/python3 - "$1" "$2" "$3" <<'PY' || echo timeout
import sys, time, warnings
warnings.simplefilter("ignore")  # NearMiss-3 warns when its pre-selection is short; the row count shows it
import numpy as np, pandas as pd
from imblearn.over_sampling import BorderlineSMOTE
from imblearn.under_sampling import NearMiss
method, path, target = sys.argv[1:4]
df = pd.read_csv(path, float_precision="round_trip")
y = df.pop(target).to_numpy().astype(np.int64)
X = df.to_numpy(dtype=np.float64)
s = {"borderline2": lambda: BorderlineSMOTE(kind="borderline-2", random_state=0),
     "nearmiss2": lambda: NearMiss(version=2), "nearmiss3": lambda: NearMiss(version=3)}[method]()
t0 = time.perf_counter()
Xr, yr = s.fit_resample(X, y)
print(time.perf_counter() - t0, len(yr))
PY
      ;;
    *)
      timeout "$peer_timeout" /usr/bin/python3 "$shared/anchors/peer.py" resample --method "$1" --data "$2" \
        --target "$3" --seed 0 2>/dev/null |
        /usr/bin/python3 -c 'import json,sys; r=json.load(sys.stdin); print(r["seconds"], r["rows_out"])' 2>/dev/null ||
        echo timeout ;;
  esac
}

echo "cores: $(nproc), load: $(cut -d' ' -f1-3 /proc/loadavg), OMP_NUM_THREADS=${OMP_NUM_THREADS:-unset}"
printf '%-12s %-7s %10s %10s %9s %10s %10s %9s %8s %8s %8s %6s\n' method data fraudkit_s imblearn_s ratio rows_ours rows_peer floor_s in_MB out_MB peak+MB mem_ok
for d in $datasets; do
  file=$(path_of "$d")
  target=$(target_of "$d")
  for m in $methods; do
    ours=$("$bench_bin" "$m" "$file" "$target" -1 "$repeats") || { echo "$m $d: fraudkit failed"; continue; }
    set -- $(echo "$ours" | /usr/bin/python3 -c 'import json,sys; r=json.load(sys.stdin); print(r["seconds"], r["rows_out"], r["copy_floor_seconds"], round(r["input_mb"],1), round(r["output_mb"],1), round(r["peak_extra_mb"],1))')
    o_s=$1 o_rows=$2 floor=$3 in_mb=$4 out_mb=$5 peak=$6
    p=$(peer "$m" "$file" "$target")
    if [ "$p" = timeout ]; then
      p_s=">$peer_timeout"; p_rows="-"
      ratio=">$(/usr/bin/python3 -c "print(f'{$peer_timeout/$o_s:.0f}x')")"
    else
      set -- $p
      p_s=$(printf '%.3f' "$1"); p_rows=$2
      ratio=$(/usr/bin/python3 -c "print(f'{$1/$o_s:.1f}x')")
    fi
    mem_ok=$(/usr/bin/python3 -c "print('yes' if $in_mb + $peak <= 2 * ($in_mb + $out_mb) else 'no')")
    printf '%-12s %-7s %10.4f %10s %9s %10s %10s %9.4f %8s %8s %8s %6s\n' "$m" "$d" "$o_s" "$p_s" "$ratio" "$o_rows" "$p_rows" "$floor" "$in_mb" "$out_mb" "$peak" "$mem_ok"
  done
done
