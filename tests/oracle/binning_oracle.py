#!/usr/bin/python3
"""scikit-learn oracle for fraudkit's feature binning (histogram trees).

Usage: binning_oracle.py FILE.csv --target NAME --max-bins B [--missing-every K]

Reads FILE.csv with pandas (round-trip floats), drops the target, optionally sets every K-th
value of each column to NaN (value r of column c when (r + c) % K == 0), then runs
scikit-learn 1.2's _BinMapper(n_bins=B + 1, subsample=None). Prints one JSON object:
  thresholds  per column, the bin thresholds (_BinMapper.bin_thresholds_), as floats;
  counts      per column, how many rows fell in each bin 0..B (B = the missing bin);
  checksum    per column, sum over rows of (row + 1) * (bin + 1), mod 2**64.
Run with Debian's /usr/bin/python3 (python3-sklearn).
"""
import argparse
import json

import numpy as np
import pandas as pd
from sklearn.ensemble._hist_gradient_boosting.binning import _BinMapper


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("file")
    ap.add_argument("--target", required=True)
    ap.add_argument("--max-bins", type=int, required=True)
    ap.add_argument("--missing-every", type=int, default=0)
    a = ap.parse_args()
    X = pd.read_csv(a.file, float_precision="round_trip").drop(columns=[a.target]).to_numpy(dtype=np.float64)
    if a.missing_every > 0:
        rows = np.arange(X.shape[0])
        for c in range(X.shape[1]):
            X[(rows + c) % a.missing_every == 0, c] = np.nan
    mapper = _BinMapper(n_bins=a.max_bins + 1, subsample=None)
    binned = mapper.fit_transform(X)
    weights = np.arange(1, X.shape[0] + 1, dtype=np.uint64)
    out = {"thresholds": [], "counts": [], "checksum": []}
    for c in range(X.shape[1]):
        out["thresholds"].append([float(t) for t in mapper.bin_thresholds_[c]])
        column = binned[:, c].astype(np.int64)
        out["counts"].append(np.bincount(column, minlength=a.max_bins + 1).tolist())
        with np.errstate(over="ignore"):
            out["checksum"].append(int(np.sum(weights * (column + 1).astype(np.uint64), dtype=np.uint64)))
    print(json.dumps(out))


if __name__ == "__main__":
    main()
