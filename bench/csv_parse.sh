#!/bin/sh
# CSV parsing speed: fraudkit's read_csv against pandas.read_csv on the same files, in one run.
#
# Usage: bench/csv_parse.sh [BUILD_DIR]   (or BUILD_DIR=... ; default build/)
#   ROWS=1000000 REPEATS=3 to change the generated file's size or the number of timed runs.
# Files: a generated 1M-row numeric transactions file (make_transactions.py --one-hot) and the
# shared cover.csv. Each tool's time is the best of REPEATS; MB/s counts file bytes.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-${BUILD_DIR:-$here/../build}}
rows=${ROWS:-1000000}
repeats=${REPEATS:-3}
shared=$here/../../shared
bench_bin=$build/bench/csv_parse_bench
[ -x "$bench_bin" ] || { echo "missing $bench_bin: build the csv_parse_bench target" >&2; exit 2; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
generated=$tmp/transactions_${rows}.csv
/usr/bin/python3 "$shared/anchors/make_transactions.py" --rows "$rows" --fraud-rate 0.02 \
  --seed 42 --one-hot --out "$generated"

pandas_time() {  # FILE REPEATS PRECISION -> best seconds
  /usr/bin/python3 - "$1" "$2" "$3" <<'PY'
import sys, time
import pandas as pd
path, repeats, precision = sys.argv[1], int(sys.argv[2]), sys.argv[3]
kw = {} if precision == "default" else {"float_precision": precision}
best = min((lambda t0: (pd.read_csv(path, **kw), time.perf_counter() - t0)[1])(time.perf_counter())
           for _ in range(repeats))
print(f"{best:.4f}")
PY
}

run() {  # FILE TARGET
  file=$1 target=$2
  mb=$(/usr/bin/python3 -c "import os,sys; print(os.path.getsize(sys.argv[1]) / 1e6)" "$file")
  echo "== $(basename "$file") ($mb MB)"
  line=$("$bench_bin" "$file" "$target" "$repeats")
  echo "$line"
  # One thread too: on a loaded machine a second thread can cost more than it brings.
  echo "  with OMP_NUM_THREADS=1: $(OMP_NUM_THREADS=1 "$bench_bin" "$file" "$target" "$repeats" | sed 's/.*: //')"
  ours=$(echo "$line" | sed -n 's/.*: \([0-9.]*\) s,.*/\1/p')
  for precision in round_trip default; do
    theirs=$(pandas_time "$file" "$repeats" "$precision")
    /usr/bin/python3 -c "
import sys
mb, ours, theirs, p = float(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
print(f'pandas read_csv ({p}): {theirs:.3f} s, {mb / theirs:.1f} MB/s   fraudkit is {theirs / ours:.1f}x faster')
" "$mb" "$ours" "$theirs" "$precision"
  done
}

echo "threads: OMP_NUM_THREADS=${OMP_NUM_THREADS:-unset}, cores: $(nproc)"
run "$generated" is_fraud
run "$shared/datasets/cover.csv" label
