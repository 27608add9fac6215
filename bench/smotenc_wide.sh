#!/bin/sh
# SMOTENC on wide mixed data: time and peak memory of fraudkit and imbalanced-learn 0.10 on the
# same generated file in the same run. imbalanced-learn one-hot encodes the categorical columns
# and votes categories through a dense (new rows x k x categories) array, so its memory grows
# with rows x categories; fraudkit's must stay proportional to the data.
#
# Usage: bench/smotenc_wide.sh [BUILD_DIR]   ROWS=200000 PEER_TIMEOUT=600 PEER_MEM_GB=16
# Data: ROWS rows, 5% positives, 20 numeric columns (normal, class-shifted) and 10 categorical
# columns with 1000, 500, 200, 100, 50, 20, 10, 5, 3, 2 levels (generated with numpy, seed 0).
# Both: SMOTENC(k_neighbors=5, sampling_strategy="auto", random_state=0) on all rows; times
# exclude CSV parsing. Peak memory: fraudkit's is the sampler's rise over what the process held
# before resampling (resample_bench's peak+); the peer's is the max resident size of the
# whole Python process (/usr/bin/time) minus that of the same process stopped just before
# fit_resample, so both count the resampling only.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-${BUILD_DIR:-$here/../build}}
rows=${ROWS:-200000}
peer_timeout=${PEER_TIMEOUT:-600}
peer_mem_gb=${PEER_MEM_GB:-16}
bench_bin=$build/bench/resample_bench
[ -x "$bench_bin" ] || { echo "missing $bench_bin: build the resample_bench target" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

/usr/bin/python3 - "$rows" "$tmp/wide.csv" <<'PY'
import sys
import numpy as np, pandas as pd
n, out = int(sys.argv[1]), sys.argv[2]
rng = np.random.default_rng(0)
y = (rng.random(n) < 0.05).astype(int)
cols = {}
for j in range(20):
    cols[f"x{j}"] = rng.normal(size=n) + 0.5 * y * (j % 3)
for j, levels in enumerate([1000, 500, 200, 100, 50, 20, 10, 5, 3, 2]):
    codes = rng.integers(0, levels, size=n)
    cols[f"c{j}"] = np.char.add("v", codes.astype(str))
df = pd.DataFrame(cols)
df["label"] = y
df.to_csv(out, index=False)
PY
echo "data: $rows rows x (20 numeric + 10 categorical, 1000..2 levels), $(du -m "$tmp/wide.csv" | cut -f1) MB CSV; load: $(cut -d' ' -f1-3 /proc/loadavg)"

ours=$("$bench_bin" smotenc "$tmp/wide.csv" label -1 1)
echo "fraudkit: $ours"

peer_py='
import sys, time, resource
import numpy as np, pandas as pd
from imblearn.over_sampling import SMOTENC
df = pd.read_csv(sys.argv[1], float_precision="round_trip")
y = df.pop("label").to_numpy()
cat = [i for i, c in enumerate(df.columns) if c.startswith("c")]
X = df.to_numpy(dtype=object)
for i in range(X.shape[1]):
    if i not in cat: X[:, i] = X[:, i].astype(float)
if sys.argv[2] == "load-only":
    print("load_only_maxrss_kb", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss); sys.exit(0)
t0 = time.perf_counter()
Xr, yr = SMOTENC(categorical_features=cat, k_neighbors=5, random_state=0).fit_resample(X, y)
print("seconds", time.perf_counter() - t0, "rows_out", len(yr), "maxrss_kb", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
'
base=$(/usr/bin/python3 -c "$peer_py" "$tmp/wide.csv" load-only | awk '{print $2}')
# The peer's last line: its result ("seconds ...") or the error that stopped it.
peer=$( (ulimit -v $((peer_mem_gb * 1024 * 1024)); timeout "$peer_timeout" /usr/bin/python3 -c "$peer_py" "$tmp/wide.csv" run) 2>&1 | tail -1) || true
case $peer in
  seconds*)
    echo "imblearn: $peer (process before fit_resample: $((base / 1024)) MB)"
    echo "$ours" | /usr/bin/python3 -c "
import json, sys
o = json.load(sys.stdin); p = '''$peer'''.split()
ps, pm = float(p[1]), (int(p[5]) - $base) / 1024
print(f'ratio: time {ps / o[\"seconds\"]:.1f}x; resampling memory fraudkit {o[\"peak_extra_mb\"]:.0f} MB (input {o[\"input_mb\"]:.0f} MB, output {o[\"output_mb\"]:.0f} MB) vs imblearn {pm:.0f} MB')" ;;
  *)
    echo "imblearn: failed or stopped (timeout ${peer_timeout}s, address-space limit ${peer_mem_gb} GB): ${peer:-no output}" ;;
esac
