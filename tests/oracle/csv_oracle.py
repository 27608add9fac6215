#!/usr/bin/python3
"""Independent oracle for the CSV reader: pandas.read_csv (exact strtod parsing).

Usage: csv_oracle.py FILE.csv [FILE.csv ...] --target NAME
Prints one JSON object per file name: rows, column names, positives, and per feature column
  sum       float sum (for a tolerance check),
  checksum  sum over rows of (row + 1) * bit pattern of the float64 value, mod 2**64 (exact
            and order-sensitive, so any single differing bit or misplaced row changes it),
  sample    the values at a few fixed rows, as floats (JSON round-trips float64 exactly).
"""
import argparse
import json

import numpy as np
import pandas as pd


def describe(path, target):
    df = pd.read_csv(path, float_precision="round_trip")
    y = df[target]
    features = df.drop(columns=[target])
    n = len(df)
    sample_rows = sorted({0, n // 3, n // 2, n - 1})
    weights = np.arange(1, n + 1, dtype=np.uint64)
    columns = {}
    for name in features.columns:
        values = features[name].to_numpy(dtype=np.float64)
        bits = values.view(np.uint64)
        with np.errstate(over="ignore"):
            checksum = int(np.sum(bits * weights, dtype=np.uint64))
        columns[name] = {
            "sum": float(values.sum()),
            "checksum": checksum,
            "sample": [float(values[r]) for r in sample_rows],
        }
    return {
        "rows": n,
        "names": list(features.columns),
        "positives": int((y == 1).sum()),
        "sample_rows": sample_rows,
        "columns": columns,
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("files", nargs="+")
    ap.add_argument("--target", required=True)
    a = ap.parse_args()
    print(json.dumps({f: describe(f, a.target) for f in a.files}))


if __name__ == "__main__":
    main()
