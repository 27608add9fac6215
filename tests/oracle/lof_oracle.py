#!/usr/bin/python3
"""scikit-learn 1.2 oracle for fraudkit's local outlier factor (novelty mode).

Usage: lof_oracle.py FILE.csv --target NAME [--n-neighbors K]

Rows whose index r has r % 10 < 7 train, the others test. Fits
LocalOutlierFactor(n_neighbors=K, novelty=True) on the training rows (no labels) and prints
JSON: "lof", the test rows' local outlier factors (-score_samples), and "roc_auc", scikit-learn's
roc_auc_score of those against the labels. Run with Debian's /usr/bin/python3.
"""
import argparse
import json

import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score
from sklearn.neighbors import LocalOutlierFactor


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("file")
    ap.add_argument("--target", required=True)
    ap.add_argument("--n-neighbors", type=int, default=20)
    a = ap.parse_args()
    df = pd.read_csv(a.file, float_precision="round_trip")
    y = df.pop(a.target).to_numpy().astype(np.int64)
    X = df.to_numpy(dtype=np.float64)
    train = np.arange(len(y)) % 10 < 7
    m = LocalOutlierFactor(n_neighbors=a.n_neighbors, novelty=True).fit(X[train])
    lof = -m.score_samples(X[~train])
    print(json.dumps({"lof": [float(v) for v in lof], "roc_auc": float(roc_auc_score(y[~train], lof))}))


if __name__ == "__main__":
    main()
