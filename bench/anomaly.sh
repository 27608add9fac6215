#!/bin/sh
# Anomaly detectors on every shared dataset: fraudkit's isolation forest, local outlier factor
# and autoencoder (bench/anomaly_bench.cc, default parameters, 2 threads) beside scikit-learn
# 1.2's IsolationForest(100 trees, seed 0). Test AP and ROC-AUC (rows with index % 10 < 7
# train, the rest test) and fit + score seconds. A quality report more than a race: it is how
# docs/models.md's table of detectors was made.
#
# Usage: bench/anomaly.sh [BUILD_DIR]    DATASETS="annthyroid cardio ..." to choose
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-${BUILD_DIR:-$here/../build}}
shared=$here/../../shared
datasets=${DATASETS:-"annthyroid campaign cardio cover http mammography satimage-2 shuttle smtp thyroid"}
bin=$build/bench/anomaly_bench
[ -x "$bin" ] || { echo "missing $bin: build the anomaly_bench target" >&2; exit 2; }

printf "%-11s | %-22s | %-22s | %-22s | %-22s\n" dataset "iforest AP/AUC (s)" "sklearn iforest AP/AUC" \
  "LOF AP/AUC (s)" "autoencoder AP/AUC (s)"
for d in $datasets; do
  file=$shared/datasets/$d.csv
  ours=$(OMP_NUM_THREADS=2 "$bin" "$file" label)
  peer=$(/usr/bin/python3 "$here/../tests/oracle/forest_oracle.py" "$file" --target label --model iforest)
  /usr/bin/python3 - "$d" "$ours" "$peer" <<'PY'
import json, sys
d, ours, peer = sys.argv[1], json.loads(sys.argv[2]), json.loads(sys.argv[3])
cell = lambda m: "%.4f / %.4f (%.2f)" % (ours[m]["ap"], ours[m]["roc_auc"], ours[m]["seconds"])
print("%-11s | %-22s | %-22s | %-22s | %-22s" % (d, cell("isolation_forest"), "%.4f / %.4f" % (peer["ap"], peer["roc_auc"]),
      cell("local_outlier_factor"), cell("autoencoder")))
PY
done
